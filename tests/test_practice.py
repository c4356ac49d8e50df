"""Practice questions from made-up notes: the question contract, the rules every question meets, what the
generator builds from each shape of notes, distractors and why-nots, the set, progress and the CLI."""

import json
import random
import re
import sqlite3
import zipfile
from collections import Counter
from datetime import UTC

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.practice import RULES, Question, check_question, near_duplicate, reword_with_llm, spread
from assistant.understanding import pasted_options
from assistant.wording import grammar_problem

BULLETS = """# 7.1 Message Services

## Queue Types

- Zorblat Queue: Buffers bursts of incoming orders between producers and consumers.
- Plimsoll Streams: Replays ordered event streams to many independent readers.
- Quandry Relay: Forwards urgent alerts to on-call pagers within seconds.
- Tessel Mailbox: Holds undelivered messages for a week before deleting them.

## Analysis Tools

- Murmur Lens: Runs SQL queries over archived message files.
- Vexil Boards: Draws interactive dashboards from query results.
- Kelda Vault: Encrypts archived messages with customer-managed keys.
- Oskar Tally: Counts messages per sender for monthly billing.
- Reports: Use Murmur Lens and Vexil Boards for querying and charting archived messages.

Fennel Gate appears here only in passing.
"""

PROSE = """# 9.1 Stores

## Choosing a store

Zorblat DB is a fully managed key-value database that answers lookups in single-digit milliseconds.

Plimsoll SQL runs relational engines for transactional workloads that need joins across many tables.

Tessel Warehouse is a columnar data warehouse for analytical queries over years of sales history.

Murmur Cache keeps repeated reads in memory in front of a slower database.

Quandry Archive stores rarely read backups on cheap tape-like media for many years.
"""

TABLE = """# Storage tiers

| Tier | Retrieval | Minimum days | Best for |
| --- | --- | --- | --- |
| Zorblat Hot | Milliseconds | None | Dashboards reading the same records many times a day |
| Zorblat Warm | Milliseconds | 30 | Monthly reports over last quarter's invoices |
| Zorblat Cold | Hours | 90 | Audit backups restored once or twice a year |
| Zorblat Frozen | Days | 180 | Legal records kept for a decade and almost never opened |
"""

CARDS = """ZORBLAT SHELL FLASHCARDS

Q: Show the free space on every mounted volume?
A: zfree -h (add -i for inodes).

Q: Follow the log of one background job as new lines arrive?
A: ztail -f jobname

Q: Stop a job from ever starting again, even at boot?
A: zctl mask jobname

Q: Edit the schedule of your own repeating jobs?
A: zcron -e (zcron -l lists them).

Q: Give a colleague read access to one file without changing its group?
A: zacl -m u:name:r file
"""

SCENARIO = """# 3.2 Exam Tips

## Queue Types

- Zorblat Queue: Buffers bursts of incoming orders between producers and consumers.
- Plimsoll Streams: Replays ordered event streams to many independent readers.
- Quandry Relay: Forwards urgent alerts to on-call pagers within seconds.
- Tessel Mailbox: Holds undelivered messages for a week before deleting them.

## Tips

1. Absorbing traffic spikes

   - Scenario: An online shop must absorb sudden spikes of checkout orders without losing any of them.
   - Solution: Use Zorblat Queue.
   - Alternative: Tessel Mailbox also keeps undelivered messages, for a week only.
"""


MIXED = """# 4.1 Moving data

## Getting data in

Quill Stream is a durable buffer for ordered event records that many independent readers consume.

For records that live in hosted office apps such as Arlo, Bexa or Cuvo, Plim Flow is the managed connector that \
pulls those records into the lake on a schedule.

The Zorb File Gateway presents network file shares whose files land as objects in the lake, the Zorb Volume \
Gateway presents block volumes backed up to the cloud, and the Zorb Tape Gateway replaces physical tape libraries \
for backup software.

Tess Sync copies large file trees from data-centre storage into the lake on a schedule.

## Processing engines

- Varn Batch: Runs nightly batch jobs over the whole lake.
- Varn Batch Scheduler: Starts batch jobs at set times.
- Olo Query: Runs interactive SQL over files in the lake.
- Kappa Flow: Simplified option for new projects.
- Kappa Flow: Filters records in flight with small functions.
- Mira Graph: Draws dependency graphs of every job.

### Varn Batch vs Olo Query

- Varn Batch Advantages
  - Better throughput for very large jobs.
- Olo Query Advantages
  - Answers ad-hoc questions in seconds.
"""


VIEWING = """# 5.1 Looking at data

## Viewing services

- Zorb Sight: A powerful tool for building interactive dashboards for managers.
- Plim Query: Runs SQL over files in the lake without servers.
- Plim Query Editor: Ad-hoc queries and quick charts from the editor.
- Tess Watch: Collects logs and metrics from every server.
- Quill Guard: Scans the lake for secret keys and personal data.
- Zorb CLI: Sends logs from servers to Tess Watch.
- Kappa Bus: Routes events between applications by rules.
- Vexa Store: Integrates with other services; fully managed and highly available.
- Reporting: Use Tess Watch and Plim Query for monthly uptime reporting.
- For customer records, use Orla Sync to import and clean records.
"""

ENGINES = """# 6.1 Engines

## Live engines

- Olo Query: Runs interactive SQL over files in the lake.
- Lumex: Pins live charts to a shared wall screen.

## Drafting engines

- Rhozan: Saves interactive notebooks in a shared folder.
- Varn Batch: Runs nightly batch jobs over the whole lake.
"""


GLOSSARY_AND_POLICIES = """# 4.2 Parcels

## Retry policies

Set with `zorb send --retry`:

- `never` — the default; a failed parcel is never sent again.
- `on-bounce[:tries]` — send again only when the depot bounces the parcel with an error code, optionally
  giving up after a number of attempts.
- `forever` — send again whenever the parcel stops moving, however it stopped.
- `unless-held` — like `forever`, except a parcel you held back by hand stays where it is.

## Controllers (flashcards)

Q: What is a Drover?
A: A controller that keeps one courier on every depot, including depots added later.

Q: What is a Herder?
A: A controller that keeps a set number of identical couriers running.

Q: What is a Tally?
A: A controller that runs a courier until the parcel is delivered, then stops.

Q: What is a Clockwork?
A: A controller that starts a Tally on a repeating schedule.

## Glossary

Marn: the immutable content hash that identifies one exact parcel.
Quill: a movable label for a parcel version, such as `1.4`.
Plinth: a server that stores and hands out parcels.
Sorrel: a named collection of related parcels in a Plinth.
Dunmore: depot-managed storage that outlives the couriers using it.
"""


HOW_TO_FAQ = """# Running zorbctl day to day

## Syncing and latches

**How do I stop two people from syncing the ledger at the same time?**
Set shared_latch = true in the ledger block. While one sync runs, the second one waits for the latch.

**A sync crashed and the latch was never released. What now?**
Check that nobody else is syncing, then run zorbctl unlatch with the latch ID shown in the error.

**How do I move to a newer plugin build on purpose?**
Widen the pin if needed and run zorbctl init -upgrade, which picks the newest allowed build and rewrites the pin file.

## Changing gadgets

**How do I avoid an outage when a gadget has to be rebuilt?**
Add build_first = true inside a guard block. Zorblat then builds the new gadget before it deletes the old one.

**How do I protect a billing gadget from being deleted by mistake?**
Set keep_forever = true in its guard block, and any plan that would delete that gadget fails with an error.

**Something outside Zorblat keeps renaming a label and every plan wants to undo it. How do I stop that?**
List that label in skip_drift within the guard block, and Zorblat stops resetting it after the gadget exists.

**How do I rebuild a gadget whenever a gadget it is linked to changes?**
Add rebuild_when inside the guard block, naming the linked gadget; Zorblat then replaces this one as well.

**A gadget is broken but its settings have not changed. How do I get Zorblat to make it again?**
Run zorbctl apply -rebuild= followed by the gadget's address, which plans a delete and re-create of that one.

**How do I see what changed outside Zorblat without touching any gadget?**
Run zorbctl plan -observe to list the differences, then keep them with zorbctl apply -observe.

**How do I make every file follow one standard layout?**
zorbctl tidy rewrites each file into the standard spacing and order.

**How do I make sure a rollout does exactly what was reviewed?**
Save the plan with zorbctl plan -save=p1, then roll it out later with zorbctl apply p1.
"""

COMMAND_LIST = """# Driving zorbctl

## Everyday commands

- `zorbctl plan -out=p1` writes the proposed changes to a file for a later review.
- `zorbctl status` shows which gadgets are running and which have failed.
- `zorbctl halt` pauses every gadget but keeps its state, so they can resume later.
- `zorbctl purge --all` deletes every gadget together with its stored state.
- `zorbctl meter` shows live CPU and memory use per gadget.
"""

VAGUE_GENUS = """# Zorblat gadget objects

- Zorb Map: An object that holds plain settings, such as a colour theme, that gadgets read at start.
- Zorb Vault: Data kept apart for passwords and signing keys, handed to gadgets when they start.
- Zorb Runner: A controller that keeps a set number of identical gadgets running and replaces failed ones.
- Zorb Sweeper: A controller that runs exactly one gadget on every host, for log shipping on each machine.
- Zorb Timer: A controller that starts a gadget on a fixed schedule and lets it finish.
"""

INSTRUCTION_CARDS = """# Zorblat build file

## Instructions (flashcards)

Q: What does ZFROM do?
A: It names the base image the build starts from.

Q: Does ZPORT make a port reachable from the host?
A: No. ZPORT only documents which port the application listens on.

Q: ZCMD or ZENTRY?
A: ZENTRY fixes the program the container always runs. ZCMD only supplies default arguments that a run \
command can replace.

Q: Why add a ZUSER line?
A: Programs run as root unless told otherwise. ZUSER switches to a named user without special rights.

Q: What does ZDIR do?
A: It sets the working folder for the lines that follow.

Q: ZRUN or ZCMD at build time?
A: ZRUN executes a command while the image is built. ZCMD executes nothing at build time.

Q: What is a hidden ZPORT?
A: A ZPORT line with no number. Zorb Lookup returns the container addresses instead.

## Build rules

ZUSER anti-sharing - Rules that keep two builds apart on one host, for example on different disks.
"""


