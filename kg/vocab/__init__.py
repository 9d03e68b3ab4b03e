"""Everything that turns a name into an identifier: MeSH (a real release) plus a small
curated layer, and a matcher that finds their names in text.

The API other code uses (all on :class:`Vocabulary`, from :func:`default_vocabulary`):

Recognition (longest match first; case, punctuation, hyphen, space, plural variants)
  ``mentions(text)``          every drug and condition named, as :class:`Mention` (key,
                              surface, start, end, mesh UI, kind, how it matched)
  ``find_drugs(text)`` / ``find_conditions(text)``   the same, one kind
  ``drug_keys_in(text)`` / ``condition_keys_in(text)``   distinct keys, in order
Concepts
  ``drugs[key]`` / ``conditions[key]``   a :class:`Drug` / :class:`Condition` for a curated
                              key ("anlotinib", "nasopharyngeal-carcinoma") or any MeSH UI of
                              that kind ("D000074324"); iterating lists the curated ones
  ``drug_by_mesh(ui)`` / ``condition_by_mesh(ui)`` / ``key_for_mesh(ui, kind)``
  ``concept(ui)``             the release's record (name, entry terms, tree numbers, mapped
                              headings), for any descriptor or supplementary concept
  ``has_mesh(ui)``            whether the loaded release has that UI
Hierarchy (MeSH trees; a supplementary concept sits under the headings it is mapped to)
  ``broader_mesh(ui)`` / ``ancestor_mesh(ui)`` (nearest first) / ``narrower_mesh(ui)``
  ``condition_ancestors(key)`` keys, the condition first
Drug classes (curated: anti-PD-1, VEGFR TKI, ...; members identified through MeSH)
  ``classes``, ``resolve_class(name)``, ``class_ancestors(key)``, ``classes_of(drug_key)``,
  ``members(class_key)``
Provenance
  ``release``                 :class:`ReleaseInfo`: year, source, files with SHA-256, licence

The index is built once (``kg vocab build``; ``make run`` and ``make test`` do it) and opened
lazily; a missing or damaged one raises :class:`VocabularyError` saying how to rebuild it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from kg.vocab.concepts import Condition, Drug, DrugClass, Identifier, Mention
from kg.vocab.records import ReleaseInfo, VocabularyError
from kg.vocab.vocabulary import Vocabulary

__all__ = ["Condition", "Drug", "DrugClass", "Identifier", "Mention", "ReleaseInfo",
           "Vocabulary", "VocabularyError", "default_vocabulary", "load_vocabulary"]


def load_vocabulary(drugs_path: Path | None = None, conditions_path: Path | None = None,
                    ambiguous_path: Path | None = None, index_path: Path | None = None
                    ) -> Vocabulary:
    """The vocabulary from the built index (or ``index_path``) and curated files."""
    from kg.vocab.curated import load_curated
    from kg.vocab.setup import open_index

    if index_path is not None:
        from kg.vocab.reader import MeshIndex

        index = MeshIndex(index_path)
    else:
        index = open_index()
    return Vocabulary(index, load_curated(drugs_path, conditions_path, ambiguous_path))


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    return load_vocabulary()
