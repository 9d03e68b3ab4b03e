"""The plain-text trial page (the seed's format) -> ``kg.model.Trial``.

Two stages, so each can be tested and reasoned about alone:

1. a heading-driven tokenizer: lines -> sections (heading, paragraphs). A heading is a whole
   line naming a known section, so a heading glued to the line before it (no blank line, as
   the seed does twice) still starts a section. Major headings are followed by one sentence of
   site boilerplate (the "blurb"), recognised by its position, not its words;
2. one interpreter per section, which reads that section's paragraphs into the model.

Unknown sections (a title-cased line followed by a blurb-shaped sentence) are kept in
``Trial.extra_sections``. Non-fatal oddities are logged at WARNING; fatal ones raise
:class:`~kg.errors.TrialParseError` naming the file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import TrialParseError
from kg.model import (
    Arm,
    Eligibility,
    Intervention,
    Organization,
    Person,
    Reference,
    ResponsibleParty,
    SecondaryId,
    Site,
    SourceInfo,
    Trial,
)
from kg.sources.common import age_in_years, extract_doi, is_nct_id, unescape_markdown
from kg.sources.eligibility import parse_criteria

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Spec:
    name: str
    blurb: bool = False  # a boilerplate sentence follows the heading
    free_text: bool = False  # prose may hold heading-like lines; never look for new sections


# The page's own order; used to tell a page that stops early from one that omits a section.
_SPECS = [
    _Spec("NCT ID"), _Spec("Last Updated"), _Spec("Study Results"),
    _Spec("Basic Information", blurb=True), _Spec("Recruitment Status"),
    _Spec("Clinical Phase"), _Spec("Total Enrollment"), _Spec("Study Classification"),
    _Spec("Study Start Date"), _Spec("Primary Completion Date"), _Spec("Study Completion Date"),
    _Spec("Brief Summary", blurb=True, free_text=True),
    _Spec("Detailed Description", blurb=True, free_text=True),
    _Spec("Conditions", blurb=True), _Spec("Study Design", blurb=True),
    _Spec("Allocation Method"), _Spec("Intervention Model"), _Spec("Primary Study Purpose"),
    _Spec("Blinding Strategy"), _Spec("Study Groups", blurb=True, free_text=True),
    _Spec("Interventions", blurb=True, free_text=True),
    _Spec("Eligibility Criteria", blurb=True, free_text=True),
    _Spec("Inclusion Criteria", free_text=True), _Spec("Exclusion Criteria", free_text=True),
    _Spec("Minimum Eligible Age"), _Spec("Maximum Eligible Age"), _Spec("Eligible Sex"),
    _Spec("Accepts Healthy Volunteers"), _Spec("Sponsors", blurb=True),
    _Spec("Responsible Party", blurb=True), _Spec("Principal Investigators", blurb=True),
    _Spec("Locations", blurb=True), _Spec("Countries", blurb=True),
    _Spec("References", blurb=True), _Spec("Other Identifiers", blurb=True),
    _Spec("More Related Trials", blurb=True),
]
_ORDER = {spec.name: index for index, spec in enumerate(_SPECS)}
_BY_KEY = {spec.name.casefold(): spec for spec in _SPECS}
_INLINE = re.compile(r"^\s*(NCT ID|Last Updated)\s*:\s*(.*?)\s*$", re.I)
# Markdown dressing a heading may wear: "## X", "**X**", "X:". A bullet ("* X") is not one.
_HEADING_DECOR = re.compile(r"^\s*(?:#+\s*|\*\*)|(?:\*\*)?\s*:?\s*$")
_UNKNOWN_SPEC = _Spec("", blurb=True)
_HEADER = "Header"  # the pseudo-section before the first heading: the title line

# Sections a complete page always has, each with the headings that count as having it.
_REQUIRED = {
    "Eligibility Criteria": ("Eligibility Criteria", "Inclusion Criteria", "Exclusion Criteria",
                             "Minimum Eligible Age", "Eligible Sex"),
    "Sponsors": ("Sponsors",),
}
_MAY_END_EMPTY = {"More Related Trials", "Study Results", "NCT ID", "Last Updated", _HEADER}

# Lines that close or qualify a record; always a paragraph of their own.
_MARKERS = {
    "group": re.compile(r"^Group Type\b\s*:?\s*(.*)$", re.I),
    "itype": re.compile(r"^Intervention Type\b\s*:?\s*(.*)$", re.I),
    "sponsor_role": re.compile(r"^Sponsor Role\b\s*:?\s*(.*)$", re.I),
    "rp_role": re.compile(r"^Responsibility Role\b\s*:?\s*(.*)$", re.I),
    "role": re.compile(r"^Role\s*:\s*(.*)$", re.I),
    "site_status": re.compile(r"^Site Status\b\s*:?\s*(.*)$", re.I),
    "ref_type": re.compile(r"^Reference Type\b\s*:?\s*(.*)$", re.I),
    "pmid": re.compile(r"^PMID\s*:\s*(\d+)\b.*$", re.I),
    "id_type": re.compile(r"^Identifier Type\s*:\s*(.*)$", re.I),
    "id_source": re.compile(r"^Identifier Source\s*:\s*(.*)$", re.I),
    "id_domain": re.compile(r"^Identifier Domain\s*:\s*(.*)$", re.I),
}


def _marker(text: str) -> tuple[str, str] | None:
    """(marker name, value) when a paragraph is a record marker line."""
    for name, pattern in _MARKERS.items():
        match = pattern.match(text)
        if match:
            return name, match.group(1).strip()
    return None


def _marker_name(text: str) -> str | None:
    found = _marker(text)
    return found[0] if found else None


def _marker_value(text: str) -> str | None:
    """The value of a marker line (every caller has checked that ``text`` is one)."""
    return _marker(text)[1] or None


# --------------------------------------------------------------------------- tokenizer


@dataclass
class _Section:
    heading: str
    spec: _Spec
    line_no: int
    known: bool = True
    inline: str | None = None  # the value on an "NCT ID: ..." line
    lines: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)  # content after the blurb, raw
    blurb: str | None = None
    body_lines: list[str] = field(default_factory=list)  # raw lines after the blurb


def _heading_spec(line: str) -> tuple[_Spec, str | None] | None:
    inline = _INLINE.match(line)
    if inline:
        return _BY_KEY[inline.group(1).casefold()], inline.group(2)
    spec = _BY_KEY.get(_HEADING_DECOR.sub("", line.strip()).casefold())
    return (spec, None) if spec else None


_TITLE_WORD = re.compile(r"^(?:[A-Z][a-z]+|[A-Z]|and|of|the|for|to|in|on|&)$")


def _blurb_shaped(text: str, min_words: int = 5) -> bool:
    """One line, one sentence ending in a full stop: how the site's boilerplate looks."""
    return ("\n" not in text and text.endswith(".") and len(text.split()) >= min_words
            and _marker(text) is None and not text.lstrip().startswith(("*", "-")))