RUNBOOK = """# Operating zorbd: a runbook

Each section is one incident: what you see, what usually causes it, and what to do.

## 598 Relay Refused

Symptom: Callers get 598 Relay Refused and the zorbd log shows "relay() failed (7: refused) while reaching the vault".
Likely cause: relay_target points at the wrong vault host or port.
Fix: Correct the address in relay_target so it matches where the vault listens, then reload.

## Slow exports cut off

Symptom: Long exports stop after about a minute with 597 Vault Timeout.
Likely cause: The vault answers later than wait_budget allows.
Fix: Raise wait_budget only in the route that serves the slow export. connect_budget covers only the handshake \
with the vault and cannot usefully exceed 75 seconds.

## Big parcels bounced

Symptom: Parcels bigger than one megabyte are bounced at once with 596 Parcel Too Heavy.
Likely cause: parcel_ceiling defaults to 1m and zorbd refuses larger parcels before the vault sees them.
Fix: Set parcel_ceiling 50m; in the route that takes parcels, then reload.

## Noisy callers

Symptom: One caller floods the sign-in route with hundreds of calls per second.
Likely cause: No call quota is in place.
Fix: Define a shared quota with quota_zone keyed on the caller address, and apply it in the route.

## Stale pages served slowly

Symptom: A slow vault serves the same public pages again and again.
Likely cause: No keep store is configured.
Fix: Define a keep store with keep_store_path in the main context, then enable it in a route. keep_stale error \
timeout updating; lets zorbd serve an expired copy while the vault is failing.

## Quiet logs

Symptom: trail_file shows only the balancer's private address for every caller.
Likely cause: trail_level filters by severity and the default level is error.
Fix: Set trail_level warn; for more detail.
"""

WARDEN_CARDS = """# Fleet yards

## Couriers (flashcards)

Q: Why should you not send bare couriers?
A: A bare courier is not replaced if its depot burns down. Wardens such as Drovers, Herders, Talliers and Clockers \
watch the fleet and replace couriers that vanish.

Q: What is a Drover used for?
A: Running long-haul routes such as coastal lines and mountain passes over many days.

Q: What are the two Drover loading styles?
A: Stacking (the default) piles crates high so the cart always leaves full.

Q: What is a Herder?
A: It keeps a set number of identical couriers running on every road.

Q: What is a Tallier?

A: It runs one courier until its parcel is delivered, then stops for good.

Q: What is a Clocker?
A: It starts a Tallier on a repeating schedule, such as every night at two.

Q: What is a Gazebo?
A: A shelter in the yard that keeps spare carts dry through the winter.
"""


def _assistant(make_assistant, tmp_path, name: str, notes: str, suffix: str = ".md"):
    """An assistant over one made-up unit of notes, ingested."""
    folder = tmp_path / name
    folder.mkdir()
    (folder / f"notes{suffix}").write_text(notes)
    assistant = make_assistant(folder, data_dir=tmp_path / f"{name}-data")
    assistant.ingest()
    return assistant


@pytest.fixture(scope="module")
def units(embeddings, tmp_path_factory):
    """Assistants over each made-up unit (bullets, prose, table, cards, scenario), built once."""
    from assistant.config import Settings
    from assistant.core import Assistant

    root = tmp_path_factory.mktemp("units")
    built = {}
    for name, notes, suffix in (
        ("bullets", BULLETS, ".md"),
        ("prose", PROSE, ".md"),
        ("table", TABLE, ".md"),
        ("cards", CARDS, ".txt"),
        ("scenario", SCENARIO, ".md"),
        ("mixed", MIXED, ".md"),
        ("viewing", VIEWING, ".md"),
        ("engines", ENGINES, ".md"),
        ("instruction-cards", INSTRUCTION_CARDS, ".md"),
        ("how-to", HOW_TO_FAQ, ".md"),
        ("vague-genus", VAGUE_GENUS, ".md"),
        ("commands", COMMAND_LIST, ".md"),
        ("glossary", GLOSSARY_AND_POLICIES, ".md"),
        ("wardens", WARDEN_CARDS, ".md"),
        ("runbook", RUNBOOK, ".md"),
    ):
        folder = root / name
        folder.mkdir()
        (folder / f"notes{suffix}").write_text(notes)
        assistant = Assistant(Settings(data_dir=root / f"{name}-data", corpus_dir=folder), embeddings=embeddings)
        assistant.ingest()
        built[name] = assistant
    return built


def _question(**overrides) -> Question:
    base = dict(
        id="q1",
        kind="scenario",
        stem="A team needs something that can buffer orders. Which queue fits?",
        options=["Zorblat Queue", "Plimsoll Streams", "Quandry Relay", "Tessel Mailbox"],
        answer=0,
        explanation="Zorblat Queue: your notes say “Zorblat Queue: Buffers bursts of incoming orders” [1].",
        why_not={
            "Plimsoll Streams": "Plimsoll Streams is for something else: your notes say “Plimsoll Streams: "
            "Replays ordered event streams” [1] - not this.",
            "Quandry Relay": "Quandry Relay is for something else: your notes say “Quandry Relay: Forwards "
            "urgent alerts to pagers” [1] - not this.",
            "Tessel Mailbox": "Tessel Mailbox is for something else: your notes say “Tessel Mailbox: Holds "
            "undelivered messages for a week” [1] - not this.",
        },
        citations=[
            {
                "n": 1,
                "source": "notes.md",
                "section": "Queue Types",
                "text": "...",
                "score": 1.0,
                "chunk_id": "c1",
                "lines": [],
            }
        ],
        section="Queue Types",
        chunk_ids=["c1"],
    )
    base.update(overrides)
    return Question(**base)


# --- the question contract -----------------------------------------------------------------------


def test_a_question_stored_before_choose_two_loads_with_its_one_key():
    stored = _question().to_dict()
    del stored["answers"]
    loaded = Question.from_dict(stored)
    assert loaded.answers == [0] and loaded.picks == 1 and loaded.is_correct(0) and not loaded.is_correct(1)


def test_a_choose_two_question_needs_both_keys():
    question = _question(kind="choose_two", answers=[0, 2])
    assert question.is_correct([2, 0]) and not question.is_correct([0]) and not question.is_correct(0)
    assert Question.from_dict(json.loads(json.dumps(question.to_dict()))).answers == [0, 2]


def test_pasted_question_reads_back_as_the_same_options():
    question = _question()
    stem, options = pasted_options(question.pasted())
    assert stem == question.stem and [o.text for o in options] == question.options
    assert [o.letter for o in options] == ["A", "B", "C", "D"]


# --- the rules ---------------------------------------------------------------------------------


def test_a_question_meeting_every_rule_passes():
    assert check_question(_question()) == []


@pytest.mark.parametrize(
    "change, rule",
    [
        ({"options": ["Zorblat Queue", "zorblat queue", "Quandry Relay", "Tessel Mailbox"]}, "four_options"),
        ({"stem": "A team needs Zorblat Queue to buffer orders. Which one?"}, "names_answer"),
        ({"stem": "Unlike Quandry Relay, what buffers orders?"}, "names_option"),
        ({"stem": "A team needs something (not a relay) to buffer orders. Which one?"}, "aside"),
        ({"explanation": "Zorblat Queue: it buffers orders."}, "cited"),
        (
            {
                "stem": "It buffers bursts of incoming orders between producers and consumers. Which one?",
                "explanation": "Zorblat Queue: your notes say “Buffers bursts of incoming orders between producers and "
                "consumers” [1].",
            },
            "copies_line",
        ),
        (
            {"explanation": "Zorblat Queue: your notes say “Quandry Relay advantages: forwards orders quickly” [1]."},
            "key_line_of_other",
        ),
    ],
)
def test_each_rule_catches_what_it_states(change, rule):
    assert rule in check_question(_question(**change))


def test_a_bare_recommendation_is_no_why_not_and_a_line_is_quoted_once():
    bare = _question().why_not | {"Quandry Relay": "Not it: your notes say “Solution: Use Quandry Relay” [1]."}
    assert "why_not" in check_question(_question(why_not=bare))
    repeated = _question().why_not | {"Tessel Mailbox": _question().why_not["Plimsoll Streams"]}
    assert "why_not_repeats" in check_question(_question(why_not=repeated))


# --- what each shape of notes gives ------------------------------------------------------------


def _check_all(questions):
    for question in questions:
        assert check_question(question) == [], (question.stem, check_question(question))
        assert len(set(question.options)) == 4 and not re.search(r"[()]", question.stem)
        assert set(question.why_not) == {o for i, o in enumerate(question.options) if i not in question.answers}


def _keyed_to(assistant, answer: str):
    """The first of ten generated questions (seed 2, every one checked valid) whose key is `answer`."""
    questions, report = assistant.generate_questions(n=10, seed=2)
    _check_all(questions)
    keyed = [q for q in questions if q.options[q.answer] == answer]
    assert keyed, report.summary()
    return keyed[0]


def test_a_list_under_a_kind_heading_gives_questions_asking_for_that_kind(units):
    questions, report = units["bullets"].generate_questions(n=20, seed=3)
    _check_all(questions)
    singles = [q for q in questions if q.kind == "scenario"]
    assert len(singles) >= 6, report.summary()
    queue = next(q for q in singles if q.options[q.answer] == "Tessel Mailbox")
    assert "Which queue type" in queue.stem
    assert set(queue.options) == {"Zorblat Queue", "Plimsoll Streams", "Quandry Relay", "Tessel Mailbox"}
    # Each why-not says what that option IS for, quoting its own line, cited.
    assert "Replays ordered event streams" in queue.why_not["Plimsoll Streams"]
    assert re.search(r"\[\d\]", queue.why_not["Quandry Relay"])


def test_a_line_naming_two_things_for_one_need_is_a_choose_two_item(units):
    questions, _ = units["bullets"].generate_questions(n=20, seed=3)
    pair = next(q for q in questions if q.kind == "choose_two")
    assert sorted(pair.options[i] for i in pair.answers) == ["Murmur Lens", "Vexil Boards"]
    assert "Choose two" in pair.stem and len(pair.why_not) == 2
    viewing, _ = units["viewing"].generate_questions(n=20, seed=1)
    uptime = next(q for q in viewing if q.kind == "choose_two")
    assert "uptime reporting" in uptime.stem and "something" not in uptime.stem  # two picks, not "something"


