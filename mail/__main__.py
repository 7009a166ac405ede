"""``python -m mail send | still-correct | list``: the mail queue from the command line.

- ``send``: deliver every due message once (retries included); exit 1 if a try failed.
- ``still-correct [--days 365]``: ask partners of offerings not confirmed for a year, then
  send (schedule it yearly or monthly: it asks each offering once per confirmation date).
- ``list``: the queue's records (no message bodies: they carry private links).
"""

from __future__ import annotations

import argparse
import sys

from catalogue.review import STALE_DAYS
from catalogue.storage import CatalogueStore
from mail import events
from mail.config import MailConfigError, load_settings
from mail.queue import MailQueue
from mail.sender import drain_once


def _days(value: str) -> int:
    days = int(value)
    if not 30 <= days <= 3650:
        raise argparse.ArgumentTypeError("--days: between 30 and 3650")
    return days


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m mail", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("send", help="deliver every due message once")
    still = sub.add_parser("still-correct", help="ask partners of stale offerings, then send")
    still.add_argument("--days", type=_days, default=STALE_DAYS, help="not confirmed for (365)")
    sub.add_parser("list", help="the queue's records, newest first")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except MailConfigError as exc:
        parser.error(str(exc))
    if args.command == "list":
        for r in MailQueue(settings.queue_dir).records():
            print(
                f"{r['created_at'][:19]}  {r['status']:<8} tries={r['attempts']:<2} "
                f"{r['event']:<13} {r['to']}  {r['subject']}  {r.get('last_error', '')}"
            )
        return 0
    if args.command == "still-correct":
        store = CatalogueStore()
        store.create_schema()
        asked = events.still_correct(store, days=args.days, settings=settings)
        print(f"asked: {len(asked)}")
        store.dispose()
    counts = drain_once(settings)
    print(f"sent: {counts['sent']}, failed tries: {counts['failed']} ({settings.mode})")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
