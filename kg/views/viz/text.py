"""Shortening and wrapping text for the page without ever cutting a word in two.

Labels on the canvas are wrapped here (vis-network's own ``widthConstraint`` splits a word
that is longer than the width mid-word), and every shortened text ends at a word boundary
followed by an ellipsis. ``textwrap`` does the wrapping, told never to break long words or
at hyphens: a word longer than the width gets a line of its own instead.
"""

from __future__ import annotations

import textwrap

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """``text`` with whitespace collapsed, cut to at most ``limit`` characters at a word
    boundary, with an ellipsis when anything was cut. A first word longer than the limit
    is kept whole: a long word is better than half of one."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    words = text.split(" ")
    kept = words[0]
    for word in words[1:]:
        if len(kept) + 1 + len(word) + len(ELLIPSIS) > limit:
            break
        kept += " " + word
    kept = kept.rstrip(" ,;:·-–—") or kept  # no dangling comma before the ellipsis
    return kept if kept.endswith(ELLIPSIS) else kept + ELLIPSIS


def wrap_label(text: str, width: int, max_lines: int, suffix: str = "") -> str:
    """``text`` as at most ``max_lines`` lines of about ``width`` characters joined by
    newlines (vis-network draws each on its own line), broken only at spaces; what does
    not fit ends the last line with an ellipsis. ``suffix`` (a related score, say) always
    ends the label whole, on the last line or, when there is room, a line of its own."""
    text = " ".join(text.split())
    if not text:
        return suffix
    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1:])
        lines = lines[: max_lines - 1] + [shorten(rest, width)]
    if suffix:
        if len(lines[-1]) + 1 + len(suffix) <= width:
            lines[-1] += " " + suffix
        elif len(lines) < max_lines:
            lines.append(suffix)
        else:
            lines[-1] = shorten(lines[-1], max(1, width - 1 - len(suffix))) + " " + suffix
    return "\n".join(lines)