def test_a_name_the_notes_say_nothing_about_is_never_a_distractor(units):
    questions, _ = units["bullets"].generate_questions(n=20, seed=3)
    assert questions and not any("Fennel Gate" in q.options for q in questions)


def test_prose_tables_and_cards_give_questions_too(units):
    prose, _ = units["prose"].generate_questions(n=10, seed=2)
    table, _ = units["table"].generate_questions(n=10, seed=2)
    cards, report = units["cards"].generate_questions(n=10, seed=2)
    for questions in (prose, table, cards):
        _check_all(questions)
    assert {"Zorblat DB", "Murmur Cache"} <= {q.options[q.answer] for q in prose}
    assert {q.options[q.answer] for q in table} & {"Zorblat Hot", "Zorblat Warm", "Zorblat Cold", "Zorblat Frozen"}
    assert len(cards) >= 4, report.summary()
    # A card's answer is a command: its question becomes the need, its options other cards' commands.
    mask = next(q for q in cards if q.options[q.answer] == "zctl mask jobname")
    assert "stop a job from ever starting again" in mask.stem.lower() and "Which command" in mask.stem
    assert all(option.startswith("z") for option in mask.options)


def test_a_how_to_faq_asks_each_card_as_a_situation_with_options_of_its_answers_kind(units):
    questions, report = units["how-to"].generate_questions(n=20, seed=1)
    _check_all(questions)
    keyed = {q.options[q.answer]: q for q in questions}
    assert len(questions) >= 6, report.summary()
    assert {"keep_forever", "build_first", "zorbctl init -upgrade", "zorbctl tidy"} <= set(keyed), sorted(keyed)
    keep = keyed["keep_forever"]
    # The card's question put to a team, not to "I"; the ask names the kind; the options are settings.
    assert "wants to protect a billing gadget from being deleted by mistake." in keep.stem
    assert "Which guard setting" in keep.stem and " I " not in f" {keep.stem} "
    # Settings of the guard block only: shared_latch sits in another block, so it is another kind.
    assert set(keep.options) <= {"build_first", "keep_forever", "skip_drift", "rebuild_when"}
    # Each wrong option is taught by its own card: the task it is given for, and the sentence that names it;
    # each ends on what the question asks for.
    build_first = keep.why_not.get("build_first", "")
    assert build_first.startswith("build_first is what your notes give to avoid an outage when a gadget has to be")
    assert "“Add build_first = true inside a guard block”" in build_first
    assert build_first.endswith("not what they give to protect a billing gadget from being deleted by mistake.")
    upgrade = keyed["zorbctl init -upgrade"]
    assert all(option.startswith("zorbctl") for option in upgrade.options)
    unlatch = keyed.get("zorbctl unlatch")
    if unlatch is not None:  # "What now?": the situation is the stem and the ask follows it
        assert unlatch.stem.startswith("A sync crashed and the latch was never released.")


def test_a_definition_that_only_says_object_or_data_does_not_set_a_thing_apart_in_kind(units):
    # "An object that ..." and "Data kept ..." say nothing of kind against "A controller that ...": the map is
    # asked with the vault and the controllers as wrong options (before, it had none of its kind).
    questions, report = units["vague-genus"].generate_questions(n=10, seed=1)
    keyed = {q.options[q.answer]: q for q in questions}
    assert "Zorb Map" in keyed, report.summary()
    assert len(set(keyed["Zorb Map"].options)) == 4


def test_commands_a_list_describes_are_asked_with_other_commands_and_no_stem_says_the_subcommand(units):
    questions, report = units["commands"].generate_questions(n=10, seed=1)
    _check_all(questions)
    keyed = {q.options[q.answer]: q for q in questions}
    assert {"zorbctl halt", "zorbctl meter"} <= set(keyed), report.summary()
    for question in questions:
        assert all(option.startswith("zorbctl") for option in question.options)
        key = question.options[question.answer]
        assert not {w for w in key.split()[1:] if not w.startswith("-")} & set(question.stem.lower().split())
    assert "pauses every gadget" in keyed["zorbctl halt"].explanation


def test_the_notes_own_scenario_is_asked_for_its_solution(units):
    questions, _ = units["scenario"].generate_questions(n=10, seed=1)
    shop = next(q for q in questions if "checkout orders" in q.stem)
    assert shop.options[shop.answer] == "Zorblat Queue" and "Solution: Use Zorblat Queue" in shop.explanation


def test_prose_names_after_a_fronted_phrase_or_in_a_later_clause_are_asked(units):
    questions, _ = units["mixed"].generate_questions(n=20, seed=1)
    keyed = {q.options[q.answer]: q for q in questions}
    assert "tape libraries" in keyed["Zorb Tape Gateway"].stem  # "..., and the Zorb Tape Gateway replaces ..."
    assert "Plim Flow" in keyed  # "For records that live in hosted office apps ..., Plim Flow is ..."
    assert "on a schedule" in keyed["Plim Flow"].stem or "records" in keyed["Plim Flow"].stem


def test_why_nots_never_quote_a_verdict_and_a_rivals_advantage_is_not_the_keys(units):
    questions, _ = units["mixed"].generate_questions(n=20, seed=1)
    assert any("Kappa Flow" in q.options for q in questions)
    for question in questions:
        assert "Simplified option" not in " ".join(question.why_not.values())  # says which to pick, not what
        assert not (question.options[question.answer] == "Olo Query" and "throughput" in question.explanation)
        assert "Better throughput" not in question.stem  # a comparison with what the line does not name


def test_a_part_and_the_thing_it_belongs_to_are_never_key_and_distractor(units):
    questions, _ = units["mixed"].generate_questions(n=20, seed=1)
    scheduler = [q for q in questions if q.options[q.answer] == "Varn Batch Scheduler"]
    assert scheduler and all("Varn Batch" not in q.options for q in scheduler)
    for question in questions:
        assert not grammar_problem(question.stem)


def test_a_situation_the_line_puts_first_opens_the_stem(units):
    questions, _ = units["mixed"].generate_questions(n=20, seed=1)
    plim = next(q for q in questions if q.options[q.answer] == "Plim Flow")
    assert plim.stem.startswith(("A team has records", "A company has records", "An organization has records"))


def test_a_situation_whose_noun_the_need_repeats_is_folded_into_it(units):
    questions, _ = units["viewing"].generate_questions(n=20, seed=1)
    orla = next(q for q in questions if q.options[q.answer] == "Orla Sync")
    assert "import and clean customer records" in orla.stem and " has " not in orla.stem


def test_a_cli_is_never_an_option_among_services_and_sales_words_are_no_requirement(units):
    questions, _ = units["viewing"].generate_questions(n=20, seed=1)
    assert len(questions) >= 4
    assert all("Zorb CLI" not in q.options for q in questions)
    sight = next(q for q in questions if q.options[q.answer] == "Zorb Sight")
    assert "powerful" not in sight.stem and "dashboards" in sight.stem
    assert not sight.stem.startswith("Building")  # "for managers" closes a purpose, it is not who needs it


def _with_practice(assistant, embeddings, **changes):
    """Another Assistant over the same notes and index, with other practice settings."""
    from assistant.config import PracticeSettings, Settings
    from assistant.core import Assistant

    settings = assistant.settings
    return Assistant(
        Settings(data_dir=settings.data_dir, corpus_dir=settings.corpus_dir, practice=PracticeSettings(**changes)),
        embeddings=embeddings,
    )


def test_a_near_miss_sharing_the_requirements_rarer_words_is_a_distractor_only_when_the_notes_back_it_far_less(
    units, embeddings
):
    def olo_options(assistant) -> set[str]:
        offered: set[str] = set()
        for seed in range(1, 6):
            questions, _ = assistant.generate_questions(n=20, seed=seed)
            for question in questions:
                if question.options[question.answer] == "Olo Query":
                    offered |= set(question.options)
        return offered

    def with_practice(**changes):
        return _with_practice(units["engines"], embeddings, **changes)

    # "Saves interactive notebooks" beside "Runs interactive SQL": it shares a rarer word, but the notes back it
    # for running SQL far less than the key, so it is the plausible wrong option an exam would offer.
    assert "Rhozan" in olo_options(units["engines"])
    # Asking for a wider gap sets it aside as one a student could argue for ...
    assert "Rhozan" not in olo_options(with_practice(lure_margin=1.0))
    # ... which the shared words decide: with no word counted rare, nothing is set aside for them.
    assert "Rhozan" in olo_options(with_practice(lure_margin=1.0, shared_word_zipf=0.0))


def test_a_cards_answer_is_read_sentence_by_sentence_for_the_thing_it_is_about(units):
    questions, _ = units["instruction-cards"].generate_questions(n=20, seed=1)
    keyed = {q.options[q.answer]: q.stem for q in questions}
    assert "which port the application listens on" in keyed["ZPORT"]  # "No. ZPORT only documents ..."
    assert "default arguments" in keyed["ZCMD"] and "fix the program" in keyed["ZENTRY"]  # "ZCMD or ZENTRY?"
    assert "named user" in keyed["ZUSER"]


def test_why_nots_agree_with_plural_names_and_join_a_cut_list(units):
    questions, _ = units["bullets"].generate_questions(n=20, seed=1)
    questions += units["viewing"].generate_questions(n=20, seed=1)[0]
    reasons = [reason for q in questions for reason in q.why_not.values()]
    assert any(reason.startswith("Plimsoll Streams is for") for reason in reasons)  # one product's name
    assert all(not re.search(r" - not what lets you [^.]*, [^.]*\.$", r) or " and " in r for r in reasons)


def test_a_requirement_of_qualities_alone_is_no_question_and_a_bare_tool_is_no_need(units):
    questions, report = units["viewing"].generate_questions(n=20, seed=1)
    assert all(q.options[q.answer] != "Vexa Store" for q in questions)  # "fully managed, highly available"
    assert report.dropped["specific"] >= 1
    assert all("needs a tool" not in q.stem for q in questions)


