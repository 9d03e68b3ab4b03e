"""Structured dosing from free text: which drugs an intervention names, and how each is given.

Registry records state regimens only as prose ("anlotinib 10mg, po, qd from day 1 to day
14, penpulimab 200mg, iv in day 1 ..."), so this module reads that prose with small, explicit
rules. It never guesses: a drug gets a :class:`Regimen` only when some dosing detail is
written for it, and every regimen keeps the clause it was read from so a reader can check it.

Representation choices:
- ``day_start``/``day_end`` hold one inclusive range ("day 1 to day 14" -> 1, 14; "D1" -> 1, 1).
  Listed days that are not one range ("days 1 and 8") go to ``Regimen.days`` ([1, 8]) and
  leave ``day_start``/``day_end`` empty, because 1..8 would claim six doses never written.
- Phases: the text before a "maintenance" sentence is "induction" when such a sentence
  exists, otherwise the whole text is one "treatment" phase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

from kg.model import Arm, Intervention, Regimen, Trial
from kg.vocab import Mention, Vocabulary, default_vocabulary

# --------------------------------------------------------------------------- vocabulary

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
_NUM = r"(?<![\w.])(?:\d{1,3}(?!\d)|(?:" + "|".join(_WORD_NUMBERS) + r")(?![A-Za-z]))"

# Small integers only (at most three digits): a 500-digit "number" is noise, and int() of
# it would be slow or refused.
_DOSE_RE = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,6}(?:,\d{3}(?!\d))?(?:\.\d{1,4})?)\s*"
    r"(?P<unit>mg\s*/\s*m\s*(?:2|²|\^2)|g\s*/\s*m\s*(?:2|²|\^2)|mg\s*/\s*kg|mg|mcg|µg|μg|g)"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_AUC_RE = re.compile(r"(?<![A-Za-z])AUC\s*(?:=|:|of)?\s*(?P<num>\d{1,2}(?:\.\d{1,2})?)(?!\d)",
                     re.IGNORECASE)

_ROUTES = (
    ("oral", r"p\.?o\.?|per\s+os|orally|oral|by\s+mouth"),
    ("intravenous", r"intravenously|intravenous|i\.?v\.?(?:gtt|drip)?"),
    ("subcutaneous", r"subcutaneously|subcutaneous|s\.?c\.?|subq"),
)
_ROUTE_RE = re.compile(
    "|".join(rf"(?P<{name}>(?<![A-Za-z])(?:{pat})(?![A-Za-z]))" for name, pat in _ROUTES),
    re.IGNORECASE,
)

# Longer phrasings first: at one position the first alternative wins, so "twice daily" is
# read before its tail "daily" could be.
_FREQUENCIES = (
    ("four", "four times daily", 4,
     r"q\.?i\.?d\.?|four\s+times\s+(?:a\s+|per\s+)?(?:day|daily)|q6h"),
    ("three", "three times daily", 3,
     r"t\.?i\.?d\.?|three\s+times\s+(?:a\s+|per\s+)?(?:day|daily)|thrice\s+daily|q8h"),
    ("two", "twice daily", 2,
     r"b\.?i\.?d\.?|twice\s+(?:a\s+|per\s+)?(?:day|daily)|two\s+times\s+(?:a\s+|per\s+)?"
     r"(?:day|daily)|q12h"),
    ("one", "once daily", 1,
     r"q\.?d\.?|once\s+(?:a\s+|per\s+)?(?:day|daily)|once-daily|every\s+day|daily"),
)
_FREQ_RE = re.compile(
    "|".join(rf"(?P<{g}>(?<![A-Za-z0-9])(?:{pat})(?![A-Za-z0-9]))"
             for g, _, _, pat in _FREQUENCIES),
    re.IGNORECASE,
)
_FREQ_BY_GROUP = {g: (label, n) for g, label, n, _ in _FREQUENCIES}

# A number followed by a unit or a duration is not a further day: "day 1, 200 mg", "days
# 1-14, 21-day cycles".
_NOT_A_DAY = r"(?!\s*-?\s*(?:mg|g|mcg|µg|ml|%|days?|weeks?|cycles?|courses?)(?![A-Za-z]))"
_DAY_NUM = rf"(?:days?|d)?\s*\d{{1,3}}(?!\d){_NOT_A_DAY}"
_DAYS_RE = re.compile(
    rf"(?<![A-Za-z0-9])(?:days?|d)\s*\d{{1,3}}(?!\d){_NOT_A_DAY}"
    rf"(?:\s*(?:-|–|—|~|to|through|until|and|,|&)\s*{_DAY_NUM})*",
    re.IGNORECASE,
)
_DAY_ITEM_RE = re.compile(
    r"(?P<sep>-|–|—|~|to|through|until|and|,|&)?\s*(?:days?|d)?\s*(?P<n>\d{1,3})", re.IGNORECASE)
_RANGE_SEPS = {"-", "–", "—", "~", "to", "through", "until"}
_MAX_DAY = 366

_CYCLE_PATTERNS = (
    (rf"every\s+(?P<n>{_NUM})\s+weeks?", 7),
    (rf"every\s+(?P<n>{_NUM})\s+days?", 1),
    (r"(?<![A-Za-z0-9])q\s?(?P<n>\d{1,2})\s?w(?:ee)?k?s?(?![A-Za-z])", 7),
    (r"(?<![A-Za-z0-9])q\s?(?P<n>\d{1,2})\s?d(?:ays?)?(?![A-Za-z])", 1),
    (rf"(?P<n>{_NUM})[\s-]*(?:day|d)[\s-]*(?:treatment\s+)?(?:cycles?|courses?)", 1),
    (rf"(?P<n>{_NUM})[\s-]*weeks?[\s-]*(?:treatment\s+)?(?:cycles?|courses?)", 7),
    (rf"(?P<n>{_NUM})[\s-]*weekly", 7),
    (rf"(?:cycles?|courses?)\s+(?:length\s+)?(?:of|is|=|:|every|lasts?)\s*(?P<n>{_NUM})\s*days", 1),
    (rf"(?:cycles?|courses?)\s+(?:length\s+)?(?:of|is|=|:|every|lasts?)\s*(?P<n>{_NUM})\s*weeks",
     7),
    (rf"(?P<n>{_NUM})\s*days\s+(?:as\s+(?:a|one)|per|for\s+(?:a|one)|is\s+(?:a|one))\s+"
     r"(?:treatment\s+)?cycle", 1),
    (rf"(?P<n>{_NUM})\s*weeks\s+(?:as\s+(?:a|one)|per|for\s+(?:a|one)|is\s+(?:a|one))\s+"
     r"(?:treatment\s+)?cycle", 7),
)
_CYCLE_RES = tuple((re.compile(p, re.IGNORECASE), mult) for p, mult in _CYCLE_PATTERNS)

_CYCLES_WORD = r"(?:treatment\s+)?(?:cycles?|courses?)"
_COUNT_RANGE_RE = re.compile(
    rf"(?<![\w-])(?P<a>{_NUM})\s*(?:-|–|~|to)\s*(?P<b>{_NUM})\s+{_CYCLES_WORD}", re.IGNORECASE)
_COUNT_MAX_RE = re.compile(
    rf"(?:up\s+to|maximum\s+of|max(?:imum)?\.?|at\s+most|no\s+more\s+than|not\s+exceeding|≤)"
    rf"\s*(?P<n>{_NUM})\s+{_CYCLES_WORD}", re.IGNORECASE)
_COUNT_MIN_RE = re.compile(
    rf"(?:at\s+least|minimum\s+of|min(?:imum)?\.?|≥)\s*(?P<n>{_NUM})\s+{_CYCLES_WORD}",
    re.IGNORECASE)
_COUNT_EXACT_RE = re.compile(rf"(?<![\w-])(?P<n>{_NUM})\s+{_CYCLES_WORD}", re.IGNORECASE)
_MAX_CYCLES = 200

_UNTIL_RE = re.compile(r"(?<![A-Za-z])until\s+(?!(?:days?|d)\s*\d)(?P<what>[^.;()\n]{1,200})",
                       re.IGNORECASE)
_PROGRESSION_RE = re.compile(
    r"pd|progressive\s+disease|(?:(?:radiographic|radiological|confirmed)\s+)?(?:disease\s+|"
    r"tumou?r\s+)?progression(?:\s+of\s+(?:the\s+)?disease)?|disease\s+progresses",
    re.IGNORECASE)
_TOXICITY_RE = re.compile(
    r"intolerance(?:\s+(?:to|of)\s+(?:the\s+)?(?:drug\s+|treatment\s+)?toxicit(?:y|ies))?|"
    r"(?:intolerable|unacceptable|unmanageable)\s+(?:toxicit(?:y|ies)|adverse\s+(?:events?|"
    r"reactions?)|side\s+effects?)|intolerable|toxicity\s+(?:is\s+)?intolerable",
    re.IGNORECASE)

_MAINTENANCE_RE = re.compile(r"(?<![A-Za-z])maintenance(?![A-Za-z])", re.IGNORECASE)
_NOTE_RE = re.compile(r"^\s*(?:notes?|n\.?b\.?|remarks?)\s*[:：]", re.IGNORECASE)
# "(the dose and the medication method remain the same)": the maintenance sentence points
# back at the induction dosing instead of repeating it.
_SAME_RE = re.compile(
    r"remains?\s+(?:the\s+)?same|(?:the\s+)?same\s+(?:dose|dosage|schedule|regimen|way)|"
    r"unchanged|as\s+(?:above|before|in\s+(?:the\s+)?induction)", re.IGNORECASE)
_PLACEBO_BEFORE_RE = re.compile(
    r"placebos?\s*(?:of|for|to|matching|matched\s+to|\()?\s*$", re.IGNORECASE)
_PLACEBO_AFTER_RE = re.compile(r"^\s*[-\s]?(?:matched\s+|matching\s+)?placebo", re.IGNORECASE)
_PLACEBO_NAME_RE = re.compile(r"(?<![A-Za-z])placebos?(?![A-Za-z])", re.IGNORECASE)

# Sentence ends: ".", "!", "?" or ";" followed by a capital or quote, and line breaks.
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?;])\s+(?=[A-Z\"“(])")
_THEN_RE = re.compile(r"(?:,\s*|\s+)(?:and\s+)?(?=(?:then|followed\s+by)(?![A-Za-z]))",
                      re.IGNORECASE)

# Types whose description may mention drugs given alongside (concurrent cisplatin with
# radiotherapy) without the intervention itself being that drug.
_NON_DRUG_TYPES = {"RADIATION", "PROCEDURE", "DEVICE", "BEHAVIORAL", "DIAGNOSTIC_TEST",
                   "GENETIC", "DIETARY_SUPPLEMENT"}
_DRUG_TYPES = {"DRUG", "BIOLOGICAL"}
_TYPE_PREFIX_RE = re.compile(
    r"^\s*(?:drug|biological|radiation|procedure|device|behavioral|dietary\s+supplement|"
    r"genetic|combination\s+product|diagnostic\s+test|other)\s*:\s*", re.IGNORECASE)

UNTIL_PROGRESSION = "disease progression"
UNTIL_TOXICITY = "intolerable toxicity"


# --------------------------------------------------------------------------- interventions


def resolve_interventions(trial: Trial, vocab: Vocabulary) -> None:
    """Set ``drugs`` and ``unresolved_names`` on every intervention, replacing old values."""
    for iv in trial.interventions:
        iv.drugs, iv.unresolved_names = _resolve(iv, vocab)


def _resolve(iv: Intervention, vocab: Vocabulary) -> tuple[list[str], list[str]]:
    named: list[str] = []
    for name in (iv.name, *iv.other_names):
        named.extend(_drug_keys(name or "", vocab))
    named = list(dict.fromkeys(named))
    drugs = named
    # Fall back to the description only when the name names no drug: combination
    # interventions are often registered under a generic name ("Chemotherapy") and list
    # their drugs only in the description, whereas a description next to a drug name may
    # also mention comparators or earlier treatment that the intervention is not.
    if not drugs and iv.description and _norm_type(iv.type) not in _NON_DRUG_TYPES:
        drugs = _drug_keys(iv.description, vocab)
    unresolved: list[str] = []
    if not named and _norm_type(iv.type) in _DRUG_TYPES and not _is_placebo_name(iv.name):
        unresolved = [iv.name]
    return drugs, unresolved


def _drug_keys(text: str, vocab: Vocabulary) -> list[str]:
    """Curated drugs named in ``text``, leaving out placebos matched to a drug."""
    return list(dict.fromkeys(m.key for m in _mentions(text, vocab)))


def _mentions(text: str, vocab: Vocabulary) -> list[Mention]:
    # "Placebo for anlotinib" or "anlotinib-matched placebo" names the placebo, not the drug.
    return [m for m in vocab.find_drugs(text) if not _is_placebo_mention(text, m)]


def _is_placebo_mention(text: str, m: Mention) -> bool:
    before = text[max(0, m.start - 30):m.start]
    after = text[m.end:m.end + 25]
    return bool(_PLACEBO_BEFORE_RE.search(before) or _PLACEBO_AFTER_RE.match(after))


def _is_placebo_name(name: str | None) -> bool:
    """A placebo is a recognised non-drug: nothing to resolve, nothing to report."""
    return bool(name and _PLACEBO_NAME_RE.search(name))


def _norm_type(kind: str | None) -> str:
    return re.sub(r"[\s-]+", "_", (kind or "").strip()).upper()


# --------------------------------------------------------------------------- dosing


@dataclass
class _Dosing:
    """Per-drug details read from one or more clauses of one phase."""

    dose: float | None = None
    dose_unit: str | None = None
    dose_basis: str | None = None
    route: str | None = None
    frequency: str | None = None
    times_per_day: int | None = None
    day_start: int | None = None
    day_end: int | None = None
    days: list[int] = field(default_factory=list)
    cycle: int | None = None  # a cycle length written inside this drug's own clause
    clause: str | None = None  # the first clause that gave a per-drug detail (not copied)

    _COPIED = ("dose", "dose_unit", "dose_basis", "route", "frequency", "times_per_day",
               "day_start", "day_end", "days")

    def has_detail(self) -> bool:
        return any(getattr(self, f) not in (None, []) for f in self._COPIED)

    def fill_from(self, other: _Dosing) -> None:
        """Fill what is missing here from ``other`` (a later clause, or the induction)."""
        for name in (*self._COPIED, "cycle"):
            if getattr(self, name) in (None, []) and getattr(other, name) not in (None, []):
                value = getattr(other, name)
                setattr(self, name, list(value) if isinstance(value, list) else value)


def _parse_clause(clause: str) -> _Dosing:
    """Dose, route, frequency and days written in one drug's clause."""
    d = _Dosing()
    d.dose, d.dose_unit, d.dose_basis = _parse_dose(clause)
    d.route = _parse_route(clause)
    d.frequency, d.times_per_day = _parse_frequency(clause)
    d.day_start, d.day_end, d.days = _parse_days(clause)
    d.cycle = _parse_cycle_length(clause)
    if d.frequency is None and d.dose is not None and not d.days and (
            (d.day_start is not None and d.day_start == d.day_end)
            or (d.day_start is None and d.cycle is not None)):
        # "200 mg IV D1" / "200 mg Q3W": one administration per cycle.
        d.frequency = "once per cycle"
    return d


