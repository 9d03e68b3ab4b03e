"""The clinical setting of a trial or an article, as facts that say where they came from.

An oncologist reads a study by its setting before its drugs: recurrent/metastatic or
locoregionally advanced disease, first-line or pretreated, a randomised phase 3 or a
single-arm phase 2, which drug is tested and which is only the comparator. Registries hold
some of this as codes (phase, allocation, masking, arm types) and the rest only as prose, so
this module reads both with explicit phrase lists (``kg.extract.setting_terms``), never
guessing beyond what a phrase states, and keeps with each fact the field and the words it
came from.

Fields disagree ("recurrent/metastatic" in the title, "locoregionally advanced ... at first
diagnosis" in the eligibility text that tells the history), so each aspect is taken from
the most authoritative field that states it: registered codes, then titles, conditions and
keywords, then the summary, then descriptions and arms, then eligibility criteria. For
articles: publication types, then the title and keywords, then the abstract (its background
section last). Phrases that tell history ("after induction chemotherapy", "progressed after
first-line platinum") are read as history, not as the study's own setting.
"""

from __future__ import annotations

import re

from kg.extract import setting_terms as terms
from kg.extract.roles import arm_type, assign_roles, text_sides, trial_roles
from kg.model import AbstractSection, Article, ClinicalSetting, SettingFact, Trial
from kg.vocab import Vocabulary
from kg.vocab.concepts import Mention

# Levels of authority, most first: registered codes; titles, conditions and keywords; the
# summary (an article's abstract); descriptions and arms (an abstract's background);
# eligibility criteria. A disease setting the summary adds to the title's counts when it is
# of the same family ("first-diagnosed metastasis or recurrence/metastasis" under an R/M
# title); one of the other family is the summary's history or outcomes, not the setting.
REGISTERED, STATED, SUMMARY, DESCRIBED, ELIGIBILITY_LEVEL = 0, 1, 2, 3, 4
SNIPPET = 200  # longest quoted text; longer sentences are cut around the phrase
_BOUNDARY = re.compile(r"(?:[.;!?](?=\s)|\n)")
_BACKGROUND_SECTIONS = {"BACKGROUND", "INTRODUCTION"}
# An exclusion criterion naming prior systemic treatment of R/M disease makes the trial
# first-line ("Prior systemic therapy for recurrent or metastatic disease").
_PRIOR_RM_RE = re.compile(
    r"\b(?:prior|previous|previously|received|had)\b[^.;]{0,40}?\b(?:systemic|systematic|"
    r"palliative|chemotherapy|therapy|treatment|immunotherapy)\b[^.;]{0,40}?\bfor\s+(?:the\s+)?"
    r"(?:recurren\w*|relapsed|metastatic|advanced|R/M)\b", re.IGNORECASE)
_PLACEBO_RE = re.compile(r"\bplacebos?\b", re.IGNORECASE)
# "X versus Y" in a title is an active comparator unless Y is a placebo or no treatment at
# all ("versus observation", "vs best supportive care"): neither is stated then.
_VERSUS_RE = re.compile(r"\s(?:versus|vs\.?)\s", re.IGNORECASE)
_NO_TREATMENT_RE = re.compile(r"\s*(?:observation|surveillance|watchful\s+waiting|"
                              r"(?:best\s+)?supportive\s+care|no\s+(?:further\s+)?treatment|"
                              r"standard\s+follow[\s-]*up)(?![\w-])", re.IGNORECASE)