def test_the_notes_alternative_in_a_scenario_is_not_said_to_be_for_something_else(units):
    questions, _ = units["scenario"].generate_questions(n=10, seed=1)
    shop = next(q for q in questions if "checkout orders" in q.stem)
    assert "Tessel Mailbox" in shop.options
    assert "alternative" in shop.why_not["Tessel Mailbox"] and "something else" not in shop.why_not["Tessel Mailbox"]


def test_a_line_is_not_read_for_a_name_it_only_starts_a_longer_term_with_or_a_card_about_another_thing(units):
    generator = units["instruction-cards"].question_generator()
    lookup = [t for t in generator.things.values() if t.name == "Zorb Lookup"]
    assert not lookup or all("container addresses" not in item.description for item in lookup[0].teaching)
    zuser = next(t for t in generator.things.values() if t.name == "ZUSER")
    assert all("apart" not in item.description for item in zuser.teaching)  # "ZUSER anti-sharing - Rules ..."


def test_what_a_thing_does_not_do_is_no_requirement(units):
    questions, report = units["instruction-cards"].generate_questions(n=20, seed=1)
    assert all("nothing" not in q.stem for q in questions)  # "ZCMD executes nothing at build time"
    assert report.dropped["specific"] >= 1


def test_stems_do_not_copy_the_answers_line(units):
    questions, _ = units["prose"].generate_questions(n=10, seed=2)
    zorblat = next(q for q in questions if q.options[q.answer] == "Zorblat DB")
    assert "answers lookups in single-digit milliseconds" not in zorblat.stem  # reworded, key words kept
    assert "single-digit milliseconds" in zorblat.stem


def test_the_answering_pipeline_picks_the_key_when_a_question_is_pasted(units):
    questions, _ = units["bullets"].generate_questions(n=20, seed=3)
    matched, total = units["bullets"].self_consistency(questions)
    assert total == len(questions) and matched >= total - 1


# --- the set -----------------------------------------------------------------------------------


def test_generation_is_deterministic_for_a_seed(units):
    first, _ = units["bullets"].generate_questions(n=20, seed=3)
    again, _ = units["bullets"].generate_questions(n=20, seed=3)
    other, _ = units["bullets"].generate_questions(n=20, seed=4)
    assert [q.to_dict() for q in again] == [q.to_dict() for q in first]
    assert [q.to_dict() for q in other] != [q.to_dict() for q in first]


def test_the_report_counts_every_candidate_once(units):
    _, report = units["bullets"].generate_questions(n=20, seed=3)
    assert report.generated == report.valid + sum(report.dropped.values())
    assert set(report.dropped) <= set(RULES) | {"near_duplicate"}


def test_a_large_library_stops_once_it_has_enough_valid_questions(units):
    generator = units["bullets"].question_generator()
    questions, report = generator.generate(n=2, seed=3, budget=3)
    assert report.valid == 3 and report.generated < len(generator.facts) and len(questions) == 2
    assert len({q.options[q.answer] for q in questions}) == 2  # every answer before any answer twice


def test_section_filter(units):
    questions, _ = units["bullets"].generate_questions(n=10, seed=3, section="Analysis")
    assert questions and all("Analysis" in q.section for q in questions)


def _keyed(answer: str, section: str) -> Question:
    """A bare question keyed `answer` in `section`, for the set's spreading rules."""
    return Question(
        id=f"{answer}-{section}",
        kind="scenario",
        stem=f"{answer} {section}",
        options=[answer, "b", "c", "d"],
        answer=0,
        explanation="",
        why_not={},
        citations=[],
        section=section,
    )


def test_spread_asks_every_answer_once_before_repeating_one():
    pool = [_keyed("A", f"s{i}") for i in range(6)] + [_keyed(x, "s0") for x in "BCDE"]
    chosen = spread(pool, 5, random.Random(1))
    assert sorted(q.options[q.answer] for q in chosen) == ["A", "B", "C", "D", "E"]
    assert len(spread(pool, 50, random.Random(1))) == len(pool)


def test_spread_repeats_an_answer_with_other_wrong_options_before_the_same_ones():
    def question(ident: str, options: list[str], section: str) -> Question:
        return Question(
            id=ident,
            kind="scenario",
            stem=ident,
            options=options,
            answer=0,
            explanation="",
            why_not={},
            citations=[],
            section=section,
        )

    first = question("first", ["A", "b", "c", "d"], "s1")
    same = question("same", ["A", "b", "c", "d"], "s2")  # another wording of the first, the same options
    other = question("other", ["A", "e", "f", "g"], "s3")
    for seed in range(30):
        chosen = spread([first, same, other], 2, random.Random(seed))
        assert {q.id for q in chosen} in ({"first", "other"}, {"same", "other"})
    assert len(spread([first, same, other], 3, random.Random(1))) == 3  # still used when nothing else is left


def test_near_duplicate_detection():
    assert near_duplicate(
        "Which option is ideal for querying data in S3?", "Which option is ideal for querying data in S3"
    )
    assert not near_duplicate("Which option scans buckets for PII?", "Which option streams logs in real time?")


# --- practice, progress and the CLI -------------------------------------------------------------


def test_practice_sets_hold_choose_two_items_only_for_callers_that_take_two_picks(units):
    single = units["bullets"].practice_set(n=20, seed=3)
    both = units["bullets"].practice_set(n=20, seed=3, choose_two=True)
    assert single and all(q.kind != "choose_two" for q in single)
    assert any(q.kind == "choose_two" for q in both)


def test_progress_records_attempts_in_wal_sqlite_and_schedules_reviews(units, tmp_path):
    from datetime import datetime, timedelta

    from assistant.progress import ProgressStore

    questions, _ = units["bullets"].generate_questions(n=20, seed=3)
    pair = next(q for q in questions if q.kind == "choose_two")
    singles = [q for q in questions if q.kind == "scenario"][:2]
    store = ProgressStore(tmp_path / "progress.sqlite3")
    assert store.add_questions(singles + [pair]) == 3 and store.add_questions(singles) == 0
    now = datetime.now(UTC)
    assert store.record_attempt(singles[0], singles[0].answer, 4.0, when=now)
    assert not store.record_attempt(singles[1], (singles[1].answer + 1) % 4, 12.0, when=now)
    assert store.record_attempt(pair, list(pair.answers), 9.0, when=now)
    assert not store.record_attempt(pair, [pair.answers[0]], 9.0, when=now)
    assert store.due(now) == []
    assert {q.id for q in store.due(now + timedelta(days=400))} == {singles[0].id, singles[1].id, pair.id}
    db = sqlite3.connect(tmp_path / "progress.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 4  # committed, visible to another reader
    assert store.weakest()[0].accuracy < 1.0


def test_stale_questions_are_retired_when_their_passages_go(make_assistant, tmp_path):
    assistant = _assistant(make_assistant, tmp_path, "stale", BULLETS)
    questions = assistant.practice_set(n=20, seed=3)
    analysis = [q for q in questions if q.section.startswith("Analysis Tools")]
    assert analysis
    note = tmp_path / "stale" / "notes.md"
    note.write_text(BULLETS[: BULLETS.index("## Analysis Tools")])
    assistant.ingest()
    active = {q.id for q in assistant.progress.questions()}
    everything = {q.id for q in assistant.progress.questions(include_retired=True)}
    assert not {q.id for q in analysis} & active and {q.id for q in analysis} <= everything  # kept in history
    fresh = assistant.practice_set(n=20, seed=3)  # from the new index, not a cached reading
    assert fresh and not any(q.section.startswith("Analysis Tools") for q in fresh)


def _env(assistant) -> dict:
    return {"STUDY_DATA_DIR": str(assistant.settings.data_dir), "STUDY_CORPUS_DIR": str(assistant.settings.corpus_dir)}


def test_json_output_has_the_question_contract(units):
    result = CliRunner().invoke(app, ["quiz", "generate", "--n", "5", "--json"], env=_env(units["bullets"]))
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout[result.stdout.index("[") :])
    assert len(payload) == 5
    for item in payload:
        assert {
            "id",
            "kind",
            "stem",
            "options",
            "answer",
            "answers",
            "explanation",
            "why_not",
            "citations",
            "section",
            "chunk_ids",
        } == set(item)
        assert set(item["citations"][0]) == {"n", "source", "section", "text", "score", "chunk_id", "lines"}


def test_quiz_check_reports_every_rule_and_self_consistency(units):
    result = CliRunner().invoke(app, ["quiz", "check", "--n", "10", "--seed", "3"], env=_env(units["bullets"]))
    assert result.exit_code == 0, result.output
    for meaning in RULES.values():
        assert meaning in " ".join(result.output.split())
    assert re.search(r"Self-consistency: .* \d+/\d+ questions", " ".join(result.output.split()))


def test_interactive_quiz_takes_two_letters_for_a_choose_two_item(units):
    env = _env(units["bullets"])
    first = units["bullets"].practice_set(n=3, seed=3, choose_two=True)[0]
    assert first.kind == "choose_two"  # the set for this seed opens with the choose-two item
    keys = "".join("ABCD"[i] for i in first.answers)
    result = CliRunner().invoke(app, ["quiz", "--n", "3", "--seed", "3"], input=f"A\n{keys}\nx\nB\nq\n", env=env)
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "Type 2 letters (like AC)" in output and "Right." in output  # one letter is not enough; both keys are
    assert "Type A, B, C or D" in output and "Score:" in output
    report = CliRunner().invoke(app, ["progress"], env=env)
    assert report.exit_code == 0 and "Progress by section" in report.output


def test_anki_export_writes_a_deck(units, tmp_path):
    result = CliRunner().invoke(
        app, ["quiz", "export", "--anki", str(tmp_path / "deck.apkg"), "--n", "5"], env=_env(units["bullets"])
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "deck.apkg") as deck:
        assert "collection.anki2" in deck.namelist()


