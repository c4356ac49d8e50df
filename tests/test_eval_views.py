"""The Evals page's data: saved runs per dataset, grouped-bar rows, a latency histogram."""

import json
import os

from assistant.eval_views import latency_histogram, metric_rows, saved_runs, shown_value


def _run(folder, dataset, mtime):
    folder.mkdir(parents=True)
    (folder / "summary.json").write_text(
        json.dumps(
            {
                "dataset": dataset,
                "modes": {
                    "hybrid": {"answer_accuracy": 0.9, "hit@1": 0.8},
                    "bm25": {"answer_accuracy": 0.7, "hit@1": 0.6},
                },
            }
        )
    )
    (folder / "per_item.jsonl").write_text("")
    os.utime(folder / "summary.json", (mtime, mtime))


def test_saved_runs_are_one_per_dataset_newest_first(tmp_path):
    _run(tmp_path / "a", "evals/scenarios.jsonl", 100)
    _run(tmp_path / "b", "evals/scenarios.jsonl", 300)
    _run(tmp_path / "c", "evals/holdout.jsonl", 200)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "summary.json").write_text("{not json")
    (tmp_path / "broken" / "per_item.jsonl").write_text("")
    runs = saved_runs(tmp_path)
    assert [(r.dataset, r.folder.name) for r in runs] == [("evals/scenarios.jsonl", "b"), ("evals/holdout.jsonl", "c")]
    assert saved_runs(tmp_path / "missing") == []


def test_metric_rows_put_modes_side_by_side_per_metric():
    rows = metric_rows({"modes": {"hybrid": {"answer_accuracy": 0.9}, "bm25": {"answer_accuracy": 0.7}}})
    assert rows == [
        {"metric": "Answer accuracy", "mode": "hybrid", "value": 0.9},
        {"metric": "Answer accuracy", "mode": "bm25", "value": 0.7},
    ]


def test_latency_histogram_counts_every_question_once_per_mode_and_keeps_outliers_in_the_last_bin():
    rows = [{"mode": "hybrid", "latency_ms": v} for v in [10, 12, 14, 16, 18, 20] * 5 + [400]]
    rows += [{"mode": "bm25", "latency_ms": v} for v in (11, 19)]
    bins = latency_histogram(rows, bins=5)
    assert sum(b["questions"] for b in bins if b["mode"] == "hybrid") == 31
    assert sum(b["questions"] for b in bins if b["mode"] == "bm25") == 2
    last = [b for b in bins if b["order"] == 4]
    assert last[0]["bin"].startswith("≥") and sum(b["questions"] for b in last) == 1  # the 400 ms outlier
    assert bins[0]["bin"].startswith("10–")
    assert latency_histogram([]) == []


def test_a_metric_with_nothing_to_count_shows_as_not_applying():
    values = {
        "multiple_choice_accuracy": 0.0,
        "multiple_choice_items": 0,
        "answer_accuracy": 0.5,
        "out_of_scope_abstention": 1.0,
        "out_of_scope": 3,
        "latency_p50_ms": 12.34,
        "false_abstentions": 2,
    }
    assert shown_value("multiple_choice_accuracy", values) == "-"  # not 0%: there were no such questions
    assert shown_value("answer_accuracy", values) == "50.0%"
    assert shown_value("out_of_scope_abstention", values) == "100.0%"
    assert shown_value("latency_p50_ms", values) == "12"
    assert shown_value("false_abstentions", values) == "2"
    assert [r["metric"] for r in metric_rows({"modes": {"hybrid": values}})] == [
        "Answer accuracy",
        "Out-of-scope abstention",
    ]
