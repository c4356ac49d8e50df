"""The quality gate, on the dev suite only (evals/dev: tuning allowed). The test sets (evals/test) are
reported in docs/evals.md, never gated or tuned on. Thresholds sit just under the measured dev figures
(368/440 right, 72/82 out-of-scope declined): a regression gate, not a target."""

import pytest
from conftest import REPO

from assistant.evaluation import run_suite


@pytest.mark.slow
def test_eval_gate_on_the_dev_suite(course, tmp_path):
    run = run_suite(
        course, REPO / "evals" / "dev", tmp_path / "eval", unit_assistant=course.assistant_for_notes, modes=["hybrid"]
    )
    summaries = [r.summaries["hybrid"] for r in run.runs.values()]
    right = sum(s["correct"] for s in summaries)
    in_scope = sum(s["in_scope"] for s in summaries)
    declined = sum(s["out_of_scope_abstention"] * s["out_of_scope"] for s in summaries)
    out_of_scope = sum(s["out_of_scope"] for s in summaries)
    misses = {
        name: [(r["id"], r["recommendation"] or r["answer"][:60]) for r in run.rows["hybrid"] if not r["correct"]]
        for name, run in run.runs.items()
    }
    # 368/440 (0.84) at the end of the ninth session, with three sets written blind that session (course-kinds-e
    # 31/48, elasticsearch 14/22, github-actions 8/22 at their first runs); 302/348 on the earlier sets: a
    # regression gate.
    assert right / in_scope >= 0.83, misses
    assert declined / out_of_scope >= 0.8, misses
    assert sum(s["false_abstentions"] for s in summaries) <= 5, (
        misses
    )  # 5 (ninth session: 3 on the earlier sets, 2 of the new github-actions unit; 8 at that unit's first run)
    assert all(s["citation_validity"] == 1.0 for s in summaries)
    assert run.runs["course-scenarios"].summaries["hybrid"]["answer_accuracy"] >= 0.85  # 49/53 (0.92)
    assert (tmp_path / "eval" / "report.md").exists()
