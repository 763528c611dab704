"""Where reporters/score_data.py finds ``csv_cell``; it lives in :mod:`slactl.sanitize`."""
from __future__ import annotations

from slactl.sanitize import csv_cell  # noqa: F401  (score_data's import)