@pytest.mark.parametrize(
    "target,said",
    [
        ("missing/deck.apkg", "does not exist: create it first"),
        (".", "is a folder: give the deck's file name"),
        ("deck.apkg", "already exists: add --force to replace it"),
    ],
)
def test_anki_export_to_a_bad_path_says_what_to_do_and_writes_nothing(units, tmp_path, target, said):
    (tmp_path / "deck.apkg").write_bytes(b"my own deck")
    path = tmp_path / target
    result = CliRunner().invoke(app, ["quiz", "export", "--anki", str(path), "--n", "3"], env=_env(units["bullets"]))
    assert result.exit_code == 2 and said in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output and (tmp_path / "deck.apkg").read_bytes() == b"my own deck"
    forced = CliRunner().invoke(
        app,
        ["quiz", "export", "--anki", str(tmp_path / "deck.apkg"), "--n", "3", "--force"],
        env=_env(units["bullets"]),
    )
    assert forced.exit_code == 0 and zipfile.is_zipfile(tmp_path / "deck.apkg")


def test_parse_json_reply_is_tolerant():
    from assistant.practice import parse_json_reply

    assert parse_json_reply('```json\n{"stem": "S", "explanation": "E [1]",}\n```') == {
        "stem": "S",
        "explanation": "E [1]",
    }
    assert parse_json_reply('Sure! Here it is: {"stem": "x"} hope that helps') == {"stem": "x"}
    assert parse_json_reply("no json here") is None
    assert parse_json_reply("{broken") is None


def test_llm_rewording_is_checked_by_the_same_rules_and_falls_back():
    from assistant.practice import GenerationReport

    questions = [
        _question(id=f"q{i}", stem=f"A team needs something that can buffer orders, case {i}. Which queue fits?")
        for i in range(5)
    ]
    replies = iter(
        [
            json.dumps({"stem": "Orders arrive in bursts, case 0, and must wait for the workers. Which queue fits?"}),
            json.dumps({"stem": "Pick Zorblat Queue to hold the orders, case 1. Which queue fits?"}),  # names it
            "I cannot help with that.",
            # The notes' line again ("buffers bursts of incoming orders"): the model's words must be its own.
            json.dumps({"stem": "A shop buffers bursts of incoming orders, case 3. Which queue fits?"}),
            json.dumps({"stem": "Orders arrive in bursts, case 4, and must wait for the workers."}),  # asks nothing
        ]
    )
    prompts: list[str] = []

    def complete(prompt: str) -> str:
        prompts.append(prompt)
        return next(replies)

    report = GenerationReport()
    out = reword_with_llm(questions, complete, report)
    assert "Buffers bursts of incoming orders" in prompts[0]  # the model is shown the line not to copy
    assert out[0].stem.startswith("Orders arrive") and out[0].id != questions[0].id
    assert out[0].explanation == questions[0].explanation  # the quotes stay the generator's
    assert [q.stem for q in out[1:]] == [q.stem for q in questions[1:]]
    assert report.reworded == 1 and sum(report.dropped.values()) == 3


def test_llm_rewording_that_asks_something_else_is_not_kept():
    question = _question(stem="A team needs something that can buffer orders. Which queue fits?")
    reply = json.dumps({"stem": "A team wants to page the on-call engineer at night. Which option fits?"})
    kept = reword_with_llm([question], lambda prompt: reply, similarity=lambda a, b: 0.2)
    assert kept[0].stem == question.stem
    taken = reword_with_llm([question], lambda prompt: reply, similarity=lambda a, b: 0.9)
    assert taken[0].stem.startswith("A team wants to page")


def test_values_written_as_code_are_options_of_their_list_even_everyday_words(units):
    questions, report = units["glossary"].generate_questions(n=20, seed=4)
    _check_all(questions)
    policies = {"never", "on-bounce[:tries]", "forever", "unless-held"}
    asked = [q for q in questions if q.options[q.answer] in policies]
    assert asked, report.summary()
    for question in asked:
        assert set(question.options) == policies  # "like `forever`, except ..." makes unless-held one of them


def test_a_glossary_mixes_kinds_so_its_items_are_options_only_beside_their_own_kind(units):
    generator = units["glossary"].question_generator()
    things = {t.name: t for t in generator.things.values()}
    assert {"Marn", "Quill", "Plinth", "Drover", "Herder"} <= set(things)
    assert things["Marn"].genus == {"hash"} and things["Drover"].genus == {"controller"}
    # A hash and a label sit side by side in the glossary, yet are not siblings; two controllers are akin.
    assert generator.kinship(things["Marn"], things["Quill"]) < generator.kinship(things["Drover"], things["Herder"])
    questions, _ = units["glossary"].generate_questions(n=20, seed=4)
    controllers = {"Drover", "Herder", "Tally", "Clockwork"}
    for question in questions:
        if question.options[question.answer] in controllers:
            assert set(question.options) == controllers
        assert not (
            {"Marn", "Quill"} <= set(question.options) and question.options[question.answer] in ("Marn", "Quill")
        )


def test_a_stem_that_spells_out_the_parts_of_a_one_word_name_names_it():
    question = _question(options=["Zorblat Metastore", "Plimsoll Streams", "Quandry Relay", "Tessel Mailbox"])
    question.stem = "A team needs to store metadata for its tables. Which option fits best?"
    assert "names_answer" in check_question(question)
    question.stem = "A team needs a central catalog of table definitions. Which option fits best?"
    assert "names_answer" not in check_question(question)


def test_a_list_of_examples_says_what_kind_its_names_are(units):
    generator = units["wardens"].question_generator()
    things = {t.name: t for t in generator.things.values()}
    # "Wardens such as Drovers, Herders, Talliers and Clockers ...": four wardens, items of one list; the shelter
    # is not one of them. "Running long-haul routes" says what a Drover is for, not that it is a route.
    assert {"Drover", "Herder", "Tallier", "Clocker"} <= set(things)
    assert all(things[name].genus == {"warden"} for name in ("Drover", "Herder", "Tallier", "Clocker"))
    assert "warden" not in things.get("Gazebo", things["Drover"]).genus or "Gazebo" not in things
    assert generator.kinship(things["Drover"], things["Herder"]) > generator.kinship(things["Drover"], things["Gazebo"])
    questions, report = units["wardens"].generate_questions(n=20, seed=4)
    _check_all(questions)
    wardens = {"Drover", "Herder", "Tallier", "Clocker"}
    asked = [q for q in questions if q.options[q.answer] in wardens]
    assert len(asked) >= 2, report.summary()
    assert all(set(q.options) == wardens for q in asked)


def test_a_card_about_something_a_name_only_qualifies_does_not_teach_that_name(units):
    generator = units["wardens"].question_generator()
    drover = next(t for t in generator.things.values() if t.name == "Drover")
    # "What are the two Drover loading styles?" asks for loading styles: its answer is not what a Drover is for.
    assert all("crates" not in item.description for item in drover.teaching)
    assert any("long-haul routes" in item.description for item in drover.teaching)


def test_a_card_whose_answer_follows_a_blank_line_still_teaches_its_term(units):
    generator = units["wardens"].question_generator()
    tallier = next(t for t in generator.things.values() if t.name == "Tallier")
    assert any("until its parcel is delivered" in item.description for item in tallier.teaching)


def test_a_stem_using_the_words_a_keyword_clips_names_it():
    question = _question(options=["ZENV", "ZUSER", "ZCMD", "ZWORKDIR"])
    question.stem = "A team needs to set a zenvironment variable for the build. Which instruction fits best?"
    assert "names_answer" in check_question(question)  # ZENV clips "zenvironment"
    question = _question(options=["ZENV", "ZUSER", "ZCMD", "ZWORKDIR"], answer=3)
    question.stem = "A team needs to set the zworking directory for later lines. Which instruction fits best?"
    assert "names_answer" in check_question(question)  # ZWORKDIR clips "zworking directory"
    question.stem = "A team needs to set the folder later lines run in. Which instruction fits best?"
    assert "names_answer" not in check_question(question)


def test_why_nots_say_the_requirement_whole_and_as_the_stem_says_it(units):
    # "import and clean records" for "customer records": "customer records", as the stem, not "records for
    # customer records".
    viewing, _ = units["viewing"].generate_questions(n=20, seed=1)
    orla = next(q for q in viewing if q.options[q.answer] == "Orla Sync")
    assert all("import and clean customer records" in why for why in orla.why_not.values())
    # The notes' own scenario: each wrong option is set against the requirement, quoted whole, never cut off.
    scenario, _ = units["scenario"].generate_questions(n=10, seed=1)
    shop = next(q for q in scenario if "checkout orders" in q.stem)
    for why in shop.why_not.values():
        assert "this scenario" not in why and "..." not in why
        assert re.search(r"“[^”]*checkout orders[^”]*”", why)


NESTED = """# 7.1 Pipelines

## Pipeline services

- Zorb Flow: Orchestrates nightly batch jobs in a fixed order.
- Zorb Flow Studio: Draws nightly batch jobs on a visual canvas.
- Kappa Bus: Routes events between applications by rules.
- Plim Queue: Buffers bursts of orders between services.
- Tess Stream: Replays ordered events to many readers.
- Quill Sync: Copies files from partners every hour.
"""


def test_no_two_wrong_options_where_one_name_holds_the_other(make_assistant, tmp_path):
    assistant = _assistant(make_assistant, tmp_path, "nested", NESTED)
    questions, _ = assistant.generate_questions(n=10, seed=1)
    assert questions
    for question in questions:
        names = [set(o.lower().split()) for o in question.options]
        assert not any(a < b for a in names for b in names), question.options


HARBOUR = """# Unit 7

## 7.3 Harbour services

- Murmur Lens: Runs SQL queries over archived log files.
- Vexil Boards: Draws interactive charts of log trends for operators.
- Kelda Vault: Encrypts stored backups with customer-managed keys.
- Oskar Tally: Counts invoices per customer for monthly billing.
- Zorblat Queue: Buffers bursts of incoming orders between producers and consumers.
- Pell Mailer: Sends marketing newsletters to subscribers.
- Tamsin Gate: Issues short-lived sign-in tokens to staff.
"""


