"""What a recogniser knows about the criterion it reads."""

from __future__ import annotations

from dataclasses import dataclass

from kg.extract.constraints.concepts import Concepts
from kg.vocab import Vocabulary


@dataclass
class Context:
    kind: str  # the criterion's kind: "inclusion" or "exclusion"
    concepts: Concepts
    vocab: Vocabulary

    @property
    def effect(self) -> str:
        """What a predicate read from this criterion does by default: an inclusion requires
        it, an exclusion excludes when it holds."""
        return "exclude" if self.kind == "exclusion" else "require"