def _is_unknown_heading(lines: list[str], i: int, current: _Section) -> bool:
    """A standalone title-cased line followed by a standalone blurb sentence.

    Only looked for in value sections: prose (summaries, arms, criteria) often contains
    title-like lines ("Primary Objective") followed by a sentence.
    """
    if current.spec.free_text or current.heading == _HEADER:
        return False
    words = lines[i].split()
    if not 1 <= len(words) <= 6 or not all(_TITLE_WORD.match(w) for w in words):
        return False
    if not words[0][0].isupper() or (i > 0 and lines[i - 1].strip()):
        return False
    if i + 2 >= len(lines) or lines[i + 1].strip():
        return False
    following = lines[i + 2].strip()
    after = lines[i + 3].strip() if i + 3 < len(lines) else ""
    return (not after and _blurb_shaped(following, min_words=8)
            and following.count(". ") == 0 and _heading_spec(following) is None)


def _tokenize(lines: list[str]) -> list[_Section]:
    sections = [_Section(_HEADER, _Spec(_HEADER), 1)]
    for i, line in enumerate(lines):
        found = _heading_spec(line)
        if found:
            spec, inline = found
            sections.append(_Section(spec.name, spec, i + 1, inline=inline))
        elif _is_unknown_heading(lines, i, sections[-1]):
            sections.append(_Section(line.strip(), _UNKNOWN_SPEC, i + 1, known=False))
        else:
            sections[-1].lines.append(line)
    for section in sections:
        _split_paragraphs(section)
    return sections


