"""HTTP tests of the Wistia emulator's Data API, Stats API and oEmbed (happy paths and errors).

Every test talks to a real server on 127.0.0.1 (port 0) with ``requests`` and then checks
the emulator's stored state through its Python API.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from airflow_provider_wistia.emulator import WistiaEmulator

TOKEN = "test-token"


@pytest.fixture
def emu() -> Iterator[WistiaEmulator]:
    with WistiaEmulator(tokens=(TOKEN, "second-token"), rate_limit_per_minute=100_000) as emulator:
        yield emulator


class Api:
    """A thin client: Bearer auth, paths relative to ``/v1``."""

    def __init__(self, emulator: WistiaEmulator) -> None:
        self.base = emulator.base_url + "/v1"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {TOKEN}"

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.base + path, timeout=10, **kwargs)


@pytest.fixture
def api(emu: WistiaEmulator) -> Iterator[Api]:
    client = Api(emu)
    yield client
    client.session.close()


# -- projects ---------------------------------------------------------------------------------
def test_project_create_show_update_delete(emu: WistiaEmulator, api: Api) -> None:
    r = api(
        "POST",
        "/projects.json",
        data={
            "name": "Launch",
            "description": "d",
            "public": "1",
            "anonymousCanDownload": "true",
            "adminEmail": "boss@example.com",
        },
    )
    assert r.status_code == 201
    project = r.json()
    hid = project["hashedId"]
    assert r.headers["Location"] == f"{emu.base_url}/v1/projects/{hid}.json"
    assert len(hid) == 10 and hid.isalnum() and hid == hid.lower()
    assert project["public"] is True and project["anonymousCanDownload"] is True
    assert project["anonymousCanUpload"] is False and project["mediaCount"] == 0
    assert project["publicId"] == hid and project["created"].endswith("+00:00")
    assert set(project) == {
        "id",
        "name",
        "description",
        "mediaCount",
        "created",
        "updated",
        "hashedId",
        "anonymousCanUpload",
        "anonymousCanDownload",
        "public",
        "publicId",
    }

    media = emu.create_media("clip.mp4", project_id=hid)
    shown = api("GET", f"/projects/{hid}").json()
    assert shown["mediaCount"] == 1
    assert [m["hashed_id"] for m in shown["medias"]] == [media["hashed_id"]]
    assert "project" not in shown["medias"][0] and "assets" not in shown["medias"][0]

    r = api(
        "PUT", f"/projects/{hid}.json", data={"name": "Renamed", "public": "0", "anonymousCanUpload": "1"}
    )
    assert r.status_code == 200 and r.json()["name"] == "Renamed"
    stored = emu.get_project(hid)
    assert stored is not None
    assert stored["name"] == "Renamed" and stored["public"] is False and stored["anonymousCanUpload"] is True

    emu.create_sharing(hid, "a@example.com")
    r = api("DELETE", f"/projects/{hid}")
    assert r.status_code == 200 and r.json()["hashedId"] == hid
    assert emu.get_project(hid) is None
    assert emu.get_media(media["hashed_id"]) is None
    assert emu.list_medias() == []


def test_project_create_requires_name(emu: WistiaEmulator, api: Api) -> None:
    r = api("POST", "/projects", data={"description": "no name"})
    assert r.status_code == 400
    assert r.json() == {"error": "param is missing or the value is empty: name"}
    assert emu.list_projects() == []


def test_project_create_params_from_query_json_and_form(emu: WistiaEmulator, api: Api) -> None:
    assert api("POST", "/projects.json", params={"name": "FromQuery", "public": 1}).status_code == 201
    assert api("POST", "/projects.json", json={"name": "FromJson", "public": True}).status_code == 201
    assert api("POST", "/projects.json", data={"name": "FromForm", "public": "false"}).status_code == 201
    stored = {p["name"]: p["public"] for p in emu.list_projects()}
    assert stored == {"FromQuery": True, "FromJson": True, "FromForm": False}


def test_project_copy(emu: WistiaEmulator, api: Api) -> None:
    src = emu.create_project("Template", description="tpl")
    medias = [emu.create_media(f"m{i}.mp4", project_id=src["hashedId"]) for i in range(3)]
    emu.create_sharing(src["hashedId"], "a@example.com")
    r = api("POST", f"/projects/{src['hashedId']}/copy.json", data={"adminEmail": "x@example.com"})
    assert r.status_code == 201
    copy = r.json()
    assert r.headers["Location"] == f"{emu.base_url}/v1/projects/{copy['hashedId']}.json"
    assert copy["hashedId"] != src["hashedId"] and copy["id"] != src["id"]
    assert copy["name"] == "Template" and copy["mediaCount"] == 3
    copied = emu.list_medias(project_id=copy["hashedId"])
    assert [m["name"] for m in copied] == ["m0.mp4", "m1.mp4", "m2.mp4"]
    assert not {m["hashed_id"] for m in copied} & {m["hashed_id"] for m in medias}
    assert emu.list_sharings(copy["hashedId"]) == []
    assert len(emu.list_medias(project_id=src["hashedId"])) == 3


def test_project_not_found(api: Api) -> None:
    for method in ("GET", "PUT", "DELETE"):
        r = api(method, "/projects/fakeid.json")
        assert r.status_code == 404
        assert r.json() == {"error": "Project with ID 'fakeid' not found."}
    assert api("POST", "/projects/fakeid/copy").status_code == 404


def test_projects_list_sort_and_hashed_ids(emu: WistiaEmulator, api: Api) -> None:
    names = ["b", "c", "a"]
    hids = [emu.create_project(n)["hashedId"] for n in names]
    assert [p["name"] for p in api("GET", "/projects").json()] == names
    assert [p["name"] for p in api("GET", "/projects", params={"sort_by": "name"}).json()] == ["a", "b", "c"]
    desc = api("GET", "/projects", params={"sort_by": "name", "sort_direction": 0}).json()
    assert [p["name"] for p in desc] == ["c", "b", "a"]
    only = api("GET", "/projects", params={"hashed_ids[]": [hids[0], hids[2]]}).json()
    assert [p["hashedId"] for p in only] == [hids[0], hids[2]]


# -- formats and method override ----------------------------------------------------------------
def test_json_extension_optional_and_xml(emu: WistiaEmulator, api: Api) -> None:
    p = emu.create_project("X & Y")
    emu.create_media("clip.mp4", project_id=p["hashedId"])
    plain, with_json = api("GET", "/projects"), api("GET", "/projects.json")
    assert plain.json() == with_json.json()
    assert plain.headers["Content-Type"] == "application/json; charset=utf-8"
    r = api("GET", "/projects.xml")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(r.content)
    assert root.tag == "projects" and root.get("type") == "array"
    assert root[0].tag == "project" and root[0].findtext("name") == "X & Y"
    assert root[0].find("id").get("type") == "integer"  # type: ignore[union-attr]
    medias = ET.fromstring(api("GET", "/medias.xml").content)
    assert medias.tag == "medias" and medias[0].tag == "media"
    assert medias[0].find("assets")[0].tag == "asset"  # type: ignore[index]
    assert ET.fromstring(api("GET", f"/projects/{p['hashedId']}.xml").content).tag == "project"
    assert api("GET", "/projects.csv").status_code == 406


def test_method_override(emu: WistiaEmulator, api: Api) -> None:
    hid = emu.create_project("Old")["hashedId"]
    assert api("POST", f"/projects/{hid}.json", data={"_method": "put", "name": "Form"}).status_code == 200
    assert emu.get_project(hid)["name"] == "Form"  # type: ignore[index]
    assert api("POST", f"/projects/{hid}", params={"_method": "PUT", "name": "Query"}).status_code == 200
    assert emu.get_project(hid)["name"] == "Query"  # type: ignore[index]
    assert api("POST", f"/projects/{hid}", json={"_method": "put", "name": "Json"}).status_code == 200
    assert emu.get_project(hid)["name"] == "Json"  # type: ignore[index]
    r = api("POST", f"/projects/{hid}", data={"_method": "delete"})
    assert r.status_code == 200 and emu.get_project(hid) is None


def test_unknown_route_and_wrong_method(api: Api) -> None:
    assert api("GET", "/nothing-here").status_code == 404
    r = api("DELETE", "/medias.json")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    assert api("POST", "/account").status_code == 405


# -- sharings ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": {"with": "a@example.com", "canShare": "1", "canDownload": "0", "requirePassword": "0"}},
        {"data": {"sharing[with]": "a@example.com", "sharing[canShare]": "true"}},
        {"params": {"sharing[with]": "a@example.com", "sharing[canShare]": "1"}},
        {"json": {"sharing": {"with": "a@example.com", "canShare": True, "canDownload": False}}},
        {"json": {"with": "a@example.com", "canShare": True}},
    ],
    ids=["form-bare", "form-nested", "query-nested", "json-nested", "json-bare"],
)
def test_sharing_create_param_styles(emu: WistiaEmulator, api: Api, kwargs: dict[str, Any]) -> None:
    project = emu.create_project("Shared")
    hid = project["hashedId"]
    r = api("POST", f"/projects/{hid}/sharings.json", **kwargs)
    assert r.status_code == 201, r.text
    body = r.json()
    sharing = body["sharing"]
    assert body["project"].endswith(f"/v1/projects/{hid}.json")
    assert r.headers["Location"] == f"{emu.base_url}/v1/projects/{hid}/sharings/{sharing['id']}.json"
    assert sharing["canShare"] is True and sharing["canDownload"] is False and sharing["isAdmin"] is False
    assert sharing["share"]["email"] == "a@example.com" and sharing["share"]["type"] == "Contact"
    assert sharing["project"] == {"id": project["id"], "name": "Shared"}
    assert emu.get_sharing(hid, sharing["id"]) == sharing


def test_sharing_show_update_delete_and_errors(emu: WistiaEmulator, api: Api) -> None:
    hid = emu.create_project("Shared")["hashedId"]
    sid = emu.create_sharing(hid, "a@example.com")["id"]
    assert api("GET", f"/projects/{hid}/sharings/{sid}.json").json()["share"]["email"] == "a@example.com"
    r = api("PUT", f"/projects/{hid}/sharings/{sid}", data={"sharing[isAdmin]": "1", "canUpload": "1"})
    assert r.status_code == 200 and r.json()["isAdmin"] is True and r.json()["canUpload"] is True
    assert emu.get_sharing(hid, sid)["isAdmin"] is True  # type: ignore[index]

    dup = api("POST", f"/projects/{hid}/sharings", data={"with": "a@example.com"})
    assert dup.status_code == 400 and dup.json() == ["a@example.com is already shared on this project."]
    missing = api("POST", f"/projects/{hid}/sharings", data={"canShare": "1"})
    # The v1 spec's 400 of this operation is a list of messages, whatever the reason.
    assert missing.status_code == 400 and "with" in missing.json()[0]

    assert api("GET", f"/projects/{hid}/sharings/9999").status_code == 404
    assert api("GET", f"/projects/{hid}/sharings/abc").status_code == 404
    assert api("GET", "/projects/nope/sharings").status_code == 404
    r = api("DELETE", f"/projects/{hid}/sharings/{sid}.json")
    assert r.status_code == 200 and r.json()["id"] == sid
    assert emu.get_sharing(hid, sid) is None and emu.list_sharings(hid) == []


# -- medias ------------------------------------------------------------------------------------
def test_media_shape(emu: WistiaEmulator, api: Api) -> None:
    project = emu.create_project("P")
    media = emu.create_media("clip.mp4", project_id=project["hashedId"], description="hello")
    body = api("GET", f"/medias/{media['hashed_id']}.json").json()
    for key in (
        "id",
        "hashed_id",
        "name",
        "type",
        "status",
        "progress",
        "thumbnail",
        "duration",
        "created",
        "updated",
        "description",
        "archived",
        "project",
        "assets",
        "tags",
        "subfolder",
    ):
        assert key in body, key
    assert body["type"] == "Video" and body["status"] == "ready" and body["progress"] == 1.0
    assert isinstance(body["duration"], float) and body["duration"] > 0
    assert body["project"] == {"id": project["id"], "name": "P", "hashed_id": project["hashedId"]}
    assert {"url", "width", "height"} <= set(body["thumbnail"])
    assert body["tags"] == [] and body["subfolder"] is None and body["archived"] is False
    for asset in body["assets"]:
        assert set(asset) == {"url", "width", "height", "fileSize", "contentType", "type"}
    assert body["assets"][0]["type"] == "OriginalFile"


def test_medias_list_filters_and_sorting(emu: WistiaEmulator, api: Api) -> None:
    p1, p2 = emu.create_project("one")["hashedId"], emu.create_project("two")["hashedId"]
    a = emu.create_media("b-video.mp4", project_id=p1)["hashed_id"]
    b = emu.create_media("a-image.png", project_id=p1)["hashed_id"]
    c = emu.create_media("c-video.mp4", project_id=p2, archived=True)["hashed_id"]

    def ids(**params: Any) -> list[str]:
        r = api("GET", "/medias.json", params=params)
        assert r.status_code == 200
        return [m["hashed_id"] for m in r.json()]

    assert ids() == [a, b, c]
    assert ids(project_id=p1) == [a, b]
    assert ids(name="c-video.mp4") == [c]
    assert ids(type="Image") == [b]
    assert ids(hashed_id=b) == [b]
    assert ids(**{"hashed_ids[]": [c, a]}) == [a, c]
    assert ids(hashed_ids=[c, b]) == [b, c]
    assert ids(archived="true") == [c]
    assert ids(archived="false") == [a, b]
    assert ids(sort_by="name") == [b, a, c]
    assert ids(sort_by="name", sort_direction=0) == [c, a, b]
    assert ids(sort_direction=0) == [c, b, a]
    assert ids(sort_by="position", project_id=p1) == [a, b]
    assert api("GET", "/medias", params={"project_id": "missing"}).status_code == 404


def test_media_update(emu: WistiaEmulator, api: Api) -> None:
    video = emu.create_media("clip.mp4")["hashed_id"]
    image = emu.create_media("still.png")["hashed_id"]
    old_thumb = emu.get_media(video)["thumbnail"]["url"]  # type: ignore[index]
    r = api(
        "PUT",
        f"/medias/{video}.json",
        data={"name": "New name", "description": "New desc", "new_still_media_id": image},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "New name" and "project" not in body and "assets" not in body
    stored = emu.get_media(video)
    assert stored is not None and stored["description"] == "New desc"
    assert stored["thumbnail"]["url"] != old_thumb

    bad_still = api("PUT", f"/medias/{video}", data={"new_still_media_id": video})
    assert bad_still.status_code == 400 and "error" in bad_still.json()
    not_video = api("PUT", f"/medias/{image}", data={"new_still_media_id": image})
    assert not_video.status_code == 400 and "error" in not_video.json()
    r = api("PUT", "/medias/nope.json", data={"name": "x"})
    assert r.status_code == 404 and r.json() == {"error": "Media with hashed ID 'nope' not found."}


def test_media_delete(emu: WistiaEmulator, api: Api) -> None:
    project = emu.create_project("P")["hashedId"]
    hid = emu.create_media("clip.mp4", project_id=project)["hashed_id"]
    r = api("DELETE", f"/medias/{hid}.json")
    assert r.status_code == 200 and r.json()["hashed_id"] == hid
    assert emu.get_media(hid) is None and emu.get_project(project)["mediaCount"] == 0  # type: ignore[index]
    assert api("DELETE", f"/medias/{hid}.json").status_code == 404
    assert api("GET", f"/medias/{hid}").status_code == 404


def test_media_copy(emu: WistiaEmulator, api: Api) -> None:
    src_project = emu.create_project("src")["hashedId"]
    dst_project = emu.create_project("dst")["hashedId"]
    hid = emu.create_media("clip.mp4", project_id=src_project)["hashed_id"]
    r = api("POST", f"/medias/{hid}/copy.json", data={"project_id": dst_project, "owner": "o@example.com"})
    assert r.status_code == 201
    copy = r.json()
    assert r.headers["Location"] == f"{emu.base_url}/v1/medias/{copy['hashed_id']}.json"
    assert copy["hashed_id"] != hid and copy["name"] == "clip.mp4"
    assert copy["project"]["hashed_id"] == dst_project and "assets" not in copy
    assert emu.get_media(copy["hashed_id"])["project"]["hashed_id"] == dst_project  # type: ignore[index]
    # an unknown destination falls back to the source project, as documented
    fallback = api("POST", f"/medias/{hid}/copy", json={"project_id": "doesnotexist"}).json()
    assert fallback["project"]["hashed_id"] == src_project
    assert api("POST", "/medias/nope/copy").status_code == 404


def test_media_stats(emu: WistiaEmulator, api: Api) -> None:
    project = emu.create_project("P")
    video = emu.create_media("clip.mp4", project_id=project["hashedId"])
    image = emu.create_media("still.png", project_id=project["hashedId"])
    r = api("GET", f"/medias/{video['hashed_id']}/stats.json")
    assert r.status_code == 200
    body = r.json()
    assert (body["id"], body["hashed_id"], body["name"]) == (video["id"], video["hashed_id"], "clip.mp4")
    stats = body["stats"]
    assert set(stats) == {
        "pageLoads",
        "visitors",
        "percentOfVisitorsClickingPlay",
        "plays",
        "averagePercentWatched",
    }
    assert 0 <= stats["percentOfVisitorsClickingPlay"] <= 100 and 0 <= stats["averagePercentWatched"] <= 100
    assert api("GET", f"/medias/{video['hashed_id']}/stats").json() == body  # deterministic

    stats_api = api("GET", f"/stats/medias/{video['hashed_id']}.json").json()
    assert set(stats_api) == {
        "load_count",
        "play_count",
        "play_rate",
        "hours_watched",
        "engagement",
        "visitors",
        "actions",
    }
    assert stats_api["play_count"] == stats["plays"] and stats_api["load_count"] == stats["pageLoads"]
    assert stats_api["visitors"] == stats["visitors"] and 0 <= stats_api["play_rate"] <= 1
    assert api("GET", f"/stats/medias/{video['id']}").json() == stats_api  # numeric id accepted

    bad = api("GET", f"/medias/{image['hashed_id']}/stats")
    assert bad.status_code == 400 and "error" in bad.json()
    assert api("GET", "/medias/nope/stats").status_code == 404

    emu.set_media_stats(video["hashed_id"], plays=42, visitors=50, page_loads=100)
    assert api("GET", f"/medias/{video['hashed_id']}/stats").json()["stats"]["plays"] == 42
    again = api("GET", f"/stats/medias/{video['hashed_id']}").json()
    assert (again["play_count"], again["visitors"], again["load_count"]) == (42, 50, 100)
    assert again["play_rate"] == 0.42

    project_stats = api("GET", f"/stats/projects/{project['hashedId']}.json").json()
    assert project_stats["number_of_videos"] == 1 and project_stats["play_count"] == 42
    assert project_stats["load_count"] == 100 and "hours_watched" in project_stats
    assert api("GET", f"/stats/projects/{project['id']}").json() == project_stats
    r = api("GET", "/stats/projects/nope")  # the Stats API's 404s are empty (reference §5; spec: no content)
    assert (r.status_code, r.content) == (404, b"")
    account = api("GET", "/stats/account.json").json()
    assert account == {"load_count": 100, "play_count": 42, "hours_watched": project_stats["hours_watched"]}


def test_account(emu: WistiaEmulator, api: Api) -> None:
    emu.seed_demo()
    body = api("GET", "/account.json").json()
    assert body["name"] == "Emulated Account" and body["url"].startswith("https://")
    assert body["mediaCount"] == len(emu.list_medias()) and body["projectCount"] == len(emu.list_projects())
    assert {"id", "videoLimit", "channelCount"} <= set(body)


# -- oEmbed ------------------------------------------------------------------------------------
def test_oembed(emu: WistiaEmulator) -> None:
    media = emu.create_media("Demo video.mp4")
    hid = media["hashed_id"]
    url = f"https://home.wistia.com/medias/{hid}"
    r = requests.get(emu.oembed_url, params={"url": url}, timeout=10)  # no auth needed
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == "1.0" and body["type"] == "video" and body["provider_name"] == "Wistia, Inc."
    assert f'src="https://fast.wistia.net/embed/iframe/{hid}"' in body["html"]
    assert (body["width"], body["height"]) == (640, 360) and body["title"] == "Demo video.mp4"
    for key in ("thumbnail_url", "thumbnail_width", "thumbnail_height", "duration", "provider_url"):
        assert key in body
    sized = requests.get(emu.oembed_url + ".json", params={"url": url, "width": "320"}, timeout=10).json()
    assert (sized["width"], sized["height"]) == (320, 180)
    inner_url = url + "?embedType=async&width=480"  # options inside the media URL
    inner = requests.get(emu.oembed_url, params={"url": inner_url}, timeout=10).json()
    assert f"wistia_async_{hid}" in inner["html"] and inner["width"] == 480
    xml = requests.get(emu.oembed_url + ".xml", params={"url": url}, timeout=10)
    assert ET.fromstring(xml.content).findtext("provider_name") == "Wistia, Inc."
    missing = requests.get(
        emu.oembed_url, params={"url": "https://home.wistia.com/medias/zzzzzzzzzz"}, timeout=10
    )
    assert missing.status_code == 404


# -- auth --------------------------------------------------------------------------------------
def test_auth(emu: WistiaEmulator) -> None:
    url = emu.base_url + "/v1/projects.json"
    unauthorized = {"code": "unauthorized_credentials", "error": "Invalid credentials."}
    assert requests.get(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).status_code == 200
    assert requests.get(url, headers={"Authorization": "bearer second-token"}, timeout=10).status_code == 200
    assert requests.get(url, auth=("api", TOKEN), timeout=10).status_code == 200
    basic = base64.b64encode(f"api:{TOKEN}".encode()).decode()
    assert requests.get(url, headers={"Authorization": f"Basic {basic}"}, timeout=10).status_code == 200
    for kwargs in (
        {},
        {"headers": {"Authorization": "Bearer wrong"}},
        {"auth": ("someone", TOKEN)},
        {"auth": ("api", "wrong")},
        {"headers": {"Authorization": "Token test-token"}},
        {"params": {"api_password": TOKEN}},
        {"params": {"access_token": TOKEN}},
    ):
        r = requests.get(url, timeout=10, **kwargs)  # type: ignore[arg-type]
        assert r.status_code == 401, kwargs
        assert r.json() == unauthorized
    assert emu.list_projects() == []


# -- paging ------------------------------------------------------------------------------------
def test_paging_medias(emu: WistiaEmulator, api: Api) -> None:
    ids = emu.seed_medias(250)
    sizes = [len(api("GET", "/medias.json", params={"page": p}).json()) for p in (1, 2, 3, 4)]
    assert sizes == [100, 100, 50, 0]
    pages = [api("GET", "/medias", params={"page": p, "per_page": 100}).json() for p in (1, 2, 3)]
    assert [m["hashed_id"] for page in pages for m in page] == ids
    assert len(api("GET", "/medias", params={"per_page": 500}).json()) == 100
    assert len(api("GET", "/medias", params={"per_page": 7, "page": 2}).json()) == 7
    assert api("GET", "/medias", params={"page": 99}).json() == []


def test_paging_projects_sharings_and_project_show(emu: WistiaEmulator, api: Api) -> None:
    for i in range(120):
        emu.create_project(f"p{i:03d}")
    assert [len(api("GET", "/projects", params={"page": p}).json()) for p in (1, 2, 3)] == [100, 20, 0]
    hid = emu.list_projects()[0]["hashedId"]
    for i in range(12):
        emu.create_sharing(hid, f"user{i}@example.com")
    page = api("GET", f"/projects/{hid}/sharings", params={"per_page": 5, "page": 3}).json()
    assert [s["share"]["email"] for s in page] == ["user10@example.com", "user11@example.com"]

    emu.seed_medias(520, project_id=hid)
    show = api("GET", f"/projects/{hid}.json").json()
    assert show["mediaCount"] == 520 and len(show["medias"]) == 500
    assert len(api("GET", f"/projects/{hid}", params={"page": 2}).json()["medias"]) == 20
    assert len(api("GET", f"/projects/{hid}", params={"per_page": 900}).json()["medias"]) == 500


def test_newer_media_fields_can_be_dropped_for_strict_clients(emu: WistiaEmulator, api: Api) -> None:
    hid = emu.create_media("clip.mp4")["hashed_id"]
    emu.configure(newer_media_fields=False)
    for body in (api("GET", f"/medias/{hid}").json(), api("GET", "/medias").json()[0]):
        assert "tags" not in body and "subfolder" not in body and "project" in body and "assets" in body
    emu.configure(newer_media_fields=True)
    assert api("GET", f"/medias/{hid}").json()["tags"] == []
