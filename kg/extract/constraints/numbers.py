"""Comparators, numbers, units and time spans as registry texts write them.

Eligibility text is typed by hand and often garbled on the way to the registry: superscripts
are lost ("4*109/L" for 4 x 10^9/L), "x" becomes "*" or "_", units run into numbers
("90g/L"). Every reading that needed an assumption returns it as a sentence, so the
constraint can carry it. Units come out as UCUM codes; converting between them is the
matcher's job (kg.views.units), so extraction never loads a unit registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Word forms first, then symbols; "at least" before "less than" etc. by position in text.
_COMPARATORS = [
    (r"greater\s+than\s+or\s+equal\s+to|more\s+than\s+or\s+equal\s+to|at\s+least|"
     r"no\s+less\s+than|not\s+less\s+than|equal\s+to\s+or\s+(?:greater|more)\s+than|"
     r"≥|>=|=>|≧|⩾", ">="),
    (r"less\s+than\s+or\s+equal\s+to|no\s+more\s+than|not\s+more\s+than|not\s+exceeding|"
     r"equal\s+to\s+or\s+less\s+than|up\s+to|≤|<=|=<|≦|⩽", "<="),
    (r"greater\s+than|more\s+than|higher\s+than|above|exceed(?:s|ing)?|over|>", ">"),
    (r"less\s+than|lower\s+than|below|under|<", "<"),
]
COMPARATOR = re.compile("|".join(f"(?P<c{i}>{p})" for i, (p, _) in enumerate(_COMPARATORS)),
                        re.I)

NUMBER = r"\d{1,3}(?:,\d{3})+(?![\d.])|\d+(?:[.,]\d+)?"
_NUMBER = re.compile(NUMBER)
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

# A count per volume written as a power of ten: "× 10^9/L", "x10⁹/L", "*109/L", "_109/L".
_POWER = re.compile(
    r"\s*(?P<times>[×xX*·∙•_]|times)?\s*10\s*(?P<caret>\^|\*\*|E|e|)\s*"
    r"(?P<exp>[0-9⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2})\s*(?P<what>copies|IU|iu)?\s*/\s*"
    r"(?P<vol>L|l|[µμu][Ll]|mm3|mm³|m[Ll])(?![A-Za-z])")
_LIMIT = re.compile(
    r"\s*(?P<times>[×xX*·∙]|times)?\s*(?:the\s+)?(?:institutional\s+)?"
    r"(?P<which>upper|lower)\s+limits?\s+of\s+(?:the\s+)?normal(?:\s+range|\s+value)?"
    r"(?:\s*\((?:ULN|LLN)\))?|\s*(?P<times2>[×xX*·∙]|times)?\s*(?P<abbr>ULN|LLN)\b", re.I)

# Text unit -> UCUM. Longest spellings first so "mg/dL" wins over "mg".
_UNITS = [
    (r"ml\s*/\s*min(?:ute)?\s*/\s*1\.73\s*m(?:2|²|\^2)", "mL/min"),
    (r"ml\s*/\s*min(?:ute)?", "mL/min"),
    (r"µmol\s*/\s*l|μmol\s*/\s*l|umol\s*/\s*l|micromol\s*/\s*l", "umol/L"),
    (r"mmol\s*/\s*l", "mmol/L"),
    (r"pmol\s*/\s*l", "pmol/L"),
    (r"mg\s*/\s*dl", "mg/dL"),
    (r"g\s*/\s*dl", "g/dL"),
    (r"mg\s*/\s*l", "mg/L"),
    (r"g\s*/\s*l", "g/L"),
    (r"g\s*/\s*24\s*h(?:ours?|rs?)?|g\s*/\s*day|g\s+per\s+24\s*h(?:ours?)?", "g/(24.h)"),
    (r"mg\s*/\s*24\s*h(?:ours?|rs?)?", "mg/(24.h)"),
    (r"mg\s*/\s*d(?:ay)?\b|mg\s+per\s+day|mg\s+daily", "mg/d"),
    (r"copies\s*/\s*ml", "{copies}/mL"),
    (r"iu\s*/\s*ml", "[iU]/mL"),
    (r"miu\s*/\s*l|mu\s*/\s*l", "m[IU]/L"),
    (r"[µμu]iu\s*/\s*ml", "u[IU]/mL"),
    (r"iu\s*/\s*l|u\s*/\s*l", "U/L"),
    (r"mm\s*hg|mmhg", "mm[Hg]"),
    (r"msec|ms\b|milliseconds?", "ms"),
    (r"sec(?:onds?)?\b|s\b", "s"),
    (r"/\s*mm3|/\s*mm³|/\s*cu\s*mm|/\s*mm\^3", "/mm3"),
    (r"/\s*[µμu]l", "/uL"),
    (r"%", "%"),
    (r"mg\b", "mg"),
    (r"g\b", "g"),
]
UNIT = re.compile("|".join(f"(?P<u{i}>{p})" for i, (p, _) in enumerate(_UNITS)), re.I)
# A unit read so far and then divided again ("mg/kg", "mg/m²", "g/kg/day") is a dose per body
# weight or area, which no entry above names: the quantity is left without a unit.
_FURTHER_DIVISOR = re.compile(r"\s*/\s*[^\W\d_]")

_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "a": 1, "an": 1}
SPAN = re.compile(r"(?P<n>\d{1,3}(?:\.\d)?|" + "|".join(w for w in _WORD_NUMBERS if len(w) > 2)
                  + r")[\s-]*(?P<u>days?|weeks?|wks?|months?|mos?|years?|yrs?)\b", re.I)
_SPAN_UNITS = {"d": "d", "w": "wk", "m": "mo", "y": "a"}


@dataclass
class Quantity:
    """A threshold as read: a number (or a multiple of a normal limit) and its UCUM unit."""

    value: float
    unit: str | None = None
    limit: str | None = None  # "ULN" or "LLN" when value multiplies a normal limit
    end: int = 0  # where the reading stopped in the text
    assumptions: list[str] = field(default_factory=list)


def comparator_at(text: str, pos: int) -> tuple[str, int] | None:
    """The comparator starting at ``pos`` (after spaces), and where it ends."""
    m = COMPARATOR.match(text, _skip_space(text, pos))
    if not m:
        return None
    index = int(m.lastgroup[1:])
    return _COMPARATORS[index][1], m.end()


def parse_number(token: str) -> float:
    token = token.translate(_SUPERSCRIPTS)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", token):
        return float(token.replace(",", ""))
    return float(token.replace(",", "."))


def quantity_at(text: str, pos: int) -> Quantity | None:
    """A number with its unit (or ×ULN) starting at ``pos``; a bare limit ("≤ ULN") is 1×ULN."""
    start = _skip_space(text, pos)
    limit = _LIMIT.match(text, start)
    if limit and not (limit.group("times") or limit.group("times2")):
        return Quantity(1.0, limit=_which(limit), end=limit.end())
    bare = _POWER.match(text, start)
    if bare and not bare.group("times") and (bare.group("caret") or not
                                              bare.group("exp").isascii()):
        return _power(Quantity(1.0), bare)  # "10^4 IU/mL"
    m = _NUMBER.match(text, start)
    if not m:
        return None
    value, end = parse_number(m.group()), m.end()
    q = Quantity(value, end=end)
    limit = _LIMIT.match(text, end)
    if limit:
        q.limit, q.end = _which(limit), limit.end()
        return q
    power = _POWER.match(text, end)
    if power:
        return _power(q, power)
    unit = UNIT.match(text, _skip_space(text, end))
    if unit and (unit.start() == end or text[end:unit.start()].isspace()) \
            and not _FURTHER_DIVISOR.match(text, unit.end()):
        q.unit, q.end = _UNITS[int(unit.lastgroup[1:])][1], unit.end()
    return q


def ordinal_at(text: str, pos: int) -> tuple[int, int] | None:
    """A dipstick grade: '++' -> 2, '2+' -> 2."""
    m = re.compile(r"(\+{1,4})(?![\w+])|([1-4])\s*\+").match(text, _skip_space(text, pos))
    if not m:
        return None
    return (len(m.group(1)) if m.group(1) else int(m.group(2))), m.end()


def time_span(match: re.Match[str]) -> tuple[float, str]:
    """(amount, UCUM unit) of a SPAN match: '4 weeks' -> (4.0, 'wk')."""
    n = match.group("n").lower()
    amount = float(_WORD_NUMBERS[n]) if n in _WORD_NUMBERS else float(n)
    return amount, _SPAN_UNITS[match.group("u")[0].lower()]


def _power(q: Quantity, power: re.Match[str]) -> Quantity:
    exponent = int(power.group("exp").translate(_SUPERSCRIPTS))
    vol = power.group("vol").replace("µ", "u").replace("μ", "u").replace("³", "3")
    vol = {"l": "L", "ul": "uL", "ml": "mL"}.get(vol.lower(), vol)
    if not power.group("caret") and power.group("exp").isascii():
        # "4*109/L", "1*104 copies/ml": the exponent's superscript was lost, leaving "10"
        # followed by the exponent on the line.
        q.assumptions.append(f"'{power.group().strip()}' read as x 10^{exponent}: the "
                             "exponent's superscript was lost in the registry text")
    if power.group("times") == "_":
        q.assumptions.append("'_' read as a multiplication sign")
    what = (power.group("what") or "").lower()
    per = {"copies": "{copies}/", "iu": "[iU]/"}.get(what, "/")
    q.value *= 1.0 if not what else 10.0 ** exponent
    q.unit = f"10*{exponent}/{vol}" if not what else f"{per}{vol}"
    q.end = power.end()
    return q


def _which(limit: re.Match[str]) -> str:
    word = (limit.group("which") or limit.group("abbr") or "").lower()
    return "LLN" if word.startswith("l") else "ULN"


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\u00a0":
        pos += 1
    return pos