def _split_paragraphs(section: _Section) -> None:
    """Blank-line paragraphs, each marker line its own paragraph; then take off the blurb."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*section.lines, ""]:
        text = line.strip()
        if not text or _marker(text):
            if current:
                paragraphs.append("\n".join(current))
            current = []
            if text:
                paragraphs.append(text)
        else:
            current.append(text)
    section.body_lines = section.lines
    if section.spec.blurb and paragraphs and _blurb_shaped(paragraphs[0]):
        section.blurb = paragraphs.pop(0)
        at = next(i for i, line in enumerate(section.lines) if line.strip() == section.blurb)
        section.body_lines = section.lines[at + 1:]
    section.paragraphs = paragraphs


# --------------------------------------------------------------------------- reading helpers


def _clean(text: str) -> str:
    return unescape_markdown(text).strip()


def _texts(section: _Section) -> list[str]:
    return [_clean(p) for p in section.paragraphs]


def _value(section: _Section, trial: Trial) -> str | None:
    """The first paragraph; any more are kept in extra_sections, never dropped."""
    texts = _texts(section)
    if len(texts) > 1:
        _keep_extra(trial, section.heading, "\n\n".join(texts[1:]))
    return texts[0] if texts else None


def _keep_extra(trial: Trial, heading: str, text: str) -> None:
    log.warning("trial page: unexpected text under %r kept in extra_sections", heading)
    _add_extra(trial, heading, text)


def _add_extra(trial: Trial, heading: str, text: str) -> None:
    """Keep ``text`` under ``heading``, or "heading (2)", "(3)"... when that is taken: a
    repeated section loses nothing."""
    key, n = heading, 2
    while key in trial.extra_sections:
        key, n = f"{heading} ({n})", n + 1
    trial.extra_sections[key] = text


def _records(texts: list[str], closer: str) -> tuple[list[tuple[list[str], str]], list[str]]:
    """Split paragraphs into records, each closed by a ``closer`` marker line.

    Returns ([(paragraphs before the marker, marker value)], trailing paragraphs).
    """
    records: list[tuple[list[str], str]] = []
    pending: list[str] = []
    for text in texts:
        marker = _marker(text)
        if marker and marker[0] == closer:
            records.append((pending, marker[1]))
            pending = []
        else:
            pending.append(text)
    return records, pending


# Interpreters return None, or a phrase saying how the section's last record is unfinished.
_Interpreter = Callable[[_Section, Trial], "str | None"]


# --------------------------------------------------------------------------- simple fields


def _set_phases(trial: Trial, value: str) -> None:
    trial.phases = [p.strip() for p in re.split(r"[,/;|]", value) if p.strip()]


def _set_enrollment(trial: Trial, value: str) -> None:
    match = re.match(r"^(\d[\d,]*)", value)
    if not match:
        log.warning("trial page: enrollment %r is not a number", value)
        return
    trial.enrollment = int(match.group(1).replace(",", ""))
    kind = re.search(r"\b(actual|estimated|anticipated)\b", value, re.I)
    if kind:
        trial.enrollment_type = kind.group(1).upper().replace("ANTICIPATED", "ESTIMATED")


def _set_healthy(trial: Trial, value: str) -> None:
    answer = {"yes": True, "true": True, "no": False, "false": False}.get(value.casefold())
    if answer is None:
        log.warning("trial page: 'Accepts Healthy Volunteers' is %r, not yes/no", value)
    trial.eligibility.healthy_volunteers = answer


def _set_age(bound: str) -> Callable[[Trial, str], None]:
    def setter(trial: Trial, value: str) -> None:
        setattr(trial.eligibility, f"{bound}_age", value)
        setattr(trial.eligibility, f"{bound}_age_years", age_in_years(value))
    return setter


def _setter(owner: str, attr: str) -> Callable[[Trial, str], None]:
    def setter(trial: Trial, value: str) -> None:
        setattr(getattr(trial, owner) if owner else trial, attr, value)
    return setter


_FIELDS: dict[str, Callable[[Trial, str], None]] = {
    "Recruitment Status": _setter("", "overall_status"),
    "Clinical Phase": _set_phases,
    "Total Enrollment": _set_enrollment,
    "Study Classification": _setter("", "study_type"),
    "Study Start Date": _setter("", "start_date"),
    "Primary Completion Date": _setter("", "primary_completion_date"),
    "Study Completion Date": _setter("", "completion_date"),
    "Allocation Method": _setter("design", "allocation"),
    "Primary Study Purpose": _setter("design", "primary_purpose"),
    "Blinding Strategy": _setter("design", "masking"),
    "Minimum Eligible Age": _set_age("minimum"),
    "Maximum Eligible Age": _set_age("maximum"),
    "Eligible Sex": _setter("eligibility", "sex"),
    "Accepts Healthy Volunteers": _set_healthy,
}


def _field(section: _Section, trial: Trial) -> str | None:
    value = _value(section, trial)
    if value is not None:
        _FIELDS[section.heading](trial, value)
    return None


def _last_updated(section: _Section, trial: Trial) -> str | None:
    trial.last_update = section.inline or _value(section, trial)
    if section.inline and section.paragraphs:
        _keep_extra(trial, section.heading, "\n\n".join(_texts(section)))
    return None


def _study_results(section: _Section, trial: Trial) -> str | None:
    texts = _texts(section)
    if texts:
        trial.results_status = texts[0]
    # The paragraph after the status explains it in site boilerplate ("The study team has
    # not published ..."): the same position rule as a heading's blurb. More is kept.
    if len(texts) > 2:
        _keep_extra(trial, section.heading, "\n\n".join(texts[2:]))
    return None


def _intervention_model(section: _Section, trial: Trial) -> str | None:
    texts = _texts(section)
    if texts:
        trial.design.intervention_model = texts[0]
    # The seed glues the next heading to this description line; the tokenizer split them.
    trial.design.intervention_model_description = "\n\n".join(texts[1:]) or None
    return None


def _prose(attr: str) -> _Interpreter:
    def interpret(section: _Section, trial: Trial) -> str | None:
        setattr(trial, attr, "\n\n".join(_texts(section)) or None)
        return None
    return interpret


def _lines_of(section: _Section) -> list[str]:
    return [re.sub(r"^[*\-+]\s+", "", line).strip()
            for text in _texts(section) for line in text.split("\n") if line.strip()]


def _conditions(section: _Section, trial: Trial) -> str | None:
    trial.conditions = _lines_of(section)
    return None


def _countries(section: _Section, trial: Trial) -> str | None:
    trial.countries = _lines_of(section)
    return None


def _blurb_only(section: _Section, trial: Trial) -> str | None:
    """Group headings (Basic Information, ...) hold only their blurb; keep anything else."""
    if section.paragraphs:
        _keep_extra(trial, section.heading, "\n\n".join(_texts(section)))
    return None


# --------------------------------------------------------------------------- arms, interventions


def _type_label(code: str) -> str:
    """'DRUG' -> 'Drug', 'DIETARY_SUPPLEMENT' -> 'Dietary Supplement', as CT.gov writes it."""
    return code.replace("_", " ").title()


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _find_intervention(trial: Trial, name: str) -> Intervention | None:
    return next((i for i in trial.interventions if _same(i.name, name)), None)


def _interventions(section: _Section, trial: Trial) -> str | None:
    """Records of: name, description paragraphs, then 'Intervention Type X'."""
    records, trailing = _records(_texts(section), "itype")
    for before, kind in records:
        if not before:
            log.warning("trial page: 'Intervention Type %s' without a name; skipped", kind)
            continue
        trial.interventions.append(Intervention(
            name=before[0], type=kind or None, description="\n\n".join(before[1:]) or None))
    if trailing:
        trial.interventions.append(Intervention(
            name=trailing[0], description="\n\n".join(trailing[1:]) or None))
        return "an intervention without its 'Intervention Type' line"
    return None


@dataclass
class _Listing:
    """An intervention as listed under an arm: name, 'Intervention Type X', description."""

    name: str
    type: str | None
    description: str | None


def _known_length(trial: Trial, name: str, tail: list[str]) -> int | None:
    """How many paragraphs of ``tail`` are the intervention's description, if we know it."""
    known = _find_intervention(trial, name)
    if known is None or not known.description:
        return 0 if known is not None else None
    parts = known.description.split("\n\n")
    return len(parts) if tail[:len(parts)] == parts else None