def test_a_near_miss_ranks_before_a_sibling_from_another_field(make_assistant, tmp_path, embeddings):
    assistant = _assistant(make_assistant, tmp_path, "harbour", HARBOUR)

    def offered_beside_the_query_tool(**changes) -> Counter:
        other = _with_practice(assistant, embeddings, **changes)
        offered: Counter = Counter()
        for seed in range(1, 9):
            questions, _ = other.generate_questions(n=10, seed=seed)
            for question in questions:
                if question.options[question.answer] == "Murmur Lens":
                    offered.update(question.options)
        return offered

    # Charts of log trends beside "SQL queries over archived logs": the wrong option a student would weigh.
    near_miss = offered_beside_the_query_tool()
    assert near_miss["Vexil Boards"] == near_miss["Murmur Lens"] > 0
    # Ranked by kinship alone, it is left out for siblings from another field (encrypting backups).
    by_kin = offered_beside_the_query_tool(plausibility_weight=0.0)
    assert by_kin["Vexil Boards"] < by_kin["Murmur Lens"]


OFFERINGS = """# Unit 4

## 4.2 Stream Offerings

How the platform's managed services stand in for popular open projects.

### Korva Flux

- Data analytics for streaming sensor readings.
- Managed option: Quill Stream Analytics.

### Brindle Loom

- Workflow management and orchestration of batch jobs.
- Managed option: Quill Conductor.

### Tamsin Relay

- Distributed event log that keeps ordered messages for replay.
- Managed option: Quill Event Log.

### Osric Vane

- Data warehousing over a file cluster with a SQL-like interface.
- Managed option: Quill Warehouse.

### Pellor Forge

- Large-scale batch data processing and transformations in memory.
- Managed option: Quill Compute.
"""


def test_things_titling_headings_under_one_parent_are_options_for_each_other(make_assistant, tmp_path):
    assistant = _assistant(make_assistant, tmp_path, "offerings", OFFERINGS)
    questions, _ = assistant.generate_questions(n=10, seed=1)
    projects = {"Korva Flux", "Brindle Loom", "Tamsin Relay", "Osric Vane", "Pellor Forge"}
    # Each project is asked, the one whose lines form a list of its own ("Korva Flux") too.
    assert {q.options[q.answer] for q in questions} == projects
    for question in questions:
        assert set(question.options) <= projects, question.options
    _check_all(questions)


REPEATED = """# Unit 2

## 2.1 Vault services

- Kelda Vault: Encrypts archived messages with customer-managed keys.
- Oskar Tally: Counts messages per sender for monthly billing.
- Murmur Lens: Runs SQL queries over archived message files.
- Vexil Boards: Draws interactive dashboards from query results.
- Zorblat Queue: Buffers bursts of incoming orders between producers and consumers.

## Kelda Vault in practice

- Kelda Vault protects message archives with encryption keys the customer controls.
"""


def test_one_answer_is_not_asked_twice_for_the_same_need_in_other_words(make_assistant, tmp_path, embeddings):
    assistant = _assistant(make_assistant, tmp_path, "repeated", REPEATED)

    def keyed(**changes):
        questions, report = _with_practice(assistant, embeddings, **changes).generate_questions(n=10, seed=1)
        return Counter(q.options[q.answer] for q in questions), report

    apart, _ = keyed(same_answer_similarity=1.01)
    assert apart["Kelda Vault"] == 2  # "encrypt archived messages" and "protect message archives"
    strict, report = keyed(same_answer_similarity=0.5)
    assert strict["Kelda Vault"] == 1 and report.dropped["repeats_answer"] == 1
    # Stems on other answers as close as that are not repeats: each answer is compared with its own stems only.
    assert strict["Murmur Lens"] == apart["Murmur Lens"] == 1


def test_a_set_asks_one_answer_at_most_the_cap():
    pool = [_keyed("A", f"s{i}") for i in range(6)] + [_keyed("B", "t0")]
    assert [q.options[0] for q in spread(pool, 10, random.Random(1), per_answer=3)].count("A") == 3
    assert [q.options[0] for q in spread(pool, 10, random.Random(1))].count("A") == 6


TITLED = """# Unit 8

## 8.1 Harbour services

- Murmur Lens: Runs SQL queries over archived log files.
- Vexil Boards: Draws interactive charts for operators.
- Kelda Vault: Encrypts stored backups with customer-managed keys.
- Oskar Tally: Counts invoices per customer for monthly billing.
- Zorblat Queue: Buffers bursts of incoming orders between producers and consumers.

## 8.2 Introduction to Vexil Boards

### Overview

- Queries archived log files with SQL before charting them.
"""


def test_what_a_section_titled_by_a_thing_says_counts_as_what_the_notes_say_of_it(make_assistant, tmp_path):
    assistant = _assistant(make_assistant, tmp_path, "titled", TITLED)
    generator = assistant.question_generator()
    boards = next(t for t in generator.things.values() if t.name == "Vexil Boards")
    requirement = "run SQL queries over archived log files"
    support, line = generator.support(boards, requirement, generator._requirement_vector(requirement))
    # The line under its own title backs it (read as a heading's line, 0.8), not only its list item on charts.
    assert line is not None and line.text.startswith("Queries archived log files")
    assert support > 0.45


def test_quiz_generate_llm_words_stems_through_an_openai_server_and_checks_them(units):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from scripted_llm_server import Reply, ScriptedLLMServer

    worded = (
        "Analysts must run queries over old message archives and draw charts from the results. "
        "Which two analysis tools should they use? Choose two."
    )
    server = ScriptedLLMServer().start()
    try:
        env = {
            **_env(units["bullets"]),
            "STUDY_LLM": "openai",
            "STUDY_LLM_MODEL": "m",
            "STUDY_LLM_BASE_URL": f"{server.url}/v1",
        }
        plain = CliRunner().invoke(app, ["quiz", "generate", "--n", "2", "--seed", "3", "--json"], env=env)
        originals = json.loads(plain.stdout[plain.stdout.index("[") :])
        assert originals[0]["kind"] == "choose_two"  # "query and chart archived messages"
        server.replies = [
            Reply(json.dumps({"stem": worded})),
            # Fluent, but about another need: the embedding model says it asks something else.
            Reply(json.dumps({"stem": "A team wants to page the on-call engineer at night. Which queue type fits?"})),
        ]
        result = CliRunner().invoke(app, ["quiz", "generate", "--n", "2", "--seed", "3", "--json", "--llm"], env=env)
    finally:
        server.stop()
    assert result.exit_code == 0, result.output
    questions = json.loads(result.stdout[result.stdout.index("[") :])
    assert len(server.requests) == 2 and "Rewrite the question" in json.dumps(server.requests[0])
    assert questions[0]["stem"] == worded and questions[0]["explanation"] == originals[0]["explanation"]
    assert questions[1]["stem"] == originals[1]["stem"]


def test_what_a_line_says_of_a_name_that_opens_its_second_sentence_is_that_sentences_rest():
    from collections import Counter

    from assistant.practice_reading import after_name
    from assistant.reading import Entity

    soft = Entity("soft cap", "--soft-cap", False, spellings=Counter({"--soft-cap": 1}))
    text = "`--cap` (`-c`) is a hard limit. `--soft-cap` sets a target used when the host is busy."
    assert after_name(text, soft) == "sets a target used when the host is busy"
    hard = Entity("cap", "--cap", False, spellings=Counter({"--cap": 1}))
    assert after_name(text, hard).startswith("a hard limit")


def test_a_terms_kind_comes_from_its_shape_and_what_its_line_says_of_it():
    from assistant.practice_reading import term_kind

    assert term_kind("zorbctl init -upgrade") == "command"
    assert term_kind("zorbctl init -upgrade", programs={"kubectl"}) is None  # not a program the notes run
    assert term_kind("--pids-limit") == "flag"
    assert term_kind("lookup block") == "block"
    assert term_kind("pinned_plugins", said="List each plugin in a pinned_plugins block with its source.") == "block"
    assert term_kind("build_first", said="Add build_first = true inside a guard block.") == "guard setting"
    assert term_kind("build_first") == "setting"


def test_a_stem_using_a_word_of_a_commands_subcommand_or_a_settings_name_gives_it_away():
    from assistant.practice import _gives_away

    assert _gives_away("zorbctl force-unlatch", "a sync crashed and the latch was never released.")
    assert _gives_away("pinned_plugins", "a team wants to pin which plugin versions are allowed.")
    assert _gives_away("docker compose stop", "a team needs to stop the containers.")
    assert not _gives_away("zorbctl tidy", "a team wants every file to follow one standard layout.")


def test_a_how_to_answer_that_runs_two_commands_in_turn_puts_neither_forward_as_its_answer(units):
    # "Run zorbctl plan -observe to list ..., then keep them with zorbctl apply -observe": a sequence.
    generator = units["how-to"].question_generator()
    assert "zorbctl plan -observe" not in {t.name for t in generator.things.values()}
    assert "zorbctl unlatch" in {t.name for t in generator.things.values()}


def test_a_subcommand_word_the_wrong_options_share_gives_nothing_away():
    from assistant.practice import _gives_away

    stem = "a team wants to list the gadgets that changed."
    assert _gives_away("zorbctl list", stem)
    assert not _gives_away("zorbctl list", stem, others=["zorbctl list-all", "zorbctl plan", "zorbctl tidy"])


def test_a_card_setting_two_things_side_by_side_quotes_only_each_things_own_sentences(units):
    # "ZCMD or ZENTRY?": the key's explanation quotes its own sentence, and the other's sentence may teach the
    # other option in the same question (not the whole card twice). A keyword is its capitals: "a run command"
    # is no sentence about ZRUN.
    generator = units["instruction-cards"].question_generator()
    card = next(
        line
        for chunk_id in generator.reading.chunks
        for line in generator.reading.lines(chunk_id)
        if line.label == "ZCMD or ZENTRY?"
    )
    things = {t.name: t for t in generator.things.values()}
    assert generator._quote(card, things["ZENTRY"]) == "ZENTRY fixes the program the container always runs"
    assert generator._quote(card, things["ZCMD"]).startswith("ZCMD only supplies default arguments")
    questions, _ = units["instruction-cards"].generate_questions(n=20, seed=1)
    _check_all(questions)


def test_an_instruction_never_takes_flags_or_commands_as_wrong_options():
    from assistant.practice import SIBLINGS, Thing, _same_kind_enough

    entry = Thing("zentry", "ZENTRY", True, False, [])
    flag = Thing("cap", "--cap", False, False, [])
    flag.kinds["flag"] += 1
    other_flag = Thing("soft cap", "--soft-cap", False, False, [])
    other_flag.kinds["flag"] += 1
    assert not _same_kind_enough(entry, flag, 2.0)  # both "flags" by a word they share is not enough
    assert _same_kind_enough(entry, flag, SIBLINGS)  # items of one list stay options for each other
    assert _same_kind_enough(other_flag, flag, 2.0)