def snippet(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end], cut to at most SNIPPET characters."""
    left = max((m.end() for m in _BOUNDARY.finditer(text, 0, start)), default=0)
    right = next((m.start() + 1 for m in _BOUNDARY.finditer(text, end)), len(text))
    if right - left > SNIPPET:
        room = max(0, (SNIPPET - (end - start)) // 2)
        if start - room > left:  # cut at a space, not inside a word
            cut = text.find(" ", start - room, start)
            left = cut + 1 if cut >= 0 else start - room
        if end + room < right:
            cut = text.rfind(" ", end, end + room)
            right = cut if cut >= 0 else end + room
    return " ".join(text[left:right].split())


class _Reader:
    """Collects (level, fact) pairs, then keeps each aspect's most authoritative ones."""

    def __init__(self) -> None:
        self.found: list[tuple[int, SettingFact]] = []

    def add(self, level: int, aspect: str, value: str | None, where: str, text: str) -> None:
        if value:
            self.found.append((level, SettingFact(aspect, value, where, text)))

    def scan(self, level: int, where: str, text: str | None) -> None:
        """Every cue of setting_terms.CUES and every phase named in ``text``."""
        if not text:
            return
        for m, cue in _cue_matches(text):
            before = text[max(0, m.start() - 80):m.start()]
            before = before[max((b.end() for b in _BOUNDARY.finditer(before)), default=0):]
            history = cue.history and terms.HISTORY_RE.search(before) is not None
            if cue.curative_check and terms.CURATIVE_AFTER_RE.match(text, m.end()):
                continue
            quote = snippet(text, m.start(), m.end())
            for aspect, value in cue.facts:
                if history and (aspect, value) == ("line", "first-line"):
                    value = "pretreated"  # "progressed after first-line chemotherapy"
                elif history:
                    continue
                self.add(level, aspect, value, where, quote)
        if "phase" not in text.lower():
            return
        for m in terms.PHASE_RE.finditer(text):
            self.add(level, "phase", terms.phase_value(m.group(1), m.group(2)), where,
                     snippet(text, m.start(), m.end()))

    def evidence(self, level: int, where: str, text: str | None) -> None:
        """The kind of study ``text`` names, the first in EVIDENCE_PRECEDENCE."""
        for kind in terms.EVIDENCE_PRECEDENCE:
            m = terms.EVIDENCE_RE[kind].search(text or "")
            if m:
                self.add(level, "evidence", kind, where, snippet(text, m.start(), m.end()))
                return

    def eligibility(self, trial: Trial) -> None:
        items = list(_criteria(trial.eligibility.criteria))
        for c in items:
            where = f"eligibility: {c.kind} {c.number}"
            if c.kind == "inclusion":
                self.scan(ELIGIBILITY_LEVEL, where, c.text)
            else:
                m = _PRIOR_RM_RE.search(c.text)
                if m:
                    quote = snippet(c.text, m.start(), m.end())
                    self.add(ELIGIBILITY_LEVEL, "line", "first-line", where, quote)
                    self.add(ELIGIBILITY_LEVEL, "disease-setting", "recurrent-metastatic",
                             where, quote)
        if not items and trial.eligibility.text:
            # No items to tell inclusion from exclusion: only the phrase that is never an
            # exclusion ("never received systemic treatment for R/M disease").
            text = trial.eligibility.text
            for m, cue in _cue_matches(text):
                if cue is terms.CUES[0]:
                    quote = snippet(text, m.start(), m.end())
                    for aspect, value in cue.facts:
                        self.add(ELIGIBILITY_LEVEL, aspect, value, "eligibility", quote)

    def result(self, roles: list[SettingFact]) -> ClinicalSetting:
        facts: list[SettingFact] = []
        for aspect in terms.ASPECTS:
            items = [(level, f) for level, f in self.found if f.aspect == aspect]
            if not items:
                continue
            best = min(level for level, _ in items)
            chosen = [f for level, f in items if level == best]
            if aspect == "disease-setting" and best < SUMMARY:
                families = {terms.family(aspect, f.value) for f in chosen}
                chosen += [f for level, f in items if level == SUMMARY
                           and terms.family(aspect, f.value) in families]
            if aspect == "disease-setting" and best == ELIGIBILITY_LEVEL and any(
                    terms.family(aspect, f.value) == "advanced" for f in chosen):
                # Eligibility tells the history of R/M patients (first treated for
                # locoregional disease): the advanced-disease facts are the setting.
                chosen = [f for f in chosen if terms.family(aspect, f.value) == "advanced"]
            if aspect == "evidence":
                kinds = {f.value for f in chosen}
                first = next(k for k in terms.EVIDENCE_PRECEDENCE if k in kinds)
                chosen = [f for f in chosen if f.value == first][:1]
            seen: set[tuple[str, str]] = set()
            for f in chosen:
                if (f.value, f.field) not in seen:
                    seen.add((f.value, f.field))
                    facts.append(f)
        return ClinicalSetting(facts + roles)


def _cue_matches(text: str):
    """(match, cue) for the cues of setting_terms.CUES stated in ``text``, left to right and
    not overlapping; at one place the earlier cue wins (compound phrases before their
    parts), as one alternation of them all would decide."""
    folded = text.translate(terms.FOLD).lower()
    present = {n for n in terms.ALL_NEEDLES if n in folded}
    found = []
    for i, (needles, pattern) in enumerate(zip(terms.CUE_NEEDLES, terms.CUE_PATTERNS,
                                               strict=True)):
        if not present.isdisjoint(needles):
            found.extend((m.start(), i, m) for m in pattern.finditer(text))
    end = -1
    for start, i, m in sorted(found, key=lambda f: (f[0], f[1])):
        if start >= end:
            end = m.end()
            yield m, terms.CUES[i]


