"""Ticket exports: streaming reader, presets of known help desks, timestamp parsing."""
from __future__ import annotations

from slactl.exports.presets import PRESET_NAMES
from slactl.exports.reader import Export, Rejected, TicketRow, open_export

__all__ = ["PRESET_NAMES", "Export", "Rejected", "TicketRow", "open_export"]