def _parse_dose(text: str) -> tuple[float | None, str | None, str | None]:
    auc = _AUC_RE.search(text)
    m = _DOSE_RE.search(text)
    if auc and (m is None or auc.start() < m.start()) and float(auc.group("num")) > 0:
        # Carboplatin's target exposure (Calvert formula), neither flat nor per m2 or kg.
        return float(auc.group("num")), "AUC", "area-under-curve"
    if m is None:
        return None, None, None
    value = float(m.group("num").replace(",", ""))
    if value <= 0:
        return None, None, None  # "0 mg" doses nothing
    unit = re.sub(r"\s+", "", m.group("unit").lower()).replace("²", "2").replace("^2", "2")
    unit = {"μg": "µg", "mcg": "µg"}.get(unit, unit)
    if unit.endswith("/m2"):
        basis = "body-surface-area"
    elif unit.endswith("/kg"):
        basis = "body-weight"
    else:
        basis = "flat"
    return value, unit, basis


def _parse_route(text: str) -> str | None:
    m = _ROUTE_RE.search(text)
    return m.lastgroup if m else None


def _parse_frequency(text: str) -> tuple[str | None, int | None]:
    m = _FREQ_RE.search(text)
    if not m or m.lastgroup is None:
        return None, None
    return _FREQ_BY_GROUP[m.lastgroup]