def test_a_runbook_asks_each_incident_as_its_symptom_with_other_incidents_fixes_as_wrong_options(units):
    questions, report = units["runbook"].generate_questions(n=10, seed=1)
    _check_all(questions)
    fixes = {"relay_target", "wait_budget", "parcel_ceiling", "quota_zone", "keep_store_path", "trail_level"}
    fixes |= {"connect_budget"}  # a near miss beside a fix, asked by its own line
    keyed = {q.options[q.answer]: q for q in questions}
    assert {"wait_budget", "quota_zone", "keep_store_path"} <= set(keyed) <= fixes, report.summary()
    # "598 Relay Refused" beside relay_target gives it away: that incident is not asked by its symptom.
    relay = keyed.get("relay_target")
    assert relay is None or "Relay Refused" not in relay.stem
    budget = keyed["wait_budget"]
    # The stem is the incident's symptom, put to a team, asking which setting to change.
    assert budget.stem == (
        "Long exports stop after about a minute with 597 Vault Timeout. Which setting should the team change?"
    )
    assert set(budget.options) <= fixes
    # Each wrong option is taught by its own incident's fix, named by that incident's title.
    for wrong, why in budget.why_not.items():
        if wrong == "connect_budget":
            continue  # the near miss in the same fix (below)
        assert why.startswith(f"{wrong} is what your notes give for “")
        assert why.endswith("not what they give for “Slow exports cut off”.")


def test_a_quoted_message_in_a_runbook_symptom_is_kept_whole_and_is_no_aside(units):
    generator = units["runbook"].question_generator()
    relay = next(f for f in generator.facts if f.key.name == "relay_target")
    assert relay.asked.startswith(
        'Callers get 598 Relay Refused and the zorbd log shows "relay() failed (7: refused) while'
    )
    assert not check_question(
        _question(
            stem='The log shows "(24: Too many open files)" and calls fail. Which setting should the team change?'
        )
    )


def test_a_runbooks_symptom_teaches_nothing_and_a_directives_arguments_are_no_description(units):
    generator = units["runbook"].question_generator()
    taught = {thing.name: [t.description for t in thing.teaching] for thing in generator.things.values()}
    # "Symptom: trail_file shows only ...": a problem seen, not what trail_file is for.
    assert "trail_file" not in taught
    assert all("error timeout updating" not in d for d in taught.get("keep_stale", []))
    assert any("filters by severity" in d for d in taught["trail_level"])


def test_a_near_miss_from_the_keys_own_fix_is_not_said_to_belong_to_another_incident(units):
    questions, report = units["runbook"].generate_questions(n=10, seed=1)
    budget = next(q for q in questions if q.options[q.answer] == "wait_budget")
    # connect_budget sits in the same fix: it does another part of the job, it is not "for" another incident.
    assert "connect_budget" in budget.options, budget.options
    why = budget.why_not["connect_budget"]
    assert why.startswith("connect_budget is beside it in the same section, for another part of the job")
    assert "covers only the handshake" in why and "not what they give" not in why


HANDBOOK = """# Running a Zorb cluster

## Checking the cluster

Every check starts with `GET _zorb/health`. Other `_zv` views worth knowing: `_zv/racks?v` shows each rack with its load and its owner, `_zv/parcels?v` lists every parcel with its shelf and its age, and `_zv/quota?v` shows how much free space each rack has left.

## Moving parcels

`POST _transfer` copies parcels from one shelf to another shelf across racks. Register a backup vault with `PUT _vault/<name>`. Check `GET _racks/stats/drops` to see which rack sheds its load.

`HALT NOW` stops every rack of the cluster at once.
"""


def test_a_prose_handbook_offers_its_api_requests_by_what_each_shows_or_is_used_for(make_assistant, tmp_path):
    assistant = _assistant(make_assistant, tmp_path, "handbook", HANDBOOK)
    generator = assistant.question_generator()
    taught = {t.name: [item.description for item in t.teaching] for t in generator.things.values()}
    # A view that opens one clause of a list of clauses is taught by its clause only.
    assert taught["_zv/racks?v"] == ["shows each rack with its load and its owner"]
    # A request named as the tool of an instruction is taught by what the instruction does with it.
    assert taught["PUT _vault/<name>"] == ["register a backup vault"]
    assert taught["GET _racks/stats/drops"] == ["see which rack sheds its load"]
    assert all(generator.things[k].kind == "API" for k in generator.things if k in taught and "_" in k)
    # Code that names no kind is no option: capitals do not make "`HALT NOW`" a product.
    assert "HALT NOW" not in taught
    questions, report = assistant.generate_questions(n=10, seed=2)
    _check_all(questions)
    assert len(questions) >= 3, report.summary()
    apis = set(taught) - {"HALT NOW"}
    for question in questions:
        assert "Which API" in question.stem and set(question.options) <= apis, question.options


KEYS = """# Zorb pipelines

## Keys of a pipeline file

`hold-open` keeps idle links alive for a minute before closing them.

`drop-late` discards parcels that arrive after their delivery deadline.

`fan-out` copies every parcel to each downstream queue at once.

`mark-seen` stamps each parcel with the time a reader first opened it.

`wait-seconds` caps how long a reader waits for a parcel before giving up.

A link kept alive by hold-open still costs memory on both ends.
"""


def test_keys_in_kebab_case_written_as_code_are_settings_asked_beside_each_other(make_assistant, tmp_path):
    assistant = _assistant(make_assistant, tmp_path, "keys", KEYS)
    generator = assistant.question_generator()
    kinds = {t.name: t.kind for t in generator.things.values()}
    assert kinds == {
        "hold-open": "setting",
        "drop-late": "setting",
        "fan-out": "setting",
        "mark-seen": "setting",
        "wait-seconds": "setting",
    }
    questions, report = assistant.generate_questions(n=10, seed=2)
    _check_all(questions)
    assert questions, report.summary()
    for question in questions:
        assert "Which setting" in question.stem and set(question.options) <= set(kinds), question.options
        # A key's name is one setting, whatever its last word: "wait-seconds is ...", never "wait-seconds are".
        assert not any(text.startswith("wait-seconds are") for text in question.why_not.values()), question.why_not
    assert any("wait-seconds" in question.why_not for question in questions)


ROLES = """# Zorb racks

## Rack roles

Every rack runs zorbd; `rack.seed_hosts` is read only the first time a new fleet forms, and `rack.spill_limit` caps how many parcels wait in one queue.

| Role | What the rack does | Sizing notes |
|---|---|---|
| `shelf_hot` | Newest parcels, opened many times a day | Fast disks, most memory |
| `shelf_warm` | Older parcels still opened but rarely changed | Larger, cheaper disks |
| `shelf_cold` | Parcels almost never opened again | Lowest price per parcel of the regular shelves |
| `sorter` | Sorts parcels into queues before shelving | Memory bound |
| `shelf_frozen` | Sealed crates kept in a remote depot; the shelf holds only their labels | Local disk is only a cache |
| `tally` | Counts parcels per sender for the monthly bill | Small machines |
"""


def test_a_table_lists_names_in_code_as_its_kind_so_settings_of_the_section_are_no_options(make_assistant, tmp_path):
    assistant = _assistant(make_assistant, tmp_path, "roles", ROLES)
    questions, report = assistant.generate_questions(n=10, seed=2)
    _check_all(questions)
    roles = {"shelf_hot", "shelf_warm", "shelf_cold", "sorter", "shelf_frozen", "tally"}
    asked = [q for q in questions if q.options[q.answer] in roles]
    assert len(asked) >= 2, report.summary()
    for question in asked:
        assert set(question.options) <= roles, question.options
        # "the lowest price", never "a lowest price"; "read only the first time ..." is no thing to need.
        assert " a lowest" not in question.stem and "needs read" not in question.stem


def test_a_needed_thing_takes_the_article_english_gives_it_and_a_verb_phrase_is_no_thing():
    from assistant.practice_stems import thing_with_article

    assert thing_with_article("lowest price per parcel") == "the lowest price per parcel"
    assert thing_with_article("biggest shelf") == "the biggest shelf"
    assert thing_with_article("forest of racks") == "a forest of racks"  # no superlative
    assert thing_with_article("renamed the sorter role") is None
    assert thing_with_article("read only the first time a fleet forms") is not None  # "read" is no -ed form
    assert thing_with_article("used only the first time a fleet forms") is None
    assert thing_with_article("distributed parcel store") == "a distributed parcel store"


VALUED_KEYS = """# Zorb belts

## Keys of a belt file

`hold-open` keeps idle links alive for a minute before closing them.

`drop-late` discards parcels that arrive after their delivery deadline.

`fan-out` copies every parcel to each downstream queue at once.

`skip-on-error: true` lets a belt or roller stop without stopping the whole rack, which suits optional belts.

`wait-seconds` caps how long a reader waits for a parcel before giving up.

## Spill

The `spill` key, at belt or rack level, moves late parcels to a side queue.
"""


def test_a_key_written_as_code_with_its_value_is_a_setting_taught_by_its_sentence(make_assistant, tmp_path):
    assistant = _assistant(make_assistant, tmp_path, "valued", VALUED_KEYS)
    generator = assistant.question_generator()
    # "`skip-on-error: true` lets ...": the colon inside the code is no label (nor "error" a symptom's label).
    thing = generator.things["skip on error"]
    assert thing.kind == "setting"
    assert thing.teaching[0].description.startswith("lets a belt or roller stop")
    # "The `spill` key ..." under a heading "Spill": a setting shows as the notes write it in code.
    spill = generator.things["spill"]
    assert spill.kind == "setting" and spill.name == "spill"
    questions, report = assistant.generate_questions(n=10, seed=2)
    _check_all(questions)
    keyed = [q for q in questions if q.options[q.answer] == "skip-on-error"]
    assert keyed, report.summary()
    assert "let a belt or roller stop" in keyed[0].stem and "It must not stop the whole rack." in keyed[0].stem
    for question in questions:
        assert not any("lets you let" in text for text in question.why_not.values()), question.why_not