def _criteria(criteria):
    for c in criteria:
        yield c
        yield from _criteria(c.children)


# --------------------------------------------------------------------------- trials


def trial_setting(trial: Trial, vocab: Vocabulary) -> ClinicalSetting:
    r = _Reader()
    _registered_design(r, trial)
    titles = (("briefTitle", trial.brief_title), ("officialTitle", trial.official_title))
    for where, text in (*titles, *(("condition", c) for c in trial.conditions),
                        *(("keyword", k) for k in trial.keywords)):
        r.scan(STATED, where, text)
    for where, text in titles:
        versus = _VERSUS_RE.search(text or "")
        if versus and not _PLACEBO_RE.search(text) \
                and not _NO_TREATMENT_RE.match(text, versus.end()):
            r.add(STATED, "comparator", "active", where, text)
    r.scan(SUMMARY, "briefSummary", trial.brief_summary)
    r.scan(DESCRIBED, "detailedDescription", trial.detailed_description)
    r.scan(DESCRIBED, "designDescription", trial.design.intervention_model_description)
    for arm in trial.arms:
        r.scan(DESCRIBED, f"arm: {arm.label}",
               " ".join(x for x in (arm.label, arm.description) if x))
    r.eligibility(trial)
    drugs, found_in, untested = _trial_drugs(trial, vocab)
    return r.result(trial_roles(trial, vocab, drugs, found_in, untested))


def _registered_design(r: _Reader, trial: Trial) -> None:
    d = trial.design
    numbers = [terms.REGISTERED_PHASES[p] for p in trial.phases if p in terms.REGISTERED_PHASES]
    if numbers:
        r.add(REGISTERED, "phase", terms.phase_value(str(min(numbers)), str(max(numbers))),
              "phases",
              ", ".join(trial.phases))
    allocation = terms.REGISTERED_ALLOCATION.get((d.allocation or "").upper())
    if allocation:
        r.add(REGISTERED, "allocation", allocation, "allocation", d.allocation)
    elif (d.intervention_model or "").upper() == "SINGLE_GROUP":
        r.add(REGISTERED, "allocation", "single-arm", "interventionModel", d.intervention_model)
    # (a code's text is quoted only when the code was recognised, so it is never None)
    r.add(REGISTERED, "blinding", terms.REGISTERED_MASKING.get((d.masking or "").upper()),
          "masking", d.masking)
    kind = terms.REGISTERED_STUDY_TYPE.get((trial.study_type or "").upper())
    if kind:
        r.add(REGISTERED, "evidence", kind, "studyType", trial.study_type)
    elif numbers or trial.arms:
        # Transcribed records may lack the study type; phases and arms are a trial's.
        r.add(REGISTERED, "evidence", "clinical-trial", "phases" if numbers else "arms",
              ", ".join(trial.phases) or ", ".join(a.label for a in trial.arms))
    for arm in trial.arms:
        value = {"PLACEBO_COMPARATOR": "placebo", "SHAM_COMPARATOR": "placebo",
                 "ACTIVE_COMPARATOR": "active"}.get(arm_type(arm))  # "Placebo Comparator" too
        r.add(REGISTERED, "comparator", value, f"arm: {arm.label}", f"{arm.label} ({arm.type})")


# "Platinum Pre-treated", "cisplatin-refractory": the drug names what came before the study.
_HISTORY_AFTER = re.compile(r"[\s-]*(?:based\s+)?(?:chemotherapy[\s-]+)?(?:pre-?treated|"
                            r"refractory|resistant|failed|failure|exposed)\b", re.I)


def _as_history(text: str, m: Mention) -> bool:
    """Whether the drug named at ``m`` is what came before the study: "after failure of
    gemcitabine" (a cue in the 60 characters before it), "platinum-pretreated" (after it)."""
    return bool(terms.HISTORY_RE.search(text[max(0, m.start - 60):m.start])
                or _HISTORY_AFTER.match(text, m.end))