def _split_listings(paras: list[str], trial: Trial, is_last: bool
                    ) -> tuple[list[_Listing], list[str]]:
    """Split what follows an arm's 'Group Type' into its listings and the next arm's text.

    The page does not mark where the last listing's description ends and the next arm's
    label begins; the Interventions section's own description settles it, else one paragraph.
    """
    marks = [i for i, p in enumerate(paras) if _marker_name(p) == "itype"]
    listings: list[_Listing] = []
    start = 0
    for mark in marks:
        name_at = mark - 1 if mark - 1 >= start else None
        body_end = mark if name_at is None else name_at
        if listings:
            listings[-1].description = "\n\n".join(paras[start:body_end]) or None
        elif body_end > start:
            log.warning("trial page: text before an arm's first intervention: %r", paras[start])
        if name_at is None:
            log.warning("trial page: %r without an intervention name; skipped", paras[mark])
        else:
            listings.append(_Listing(paras[name_at], _marker_value(paras[mark]), None))
        start = mark + 1
    if not listings:
        return [], paras[start:]
    tail = paras[start:]
    if is_last:
        size = len(tail)
    else:
        known = _known_length(trial, listings[-1].name, tail)
        size = known if known is not None else min(1, max(len(tail) - 1, 0))
    listings[-1].description = "\n\n".join(tail[:size]) or None
    return listings, tail[size:]