def _parse_days(text: str) -> tuple[int | None, int | None, list[int]]:
    """The first day expression: one range as (start, end, []), else (None, None, days)."""
    m = _DAYS_RE.search(text)
    if not m:
        return None, None, []
    days: list[int] = []
    for item in _DAY_ITEM_RE.finditer(m.group(0)):
        n = int(item.group("n"))
        sep = (item.group("sep") or "").lower()
        if not 0 < n <= _MAX_DAY or (sep in _RANGE_SEPS and days and n <= days[-1]):
            return None, None, []  # day 0, day 400 or "day 14 to day 1": not a schedule
        if sep in _RANGE_SEPS and days:
            days.extend(range(days[-1] + 1, n + 1))
        else:
            days.append(n)
    days = sorted(set(days))
    if not days:
        return None, None, []
    if days == list(range(days[0], days[-1] + 1)):
        return days[0], days[-1], []
    return None, None, days


def _number(word: str) -> int | None:
    w = word.lower()
    return _WORD_NUMBERS.get(w) if not w.isdigit() else int(w)


def _parse_cycle_length(text: str) -> int | None:
    """Cycle length in days: "every three weeks", "Q3W", "q21d", "21-day cycles" -> 21."""
    best: tuple[int, int] | None = None  # (position, days)
    for pattern, mult in _CYCLE_RES:
        m = pattern.search(text)
        n = _number(m.group("n")) if m else None
        if m and n and 0 < n * mult <= _MAX_DAY and (best is None or m.start() < best[0]):
            best = (m.start(), n * mult)
    return best[1] if best else None


