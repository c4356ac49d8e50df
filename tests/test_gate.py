"""The coverage gate on the course notes: the abstain decision and what it was made from."""

import pytest


@pytest.mark.parametrize(
    "question",
    [
        "Which service scans S3 buckets for PII across accounts?",
        "Our analysts cannot code but must validate incoming data. Which service?",
    ],
)
def test_covered_questions_pass_with_their_evidence(course, question):
    gate = course.ask(question).trace["gate"]
    assert gate["covered"] and gate["strength"] >= gate["threshold"]
    assert gate["best_passage"] > 0.3 and gate["foreign_names"] == []


@pytest.mark.parametrize(
    "question,foreign",
    [
        ("How do I model a social graph in Amazon Neptune with Gremlin?", {"Neptune", "Gremlin"}),
        ("What is a good recipe for banana bread?", set()),
    ],
)
def test_uncovered_questions_are_declined_and_say_why(course, question, foreign):
    answer = course.ask(question)
    gate = answer.trace["gate"]
    assert answer.abstained and not gate["covered"] and gate["strength"] < gate["threshold"]
    assert foreign <= set(gate["foreign_names"])


def test_units_sentence_starts_and_acronyms_of_known_names_are_not_foreign(course):
    gate = course.ask("We keep 10 TB of logs. Where should CloudWatch logs be exported cheaply, MWAA or S3?").trace[
        "gate"
    ]
    assert "TB" not in gate["foreign_names"] and "MWAA" not in gate["foreign_names"]
    assert "We" not in gate["foreign_names"] and "Where" not in gate["foreign_names"]
