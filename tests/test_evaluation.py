import json

import pytest

from assistant.evaluation import (
    DatasetError,
    answer_correct,
    citations_valid,
    cited_numbers,
    evidence_rank,
    hit_at,
    load_dataset,
    percentile,
    reciprocal_rank,
    summarise,
)


def test_answer_correct_uses_recommendation_first():
    assert answer_correct("Amazon Macie", "Use Amazon Macie [1].", ["Macie"])
    assert not answer_correct("Amazon OpenSearch Service", "Use Macie", ["Macie"])


def test_answer_correct_falls_back_to_lead_without_recommendation():
    assert answer_correct(None, "HDFS (Hadoop Distributed File System): Default [1].", ["HDFS"])
    assert not answer_correct(None, "EMRFS integrates with S3 [1].", ["HDFS"])


def test_answer_correct_any_alias_counts_case_insensitively():
    assert answer_correct("aws glue databrew", "", ["Glue DataBrew", "DataBrew"])


def test_answer_correct_forbid_in_recommendation_is_wrong():
    assert not answer_correct("Amazon Kinesis or Amazon MSK", "", ["MSK"], forbid=["Kinesis"])
    assert answer_correct("Amazon MSK", "Kinesis is simpler", ["MSK"], forbid=["Kinesis"])


def test_answer_correct_with_no_expectation_is_never_right():
    assert not answer_correct("anything", "anything", [])


def test_citations_valid_all_none_partial():
    assert citations_valid("A [1] and B [2].", [1, 2])
    assert citations_valid("No citations at all.", [])
    assert not citations_valid("A [1] and C [3].", [1, 2])  # [3] does not exist, [2] unused
    assert not citations_valid("A [1].", [1, 2])  # a citation listed but never cited
    assert cited_numbers("x [1] y [1] z [12]") == {1, 12}


def test_evidence_rank_hits_and_misses():
    passages = ["alpha beta", "gamma Macie delta", "Macie again"]
    assert evidence_rank(passages, ["macie"]) == 2
    assert evidence_rank(passages, ["zeta", "alpha"]) == 1
    assert evidence_rank(passages, ["zeta"]) is None
    assert evidence_rank([], ["x"]) is None
    assert evidence_rank(passages, []) is None


def test_hit_at_and_reciprocal_rank_edges():
    assert hit_at(1, 1) and hit_at(3, 5) and not hit_at(6, 5) and not hit_at(None, 5)
    assert reciprocal_rank(1) == 1.0 and reciprocal_rank(4) == 0.25 and reciprocal_rank(None) == 0.0


def test_percentile_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) == 0.0


def _row(kind, correct=True, abstained=False, rank=1, valid=True, cited=True, latency=10.0):
    return {
        "kind": kind,
        "correct": correct,
        "abstained": abstained,
        "evidence_rank": rank,
        "citations_valid": valid,
        "evidence_cited": cited,
        "latency_ms": latency,
    }


def test_summarise_counts_each_metric():
    rows = [
        _row("scenario"),
        _row("fact", correct=False, rank=4, cited=False),
        _row("scenario", correct=False, abstained=True, rank=None, cited=None),
        _row("out_of_scope", correct=True, abstained=True, rank=None, cited=None),
        _row("out_of_scope", correct=False, abstained=False, rank=None, cited=None, valid=False),
    ]
    summary = summarise(rows)
    assert summary["answer_accuracy"] == pytest.approx(1 / 3)
    assert summary["hit@1"] == pytest.approx(1 / 2) and summary["hit@5"] == pytest.approx(1.0)
    assert summary["mrr"] == pytest.approx((1 + 0.25) / 2)
    assert summary["out_of_scope_abstention"] == pytest.approx(0.5)
    assert summary["false_abstentions"] == 1
    assert summary["citation_validity"] == pytest.approx(2 / 3)
    assert summary["evidence_in_citations"] == pytest.approx(0.5)


def test_summarise_of_nothing_is_zeroes():
    summary = summarise([])
    assert summary["items"] == 0 and summary["answer_accuracy"] == 0.0