def _arms(section: _Section, trial: Trial) -> str | None:
    """Records of: label, description paragraphs, 'Group Type X', then its listings."""
    texts = _texts(section)
    groups = [i for i, t in enumerate(texts) if _marker_name(t) == "group"]
    if not groups:
        if texts:
            log.warning("trial page: 'Study Groups' without 'Group Type' lines")
            trial.arms.append(Arm(label=texts[0], description="\n\n".join(texts[1:]) or None))
        return None
    head = texts[:groups[0]]
    for k, mark in enumerate(groups):
        nxt = groups[k + 1] if k + 1 < len(groups) else len(texts)
        arm = Arm(label=head[0] if head else f"(unnamed arm {k + 1})",
                  type=_marker_value(texts[mark]),
                  description="\n\n".join(head[1:]) or None)
        if not head:
            log.warning("trial page: an arm without a label before 'Group Type'")
        listings, head = _split_listings(texts[mark + 1:nxt], trial, nxt == len(texts))
        trial.arms.append(arm)
        for listing in listings:
            _link(trial, arm, listing)
    if head:
        _keep_extra(trial, section.heading, "\n\n".join(head))
    return None


def _link(trial: Trial, arm: Arm, listing: _Listing) -> None:
    """Name the intervention on the arm, CT.gov style ("Drug: X"), and the arm on it."""
    label = _type_label(listing.type) if listing.type else None
    arm.intervention_names.append(f"{label}: {listing.name}" if label else listing.name)
    intervention = _find_intervention(trial, listing.name)
    if intervention is None:
        log.warning("trial page: arm %r lists %r, absent from Interventions", arm.label,
                    listing.name)
        intervention = Intervention(listing.name, listing.type, listing.description)
        trial.interventions.append(intervention)
    intervention.type = intervention.type or listing.type
    intervention.description = intervention.description or listing.description
    if arm.label not in intervention.arm_labels:
        intervention.arm_labels.append(arm.label)


# --------------------------------------------------------------------------- eligibility


def _criteria_block(section: _Section) -> str:
    """The section's raw text as CT.gov writes eligibilityCriteria: heading, blank, items."""
    lines = section.body_lines
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    # Markdown reads any run of blank lines as one; so do we, so stray blanks change nothing.
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines))
    if section.heading in ("Inclusion Criteria", "Exclusion Criteria"):
        return f"{section.heading}\n\n{body}" if body else section.heading
    return body


def _eligibility(sections: list[_Section], trial: Trial) -> None:
    """Rebuild the criteria text from its headed blocks, in page order, and parse it."""
    blocks = [_criteria_block(s) for s in sections]
    raw = "\n\n".join(b for b in blocks if b)
    if not raw:
        return
    eligibility: Eligibility = trial.eligibility
    eligibility.text = unescape_markdown(raw)
    eligibility.criteria, eligibility.preambles = parse_criteria(raw)


# --------------------------------------------------------------------------- parties, places