BLOCK_FAQ = """# Zorblat ledgers

## Blocks of a ledger

**How do I read a crate that Zorblat does not manage?**
Use a probe block, such as one that looks up the newest crate by its tag.

**How do I pin which plugin builds are allowed?**
List each plugin in a plugin_pins block with its source address and a build constraint.

**How do I pass values into a ledger?**
Declare input gauges with gauge blocks, optionally giving a unit, a default and a description.

**Someone built a crate by hand. How do I bring it under Zorblat?**
Write a gadget block for it and then run zorbctl adopt with the crate's address.
"""


def test_a_construct_a_how_to_answer_uses_as_its_tool_is_a_thing_of_its_kind(make_assistant, tmp_path):
    assistant = _assistant(make_assistant, tmp_path, "blocks", BLOCK_FAQ)
    generator = assistant.question_generator()
    gauge = next(t for t in generator.things.values() if t.name == "gauge block")
    assert gauge.kind == "block"
    questions, report = assistant.generate_questions(n=10, seed=2)
    _check_all(questions)
    keyed = [q for q in questions if q.options[q.answer] == "gauge block"]
    assert keyed, report.summary()
    assert "pass values into a ledger" in keyed[0].stem and "Which block" in keyed[0].stem
    assert any("gauge block" in q.why_not for q in questions)


BATCH_SETTINGS = """# Gizmo batches

## Yard work

**What is a Batch?**
A runner for one-off work. It starts crates until a given number finish cleanly.

spinLimit (default 4) sets how many retries are allowed before the Batch is marked broken.

**How do you stop finished Batches filling the yard?**
Set purgeSeconds on the Batch so that it and its crates are removed that many seconds after it ends.

**What does overlapRule do on a Batch?**
It decides what happens when a new run is due while the previous Batch is still busy.

**What is a Depot?**
A controller that keeps a fixed number of identical crates running on the shelves.

**What is a Sentry?**
A controller that runs one copy of a crate on every shelf of the yard.

**What is a Ferry?**
A controller for long-lived crates that each keep their own name and their own storage.

**What does maxBurst control?**
It tunes a refresh: maxBurst is how many crates above the wanted count may exist during the refresh.
"""


def test_settings_of_the_object_a_stem_names_are_wrong_options_for_each_other(make_assistant, tmp_path):
    assistant = _assistant(make_assistant, tmp_path, "batches", BATCH_SETTINGS)
    # "... before the Batch is marked broken" names the Batch; the other settings set on a Batch are its near
    # misses, not options a student could argue for.
    keyed = _keyed_to(assistant, "spinLimit")
    assert "Batch" in keyed.stem and "Which setting" in keyed.stem
    assert {"purgeSeconds", "overlapRule"} <= set(keyed.options)


def test_a_stem_using_a_snake_case_names_words_does_not_offer_it_as_a_wrong_option(make_assistant, tmp_path):
    notes = RUNBOOK + (
        "\n## Out of handles\n\n"
        'Symptom: The trail level report shows "(24: too many handles)" and new calls fail.\n'
        "Likely cause: zorbd may hold fewer open handles than its callers need.\n"
        "Fix: Set handle_limit in the main context to at least twice the caller count.\n"
    )
    assistant = _assistant(make_assistant, tmp_path, "handles", notes)
    questions, report = assistant.generate_questions(n=10, seed=2)
    _check_all(questions)
    for question in questions:
        for i, option in enumerate(question.options):
            if i not in question.keys and "_" in option:
                # "The trail level report shows ..." names trail_level: it would lure by its words alone.
                assert option.replace("_", " ") not in question.stem.lower(), (question.stem, option)


YARD_SERVICES = """# Yard gates

## Services (flashcards)

**What is a Turnstile Service?**
A Service with no guard and no counter that returns a signpost pointing to an outside yard, so visiting carts can use a \
yard name for an outside depot.

**What does a Swing Service do?**
Opens the same lane on every shelf and forwards carts from that lane to the Service.

**What does a Drawbridge Service do?**
Asks the harbour to raise an outer bridge that sends carts to the Service.

**What is a voiceless Service?**
A Service with its bell set to None. It has no lamp; the map returns the single cart addresses instead.

**What is a Keeper?**
The identity a cart uses to call the yard office; rights are granted with keeper badges.
"""


def test_names_ending_in_one_capitalised_kind_are_options_for_each_other(make_assistant, tmp_path):
    assistant = _assistant(make_assistant, tmp_path, "yard-services", YARD_SERVICES)
    # "..., so visiting carts can use a yard name ...": what the gate lets its users do is the requirement.
    keyed = _keyed_to(assistant, "Turnstile Service")
    assert "let visiting carts use a yard name for an outside depot" in keyed.stem
    # "voiceless Service" is a Service as "Swing Service" is, though its first word is lower case; the Keeper is no Service.
    assert sorted(keyed.options) == ["Drawbridge Service", "Swing Service", "Turnstile Service", "voiceless Service"]


def test_anki_cards_show_inline_code_as_code_not_backticks(tmp_path):
    import sqlite3

    from assistant.practice import export_anki

    question = _question(
        stem="Which directive sets a lifetime for shared caches only?",
        options=["`s-maxage=N`", "`max-age=N`", "`no-store`", "`<private>`"],
        explanation="Your notes say `s-maxage=N` applies to shared caches [1].",
        why_not={},
        citations=[{"section": "Directives", "text": "- `s-maxage=N`: lifetime in shared caches.\n- Next line."}],
    )
    assert export_anki([question], tmp_path / "deck.apkg") == 1
    with zipfile.ZipFile(tmp_path / "deck.apkg") as deck:
        deck.extract("collection.anki2", tmp_path)
    fields = sqlite3.connect(tmp_path / "collection.anki2").execute("select flds from notes").fetchone()[0]
    assert "<code>s-maxage=N</code>" in fields and "`" not in fields
    assert "<code>&lt;private&gt;</code>" in fields and "<br>- Next line." in fields


def test_interactive_quiz_lists_only_the_passages_its_feedback_cites(units):
    env = _env(units["scenario"])
    questions = units["scenario"].practice_set(n=4, seed=3, choose_two=True)
    # A right pick shows the explanation alone; a question's citations include its why-nots' passages too.
    picks = ["".join("ABCD"[i] for i in q.answers) for q in questions]
    result = CliRunner().invoke(app, ["quiz", "--n", "4", "--seed", "3"], input="\n".join(picks) + "\n", env=env)
    assert result.exit_code == 0, result.output
    listed = cited = 0
    for feedback in re.split(r"\n(?=Question \d+/\d+)", result.output)[1:]:
        sources = re.findall(r"^\[(\d+)\] [^\[\]]+ — .*$", feedback, re.M)
        body = re.sub(r"^\[\d+\] [^\[\]]+ — .*$", "", feedback, flags=re.M)
        for number in sources:
            listed += 1
            assert f"[{number}]" in body, feedback  # each passage listed is cited in the feedback above it
        cited += len(set(re.findall(r"\[(\d+)\]", body)))
    assert listed and listed <= cited
    assert sum(len(q.citations) for q in questions) > listed  # some passages were left out: only the cited ones


def test_a_section_that_gives_no_question_says_why(units, assistant_on_notes):
    _, report = units["bullets"].generate_questions(n=5, section="no such heading")
    section = next(iter(units["bullets"].index.reading.chunks.values())).section
    assert report.kept == 0 and report.section_note.startswith("No section matches “no such heading”.")
    assert section in report.section_note  # the sections there are, to pick from
    result = CliRunner().invoke(app, ["quiz", "--n", "3", "--section", "no such heading"], env=_env(units["bullets"]))
    assert result.exit_code == 0 and "No section matches" in " ".join(result.output.split())
    musings = assistant_on_notes("musings.md", "# Musings\n\n## Why we test\n\nTesting is a habit more than a rule.\n")
    _, report = musings.generate_questions(n=5, section="why we")
    assert "“why we” matches 1 section (Why we test), but the generator found nothing" in report.section_note


HEADER_TABLE = """# Relay headers

## Header quick reference

| Header | Direction | Purpose |
| --- | --- | --- |
| Zorb-Tag | response | Sends a version tag the relay keeps for revalidation |
| If-Zorb-Match | request | Sends the stored version tag back to the origin |
| Zorb-Expires | response | Gives an absolute date after which the copy is stale |
| Zorb-Age | response | Tells how long the copy has sat in a shared relay |
| Zorb-Vary | response | Lists the request headers that split the relay's copies |
| Relay-Control | response | CDN-only caching directives, stripped before the browser |
"""


def test_a_purpose_that_opens_with_a_verb_is_asked_as_what_the_thing_must_do(assistant_on_notes):
    questions, _ = assistant_on_notes("headers.md", HEADER_TABLE).generate_questions(n=10, seed=7)
    stems = " ".join(q.stem for q in questions)
    assert questions and "something that can send" in stems, stems
    assert not re.search(r"a solution for (?:sends|gives|tells|lists)\b", stems), stems
    assert "cDN" not in stems  # an acronym opening a purpose keeps its capitals


MESSAGING_NOTES = """# Messaging

## Services

- Fennox: Streams ordered events to many readers and replays them on request.
- Quillon: Buffers bursts of orders between services so none is lost.
- Brask: Sends push notifications to phones and email addresses.
- Dorrit: Schedules jobs that run every night and retries failed ones.
- Marrow: Stores large files cheaply for years with rare reads.

## Tips

- Use Fennox rather than Quillon when several teams must read the same events in order.
- Use Dorrit for nightly batch jobs that need retries.
"""


def test_the_name_the_notes_file_is_named_after_is_their_topic_not_an_option(notes_folder, make_assistant):
    def options(file_name: str) -> set[str]:
        assistant = make_assistant(notes_folder(file_name.split(".")[0], {file_name: MESSAGING_NOTES}))
        assistant.ingest()
        questions, _ = assistant.generate_questions(n=20, seed=3)
        return {option for question in questions for option in question.options}

    assert "Fennox" in options("notes.md")  # a service among services
    guide = options("fennox-guide.md")
    assert guide and "Fennox" not in guide  # the guide's own topic