def _parse_cycle_count(text: str) -> tuple[int | None, int | None]:
    """(min, max) cycles: "for 4-6 cycles" -> (4, 6); "up to 6 cycles" -> (None, 6)."""
    if m := _COUNT_RANGE_RE.search(text):
        a, b = _number(m.group("a")), _number(m.group("b"))
        if a and b and max(a, b) <= _MAX_CYCLES:
            return min(a, b), max(a, b)
    if m := _COUNT_MAX_RE.search(text):
        n = _number(m.group("n"))
        return (None, n) if n and n <= _MAX_CYCLES else (None, None)
    if m := _COUNT_MIN_RE.search(text):
        n = _number(m.group("n"))
        return (n, None) if n and n <= _MAX_CYCLES else (None, None)
    if m := _COUNT_EXACT_RE.search(text):
        n = _number(m.group("n"))
        return (n, n) if n and n <= _MAX_CYCLES else (None, None)
    return None, None


def _parse_until(text: str) -> str | None:
    """The stopping rule, with the usual phrasings normalised; other conditions kept as written.

    "until PD or intolerance to drug toxicity" -> "disease progression or intolerable toxicity".
    """
    m = _UNTIL_RE.search(text)
    if not m:
        return None
    out: list[str] = []
    for piece in re.split(r"\s*,\s*(?:and/or\s+|or\s+)?|\s+and/or\s+|\s+or\s+|\s*/\s*",
                          m.group("what")):
        piece = re.sub(r"^(?:the|an?|occurrence\s+of|there\s+is)\s+", "", piece.strip(" \"'"),
                       flags=re.IGNORECASE)
        piece = re.sub(r"\s+(?:occurs?|develops?|appears?|is\s+confirmed|happens?|"
                       r"whichever\s+(?:comes|occurs)\s+first)$", "", piece, flags=re.IGNORECASE)
        if re.fullmatch(r"whichever\s+(?:comes|occurs)\s+first", piece, re.IGNORECASE):
            continue
        if _PROGRESSION_RE.fullmatch(piece):
            piece = UNTIL_PROGRESSION
        elif _TOXICITY_RE.fullmatch(piece):
            piece = UNTIL_TOXICITY
        if piece and piece not in out:
            out.append(piece)
    return " or ".join(out) or None