def _sponsors(section: _Section, trial: Trial) -> str | None:
    """Records of: name, class, 'Sponsor Role X'."""
    records, trailing = _records(_texts(section), "sponsor_role")
    for before, role in records:
        if not before:
            log.warning("trial page: 'Sponsor Role %s' without a sponsor name", role)
            continue
        org_class = before[1] if len(before) > 1 and re.fullmatch(r"[A-Z_]+", before[1]) else None
        trial.organizations.append(Organization(before[0], org_class, role.lower() or None))
    # The page lists collaborators before the lead; CT.gov's record (and so the JSON parser)
    # puts the lead first. A stable sort makes both parsers agree.
    trial.organizations.sort(key=lambda o: o.role != "lead")
    return "a sponsor without its 'Sponsor Role' line" if trailing else None


def _responsible_party(section: _Section, trial: Trial) -> str | None:
    """Name, title and affiliation in that order, and 'Responsibility Role X'."""
    texts = _texts(section)
    if not texts:
        return None
    party = ResponsibleParty()
    plain = [t for t in texts if _marker_name(t) != "rp_role"]
    roles = [_marker_value(t) for t in texts if _marker_name(t) == "rp_role"]
    party.type = roles[0] if roles else None
    padded: list[str | None] = [*plain, None, None, None]
    party.name, party.title, party.affiliation = padded[0], padded[1], padded[2]
    if len(plain) > 3:
        _keep_extra(trial, section.heading, "\n\n".join(plain[3:]))
    trial.responsible_party = party
    return None if roles else "a responsible party without its 'Responsibility Role' line"


def _officials(section: _Section, trial: Trial) -> str | None:
    """Records of: name, 'Role: X', affiliation. The affiliation follows its marker."""
    pending: list[str] = []
    for text in _texts(section):
        if _marker_name(text) != "role":
            pending.append(text)
            continue
        if not pending:
            log.warning("trial page: %r without a person's name", text)
            continue
        if trial.officials and len(pending) > 1:
            trial.officials[-1].affiliation = pending[0]
        trial.officials.append(Person(pending[-1], role=_marker_value(text)))
        pending = []
    if pending and trial.officials:
        trial.officials[-1].affiliation = pending.pop(0)
    return "a person without a 'Role:' line" if pending else None


def _site(before: list[str], status: str | None) -> Site:
    site = Site(facility=before[0], status=status)
    parts = [p.strip() for p in before[1].split(",")] if len(before) > 1 else []
    if len(parts) == 1:
        site.country = parts[0]
    elif len(parts) == 2:
        site.city, site.country = parts
    elif len(parts) >= 3:
        site.city, site.state, site.country = parts[0], parts[1], parts[-1]
        site.zip = ", ".join(parts[2:-1]) or None
    return site


def _locations(section: _Section, trial: Trial) -> str | None:
    """Records of: facility, 'City, State, Country', 'Site Status [X]' (value may be empty)."""
    records, trailing = _records(_texts(section), "site_status")
    for before, status in records:
        # A status printed on its own line after 'Site Status' lands as the next record's
        # first paragraph; facility names are not upper-case enum codes.
        if before and re.fullmatch(r"[A-Z][A-Z_]+", before[0]) and trial.sites \
                and trial.sites[-1].status is None:
            trial.sites[-1].status = before.pop(0)
        if before:
            trial.sites.append(_site(before, status or None))
    if len(trailing) == 1:
        trial.sites.append(_site(trailing, None))
        return "a site without its address and 'Site Status' line"
    for start in range(0, len(trailing), 2):
        trial.sites.append(_site(trailing[start:start + 2], None))
    return None


# --------------------------------------------------------------------------- references, ids


def _references(section: _Section, trial: Trial) -> str | None:
    """Citation, 'Reference Type X', optional 'PMID: N (View on PubMed)'; DOI from the text."""
    for text in _texts(section):
        name = _marker_name(text)
        current = trial.references[-1] if trial.references else None
        if name in ("ref_type", "pmid"):
            attr = "type" if name == "ref_type" else "pmid"
            if current is None or getattr(current, attr) is not None:
                log.warning("trial page: %r without a citation; ignored", text)
            else:
                setattr(current, attr, _marker_value(text))
            continue
        if current is not None and current.type is None:
            log.warning("trial page: reference without 'Reference Type': %.60r", current.citation)
        citation = " ".join(text.split())
        trial.references.append(Reference(citation=citation, doi=extract_doi(citation)))
    last = trial.references[-1] if trial.references else None
    if last is not None and last.type is None:
        return "a reference citation without its 'Reference Type' line"
    return None


