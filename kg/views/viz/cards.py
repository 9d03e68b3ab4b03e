"""Facts a node's card shows that come from resources the page folds away rather than draws:
a study's clinical setting with where it was read (issue 13), the drugs and conditions
found in its text (issue 12 mentions), a criterion's constraints (issue 15), a MeSH
concept's place in the tree, an article's authorship and source.

Every row is (name, value) in plain words; the setting and mention rows quote the record
field they came from, so the card keeps the provenance the folded node carried.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef

from kg.rdf.namespaces import MESH, PROV, RDFS, SCHEMA, SKOS, TKG
from kg.views.viz.constraints import criterion_facts
from kg.views.viz.index import Index
from kg.views.viz.kinds import split_name
from kg.views.viz.text import shorten

ELIGIBILITY_FACTS = [(TKG.minimumAge, "minimum age"), (TKG.maximumAge, "maximum age"),
                     (TKG.sex, "sex"), (TKG.healthyVolunteers, "healthy volunteers")]
# Setting aspects (tkg:aspect) in the order a clinician reads them, with the card's word.
ASPECTS = [("disease-setting", "setting"), ("line", "line of therapy"), ("phase", "design"),
           ("allocation", "design"), ("comparator", "design"), ("blinding", "design"),
           ("evidence", "evidence"), ("drug-role", "drug role")]
QUOTE_CHARS = 110
MENTION_ROWS = 8  # concepts listed per record; the rest are counted
TREE_ROWS = 3  # MeSH tree paths shown per concept; the rest are counted
MAX_PATHS = 40  # paths enumerated at most (MeSH is a polyhierarchy: chemicals have many)
# Fields a mention is reported in, titles first; others follow alphabetically.
FIELD_ORDER = ["briefTitle", "officialTitle", "title", "conditions", "keyword", "keywords",
               "briefSummary", "detailedDescription", "abstract"]


def derived_facts(idx: Index, node: URIRef, kind: str) -> list[tuple[str, str]]:
    """The folded facts for one node, by its kind (mentions: see ``trailing_facts``)."""
    facts: list[tuple[str, str]] = []
    if kind in ("trial", "article"):
        facts += setting_facts(idx, node)
    if kind == "trial":
        facts += eligibility_facts(idx, node)
    if kind == "article":
        facts += article_facts(idx, node)
    if kind == "criterion":
        facts += criterion_facts(idx, node)
    if kind in ("drug", "drug-class"):
        facts += matched_mesh_facts(idx, node)
    if kind in ("condition", "mesh") and str(node).startswith(str(MESH)):
        facts += tree_facts(idx, node)
    return facts


def trailing_facts(idx: Index, node: URIRef, kind: str) -> list[tuple[str, str]]:
    """Folded facts that end the card: where each drug and condition was found."""
    return mention_facts(idx, node) if kind in ("trial", "article") else []


def setting_facts(idx: Index, study: URIRef) -> list[tuple[str, str]]:
    """One row per setting value (per role, for drugs), with the fields and words it was
    read from: "recurrent/metastatic (from briefTitle: “…”)"."""
    grouped: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for fact in idx.objects(study, TKG.settingFact):
        aspect = idx.first(fact, TKG.aspect) or ""
        values = idx.objects(fact, TKG.settingValue)
        value = _name(idx, values[0]) if values else ""
        source = (idx.first(fact, TKG.sourceField) or "", idx.first(fact, TKG.sourceText) or "")
        drugs = idx.objects(fact, TKG.concernsDrug)
        grouped[(aspect, value)][source].extend(_name(idx, d) for d in drugs)
    rows = []
    order = {a: i for i, (a, _) in enumerate(ASPECTS)}
    words = dict(ASPECTS)
    for (aspect, value), sources in sorted(grouped.items(),
                                           key=lambda kv: (order.get(kv[0][0], 99), kv[0])):
        if not value:
            continue
        drugs = sorted({d for names in sources.values() for d in names})
        head = f"{', '.join(drugs)}: {value}" if drugs else value
        quotes = "; ".join(_quote(field, text) for field, text in sorted(sources))
        rows.append((words.get(aspect, aspect), f"{head} (from {quotes})"))
    return rows


def _quote(field: str, text: str) -> str:
    if not text or text == field:
        return field or "the record"
    quote = f"“{shorten(text, QUOTE_CHARS)}”"
    return f"{field}: {quote}" if field else quote


def eligibility_facts(idx: Index, trial: URIRef) -> list[tuple[str, str]]:
    facts = []
    for elig in idx.objects(trial, TKG.eligibility):
        for predicate, name in ELIGIBILITY_FACTS:
            values = idx.lits.get(elig, {}).get(predicate)
            if values:
                facts.append((name, ", ".join(_plain(v) for v in sorted(values))))
    ids = [idx.first(s, SCHEMA.value) for s in idx.objects(trial, TKG.secondaryIdentifier)]
    if any(ids):
        facts.append(("secondary ids", shorten(", ".join(i for i in ids if i), 300)))
    return facts


def article_facts(idx: Index, article: URIRef) -> list[tuple[str, str]]:
    facts = []
    authors = idx.objects(article, SCHEMA.author)
    if authors:
        facts.append(("authors", str(len(authors))))
    types = [idx.first(t, RDFS.label) or split_name(t)
             for t in idx.objects(article, TKG.publicationType)]
    if types:
        facts.append(("publication type", shorten(", ".join(types), 300)))
    sources = sorted({idx.first(a, TKG.sourceKind) or "" for a in
                      idx.objects(article, PROV.wasGeneratedBy)} - {""})
    if sources:
        facts.append(("source", ", ".join(sources)))
    return facts


def mention_facts(idx: Index, record: URIRef) -> list[tuple[str, str]]:
    """Per drug or condition found in the record's text: the fields it was found in, and
    the words when they differ from its name: "Nasopharyngeal Carcinoma: briefTitle,
    briefSummary (as “NPC”)"."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for mention in idx.objects(record, TKG.hasMention):
        targets = idx.objects(mention, TKG.mentionOf)
        name = (_name(idx, targets[0]) if targets else
                idx.first(mention, TKG.matchedText) or "")
        if not name:
            continue
        for field in idx.texts(mention, TKG.inField):
            found[name][field].update(idx.texts(mention, TKG.matchedText))
    ranked = sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0].lower()))
    rows = []
    for name, fields in ranked[:MENTION_ROWS]:
        said = sorted({t for texts in fields.values() for t in texts
                       if t.lower() != name.lower()})
        text = f"{name}: {', '.join(sorted(fields, key=_field_rank))}"
        if said:
            text += " (as " + ", ".join(f"“{t}”" for t in said[:3]) + ")"
        rows.append(("found in text", text))
    if len(ranked) > MENTION_ROWS:
        rows.append(("found in text", f"and {len(ranked) - MENTION_ROWS} more"))
    return rows


