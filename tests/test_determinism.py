"""The same input gives the same answers in every process: related studies (their order,
scores and reasons) and eligibility constraints, compared across interpreters with different
hash seeds. (The graph files are compared the same way in tests/test_cli.py.)"""

from __future__ import annotations

import json

from tests.support.hashseeds import outputs_under_hash_seeds

CODE = """
import json
from kg.pipeline.build import BuildOptions, build
from kg.views.related import find_related
result = build(BuildOptions())
ranking = [[r.identifier, r.score, r.reasons] for r in find_related(result.store)]
constraints = []
def walk(items):
    for c in items:
        yield c
        yield from walk(c.children)
for trial in result.trials:
    for c in walk(trial.eligibility.criteria):
        constraints.append([trial.nct_id, c.number, [(k.key, k.concept, repr(k.value))
                                                     for k in c.constraints]])
print(json.dumps({"ranking": ranking, "constraints": constraints}))
"""


def test_related_ranking_and_constraints_are_the_same_under_any_hash_seed():
    first, second = outputs_under_hash_seeds(CODE)
    assert first == second
    answer = json.loads(first)
    assert len(answer["ranking"]) > 20 and answer["ranking"][0][1] > 0
    assert any(keys for _, _, keys in answer["constraints"])