def _identifiers(section: _Section, trial: Trial) -> str | None:
    """Records of: identifier, 'Identifier Type: X' ('-' = none), 'Identifier Source: Y'."""
    records, trailing = _records(_texts(section), "id_source")
    for before, source in records:
        values = {_marker_name(t): _marker_value(t) for t in before if _marker_name(t)}
        ids = [t for t in before if not _marker_name(t)]
        if not ids:
            log.warning("trial page: 'Identifier Source: %s' without an identifier", source)
            continue
        id_type = values.get("id_type")
        id_type = None if id_type in (None, "-") else id_type
        if source == "org_study_id" and trial.org_study_id is None:
            trial.org_study_id = ids[0]
        else:
            trial.secondary_ids.append(SecondaryId(ids[0], id_type or source or None,
                                                   values.get("id_domain")))
    return "an identifier without its 'Identifier Source' line" if trailing else None


# --------------------------------------------------------------------------- the page


_INTERPRETERS: dict[str, _Interpreter] = {
    **{name: _field for name in _FIELDS},
    "Last Updated": _last_updated,
    "Study Results": _study_results,
    "Basic Information": _blurb_only,
    "Brief Summary": _prose("brief_summary"),
    "Detailed Description": _prose("detailed_description"),
    "Conditions": _conditions,
    "Study Design": _blurb_only,
    "Intervention Model": _intervention_model,
    "Interventions": _interventions,  # before Study Groups: arms link to these
    "Study Groups": _arms,
    "Sponsors": _sponsors,
    "Responsible Party": _responsible_party,
    "Principal Investigators": _officials,
    "Locations": _locations,
    "Countries": _countries,
    "References": _references,
    "Other Identifiers": _identifiers,
    "More Related Trials": _blurb_only,  # site feature, not trial data: kept only if not empty
}
_ELIGIBILITY_TEXT = ("Eligibility Criteria", "Inclusion Criteria", "Exclusion Criteria")


def _normalise(text: str, location: str) -> list[str]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise TrialParseError("empty: no text to parse", where=location)
    return text.split("\n")


def _not_a_page(lines: list[str], location: str) -> TrialParseError:
    head = "\n".join(lines).lstrip()
    if head.startswith(("{", "[")):
        what = "looks like JSON (use the CT.gov JSON parser for study objects)"
    elif head.startswith("<"):
        what = "looks like XML or HTML markup"
    else:
        what = "has no 'NCT ID:' line"
    return TrialParseError(f"not a trial page: {what}", where=location)


def _nct_id(section: _Section, location: str) -> str:
    value = section.inline or (_clean(section.paragraphs[0]) if section.paragraphs else "")
    if not value:
        raise TrialParseError("the 'NCT ID:' line has no identifier", where=location)
    if not is_nct_id(value):
        raise TrialParseError(f"invalid NCT id {value!r} (expected NCT and 8 digits)",
                              where=location)
    return value


def _index(sections: list[_Section], trial: Trial) -> dict[str, _Section]:
    """First section of each heading; header -> title; unknown and repeated -> extras."""
    page: dict[str, _Section] = {}
    for section in sections:
        if section.heading == _HEADER:
            _header(section, trial)
        elif not section.known:
            _add_extra(trial, section.heading, "\n\n".join(_texts(section)))
        elif section.heading in page:
            _keep_extra(trial, section.heading, "\n\n".join(_texts(section)))
        else:
            page[section.heading] = section
    return page


def _header(section: _Section, trial: Trial) -> None:
    texts = _texts(section)
    if not texts:
        log.warning("trial page: no title line before 'NCT ID:'")
        return
    title, _, rest = texts[0].partition("\n")
    trial.brief_title = title
    more = "\n\n".join(t for t in [rest, *texts[1:]] if t)
    if more:
        _keep_extra(trial, _HEADER, more)