def _field_rank(field: str) -> tuple[int, str]:
    return (FIELD_ORDER.index(field) if field in FIELD_ORDER else len(FIELD_ORDER), field)


def matched_mesh_facts(idx: Index, node: URIRef) -> list[tuple[str, str]]:
    """A drug's or class's MeSH concept (skos:exactMatch / closeMatch), named, with its
    place in the tree: the concept is not drawn as a node of its own."""
    facts = []
    for predicate, word in ((SKOS.exactMatch, "MeSH"), (SKOS.closeMatch, "MeSH, close match")):
        for concept in idx.objects(node, predicate):
            if not str(concept).startswith(str(MESH)):
                continue
            ui = str(concept)[len(str(MESH)):]
            name = idx.name(concept)
            facts.append((word, f"{name} ({ui})" if name else ui))
            facts += tree_facts(idx, concept)
    return facts


def tree_facts(idx: Index, concept: URIRef) -> list[tuple[str, str]]:
    """"Neoplasms > Neoplasms by Site > … > Nasopharyngeal Neoplasms": the concept's paths
    up skos:broader to the top of its MeSH tree (the ancestors are not drawn)."""
    paths = tree_paths(idx, concept)
    if not paths or len(paths[0]) < 2:
        return []
    rows = [("MeSH tree", " > ".join(_name(idx, n) for n in path)) for path in paths[:TREE_ROWS]]
    if len(paths) > TREE_ROWS:
        more = len(paths) - TREE_ROWS
        rows.append(("MeSH tree", f"and {more}{'+' if len(paths) >= MAX_PATHS else ''} "
                                  f"more path{'s' if more > 1 else ''}"))
    return rows


def tree_paths(idx: Index, concept: URIRef) -> list[list[URIRef]]:
    """Every path from a top concept down to ``concept`` (at most MAX_PATHS), in MeSH tree
    order."""
    found: list[list[URIRef]] = []

    def up(node: URIRef, trail: list[URIRef]) -> None:
        if len(found) >= MAX_PATHS:
            return
        parents = [p for p in idx.objects(node, SKOS.broader) if p not in trail]
        if not parents:
            found.append(trail[::-1])
            return
        for parent in parents:
            up(parent, [*trail, parent])

    up(concept, [concept])
    return sorted(found, key=lambda p: ([_tree_number(idx, n) for n in p], len(p)))


def _tree_number(idx: Index, node: URIRef) -> str:
    """The concept's first tree number ("C04.588…"), so paths come in MeSH's own order
    (Neoplasms before Otorhinolaryngologic Diseases); a concept without one sorts last."""
    return idx.first(node, TKG.meshTreeNumber) or "~" + _name(idx, node).lower()


def _name(idx: Index, node: URIRef) -> str:
    if str(node).startswith(str(MESH)):
        return idx.name(node) or str(node)[len(str(MESH)):]
    return idx.name(node) or split_name(node)


def _plain(value) -> str:
    if isinstance(value.value, bool):
        return "yes" if value.value else "no"
    return str(value)
