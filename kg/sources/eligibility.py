"""Eligibility criteria text -> a tree of criteria with an auditable inclusion/exclusion kind.

Shared by the trial-page parser and the CT.gov JSON parser: both carry the same markdown-like
text ("Inclusion Criteria", ``* item``, ``1. sub-item``, ``i: roman item``). Nesting is read
from indentation when the text has any, else from the numbering itself, because the seed page
lost its indentation: a list that restarts at "1." (or "i") right after an item is that item's
sub-list, and "2." after "1. 2. 3." closes the inner list when it continues an outer one.

``kind`` (what an item does) may differ from ``section`` (where the page put it): the seed lists
nine exclusions under "Inclusion Criteria", as a second bullet run after a blank line. See
:func:`_classify_section` for the rule; every decision is written to ``kind_reason``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.model import EligibilityCriterion
from kg.sources.common import unescape_markdown

_HEADING = re.compile(
    r"^\s*(?:#+\s*)?\**\s*(?:key\s+)?(inclusion|exclusion)\s+criteria\s*:?\s*\**\s*$", re.I
)
_BULLET = re.compile(r"^(\s*)[*+\-\u2022]\s+(.*)$")
_NUMBER = re.compile(r"^(\s*)\(?(\d{1,3})[.)]\s+(.*)$")
_ROMAN = re.compile(r"^(\s*)\(?(i{1,3}|iv|vi{0,3}|ix|x)[:.)]\s+(.*)$")
_ALPHA = re.compile(r"^(\s*)\(?([a-h])[.)]\s+(.*)$")
_ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8,
                 "ix": 9, "x": 10}

# Wording of a disqualifying state. Only acted on together with structure (a separated run
# under "Inclusion Criteria"), because "Patients who have histologically confirmed NPC" is a
# common, genuine inclusion.
CUES: list[tuple[str, re.Pattern[str]]] = [
    ("'patient(s) who has/have/had ...'",
     re.compile(r"^patients?\s+who\s+(?:has|have|had)\b(?!\s+(?:not|never)\b)", re.I)),
    ("'patient(s) who need/cannot/is/are ...'",
     re.compile(r"^patients?\s+who\s+(?:needs?|cannot|can't|is|are)\b", re.I)),
    ("'existed/existing ...'", re.compile(r"^(?:existed|existing|presence\s+of)\b", re.I)),
    ("'... positive' infection marker",
     re.compile(r"\b(?:HIV|HBsAg|HBV|HCV|TP|syphilis)\s+positive\b", re.I)),
    ("'history ... and cannot'", re.compile(r"\bhistory\b.*\band\s+cannot\b", re.I)),
    ("abuse/hypersensitivity/allergy", re.compile(r"\b(?:abuse|hypersensitivity|allerg\w*)\b",
                                                  re.I)),
    ("'conditions that ... endanger'", re.compile(r"\bendanger\w*", re.I)),
    ("pregnancy or lactation", re.compile(r"^(?:pregnant|breast[- ]?feeding|lactating)\b",
                                          re.I)),
]
_EXCLUDING_PREAMBLE = re.compile(r"\b(?:exclu\w*|not\s+(?:be\s+)?eligible|ineligible)\b", re.I)


def disqualifying_cue(text: str) -> str | None:
    """The name of the first wording cue that reads ``text`` as a disqualifying state."""
    return next((name for name, pattern in CUES if pattern.search(text)), None)


# --------------------------------------------------------------------------- lines


@dataclass
class _Line:
    kind: str  # "blank", "heading", "item", "text"
    text: str = ""
    indent: int = 0
    marker: str | None = None  # "bullet", "number", "roman", "alpha"
    ordinal: int | None = None


def _classify_line(raw: str) -> _Line:
    if not raw.strip():
        return _Line("blank")
    heading = _HEADING.match(raw)
    if heading:
        return _Line("heading", heading.group(1).lower())
    indent = len(raw) - len(raw.lstrip())
    bullet = _BULLET.match(raw)
    if bullet:
        return _item_line(bullet.group(2), indent, "bullet")
    for marker, pattern in (("number", _NUMBER), ("roman", _ROMAN), ("alpha", _ALPHA)):
        match = pattern.match(raw)
        if match:
            return _item_line(match.group(3), indent, marker, _ordinal(marker, match.group(2)))
    return _Line("text", raw.strip(), indent)


def _item_line(text: str, indent: int, marker: str, ordinal: int | None = None) -> _Line:
    """An item, or a blank line when the marker has nothing after it ("1. ", "- "): a
    criterion without text is no criterion."""
    if not unescape_markdown(text).strip():
        return _Line("blank")
    return _Line("item", text, indent, marker, ordinal)


def _ordinal(marker: str, token: str) -> int:
    if marker == "number":
        return int(token)
    if marker == "roman":
        return _ROMAN_VALUES[token]
    return ord(token) - ord("a") + 1


# --------------------------------------------------------------------------- tree


@dataclass
class _Level:
    """One open list: where the next sibling goes, and what continues it."""

    items: list[EligibilityCriterion]
    indent: int = 0
    marker: str | None = None
    last: int | None = None


@dataclass
class _Top:
    """A top-level item with the structure the kind rule needs."""

    criterion: EligibilityCriterion
    run: int


@dataclass
class _Builder:
    # Top-level items, one list per block: a heading or a remark starts a new block, so the
    # first item after it is never read as a sub-item of the item before it.
    blocks: list[list[EligibilityCriterion]] = field(default_factory=list)
    preambles: list[str] = field(default_factory=list)
    tops: list[_Top] = field(default_factory=list)
    run_openers: dict[tuple[str, int], str] = field(default_factory=dict)  # run -> preamble
    # runs opened by a repeated heading (the first run of a section is 0)
    heading_runs: set[tuple[str, int]] = field(default_factory=set)
    section: str = "unlabelled"
    run: int = 0
    stack: list[_Level] = field(default_factory=list)
    last_item: EligibilityCriterion | None = None
    blank_before: bool = False

    def __post_init__(self) -> None:
        self._new_block()

    @property
    def criteria(self) -> list[EligibilityCriterion]:
        return [criterion for block in self.blocks for criterion in block]

    def _new_block(self) -> None:
        self.blocks.append([])
        self.stack = [_Level(self.blocks[-1])]
        self.last_item = None

    def feed(self, line: _Line) -> None:
        if line.kind == "blank":
            self.blank_before = True
            return
        {"heading": self._heading, "item": self._item, "text": self._text}[line.kind](line)
        self.blank_before = False

    def _heading(self, line: _Line) -> None:
        self.section = line.text
        runs = [t.run for t in self.tops if t.criterion.section == self.section]
        if runs:  # a repeated heading opens a new run, not one a remark above it opened
            self.run = max(runs + [r for s, r in self.run_openers if s == self.section]) + 1
            self.heading_runs.add((self.section, self.run))
        else:
            self.run = 0
        self._new_block()

    def _text(self, line: _Line) -> None:
        text = unescape_markdown(line.text)
        if self.last_item is not None and not self.blank_before:
            self.last_item.text += " " + text  # a wrapped line of the item above
            return
        if self.last_item is not None and line.indent > 0:
            self.last_item.text += "\n\n" + text  # an indented paragraph of the item above
            return
        self.preambles.append(text)
        if any(t.criterion.section == self.section for t in self.tops):
            self.run += 1  # a remark between items opens a new run of items
            self.run_openers[(self.section, self.run)] = text
        self._new_block()

    def _item(self, line: _Line) -> None:
        # Was the last item line a top-level item, with no heading or remark since (either
        # starts a new block: no last item)? Wrapped and indented lines keep it.
        after_top = self.last_item is not None and len(self.stack) == 1
        level = self._place(line)
        criterion = EligibilityCriterion(number="", text=unescape_markdown(line.text).strip(),
                                         section=self.section, kind="", kind_reason="")
        level.items.append(criterion)
        level.marker = level.marker or line.marker
        level.last = line.ordinal
        if len(self.stack) == 1:
            if self.blank_before and after_top:
                self.run += 1  # a blank line between two top-level items: a new bullet run
            self.tops.append(_Top(criterion, self.run))
        self.last_item = criterion

    def _place(self, line: _Line) -> _Level:
        """Find (or open) the list this item belongs to."""
        stack = self.stack
        while len(stack) > 1 and line.indent < stack[-1].indent:
            stack.pop()
        top = stack[-1]
        last = top.items[-1] if top.items else None
        if last is not None and line.indent > top.indent:
            return self._open(last, line.indent)
        if line.marker == "bullet":
            return self._place_bullet(last)
        if line.ordinal == 1 and last is not None:
            return self._open(last, line.indent)
        for depth in reversed(range(len(stack))):
            level = stack[depth]
            if (level.marker == line.marker and level.last is not None
                    and level.last + 1 == line.ordinal):
                del stack[depth + 1:]
                return level
        return top

    def _place_bullet(self, last: EligibilityCriterion | None) -> _Level:
        for depth in reversed(range(len(self.stack))):
            if self.stack[depth].marker == "bullet":
                del self.stack[depth + 1:]
                return self.stack[depth]
        if last is not None and last.text.endswith(":"):
            return self._open(last, self.stack[-1].indent)
        del self.stack[1:]
        return self.stack[0]

    def _open(self, parent: EligibilityCriterion, indent: int) -> _Level:
        level = _Level(parent.children, indent)
        self.stack.append(level)
        return level


# --------------------------------------------------------------------------- numbering, kinds


def _number(criteria: list[EligibilityCriterion]) -> None:
    """Position paths, counted per section so ("inclusion", "5") is unique."""
    counters: dict[str, int] = {}
    for criterion in criteria:
        counters[criterion.section] = counters.get(criterion.section, 0) + 1
        _number_subtree(criterion, str(counters[criterion.section]))


def _number_subtree(criterion: EligibilityCriterion, number: str) -> None:
    criterion.number = number
    for position, child in enumerate(criterion.children, start=1):
        _number_subtree(child, f"{number}.{position}")


def _set_kind(criterion: EligibilityCriterion, kind: str, reason: str) -> None:
    criterion.kind, criterion.kind_reason = kind, reason
    for child in criterion.children:
        _set_kind(child, kind, f"part of {criterion.section} item {criterion.number}")


def _classify_section(section: str, runs: dict[int, list[_Top]],
                      openers: dict[tuple[str, int], str],
                      heading_runs: set[tuple[str, int]]) -> None:
    """Decide each top-level item's kind from its section, its run and its wording.

    Under "Exclusion Criteria" every item is an exclusion. Under "Inclusion Criteria" the
    first run is inclusions whatever its wording; a later run (after a blank-line break, a
    remark or a repeated heading) is an exclusion run when most of its items (more than
    half: a tie is no evidence against the page's own heading) carry a disqualifying cue or
    a remark says "excluded"; its items are then exclusions. Unlabelled items follow their
    wording.
    """
    for run, tops in sorted(runs.items()):
        if section == "exclusion":
            for top in tops:
                _set_kind(top.criterion, "exclusion", "listed under Exclusion Criteria")
        elif section == "inclusion":
            _classify_inclusion_run(run, tops, openers.get((section, run)),
                                    (section, run) in heading_runs)
        else:
            for top in tops:
                _classify_unlabelled(top.criterion)


def _classify_inclusion_run(run: int, tops: list[_Top], opener: str | None,
                            after_heading: bool) -> None:
    cued = [(top, disqualifying_cue(top.criterion.text)) for top in tops]
    if run == 0:
        for top, cue in cued:
            note = f" (wording cue {cue} not acted on: item is in the first run)" if cue else ""
            _set_kind(top.criterion, "inclusion", "listed under Inclusion Criteria" + note)
        return
    with_cue = sum(cue is not None for _, cue in cued)
    opened_by_exclusion = bool(opener and _EXCLUDING_PREAMBLE.search(opener))
    where = (f"under Inclusion Criteria but in a later run opened by the remark {opener!r}"
             if opener else "under a repeated Inclusion Criteria heading" if after_heading
             else "under Inclusion Criteria but in a second bullet run after a blank-line break")
    if not (opened_by_exclusion or 2 * with_cue > len(tops)):
        for top in tops:
            _set_kind(top.criterion, "inclusion", f"listed {where}, whose items do not read "
                      "as exclusions")
        return
    for top, cue in cued:
        why = (f"worded as a disqualifying state (cue: {cue})" if cue else
               f"the run reads as exclusions ({with_cue} of {len(tops)} items carry cues)")
        _set_kind(top.criterion, "exclusion", f"{where}; {why}")


def _classify_unlabelled(criterion: EligibilityCriterion) -> None:
    cue = disqualifying_cue(criterion.text)
    if cue:
        _set_kind(criterion, "exclusion", f"no Inclusion/Exclusion heading; worded as a "
                  f"disqualifying state (cue: {cue})")
    else:
        _set_kind(criterion, "inclusion", "no Inclusion/Exclusion heading; read as inclusion "
                  "by default")


# --------------------------------------------------------------------------- entry point


def parse_criteria(text: str) -> tuple[list[EligibilityCriterion], list[str]]:
    """Top-level criteria (children nested) and the non-item remarks, in source order."""
    builder = _Builder()
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        builder.feed(_classify_line(raw))
    criteria = builder.criteria
    _number(criteria)
    by_section: dict[str, dict[int, list[_Top]]] = {}
    for top in builder.tops:
        by_section.setdefault(top.criterion.section, {}).setdefault(top.run, []).append(top)
    for section, runs in by_section.items():
        _classify_section(section, runs, builder.run_openers, builder.heading_runs)
    return criteria, builder.preambles