_TRAILING_CONNECTIVE_RE = re.compile(
    r"(?:[\s,;:]+|\s+(?:and|or|plus|with|combined\s+with)|\s*\+)$", re.IGNORECASE)


def _trim_clause(clause: str) -> str:
    """A clause without the connective that leads into the next drug ("..., and ")."""
    text = clause.strip()
    while True:  # every trailing connective, however many: ", and, plus " -> ""
        trimmed = _TRAILING_CONNECTIVE_RE.sub("", text)
        if trimmed == text:
            break
        text = trimmed
    # Drop a sentence-final full stop, but not the one closing "p.o." or "i.v.".
    if text.endswith(".") and not re.search(r"(?:^|[^A-Za-z])[A-Za-z]\.[A-Za-z]\.$", text):
        text = text[:-1].rstrip()
    return text


# --------------------------------------------------------------------------- text structure


@dataclass
class _Block:
    """The sentences and notes of one phase, in order."""

    phase: str
    sentences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _units(text: str) -> list[tuple[str, bool]]:
    """Sentences as (text, is_note); a note runs from "Note:" to the end of its paragraph."""
    out: list[tuple[str, bool]] = []
    for paragraph in re.split(r"\s*\n\s*", text):
        sentences = [s.strip() for s in _SENTENCE_SPLIT_RE.split(paragraph) if s.strip()]
        for i, sentence in enumerate(sentences):
            if _NOTE_RE.match(sentence):
                out.append((" ".join(sentences[i:]), True))
                break
            out.extend((part, False) for part in _split_at_then(sentence))
    return out