def _trial_drugs(trial: Trial, vocab: Vocabulary
                 ) -> tuple[list[str], dict[str, tuple[str, str]], set[str]]:
    """The drugs a trial registers or names in its titles, where each is first named, and
    those named only as history ("after failure of gemcitabine")."""
    found_in: dict[str, tuple[str, str]] = {}
    for iv in trial.interventions:
        for key in iv.drugs:
            found_in.setdefault(key, (f"intervention: {iv.name}", iv.name))
    for arm in trial.arms:
        for reg in arm.regimens:
            found_in.setdefault(reg.drug, (f"arm: {arm.label}", reg.source_text or arm.label))
    registered = set(found_in)
    named_as_history: set[str] = set()
    named_now: set[str] = set()
    # Titles, not keywords: a keyword names a topic, not the study's treatment.
    for where, text in (("briefTitle", trial.brief_title), ("officialTitle", trial.official_title)):
        for m in vocab.find_drugs(text or ""):
            found_in.setdefault(m.key, (where, text))
            (named_as_history if _as_history(text, m) else named_now).add(m.key)
    untested = named_as_history - named_now - registered
    # A drug named only as what came before ("platinum-pretreated") plays no role here.
    return [k for k in found_in if k not in untested], found_in, untested


# --------------------------------------------------------------------------- articles


def article_setting(article: Article, vocab: Vocabulary) -> ClinicalSetting:
    r = _Reader()
    for _ui, name in article.publication_types:
        lowered = name.strip().lower()
        kind = terms.PUBLICATION_TYPES.get(lowered)
        if kind is None and lowered.startswith("clinical trial"):  # "Clinical Trial, Phase II"
            kind = "clinical-trial"
        r.add(REGISTERED, "evidence", kind, "publicationType", name)
        if lowered.startswith("clinical trial, phase"):
            m = terms.PHASE_RE.search(name)
            if m:
                r.add(REGISTERED, "phase", terms.phase_value(m.group(1), m.group(2)),
                      "publicationType", name)
        if lowered == "randomized controlled trial":
            r.add(REGISTERED, "allocation", "randomised", "publicationType", name)
    r.scan(STATED, "title", article.title)
    r.evidence(STATED, "title", article.title)
    for kw in article.keywords:
        r.scan(STATED, "keyword", kw.text)
    for section in article.abstract:
        background = (section.category or section.label or "").upper() in _BACKGROUND_SECTIONS
        where = _section_field(section)
        r.scan(DESCRIBED if background else SUMMARY, where, section.text)
        # The kind of study an abstract names counts only when nothing above names one:
        # publication types and the title outrank it (result keeps the best level).
        if not background:
            r.evidence(DESCRIBED, where, section.text)
    headings = {h.descriptor_name for h in article.mesh_headings}
    if "Animals" in headings and "Humans" not in headings:
        r.add(DESCRIBED, "evidence", "preclinical", "meshHeadings", "Animals")
    return r.result(_article_roles(article, vocab, r))


def _section_field(section: AbstractSection) -> str:
    """How a fact names the abstract section it was read in: its label, else its NLM
    category ("abstract: METHODS"), else "abstract: text" for an unstructured abstract."""
    return f"abstract: {section.label or section.category or 'text'}"


def _article_roles(article: Article, vocab: Vocabulary, r: _Reader) -> list[SettingFact]:
    title = article.title or ""
    texts = [("title", title), *((_section_field(s), s.text) for s in article.abstract),
             *(("keyword", k.text) for k in article.keywords)]
    found_in: dict[str, tuple[str, str]] = {}
    in_title_now: set[str] = set()
    for where, text in texts:
        for m in vocab.find_drugs(text):
            found_in.setdefault(m.key, (where, text))
            if where == "title" and not _as_history(text, m):
                in_title_now.add(m.key)
    # The mapping names drugs from the title, abstract and keywords (kg.rdf.article), in
    # that order: the same drugs in the same order as found here.
    drugs = list(found_in)
    sides = text_sides("title", title, vocab)
    if not sides:
        for section in article.abstract:
            for sentence in re.split(r"(?<=[.;])\s+", section.text):
                sides += text_sides(_section_field(section), sentence, vocab)
    clinical = {f.value for _, f in r.found if f.aspect == "evidence"} & {
        "clinical-trial", "clinical-study", "observational", "case-report"}
    # Unplaced drugs are the tested ones only in a clinical study that names them in its
    # title as its own treatment ("Effect of anlotinib ...: a randomized clinical trial";
    # a placebo comparator goes unnamed); a review or an abstract's background only
    # mentions them.
    untested = set(drugs) - in_title_now if clinical else set(drugs)
    return assign_roles(drugs, sides, vocab, found_in, bool(sides), untested)
