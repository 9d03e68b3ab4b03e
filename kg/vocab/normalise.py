"""How names and texts are cut into words and folded into match keys.

One definition for the index builder and the matcher, so a name and the text that writes it
fold to the same key. A key is the folded words run together without separators, so "SHR-1210",
"SHR 1210" and "SHR1210", or "Non-Small-Cell" and "non small cell", give one key.

Folding, per word: lower case; a few British spellings to American ("tumour", "oesophageal",
"haematologic", as MeSH writes them); plural endings ("carcinomas", "metastases", "viruses",
"therapies"). Letters and digits are separate words ("AK105" is "ak" "105"), so code names
match however they are hyphenated. A possessive "'s" is dropped ("Hodgkin's" = "Hodgkin").
"""

from __future__ import annotations

import re

# Letter runs or digit runs; underscores are separators.
_WORD = re.compile(r"[^\W\d_]+|\d+")
_APOSTROPHES = ("'", "\u2019")
POSSESSIVE = re.compile(r"(?<=[^\W\d_])['\u2019][sS](?![^\W\d_])")

# British -> American spellings MeSH uses, as word prefixes or infixes.
_BRITISH = (
    ("tumour", "tumor"), ("oesophag", "esophag"), ("oedem", "edem"), ("oestr", "estr"),
    ("haem", "hem"), ("anaem", "anem"), ("leukaem", "leukem"), ("ischaem", "ischem"),
    ("paediatr", "pediatr"), ("foet", "fet"), ("coeliac", "celiac"), ("glycaem", "glycem"),
    ("lipaem", "lipem"), ("uraem", "urem"), ("septicaem", "septicem"), ("colour", "color"),
)
_BRITISH_HINT = re.compile("|".join(b for b, _ in _BRITISH))

_FOLDED: dict[str, str] = {}
_FOLDED_LIMIT = 500_000


def _singular(word: str) -> str:
    """A plural's singular by the regular English endings; symmetric use on names and texts
    is what matters, not grammar ("metastasis" and "metastases" both give "metastase")."""
    if len(word) < 4 or word[-1] != "s":
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sis"):
        return word[:-2] + "e"
    if word.endswith("uses"):
        return word[:-2]
    if word.endswith(("xes", "ches", "shes", "sses")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    return word[:-1]


def fold(word: str) -> str:
    """One word's folded form (memoised: texts repeat their words)."""
    folded = _FOLDED.get(word)
    if folded is None:
        lower = word.lower()
        if _BRITISH_HINT.search(lower):
            for british, american in _BRITISH:
                lower = lower.replace(british, american)
        folded = _singular(lower) if lower.isalpha() else lower
        if len(_FOLDED) >= _FOLDED_LIMIT:
            _FOLDED.clear()
        _FOLDED[word] = folded
    return folded


def words(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for each word of ``text``, a possessive "s" left out."""
    found = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    if "'" in text or "\u2019" in text:
        found = [w for w in found
                 if not (w[0] in ("s", "S") and w[1] and text[w[1] - 1] in _APOSTROPHES)]
    return found


def key(name: str) -> str:
    """The match key of a name: its folded words run together (as ``words`` cuts them)."""
    if "'" in name or "\u2019" in name:
        name = POSSESSIVE.sub("", name)
    return "".join(map(fold, _WORD.findall(name)))


def is_acronym(name: str) -> bool:
    """A short name written with two or more capitals ("NPC", "AIDS", "PD-1", "mTOR"): it
    matches only where the text writes the same capitals, so "aids" or "npc" in running
    text do not."""
    if len(name) > 20:
        return False
    letters = [c for c in name if c.isalnum()]
    return len(letters) <= 6 and sum(c.isupper() for c in letters) >= 2


def case_pattern(text: str) -> str:
    """The capitals of a name or surface, for comparing acronyms: 'PD-1' -> 'PD1'."""
    return "".join(c for c in text if c.isalnum())


def uninvert(name: str) -> str | None:
    """MeSH's inverted headings in running-text order: 'Neoplasms, Nasopharyngeal' ->
    'Nasopharyngeal Neoplasms'. Only plain words on both sides of a single comma (chemical
    names use commas for locants: '1,2-dichloroethane')."""
    head, _, tail = name.partition(", ")
    # _PLAIN holds no comma and no empty text, so a name with no ", " (tail "") or with a
    # second comma on either side is refused here.
    if not _PLAIN.fullmatch(head) or not _PLAIN.fullmatch(tail):
        return None
    return f"{tail} {head}"


_PLAIN = re.compile(r"[A-Za-z][A-Za-z\- ']*")
