"""Checking what a question takes for granted against the notes (made-up notes)."""

import pytest

from assistant.premise import opposed


@pytest.mark.parametrize(
    "claim,line,why",
    [
        ("gzip files are splittable", "Gzip files cannot be split.", "negation"),
        ("log groups delete logs after 30 days", "Log groups keep logs for 90 days.", "number"),
        ("the cluster spreads nodes across several zones", "Nodes sit in a single zone.", "opposite"),
    ],
)
def test_opposite_statements_are_recognised(claim, line, why):
    assert opposed(claim, line) == why


@pytest.mark.parametrize(
    "claim,line",
    [
        ("analysts need a no-code tool", "A visual, no-code tool for analysts."),
        ("the queue keeps messages for 4 days", "The queue keeps messages for 4 days."),
    ],
)
def test_agreeing_statements_are_not_opposed(claim, line):
    assert opposed(claim, line) is None


def test_claims_about_a_named_thing_are_checked_situations_are_not(assistant_on_notes):
    assistant = assistant_on_notes(
        "u9.md",
        "# 9 Queues\n\n## Zorblat Queue\n\n- Zorblat Queue: Keeps each message for 4 days in a single region.\n"
        "- Teams use Zorblat Queue to buffer bursts of orders.\n\n## Plimsoll Streams\n\n"
        "- Plimsoll Streams: Replays ordered events to many readers across regions.\n"
        "- Teams use Plimsoll Streams for replaying events.\n",
    )
    wrong = assistant.ask("Since Zorblat Queue keeps messages across several regions, how do I pick a region?")
    assert wrong.premise is not None and "single region" in wrong.premise.correction
    assert wrong.answer.startswith("Your notes do not support the premise")
    right = assistant.ask("Since Zorblat Queue keeps each message for 4 days, how do I replay older events?")
    assert right.premise is None
    situation = assistant.ask("Our team sends bursts of orders every evening. Which service buffers them?")
    assert situation.premise is None and "Zorblat" in (situation.recommendation or "")


@pytest.mark.parametrize(
    "claim,line",
    [
        ("the reader can only open one archive at a time", "Up to 50 archives can be opened at once."),
        ("a volume keeps two copies", "A volume keeps 3 copies of each block."),
    ],
)
def test_numbers_written_as_words_are_compared_with_digits(claim, line):
    assert opposed(claim, line) == "number"


def test_one_of_many_is_not_a_count():
    assert opposed("one of the archives is read first", "Up to 50 archives can be opened at once.") is None


def test_the_claims_subject_is_the_name_it_opens_with_as_the_notes_spell_it(assistant_on_notes):
    assistant = assistant_on_notes(
        "u10.md",
        "# 10 Archives\n\n## Quern Archive\n\n- Quern Archive: Stores frozen records; Quern files cannot be split "
        "across readers.\n- Quern Archive reads at most 2 files per second.\n\n## Execution\n\n"
        "- Execution: Up to 50 archives can be opened at the same time.\n\n## Tollan Engine\n\n"
        "- Tollan Engine: The engine that runs every Quern Archive query.\n",
    )
    # A modifier before the name and a noun after it ("gzip-packed Quern files are ...").
    split = assistant.ask(
        "Because gzip-packed Quern files are splittable across readers, how many readers should I use?"
    )
    assert split.premise is not None and "cannot be split" in split.premise.correction
    # "I read that" says where the claim came from; the claim is what follows.
    heard = assistant.ask("I read that Quern Archive reads twelve files per second, so how long do 600 files take?")
    assert heard.premise is not None and "2 files per second" in heard.premise.correction
    # "Executives" only shares a stem with the notes' "Execution": not a claim about it.
    situation = assistant.ask("Executives want a daily report of the frozen records. Which service stores them?")
    assert situation.premise is None


def test_a_claim_giving_one_thing_a_job_the_notes_tie_to_another_is_corrected(assistant_on_notes):
    assistant = assistant_on_notes(
        "u14.md",
        "# 14 Data sources\n\n## Zorblat Exchange\n\n"
        "- Zorblat Exchange: A marketplace of third-party data you can import into the lake.\n"
        "- Zorblat Exchange lets teams subscribe to data sets from data providers and load them into the lake.\n\n"
        "## Plimsoll Flow\n\n"
        "- Plimsoll Flow: Integrates with SaaS applications (e.g., Quorra, Tessy) to import data into the lake.\n"
        "- For SaaS data (Quorra, Tessy), use Plimsoll Flow to import and process data.\n",
    )
    wrong = assistant.ask(
        "Zorblat Exchange is the standard tool for importing our own Quorra and Tessy data into the lake, "
        "so how do I set up the connection?"
    )
    assert wrong.premise is not None and "Plimsoll Flow" in wrong.premise.correction
    fine = assistant.ask("Plimsoll Flow imports our Quorra data into the lake, so how do I set up the connection?")
    assert fine.premise is None


def test_a_not_bears_on_a_claim_only_through_the_words_it_negates():
    from assistant.premise import _negation_bears

    assert _negation_bears("the standby already serves read queries", "the standby does not serve reads")
    # "without running databases" says nothing a line about centralising metadata could contradict.
    assert not _negation_bears(
        "we want one central metastore without running databases ourselves",
        "Centralize metadata for a Hive metadata store with minimal operational overhead.",
    )


def test_writing_scripts_is_the_opposite_of_a_no_code_tool():
    assert opposed("the tool makes you write scripts for every change", "A low or no-code tool for analysts.") == (
        "opposite"
    )


def test_a_claim_about_no_named_thing_is_corrected_by_a_line_that_negates_it_in_its_words(assistant_on_notes):
    assistant = assistant_on_notes(
        "u12.md",
        "# 12 Replicas\n\n## High availability\n\n"
        "- Zorblat failover: the standby copy waits in another zone and does not serve read queries.\n"
        "- Plimsoll replicas: asynchronous copies that serve read queries for reporting.\n",
    )
    wrong = assistant.ask("Since the standby copy already serves read queries, can we point reports at it?")
    assert wrong.premise is not None and "does not serve read queries" in wrong.premise.correction
    # A situation with a "not" of its own is no premise the notes contradict.
    situation = assistant.ask(
        "Our reports run every night and we do not want to run databases ourselves. What serves read queries?"
    )
    assert situation.premise is None


def test_a_tool_said_to_need_scripts_is_corrected_when_the_notes_call_it_no_code(assistant_on_notes):
    assistant = assistant_on_notes(
        "u13.md",
        "# 13 Preparation\n\n## Zorblat Prep\n\n"
        "- Zorblat Prep: A low or no-code tool that lets analysts define cleaning steps.\n"
        "- Zorblat Prep offers over 200 prebuilt transformations.\n\n## Plimsoll Jobs\n\n"
        "- Plimsoll Jobs: Runs Python scripts that engineers write for each transformation.\n",
    )
    wrong = assistant.ask("Since Zorblat Prep makes you write Python scripts for every step, is it right for analysts?")
    assert wrong.premise is not None and "no-code" in wrong.premise.correction
