"""The ``--exclude FILE`` list of ``report``: tickets the provider and the customer agreed
to leave out of compliance (customer-caused, disputed), one ``ticket_id,reason`` a line.

A header line (``ticket_id,reason``) is optional. A line without a ticket id, or one
that cannot be decoded, is an error naming the file and line: a silently ignored
exclusion would change the figures a customer is sent.
"""
from __future__ import annotations

import csv

from slactl.errors import InputError


def read_exclusions(path: str) -> dict[str, str]:
    """ticket id -> reason, in file order; the first reason wins for a repeated id."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            lines = list(csv.reader(fh))
    except FileNotFoundError:
        raise InputError(f"--exclude {path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"--exclude {path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except (OSError, csv.Error) as exc:
        raise InputError(f"--exclude {path}: cannot be read ({exc})") from None
    out: dict[str, str] = {}
    for number, cells in enumerate(lines, 1):
        if not cells or not any(c.strip() for c in cells):
            continue
        ticket = cells[0].strip()
        if number == 1 and ticket.casefold() in ("ticket_id", "ticket", "id"):
            continue
        if not ticket:
            raise InputError(f"{path}:{number}: no ticket id (each line is ticket_id,reason)")
        reason = ",".join(cells[1:]).strip() or "excluded"
        out.setdefault(ticket, reason)
    return out
