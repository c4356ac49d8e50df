"""Checking what a question takes for granted against the notes (made-up notes)."""

import pytest

from assistant.premise import opposed


@pytest.mark.parametrize("claim,line,why", [
    ("gzip files are splittable", "Gzip files cannot be split.", "negation"),
    ("log groups delete logs after 30 days", "Log groups keep logs for 90 days.", "number"),
    ("the cluster spreads nodes across several zones", "Nodes sit in a single zone.", "opposite"),
])
def test_opposite_statements_are_recognised(claim, line, why):
    assert opposed(claim, line) == why


@pytest.mark.parametrize("claim,line", [
    ("analysts need a no-code tool", "A visual, no-code tool for analysts."),
    ("the queue keeps messages for 4 days", "The queue keeps messages for 4 days."),
])
def test_agreeing_statements_are_not_opposed(claim, line):
    assert opposed(claim, line) is None


def test_claims_about_a_named_thing_are_checked_situations_are_not(make_assistant, tmp_path):
    folder = tmp_path / "u9"
    folder.mkdir()
    (folder / "u9.md").write_text(
        "# 9 Queues\n\n## Zorblat Queue\n\n- Zorblat Queue: Keeps each message for 4 days in a single region.\n"
        "- Teams use Zorblat Queue to buffer bursts of orders.\n\n## Plimsoll Streams\n\n"
        "- Plimsoll Streams: Replays ordered events to many readers across regions.\n"
        "- Teams use Plimsoll Streams for replaying events.\n")
    assistant = make_assistant(folder)
    assistant.ingest()
    wrong = assistant.ask("Since Zorblat Queue keeps messages across several regions, how do I pick a region?")
    assert wrong.premise is not None and "single region" in wrong.premise.correction
    assert wrong.answer.startswith("Your notes do not support the premise")
    right = assistant.ask("Since Zorblat Queue keeps each message for 4 days, how do I replay older events?")
    assert right.premise is None
    situation = assistant.ask("Our team sends bursts of orders every evening. Which service buffers them?")
    assert situation.premise is None and "Zorblat" in (situation.recommendation or "")
