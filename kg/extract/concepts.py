"""Which drugs and conditions a record names, field by field, and how each was found.

Trials: registered conditions, keywords, titles, summary, description, arm labels and
descriptions, intervention names, other names and descriptions; and the registry's own MeSH
terms (ClinicalTrials.gov's ``derivedSection`` browse modules) as mentions "by the
registry". Never the eligibility criteria: a trial that excludes patients with HIV does not
study HIV. Articles: title, abstract sections and keywords (MeSH headings and chemicals are
the indexers' own assignments, mapped as such in ``kg.rdf.article``).

Each mention keeps its field, the text as written and how it matched, so the graph can say
why a concept is there.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.model import Article, ConceptMention, RegistryMesh, Trial
from kg.vocab import Vocabulary

CONDITION_BROWSE = "registry:conditionBrowseModule"
INTERVENTION_BROWSE = "registry:interventionBrowseModule"


def trial_fields(trial: Trial) -> Iterator[tuple[str, str, bool]]:
    """(field, text, whole): ``whole`` marks a registered name rather than running text."""
    for name in trial.conditions:
        yield "conditions", name, True
    for word in trial.keywords:
        yield "keywords", word, True
    yield "briefTitle", trial.brief_title or "", False
    yield "officialTitle", trial.official_title or "", False
    yield "briefSummary", trial.brief_summary or "", False
    yield "detailedDescription", trial.detailed_description or "", False
    for arm in trial.arms:
        yield "armGroupLabel", arm.label, False
        yield "armGroupDescription", arm.description or "", False
    for iv in trial.interventions:
        yield "interventionName", iv.name, True
        for other in iv.other_names:
            yield "interventionOtherName", other, True
        yield "interventionDescription", iv.description or "", False


def recognise_trial(trial: Trial, vocab: Vocabulary) -> list[ConceptMention]:
    out: list[ConceptMention] = []
    for field, text, whole in trial_fields(trial):
        if text:
            found = vocab.name_mentions(text) if whole else vocab.mentions(text)
            out.extend(ConceptMention(m.kind, m.key, m.mesh, field, m.surface, m.how)
                       for m in found)
    out += _registry(trial.registry_conditions, "condition", CONDITION_BROWSE, vocab)
    out += _registry(trial.registry_interventions, "drug", INTERVENTION_BROWSE, vocab)
    return _distinct(out)


def _registry(terms: list[RegistryMesh], kind: str, field: str, vocab: Vocabulary
              ) -> list[ConceptMention]:
    """The registry's own MeSH terms (not its ancestors: the release gives the hierarchy).
    A UI the loaded release lacks (the registry uses the current MeSH) is kept as text."""
    from kg.vocab import names as N

    out = []
    for term in terms:
        if term.ancestor:
            continue
        rec = vocab.concept(term.id)
        if rec is not None:
            # The release says what kind of concept it is; the module it came in may not.
            found = ("drug" if rec.kinds & N.DRUG and (kind == "drug" or not rec.kinds
                                                       & N.CONDITION)
                     else "condition" if rec.kinds & N.CONDITION else "concept")
            key = vocab.key_for_mesh(term.id, found) if found != "concept" else term.id
            out.append(ConceptMention(found, key, term.id, field, term.term, "registry"))
        else:
            out.append(ConceptMention(kind, term.id, None, field, term.term,
                                      f"registry; {term.id} is not in {vocab.release.label}"))
    return out


def recognise_article(article: Article, vocab: Vocabulary) -> list[ConceptMention]:
    out: list[ConceptMention] = []
    fields = [("title", article.title or "", False),
              *(("abstract", s.text, False) for s in article.abstract),
              *(("keywords", k.text, True) for k in article.keywords)]
    for field, text, whole in fields:
        if text:
            found = vocab.name_mentions(text) if whole else vocab.mentions(text)
            out.extend(ConceptMention(m.kind, m.key, m.mesh, field, m.surface, m.how)
                       for m in found)
    return _distinct(out)


def trial_mentions(trial: Trial, vocab: Vocabulary) -> list[ConceptMention]:
    """The trial's mentions, recognised once and kept on the model."""
    if trial.mentions is None:
        trial.mentions = recognise_trial(trial, vocab)
    return trial.mentions


def article_mentions(article: Article, vocab: Vocabulary) -> list[ConceptMention]:
    if article.mentions is None:
        article.mentions = recognise_article(article, vocab)
    return article.mentions


def _distinct(mentions: list[ConceptMention]) -> list[ConceptMention]:
    seen: set[tuple] = set()
    out = []
    for m in mentions:
        key = (m.kind, m.key, m.field, m.text)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out
