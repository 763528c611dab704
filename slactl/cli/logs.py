"""The options of the commands that measure a log against the agreements, declared once.

``availability`` (an outage log) and ``calls`` (a call log) select agreements, periods and
the log's encoding the same way; their own options stay in their modules.
"""
from __future__ import annotations

from typing import Annotated, Optional

import typer

LogPeriodOpt = Annotated[Optional[str], typer.Option(
    "--period", help="2026-11, 2026-Q4, 2026 or 2026-10-01..2026-12-31, in each agreement's time zone "
    "(default: each agreement's whole period).", show_default=False)]
LogAgreementOpt = Annotated[Optional[str], typer.Option("--agreement", "-a", help="Only this agreement.",
                                                        show_default=False)]
LogCustomerOpt = Annotated[Optional[str], typer.Option("--customer", "-c", help="Only this customer's agreements "
                                                       "(id, name or alias).", show_default=False)]
LogEncodingOpt = Annotated[Optional[str], typer.Option("--encoding", help="Force the log's encoding (e.g. cp1251).",
                                                       show_default=False)]