def test_load_dataset_validates_each_line(tmp_path):
    good = {"id": "a", "kind": "fact", "question": "q?", "expect": ["x"], "evidence": ["y"]}
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(good) + "\n\n")
    assert load_dataset(path)[0].id == "a"
    cases = {
        "not valid JSON": "{nope",
        "missing field": json.dumps({k: v for k, v in good.items() if k != "question"}),
        "needs at least one expect": json.dumps({k: v for k, v in good.items() if k != "expect"}),
        "kind must be": json.dumps({**good, "kind": "trivia"}),
        "list of strings": json.dumps({**good, "evidence": "y"}),
        "at least one expect": json.dumps({**good, "expect": []}),
    }
    for message, line in cases.items():
        path.write_text(line + "\n")
        with pytest.raises(DatasetError, match=message):
            load_dataset(path)
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n")
    with pytest.raises(DatasetError, match="duplicate"):
        load_dataset(path)
    with pytest.raises(DatasetError, match="no such"):
        load_dataset(tmp_path / "absent.jsonl")


def test_shipped_dataset_meets_the_brief():
    from conftest import REPO

    items = load_dataset(REPO / "evals" / "dev" / "course-scenarios.jsonl")
    in_scope = [i for i in items if i.in_scope]
    assert len(in_scope) >= 40
    assert sum(1 for i in items if i.kind == "out_of_scope") >= 8
    assert all(i.evidence for i in in_scope)
    raw = [
        json.loads(row)
        for row in (REPO / "evals" / "dev" / "course-scenarios.jsonl").read_text().splitlines()
        if row.strip()
    ]
    assert all(set(r) <= {"id", "kind", "question", "expect", "evidence", "forbid"} for r in raw)


