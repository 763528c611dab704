"""Ticket exports: presets of known help desks, sniffing, timestamp parsing, the row reader.

``open_export`` (``opening``) opens a file; iterating the ``Export`` (``reader``)
streams ``TicketRow`` / ``Rejected``; ``collapse`` reads event logs.
"""
from __future__ import annotations

from slactl.core.tickets import Rejected, TicketRow
from slactl.exports.opening import open_export
from slactl.exports.presets import PRESET_NAMES
from slactl.exports.reader import Export, RepeatedIds

__all__ = ["PRESET_NAMES", "Export", "Rejected", "RepeatedIds", "TicketRow", "open_export"]
