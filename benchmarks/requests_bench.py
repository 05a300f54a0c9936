"""Items 1-3: per-request cost of the hook against a bare session, ``HttpHook`` and ``wystia``,
and listing 10,000 medias.

Every contender does the same job: fetch ``GET /v1/medias/<id>.json`` with the token in the
``Authorization`` header and decode the JSON (a bare session that skips ``.json()`` would not be
doing what the hook does); a listing keeps all 10,000 medias, as ``list_medias`` does.
Contenders are timed in many short interleaved repetitions whose order rotates, and compared by
the median over repetitions of their time ratio within a repetition. A *control* contender, the
bare session a second time, shows the noise floor of the run: ``control / raw`` would be 1.000
on a quiet machine, and a ratio is only as precise as that figure's distance from 1.

* ``HttpHook``: one ``HttpHook(method="GET", http_conn_id=...)``, ``.run(endpoint).json()`` per
  call, as a loop in a task would use it. (Building a new ``HttpHook`` per call would also open a
  new TCP connection per call; reusing one is the stronger baseline.)
* ``wystia``: its documented usage, ``WistiaDataApi.configure(token)`` then
  ``WistiaDataApi.get_media(id)``, which builds a new retrying ``requests.Session`` (and so a
  new TCP connection) per call and decodes into its ``Media`` model. wystia 1.2.2 raises
  ``UnknownKeysError`` on today's media JSON (the ``tags`` key) unless ``RAISE_ON_UNKNOWN_KEY=false``
  is set, which the benchmark sets (and reports).
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable
from typing import Any

from harness import (
    TOKEN,
    EmulatorProcess,
    Row,
    Timings,
    fmt_ms,
    http_conn,
    interleave,
    wistia_conn,
)

HTTP_CONN_ID = "wistia_http"
PER_REQUEST_TARGET = 1.15
ALTERNATIVE_TARGET = 1.05  # "at least as fast", with 5% for the noise of a shared 2-core machine
LIST_TOTAL = 10_000
LIST_REQUESTS = 101  # 100 full pages of 100, then the short (empty) page that ends the list


def _noise(timings: Timings) -> str:
    return f"noise floor: control/raw {timings.ratio('control', 'raw'):.3f}"


def _point_airflow_at(emu: EmulatorProcess) -> None:
    os.environ["AIRFLOW_CONN_WISTIA_DEFAULT"] = wistia_conn(emu.base_url)
    os.environ[f"AIRFLOW_CONN_{HTTP_CONN_ID.upper()}"] = http_conn(emu.base_url)


def _wystia(base_url: str) -> tuple[Callable[[str], Any] | None, str]:
    """``WistiaDataApi.get_media`` pointed at the emulator, or None and why not."""
    os.environ.setdefault("RAISE_ON_UNKNOWN_KEY", "false")
    try:
        from wystia import WistiaDataApi
    except Exception as exc:  # not installed, or broken by its dependencies
        return None, f"not installable/importable: {type(exc).__name__}: {exc}"

    WistiaDataApi.configure(TOKEN)
    WistiaDataApi._API_ENDPOINT = base_url + "/v1/"
    return WistiaDataApi.get_media, "RAISE_ON_UNKNOWN_KEY=false (else fails on 'tags')"


def per_request(emu: EmulatorProcess, n: int, repetitions: int) -> list[Row]:
    """Items 1 and 2: N single-media GETs through each client, repeated."""
    import requests
    from airflow.providers.http.hooks.http import HttpHook

    from airflow_provider_wistia.hooks.wistia import WistiaHook

    emu.reset()
    ids = emu.seed(n)
    _point_airflow_at(emu)
    base = emu.base_url

    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
    hook = WistiaHook()
    http = HttpHook(method="GET", http_conn_id=HTTP_CONN_ID)
    get_media_wystia, wystia_note = _wystia(base)

    def raw() -> None:
        for media_id in ids:
            session.get(f"{base}/v1/medias/{media_id}.json").json()

    def wistia_hook() -> None:
        for media_id in ids:
            hook.get_media(media_id)

    def http_hook() -> None:
        for media_id in ids:
            http.run(f"v1/medias/{media_id}.json").json()

    def wystia() -> None:
        assert get_media_wystia is not None
        for media_id in ids:
            get_media_wystia(media_id)

    contenders: dict[str, Callable[[], None]] = {
        "raw": raw,
        "hook": wistia_hook,
        "control": raw,
        "http": http_hook,
    }
    if get_media_wystia is not None:
        try:
            get_media_wystia(ids[0])
            contenders["wystia"] = wystia
        except Exception as exc:
            wystia_note = f"fails: {type(exc).__name__}: {str(exc).splitlines()[0]}"
    for warm_up in contenders.values():  # connections, lazy imports, first-use caches
        warm_up()
    before = emu.stats()["request_count"]
    timings = interleave(contenders, repetitions)
    sent = emu.stats()["request_count"] - before
    expected = n * repetitions * len(contenders)
    hook.close()

    us = {name: timings.median(name) / n * 1e6 for name in contenders}
    ratio = timings.ratio("hook", "raw")
    rows = [
        Row(
            "1",
            f"hook / raw requests.Session ({n} GETs x {repetitions})",
            f"{ratio:.3f}",
            f"<= {PER_REQUEST_TARGET}",
            ratio <= PER_REQUEST_TARGET,
            f"hook {us['hook']:.0f} us/req, raw {us['raw']:.0f} us/req; {_noise(timings)}",
        )
    ]
    http_ratio = timings.ratio("hook", "http")
    rows.append(
        Row(
            "2",
            "hook / HttpHook.run()",
            f"{http_ratio:.3f}",
            f"<= {ALTERNATIVE_TARGET}",
            http_ratio <= ALTERNATIVE_TARGET,
            f"HttpHook {us['http']:.0f} us/req",
        )
    )
    if "wystia" in contenders:
        wy_ratio = timings.ratio("hook", "wystia")
        rows.append(
            Row(
                "2",
                "hook / wystia WistiaDataApi.get_media",
                f"{wy_ratio:.3f}",
                f"<= {ALTERNATIVE_TARGET}",
                wy_ratio <= ALTERNATIVE_TARGET,
                f"wystia {us['wystia']:.0f} us/req (a new connection per call); {wystia_note}",
            )
        )
    else:
        rows.append(Row("2", "hook / wystia get_media", "n/a", f"<= {ALTERNATIVE_TARGET}", None, wystia_note))
    if sent != expected:
        rows.append(
            Row("1", "requests seen by the emulator", str(sent), str(expected), False, "a client lost calls")
        )
    return rows


def client_overhead(calls: int, repetitions: int) -> list[Row]:
    """Item 1, noise-free complement: client CPU per call with a null transport.

    Both the hook's session and a bare session get an adapter that answers a canned media JSON
    without any I/O, so ``time.process_time`` measures only what the client itself does
    (requests' own work included). Informational: the loopback ratio above is the verdict.
    """
    import json
    import time

    import requests
    from requests.adapters import BaseAdapter

    from airflow_provider_wistia.hooks.wistia import WistiaHook

    base = "http://127.0.0.1:9"  # never contacted
    body = json.dumps({"hashed_id": "abcdefghij", "name": "x" * 200, "assets": [{"url": "u" * 80}] * 5})

    class NullAdapter(BaseAdapter):
        def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
            response = requests.Response()
            response.status_code, response._content, response.url = 200, body.encode(), str(request.url)
            response.headers["Content-Type"] = "application/json"
            response.request = request
            return response

        def close(self) -> None:
            pass

    saved = os.environ.get("AIRFLOW_CONN_WISTIA_DEFAULT")
    os.environ["AIRFLOW_CONN_WISTIA_DEFAULT"] = wistia_conn(base)
    hook = WistiaHook()
    hook.get_conn().mount("http://", NullAdapter())
    if saved is not None:
        os.environ["AIRFLOW_CONN_WISTIA_DEFAULT"] = saved
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
    session.mount("http://", NullAdapter())

    jobs: dict[str, Callable[[], object]] = {
        "raw": lambda: session.get(f"{base}/v1/medias/abcdefghij.json").json(),
        "hook": lambda: hook.get_media("abcdefghij"),
    }
    spent: dict[str, list[float]] = {name: [] for name in jobs}

    def cpu(name: str) -> Callable[[], None]:
        def run() -> None:
            job, start = jobs[name], time.process_time()
            for _ in range(calls):
                job()
            spent[name].append((time.process_time() - start) / calls)

        return run

    interleave({name: cpu(name) for name in jobs}, repetitions)
    raw_us, hook_us = (statistics.median(spent[name]) * 1e6 for name in ("raw", "hook"))
    return [
        Row(
            "1",
            "client CPU per call, null transport: hook - raw",
            f"{hook_us - raw_us:+.0f} us",
            "",
            None,
            f"hook {hook_us:.0f} us, raw {raw_us:.0f} us ({hook_us / raw_us:.3f}); no I/O, so no noise "
            "from the server or the network",
        )
    ]


def listing(emu: EmulatorProcess, repetitions: int) -> list[Row]:
    """Item 3: ``list_medias`` over 10,000 medias, versus ``HttpHook`` and a bare session paging by hand."""
    import requests
    from airflow.providers.http.hooks.http import HttpHook

    from airflow_provider_wistia.hooks.wistia import WistiaHook

    emu.reset()
    emu.seed(LIST_TOTAL)
    _point_airflow_at(emu)
    base = emu.base_url
    hook = WistiaHook()
    http = HttpHook(method="GET", http_conn_id=HTTP_CONN_ID)
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})

    def by_hand(fetch: Callable[[int], list[Any]]) -> list[Any]:
        items: list[Any] = []
        page = 1
        while True:
            batch = fetch(page)
            items.extend(batch)
            if len(batch) < 100:
                return items
            page += 1

    def http_page(page: int) -> list[Any]:
        return http.run("v1/medias.json", data={"page": page, "per_page": 100}).json()

    def raw_page(page: int) -> list[Any]:
        return session.get(f"{base}/v1/medias.json", params={"page": page, "per_page": 100}).json()

    contenders: dict[str, Callable[[], list[Any]]] = {
        "hook": hook.list_medias,
        "raw": lambda: by_hand(raw_page),
        "http": lambda: by_hand(http_page),
        "control": lambda: by_hand(raw_page),
    }
    counts: dict[str, tuple[int, int]] = {}  # name -> (medias, requests)
    for name, job in contenders.items():  # warm-up, and the request count (not timed)
        before = emu.stats()["request_count"]
        got = len(job())
        counts[name] = (got, emu.stats()["request_count"] - before)
    timings = interleave(contenders, repetitions)
    hook.close()
    got, sent = counts["hook"]
    ratio = timings.ratio("hook", "http")
    return [
        Row(
            "3",
            f"list_medias() of {LIST_TOTAL:,}: requests made",
            str(sent),
            f"== {LIST_REQUESTS}",
            sent == LIST_REQUESTS and got == LIST_TOTAL,
            f"{got:,} medias; HttpHook by hand: {counts['http'][1]} requests",
        ),
        Row(
            "3",
            f"list_medias() / HttpHook paging by hand (x {repetitions})",
            f"{ratio:.3f}",
            f"<= {ALTERNATIVE_TARGET}",
            ratio <= ALTERNATIVE_TARGET,
            f"hook {fmt_ms(timings.median('hook'))}, HttpHook {fmt_ms(timings.median('http'))}, "
            f"raw {fmt_ms(timings.median('raw'))} (hook/raw {timings.ratio('hook', 'raw'):.3f}); "
            f"{_noise(timings)}",
        ),
    ]