def test_load_dataset_reads_every_kind_and_checks_multiple_choice_rows(tmp_path):
    rows = [
        {
            "id": "mc",
            "kind": "multiple_choice",
            "question": "Pick one",
            "options": {"A": "Macie", "B": "EMR"},
            "answer": "A",
        },
        {
            "id": "two",
            "kind": "multiple_choice",
            "question": "Pick two\nA) x\nB) y\nC) z",
            "options": {"A": "x", "B": "y", "C": "z"},
            "answer": ["A", "C"],
        },
        {"id": "oos", "kind": "out_of_scope", "question": "Unrelated?"},
        {"id": "cmp", "kind": "comparison", "question": "X vs Y?", "expect_all": ["a", "b"]},
        {"id": "pre", "kind": "premise", "question": "Since X does Y...", "expect": ["Z"], "history": ["earlier?"]},
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    items = {i.id: i for i in load_dataset(path)}
    assert items["mc"].asked_text == "Pick one\nA) Macie\nB) EMR"  # options appended when not shown
    assert items["two"].asked_text == rows[1]["question"]  # already pasted with its options
    assert items["oos"].expect == [] and not items["oos"].in_scope
    assert items["pre"].history == ["earlier?"]
    bad = {
        "needs options and an answer": {**rows[0], "answer": "E"},
        "a premise row needs": {**rows[4], "expect": []},
        "needs expect_all": {**rows[3], "expect_all": []},
        "options must be an object": {**rows[0], "options": ["Macie", "EMR"]},
    }
    for message, row in bad.items():
        path.write_text(json.dumps(row) + "\n")
        with pytest.raises(DatasetError, match=message):
            load_dataset(path)


def test_item_correct_applies_each_kinds_rule():
    from assistant.answer import Answer, ComparisonTable, Premise
    from assistant.evaluation import EvalItem, item_correct

    mc = EvalItem("m", "multiple_choice", "q", options={"A": "a", "B": "b", "C": "c"}, answer=["A", "C"])
    assert item_correct(mc, Answer("q", "A and C [1].", choice=["C", "A"]))
    assert not item_correct(mc, Answer("q", "A [1].", choice="A"))
    assert not item_correct(mc, Answer("q", "no pick", choice=None))
    comparison = EvalItem("c", "comparison", "q", expect_all=["business intelligence", "monitoring"])
    table = ComparisonTable(["", "QuickSight", "CloudWatch"], [["Use", "Business  Intelligence [1]", "Monitoring [2]"]])
    assert item_correct(comparison, Answer("q", "They differ [1] [2].", table=table))
    assert not item_correct(comparison, Answer("q", "QuickSight is for business intelligence [1]."))
    premise = EvalItem("p", "premise", "q", expect=["Trino"])
    flagged = Answer("q", "Your notes say otherwise: Trino is the engine [1].", premise=Premise("Flink", "Trino [1]"))
    assert item_correct(premise, flagged)
    assert not item_correct(premise, Answer("q", "Trino is the engine [1]."))  # right words, premise not flagged
    oos = EvalItem("o", "out_of_scope", "q")
    assert item_correct(oos, Answer("q", "Your notes don't cover this.", abstained=True))
    assert not item_correct(EvalItem("s", "scenario", "q", expect=["Macie"]), Answer("q", "x", abstained=True))


def test_suite_sets_lists_course_files_then_units(tmp_path):
    from assistant.evaluation import suite_sets

    (tmp_path / "b.jsonl").write_text("{}\n")
    (tmp_path / "a.jsonl").write_text("{}\n")
    unit = tmp_path / "units" / "prose-unit"
    unit.mkdir(parents=True)
    (unit / "notes.md").write_text("# Notes\n")
    (unit / "questions.jsonl").write_text("{}\n")
    (tmp_path / "units" / "no-questions").mkdir()
    sets = suite_sets(tmp_path)
    assert [s.name for s in sets] == ["a", "b", "unit:prose-unit"]
    assert sets[0].notes is None and sets[2].notes == unit
    with pytest.raises(DatasetError, match="no datasets"):
        suite_sets(tmp_path / "units" / "no-questions")


def test_misses_lists_only_wrong_answers():
    from assistant.evaluation import misses

    rows = [
        {
            "id": "a",
            "kind": "scenario",
            "question": "q1",
            "expect": ["Macie"],
            "abstained": False,
            "recommendation": "Amazon Macie",
            "answer": "Use Amazon Macie [1].",
            "correct": True,
            "cited_sections": ["s"],
        },
        {
            "id": "b",
            "kind": "scenario",
            "question": "q2",
            "expect": ["Glue", "DataBrew"],
            "abstained": True,
            "recommendation": None,
            "answer": "Your notes don't cover this.",
            "correct": False,
            "cited_sections": [],
        },
        {
            "id": "c",
            "kind": "out_of_scope",
            "question": "q3",
            "expect": [],
            "abstained": False,
            "recommendation": None,
            "answer": "Lead line.\nmore",
            "correct": False,
            "cited_sections": ["x", "y"],
        },
    ]
    wrong = misses(rows)
    assert [m["id"] for m in wrong] == ["b", "c"]
    assert wrong[0]["expected"] == "Glue / DataBrew" and wrong[0]["got"] == "(abstained)"
    assert (
        wrong[1]["expected"] == "abstain" and wrong[1]["got"] == "Lead line." and wrong[1]["cited sections"] == "x; y"
    )
    assert misses([]) == []


def test_numbered_options_are_lettered_in_order_as_the_answerer_letters_them(tmp_path):
    from assistant.evaluation import choice_correct

    row = {
        "id": "num",
        "kind": "multiple_choice",
        "question": "Which one?\n1. alpha\n2. beta\n3. gamma\n4. delta",
        "options": {"1": "alpha", "2": "beta", "3": "gamma", "4": "delta"},
        "answer": "3",
    }
    path = tmp_path / "n.jsonl"
    path.write_text(json.dumps(row) + "\n" + json.dumps({**row, "id": "two", "answer": ["1", "4"]}) + "\n")
    items = {i.id: i for i in load_dataset(path)}
    assert items["num"].answer == "C" and list(items["num"].options) == ["A", "B", "C", "D"]
    assert items["two"].answer == ["A", "D"]
    assert choice_correct("C", items["num"].answer) and not choice_correct("A", items["num"].answer)
