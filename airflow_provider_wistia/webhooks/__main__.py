"""``python -m airflow_provider_wistia.webhooks prune --conn-id ID [--conn-id ID ...]``.

Deletes every webhook receipt of the given connections that is past the replay window
(received more than ``webhook_max_age`` + 5 minutes ago), using the connection's own
``webhook_max_age``; younger receipts are never touched. Run it where Airflow is configured
(same ``AIRFLOW_HOME`` or environment as the API server), e.g. daily from cron or a DAG. The
receiver prunes on its own too, a bounded batch per delivery; this drains a backlog at once.
"""

from __future__ import annotations

import argparse
import sys


def _max_age(conn_id: str) -> int:
    from airflow.models.connection import Connection

    from airflow_provider_wistia.hooks.settings import webhook_max_age_from_extra

    return webhook_max_age_from_extra(Connection.get_connection_from_secrets(conn_id).extra_dejson, conn_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m airflow_provider_wistia.webhooks",
        description="Maintenance of the Wistia webhook receiver's receipts.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    prune = commands.add_parser("prune", help="delete receipts past the connection's replay window")
    prune.add_argument("--conn-id", action="append", required=True, help="connection id (repeatable)")
    args = parser.parse_args(argv)

    from airflow.exceptions import AirflowNotFoundException

    from airflow_provider_wistia.webhooks.receipts import prune_all

    for conn_id in args.conn_id:
        try:
            max_age = _max_age(conn_id)
        except AirflowNotFoundException:
            print(f"{conn_id}: no such connection; nothing pruned", file=sys.stderr)
            return 2
        pruned = prune_all(conn_id, max_age)
        print(f"{conn_id}: pruned {pruned} receipts older than webhook_max_age={max_age} s + 5 min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
