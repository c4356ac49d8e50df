"""The quality gate on the shipped eval suite (hybrid retrieval, default answerer)."""

from assistant.evaluation import run_eval
from conftest import REPO


def test_eval_gate_on_the_shipped_scenarios(course, tmp_path):
    run = run_eval(course, REPO / "evals" / "dev" / "course-scenarios.jsonl", tmp_path / "eval", modes=["hybrid"])
    summary = run.summaries["hybrid"]
    misses = [(r["id"], r["recommendation"] or r["answer"][:80]) for r in run.rows["hybrid"] if not r["correct"]]
    assert summary["answer_accuracy"] >= 0.95, misses
    assert summary["out_of_scope_abstention"] == 1.0, misses
    assert summary["false_abstentions"] == 0, misses
    assert summary["citation_validity"] == 1.0
    assert (tmp_path / "eval" / "report.md").exists()