def _interpret(page: dict[str, _Section], trial: Trial) -> dict[str, str]:
    """Run each interpreter; return the sections whose last record is unfinished."""
    unfinished: dict[str, str] = {}
    for heading, interpret in _INTERPRETERS.items():
        if heading in page:
            problem = interpret(page[heading], trial)
            if problem:
                unfinished[heading] = problem
    blocks = sorted((page[h] for h in _ELIGIBILITY_TEXT if h in page), key=lambda s: s.line_no)
    _eligibility(blocks, trial)
    return unfinished


def _check_complete(sections: list[_Section], page: dict[str, _Section],
                    unfinished: dict[str, str], location: str, allow_partial: bool = False
                    ) -> tuple[list[str], list[str]]:
    """Tell a page that stops early (fatal) from one that omits a section (a warning).

    Truncated: the page ends before a required section would come in the page's own order,
    or its last section is empty or stops mid-record (e.g. a citation without its type).
    With ``allow_partial`` a truncated page is not refused: the result is (the sections the
    page ends before, in page order; the sections it cuts mid-record).
    """
    last = max(page.values(), key=lambda s: s.line_no)
    missing = [name for name, heads in _REQUIRED.items() if not any(h in page for h in heads)]
    late = [name for name in missing if _ORDER[last.heading] < _ORDER[name]]
    problem = None
    if late:
        problem = (f"truncated page: it ends in section {last.heading!r}, before "
                   f"{' and '.join(map(repr, late))}")
    for name in missing:
        if name not in late:
            log.warning("%s: trial page has no %r section", location, name)
    ends_here = sections[-1] is last  # unknown or repeated sections follow: the page went on
    cut: list[str] = []
    if problem is None and ends_here and last.heading in unfinished:
        problem = (f"truncated page: it ends in section {last.heading!r} with "
                   f"{unfinished[last.heading]}")
        cut = [last.heading]
    elif problem is None and ends_here and not last.paragraphs \
            and last.heading not in _MAY_END_EMPTY:
        problem = (f"truncated page: it ends at the {last.heading!r} heading, before its "
                   "content")
        cut = [last.heading]
    for heading, what in unfinished.items():
        if heading != last.heading or not ends_here:
            log.warning("%s: section %r has %s", location, heading, what)
    if problem is None:
        return [], []
    if not allow_partial:
        raise TrialParseError(f"{problem} (import what it has with --allow-partial)",
                              where=location)
    after = [spec.name for spec in _SPECS
             if _ORDER[spec.name] > _ORDER[last.heading] and spec.name not in page]
    log.info("%s: %s; imported as a partial record", location, problem)
    return after, cut


def parse(text: str, *, location: str = "<string>", allow_partial: bool = False) -> Trial:
    """Parse one trial page; ``location`` names the input in errors and provenance.

    A page that ends early is refused unless ``allow_partial``: then it gives the facts it
    has, with ``missing_sections`` (what the page ends before) and ``incomplete_sections``
    (a section cut mid-record) set; nothing is filled in."""
    lines = _normalise(text, location)
    sections = _tokenize(lines)
    nct = next((s for s in sections if s.heading == "NCT ID"), None)
    if nct is None:
        raise _not_a_page(lines, location)
    nct_id = _nct_id(nct, location)
    trial = Trial(nct_id=nct_id, source=SourceInfo("trial-page", location, record_id=nct_id))
    page = _index(sections, trial)
    if not set(page) - {"NCT ID", "Last Updated"}:
        raise TrialParseError("truncated page: nothing after the header (title, NCT ID); no "
                              "recognised section", where=location)
    unfinished = _interpret(page, trial)
    trial.missing_sections, trial.incomplete_sections = _check_complete(
        sections, page, unfinished, location, allow_partial)
    return trial


def parse_file(path: str | Path, allow_partial: bool = False) -> Trial:
    """Read a UTF-8 trial page (a BOM is tolerated) and parse it."""
    where = str(path)
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise TrialParseError("is a directory, not a trial page file", where=where) from None
    except FileNotFoundError:
        raise TrialParseError("no such file", where=where) from None
    except OSError as exc:
        raise TrialParseError(f"cannot read: {exc.strerror or exc}", where=where) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TrialParseError(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                              f"{exc.start}); a trial page must be UTF-8", where=where) from None
    return parse(text, location=where, allow_partial=allow_partial)
