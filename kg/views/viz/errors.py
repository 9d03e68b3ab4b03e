"""Errors of the visualisation layer, reported by the CLI as one line."""

from __future__ import annotations

from kg.errors import KGError


class VizError(KGError):
    """The page or an export could not be made (unreadable graph, bad option)."""


class FocusNotFound(VizError):
    """``--focus`` names nothing in the graph."""
