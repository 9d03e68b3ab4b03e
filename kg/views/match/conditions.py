"""Is a condition on the patient's record, within the criterion's window and not among its
exceptions? True when a matching condition counts; False when the record says it is absent
(refuted, declared absent) or shows it only outside the window; None otherwise (no record
is not an absence)."""

from __future__ import annotations

import datetime as dt

from kg.model import Constraint
from kg.views.match.evaluate import Checker, Truth, _window, _window_days


def condition_truth(ck: Checker, c: Constraint) -> Truth:
    key = c.concept or ""
    label = c.label or key
    vocab_condition = key in ck.vocab.conditions and key not in ck.concepts.conditions
    matching = [f for f in ck.facts.conditions
                if (key in f.vocab_keys if vocab_condition else key in f.keys)]
    if key == "pregnancy":
        test = _pregnancy_test(ck)
        if test is not None:
            return test
    excepted = [f for f in matching if f.keys & set(c.exceptions)]
    if key == "malignancy":
        own = [f for f in matching if f.vocab_keys & ck.trial_conditions]
        excepted += own
    counted = [f for f in matching if f not in excepted and f.condition.status != "absent"]
    since = (ck.facts.as_of - dt.timedelta(days=_window_days(c))
             if c.window is not None and c.window.relation == "within" else None)
    unknown_timing = []
    for f in counted:
        where = f"{f.condition.text or key} ({f.condition.source}"
        where += f", onset {f.onset})" if f.onset else ")"
        if since is None:
            if f.condition.status == "resolved" and _active_only(c):
                continue
            return Truth(True, f"{label}: {where}")
        if (f.onset and f.onset >= since) or (f.abated and f.abated >= since) or \
                (f.condition.status == "active" and f.abated is None and f.onset is not None):
            return Truth(True, f"{label} within {_window(c)}: {where}")
        if f.onset is None and f.abated is None:
            unknown_timing.append(where)
    if unknown_timing:
        return Truth(None, f"{label}: {unknown_timing[0]} has no dates to place it within "
                     f"{_window(c)}")
    if any(f.condition.status == "absent" for f in matching) or counted:
        return Truth(False, f"no {label}" + (f" within {_window(c)}" if since else "") +
                     " on the record")
    if excepted:
        names = ", ".join(f.condition.text or f.condition.source for f in excepted)
        return Truth(False, f"no {label} other than excepted or the trial's own ({names})")
    return Truth(None, f"no record of {label}")


def _active_only(c: Constraint) -> bool:
    return "active" in c.text.lower()  # text is the span read (never None)


def _pregnancy_test(ck: Checker) -> Truth | None:
    """The newest pregnancy test, when it reads positive or negative."""
    from kg.views.match.facts import read_result

    results = ck.facts.results.get("pregnancy-test")
    if not results:
        return None
    obs = results[0]
    positive = read_result(obs.result)
    if positive is None:
        return None
    word = "positive" if positive else "negative"
    return Truth(positive, f"{word} pregnancy test ({obs.source}, {obs.date})")