def _split_at_then(sentence: str) -> list[str]:
    """Split "... for 6 cycles, followed by maintenance X" so each phase gets its part."""
    for m in _THEN_RE.finditer(sentence):
        head, tail = sentence[:m.start()], sentence[m.end():]
        if head.strip() and _MAINTENANCE_RE.search(tail) and not _MAINTENANCE_RE.search(head):
            return [head.strip(), tail.strip()]
    return [sentence]


def _blocks(text: str) -> list[_Block]:
    units = _units(text)
    has_maintenance = any(not note and _MAINTENANCE_RE.search(s) for s, note in units)
    blocks = [_Block("induction" if has_maintenance else "treatment")]
    for sentence, is_note in units:
        if not is_note and _MAINTENANCE_RE.search(sentence) and blocks[-1].phase != "maintenance":
            blocks.append(_Block("maintenance"))
        (blocks[-1].notes if is_note else blocks[-1].sentences).append(sentence)
    return [b for b in blocks if b.sentences or b.notes]


def _drug_clauses(sentence: str, vocab: Vocabulary) -> list[tuple[str, str, str]]:
    """(drug key, clause, clause after the name): a clause runs from a drug's name to the next.

    Text before the first drug name belongs to no drug, so a stray "10mg" is ignored; the
    name itself is left out of what is parsed, so "AK105" or "SHR-1210" is not a number.
    """
    mentions = vocab.find_drugs(sentence)
    out: list[tuple[str, str, str]] = []
    for i, m in enumerate(mentions):
        end = mentions[i + 1].start if i + 1 < len(mentions) else len(sentence)
        if not _is_placebo_mention(sentence, m):
            out.append((m.key, sentence[m.start:end], sentence[m.end:end]))
    return out


# --------------------------------------------------------------------------- regimens


@dataclass
class _Schedule:
    """What a phase says about all its drugs at once."""

    cycles: list[int] = field(default_factory=list)
    cycles_min: int | None = None
    cycles_max: int | None = None
    until: str | None = None

    @property
    def cycle(self) -> int | None:
        # One cycle length for the whole phase applies to every drug in it ("anrotinib 10 mg
        # QD, tirelizumab 200 mg D1 Q3W" is one 21-day cycle); conflicting lengths do not.
        return self.cycles[0] if len(set(self.cycles)) == 1 else None


def _block_regimens(block: _Block, vocab: Vocabulary,
                    earlier: dict[str, _Dosing]) -> list[Regimen]:
    schedule = _Schedule()
    dosing: dict[str, _Dosing] = {}
    named_in: dict[str, str] = {}  # drug -> first sentence of the phase naming it
    scheduled: set[str] = set()  # drugs named in a sentence that states cycle or stop rule
    for sentence in block.sentences:
        _read_schedule(sentence, schedule)
        clauses = _drug_clauses(sentence, vocab)
        has_schedule = any((_parse_cycle_length(sentence), _parse_until(sentence),
                            *_parse_cycle_count(sentence)))
        same = bool(_SAME_RE.search(sentence))
        for key, clause, body in clauses:
            named_in.setdefault(key, sentence)
            found = _parse_clause(body)
            dosing.setdefault(key, _Dosing()).fill_from(found)
            if dosing[key].clause is None and found.has_detail():
                dosing[key].clause = _trim_clause(clause)
            if same and key in earlier:
                # "the dose and the medication method remain the same": copy, never guess.
                dosing[key].fill_from(_without_cycle(earlier[key]))
            if has_schedule:
                scheduled.add(key)
    regimens = []
    for key, sentence in named_in.items():
        d = dosing[key]
        if not d.has_detail() and key not in scheduled:
            continue  # named without any dosing detail: nothing to structure
        regimens.append(_regimen(key, block.phase, d, schedule, d.clause or sentence))
        earlier.setdefault(key, d)
    return regimens


