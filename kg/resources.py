"""Where the project's shipped files live: vocabulary, shapes, reference data, queries and
the bundled data snapshot. Everything the product reads at run time is inside the
repository; nothing is read from outside it."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGIES = PROJECT_ROOT / "ontologies"
QUERIES = PROJECT_ROOT / "queries"
DATA = PROJECT_ROOT / "data"
BUNDLED_TRIAL = DATA / "trials" / "NCT05807880.txt"
BUNDLED_NCT = "NCT05807880"
SNAPSHOT = DATA / "snapshot"
SNAPSHOT_PUBMED = SNAPSHOT / "pubmed"
SNAPSHOT_TRIALS = SNAPSHOT / "trials"
DEFAULT_OUTPUT = PROJECT_ROOT / "output"

VOCABULARY_TTL = ONTOLOGIES / "trialkg.ttl"
SHAPES_TTL = ONTOLOGIES / "shapes.ttl"
DRUGS_JSON = ONTOLOGIES / "drugs.json"
CONDITIONS_JSON = ONTOLOGIES / "conditions.json"
AMBIGUOUS_NAMES_JSON = ONTOLOGIES / "ambiguous-names.json"
MESH_CHECK_TAGS_JSON = ONTOLOGIES / "mesh-check-tags.json"
