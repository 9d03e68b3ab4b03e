"""Synthetic graphs shaped like trials and their literature, for benchmarks and scale tests.

They use the same classes, predicates and IRI patterns as the real mapping, with pools of
shared drugs, conditions, MeSH terms, journals and authors so hubs and clusters look like
a real field. They are made up: numbers measured on them say how the drawing scales, not
anything about real trials.
"""

from __future__ import annotations

import random

from rdflib import Graph, Literal, URIRef

from kg.rdf import iris
from kg.rdf.namespaces import BIBO, DCTERMS, RDF, RDFS, SCHEMA, TKG


def synthetic_graph(n_nodes: int, seed: int = 1) -> Graph:
    """About ``n_nodes`` drawable nodes (before the node cap), deterministic for a seed."""
    rng = random.Random(seed)
    g = Graph()
    pools = {name: max(lo, n_nodes // div) for name, lo, div in
             [("drugs", 3, 300), ("classes", 2, 900), ("conditions", 2, 500), ("mesh", 4, 60),
              ("journals", 2, 200), ("orgs", 2, 250), ("authors", 4, 40)]}
    rest = max(10, n_nodes - sum(pools.values()))
    n_trials = max(1, int(rest * 0.2 / 8))
    n_articles = max(1, int((rest - 8 * n_trials) / 4))

    classes = [_typed(g, iris.drug_class(f"class-{i}"), [TKG.DrugClass], f"drug class {i}")
               for i in range(pools["classes"])]
    drugs = [_typed(g, iris.drug(f"drug-{i}"), [TKG.Drug, SCHEMA.Drug], f"drug {i}")
             for i in range(pools["drugs"])]
    for drug in drugs:
        g.add((drug, SCHEMA.drugClass, rng.choice(classes)))
    conditions = [_typed(g, iris.mesh(f"D{900000 + i:06d}"), [TKG.Condition,
                         SCHEMA.MedicalCondition], f"condition {i}")
                  for i in range(pools["conditions"])]
    mesh = [_typed(g, iris.mesh(f"D{100000 + i:06d}"), [TKG.MeshDescriptor], f"MeSH term {i}")
            for i in range(pools["mesh"])]
    journals = [_typed(g, iris.journal(f"journal-{i}"), [SCHEMA.Periodical], f"Journal {i}")
                for i in range(pools["journals"])]
    orgs = [_typed(g, iris.organization(f"org {i}"), [SCHEMA.Organization], f"Sponsor {i}")
            for i in range(pools["orgs"])]
    shared_authors = [_person(g, f"Shared{i}", "A") for i in range(pools["authors"])]

    trials = []
    for t in range(n_trials):
        nct = f"NCT{10000000 + t:08d}"
        trial = _typed(g, iris.trial(nct), [TKG.ClinicalTrial, SCHEMA.MedicalTrial],
                       f"Synthetic trial {t}", predicate=DCTERMS.title)
        g.add((trial, TKG.nctId, Literal(nct)))
        g.add((trial, SCHEMA.healthCondition, rng.choice(conditions)))
        g.add((trial, TKG.leadSponsor, rng.choice(orgs)))
        for a in range(2):
            arm = _typed(g, iris.arm(nct, f"arm {a}"), [TKG.Arm], f"arm {a}")
            iv = _typed(g, iris.intervention(nct, f"iv {a}"), [TKG.Intervention], f"iv {a}")
            drug = rng.choice(drugs)
            g.add((trial, TKG.hasArm, arm))
            g.add((trial, TKG.hasIntervention, iv))
            g.add((arm, TKG.usesIntervention, iv))
            g.add((iv, TKG.includesDrug, drug))
            g.add((trial, TKG.studiesDrug, drug))
        for s in range(3):
            site = _typed(g, iris.site(f"site {t}-{s}", "City", "Country"),
                          [TKG.Site, SCHEMA.MedicalOrganization], f"Hospital {t}-{s}")
            g.add((trial, SCHEMA.studyLocation, site))
        trials.append(trial)

    for a in range(n_articles):
        pmid = str(20000000 + a)
        article = _typed(g, iris.article(pmid), [SCHEMA.ScholarlyArticle],
                         f"Synthetic article {a} on drug {rng.randrange(pools['drugs'])}",
                         predicate=DCTERMS.title)
        g.add((article, BIBO.pmid, Literal(pmid)))
        g.add((article, SCHEMA.isPartOf, rng.choice(journals)))
        for _ in range(3):
            g.add((article, SCHEMA.author, _person(g, f"Author{a}x{_}", "B")))
        g.add((article, SCHEMA.author, rng.choice(shared_authors)))
        for term in rng.sample(mesh, min(3, len(mesh))):
            g.add((article, DCTERMS.subject, term))
        g.add((rng.choice(trials), DCTERMS.references, article))
        if rng.random() < 0.2:
            g.add((article, TKG.registeredTrial, rng.choice(trials)))
    return g


def _typed(g: Graph, node: URIRef, types: list[URIRef], label: str,
           predicate: URIRef = RDFS.label) -> URIRef:
    for t in types:
        g.add((node, RDF.type, t))
    g.add((node, predicate, Literal(label)))
    return node


def _person(g: Graph, last: str, initials: str) -> URIRef:
    node = iris.author(last, initials, None)
    return _typed(g, node, [SCHEMA.Person], f"{last} {initials}", predicate=SCHEMA.name)
