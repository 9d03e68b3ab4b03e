"""Time windows: 'within 4 weeks before inclusion', 'in the past 1 year', 'during the 6
months before inclusion', 'at least 6 months after completing radiotherapy'."""

from __future__ import annotations

import re

from kg.extract.constraints.numbers import SPAN, time_span
from kg.model import TimeWindow

_ANCHOR = (r"(?P<anchor>inclusion|enrol(?:l)?ment|registration|randomi[sz]ation|(?:the\s+)?first"
           r"\s+(?:dose|administration)|(?:the\s+)?(?:start\s+of\s+)?(?:study\s+)?(?:treatment|"
           r"intervention|therapy|drug)|screening|signing\s+(?:the\s+)?(?:informed\s+)?consent)")
_WITHIN = re.compile(
    r"(?:within|in|during|over|for)\s+(?:the\s+)?(?:past|last|previous|prior|preceding)?\s*"
    r"(?P<span>" + SPAN.pattern + r")"
    r"(?:\s+(?:before|prior\s+to|of|preceding)\s+" + _ANCHOR + r")?", re.I)
_BEFORE = re.compile(r"(?P<span>" + SPAN.pattern + r")\s+(?:before|prior\s+to|preceding)\s+"
                     + _ANCHOR, re.I)
_AT_LEAST = re.compile(r"(?:at\s+least|more\s+than|>|≥|over)\s*(?P<span>" + SPAN.pattern
                       + r")\s+(?:after|since|from)\s+(?:completing\s+|completion\s+of\s+|"
                       r"the\s+end\s+of\s+|the\s+last\s+(?:dose\s+of\s+)?)?(?P<what>[\w\s-]{3,60}?)"
                       r"(?=[,.;)]|$)", re.I)
_AFTER_IN = re.compile(r"in\s+at\s+least\s+(?P<span>" + SPAN.pattern + r")\s+after\s+"
                       r"(?:completing\s+)?(?P<what>[\w\s-]{3,60}?)(?=[,.;)]|$)", re.I)


def find(text: str) -> list[tuple[TimeWindow, int, int]]:
    """Each window with its span, in text order."""
    out: list[tuple[TimeWindow, int, int]] = []
    taken: list[tuple[int, int]] = []
    for pattern, relation in ((_AFTER_IN, "at-least"), (_AT_LEAST, "at-least"),
                              (_WITHIN, "within"), (_BEFORE, "within")):
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            span = SPAN.search(m.group("span"))
            amount, unit = time_span(span)
            groups = m.groupdict()
            anchor = (groups.get("what") or groups.get("anchor") or "inclusion").strip().lower()
            anchor = re.sub(r"\s+", " ", anchor)
            out.append((TimeWindow(relation, amount, unit, anchor), m.start(), m.end()))
            taken.append((m.start(), m.end()))
    out.sort(key=lambda w: w[1])
    return out


def nearest(windows: list[tuple[TimeWindow, int, int]], pos: int,
            text: str) -> TimeWindow | None:
    """The window of the sentence holding ``pos`` ("within" windows apply to everything
    listed in their sentence: "myocardial infarction, arrhythmia ... during the 6 months
    before inclusion")."""
    start = max(text.rfind(". ", 0, pos), text.rfind("; ", 0, pos)) + 1
    stop = min((i for i in (text.find(". ", pos), text.find("; ", pos)) if i >= 0),
               default=len(text))
    inside = [w for w, s, _e in windows if start <= s <= stop]
    return inside[0] if inside else None