def _without_cycle(d: _Dosing) -> _Dosing:
    copy = _Dosing(**{f.name: getattr(d, f.name) for f in fields(_Dosing)})
    copy.cycle = None
    copy.days = list(d.days)
    return copy


def _read_schedule(sentence: str, schedule: _Schedule) -> None:
    cycle = _parse_cycle_length(sentence)
    if cycle is not None:
        schedule.cycles.append(cycle)
    if schedule.cycles_min is None and schedule.cycles_max is None:
        schedule.cycles_min, schedule.cycles_max = _parse_cycle_count(sentence)
    schedule.until = schedule.until or _parse_until(sentence)


def _regimen(key: str, phase: str, d: _Dosing, schedule: _Schedule, source: str) -> Regimen:
    return Regimen(
        drug=key, phase=phase, dose=d.dose, dose_unit=d.dose_unit, dose_basis=d.dose_basis,
        route=d.route, frequency=d.frequency, times_per_day=d.times_per_day,
        day_start=d.day_start, day_end=d.day_end, days=list(d.days),
        cycle_length_days=d.cycle if d.cycle is not None else schedule.cycle,
        cycles_min=schedule.cycles_min, cycles_max=schedule.cycles_max, until=schedule.until,
        source_text=source,
    )


def _attach_note(note: str, phase: str, regimens: list[Regimen], vocab: Vocabulary) -> None:
    """Put a note on the regimens of the drugs it names: same phase first, else the latest."""
    for key in _drug_keys(note, vocab):
        same_phase = [r for r in regimens if r.drug == key and r.phase == phase]
        targets = same_phase or [r for r in regimens if r.drug == key][-1:]
        for r in targets:
            if note not in r.notes:
                r.notes.append(note)


def extract_regimens(text: str, vocab: Vocabulary) -> tuple[list[Regimen], list[str]]:
    """Structured regimens and free-text notes from a dosing narrative; never raises on text."""
    if not isinstance(text, str) or not text.strip():
        return [], []
    regimens: list[Regimen] = []
    notes: list[str] = []
    earlier: dict[str, _Dosing] = {}
    blocks = _blocks(text)
    for block in blocks:
        regimens.extend(_block_regimens(block, vocab, earlier))
    for block in blocks:
        for note in block.notes:
            _attach_note(note, block.phase, regimens, vocab)
            if note not in notes:
                notes.append(note)
    return regimens, notes


# --------------------------------------------------------------------------- trials


def complete_trial(trial: Trial, vocab: Vocabulary | None = None) -> Trial:
    """Resolve interventions and structure each arm's regimens; running it twice changes nothing.

    An arm whose own description gives no regimen borrows the descriptions of the
    interventions linked to it, since registries often put the dosing there instead.
    """
    vocab = vocab or default_vocabulary()
    resolve_interventions(trial, vocab)
    for arm in trial.arms:
        regimens, notes = extract_regimens(arm.description or "", vocab)
        if not regimens:
            for iv in _linked_interventions(trial, arm):
                more, more_notes = extract_regimens(iv.description or "", vocab)
                seen = {(r.drug, r.phase) for r in regimens}
                regimens.extend(r for r in more if (r.drug, r.phase) not in seen)
                notes.extend(n for n in more_notes if n not in notes)
        arm.regimens, arm.notes = regimens, notes
    from kg.extract.concepts import recognise_trial

    trial.mentions = recognise_trial(trial, vocab)
    from kg.extract.constraints import extract_constraints  # computable eligibility (issue 15)

    extract_constraints(trial, vocab)
    return trial


def _linked_interventions(trial: Trial, arm: Arm) -> list[Intervention]:
    """Interventions tied to an arm either way round: by arm label or by listed name."""
    label = _key(arm.label)
    listed = {_key(_TYPE_PREFIX_RE.sub("", n)) for n in arm.intervention_names}
    return [iv for iv in trial.interventions
            if label in {_key(a) for a in iv.arm_labels} or _key(iv.name) in listed]


def _key(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()
