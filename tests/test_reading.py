"""The reading layer on made-up notes in every shape: which names a line is about, and how directly.
Nothing here uses the course's own wording."""

import numpy as np
import pytest

from assistant.chunking import Chunk
from assistant.reading import (
    ROLE_ANCESTOR,
    ROLE_HEADING,
    ROLE_LABEL,
    ROLE_PARENT,
    ROLE_PUT_FORWARD,
    ROLE_SUBJECT,
    NameIndex,
    NotesVocabulary,
    Reading,
    asks_how,
    command_phrase,
    commands_in,
    find_names,
    fix_questions,
    instructs,
    is_quantity,
    lists_items,
    name_key,
    name_spans,
    parse_chunk,
    sentences,
    term_of,
)

BULLETS = """- Teams compare Zorblat Queue, Plimsoll Streams, Murmur Store, Pebble Base and Murmur Exchange often.
- Use Zorblat Queue for buffering bursts of orders; use Plimsoll Streams for replaying events.
- Quandry Vault is ideal for rotating database credentials.
- Solution: Enable Zorblat Guard.
- Tessel Lake: stores curated tables for the analysts.
- Alternatives: Murmur Store or Pebble Base, but Tessel Lake is simpler.
3. Murmur Exchange:
   - A marketplace for third-party data feeds.
- KVX (Key Value Exchange): Default; keeps hot items in memory.
- Node Kinds
  - Spinner Nodes: Add compute without holding data."""


def _read(text: str, section: str = "1.1 Intro to Zorblat > Patterns") -> tuple[list, NotesVocabulary]:
    chunk = Chunk("c1", "u.md", section, text, 0)
    vocabulary = NotesVocabulary([chunk.embedding_text])
    return parse_chunk(chunk, vocabulary), vocabulary


def _roles(lines, start: str) -> dict[str, tuple[float, int]]:
    line = next(x for x in lines if x.text.startswith(start))
    return {s.name: (s.role, s.cue) for s in line.subjects}


def test_each_shape_of_line_puts_its_subject_forward():
    lines, _ = _read(BULLETS)
    assert _roles(lines, "Use Zorblat Queue")["Zorblat Queue"] == (ROLE_PUT_FORWARD, 1)
    assert _roles(lines, "use Plimsoll Streams")["Plimsoll Streams"] == (ROLE_PUT_FORWARD, 1)  # its own clause
    assert _roles(lines, "Quandry Vault is ideal")["Quandry Vault"] == (ROLE_PUT_FORWARD, 1)
    assert _roles(lines, "Solution: Enable")["Zorblat Guard"] == (ROLE_PUT_FORWARD, 1)
    assert _roles(lines, "Tessel Lake: stores")["Tessel Lake"][0] == ROLE_LABEL
    assert _roles(lines, "A marketplace")["Murmur Exchange"][0] == ROLE_PARENT
    assert _roles(lines, "KVX (Key Value Exchange)")["KVX"][0] == ROLE_LABEL
    assert _roles(lines, "Spinner Nodes")["Spinner Nodes"][0] == ROLE_LABEL  # a term, not a proper name


def test_names_set_aside_by_a_line_are_marked():
    lines, _ = _read(BULLETS)
    roles = _roles(lines, "Alternatives:")
    assert roles["Murmur Store"][1] == -1 and roles["Pebble Base"][1] == -1


def test_heading_names_reach_the_lines_beneath_less_when_a_line_has_its_own_subject():
    lines, _ = _read(
        "- Holds queued orders until read.\n- Spinner Nodes: Add compute.", section="2 Intro to Zorblat Queue > Basics"
    )
    assert _roles(lines, "Holds queued")["Zorblat Queue"][0] == ROLE_ANCESTOR
    assert _roles(lines, "Spinner")["Zorblat Queue"][0] < ROLE_ANCESTOR
    lines, _ = _read("- Holds queued orders until read.", section="Zorblat Queue")
    assert _roles(lines, "Holds")["Zorblat Queue"][0] == ROLE_HEADING


def test_topic_headings_and_sentence_starts_are_not_names():
    text = "Incremental loads run nightly. Teams watch the Zorblat Queue closely. Monitoring is done by Zorblat Queue."
    vocabulary = NotesVocabulary([text])
    assert name_spans("Incremental loads run nightly.", vocabulary) == []
    assert name_spans("Monitoring and alerting of the pipeline", vocabulary) == []
    assert term_of("Monitoring and alerting of the pipeline", vocabulary) is None
    assert term_of("Scanning Zorblat Buckets for Secrets", vocabulary) is None
    assert term_of("Key Features", vocabulary) is None and term_of("Cluster Types", vocabulary) is None
    assert term_of("Spinner Nodes", vocabulary) == "Spinner Nodes"
    assert name_spans("Use Zorblat Queue for bursts", vocabulary) == ["Zorblat Queue"]


def test_capitals_inside_a_sentence_are_evidence_of_a_name():
    vocabulary = NotesVocabulary(["Teams rely on the Vertical Pod Scaler every day and tune it weekly."])
    assert name_spans("the Vertical Pod Scaler adjusts requests", vocabulary) == ["Vertical Pod Scaler"]
    assert vocabulary.is_proper("KVX") and vocabulary.is_proper("DataBrew") and vocabulary.is_proper("S3")
    assert not vocabulary.is_proper("Apache-based") and not vocabulary.is_proper("SECTION")


def test_prose_sentences_inherit_their_paragraph_s_subject():
    text = (
        "Zorblat Queue buffers orders between services. It keeps each message until a reader deletes it. "
        "Messages are never reordered.\n\nPlimsoll Streams replays events."
    )
    lines, _ = _read(text, section="Messaging")
    assert _roles(lines, "It keeps")["Zorblat Queue"][0] == ROLE_PARENT
    assert "Zorblat Queue" in _roles(lines, "Messages are never")
    assert "Zorblat Queue" not in _roles(lines, "Plimsoll Streams replays")
    assert sentences("Use Redis, e.g. for sessions. Memcached is simpler!") == [
        "Use Redis, e.g. for sessions.",
        "Memcached is simpler!",
    ]


def test_tables_read_row_by_row_or_column_by_column():
    rows = "| Store | Latency | Best for |\n| --- | --- | --- |\n| Tessel Lake | Seconds | Curated reporting tables |"
    lines, _ = _read(rows)
    assert lines[0].kind == "row" and _roles(lines, "Tessel Lake")["Tessel Lake"][0] == ROLE_LABEL
    assert lines[0].extra_texts == ["Tessel Lake: Curated reporting tables"]
    columns = "| | Zorblat Queue | Plimsoll Streams |\n| --- | --- | --- |\n| Replay | No | Yes |"
    lines, _ = _read(columns)
    assert [line.kind for line in lines] == ["cell", "cell"]
    assert _roles(lines, "Plimsoll Streams - Replay")["Plimsoll Streams"][0] == ROLE_LABEL
    picks = "| Workload | Best fit |\n| --- | --- |\n| Bursty order intake | Zorblat Queue |"
    lines, _ = _read(picks)
    assert _roles(lines, "Bursty")["Zorblat Queue"] == (ROLE_PUT_FORWARD, 1)


def test_cards_and_glossaries_name_what_they_define():
    cards = "Q: What is a Zorblat Queue? A: A buffer for bursts of orders. Q: How do you replay events? A: Use Plimsoll Streams."
    lines, _ = _read(cards, section="Cards")
    assert [line.kind for line in lines] == ["card", "card"]
    assert lines[0].shown == "A buffer for bursts of orders." and lines[0].subject(name_key("Zorblat Queue"))
    assert _roles(lines, "How do you replay")["Plimsoll Streams"] == (ROLE_PUT_FORWARD, 1)
    glossary = "Spinner Node - Adds compute without holding data.\n\nTessel Lake - Stores curated tables."
    lines, _ = _read(glossary, section="Glossary")
    assert lines[0].label == "Spinner Node" and _roles(lines, "Spinner Node")["Spinner Node"][0] == ROLE_LABEL


def test_code_blocks_are_one_line_and_name_nothing():
    lines, _ = _read(
        "- Run the SYNC PARTS command.\n- Then SYNC PARTS loads the folders.\n```\nSELECT * FROM Pebble;\n```"
    )
    assert lines[-1].kind == "code" and "SELECT" in lines[-1].text
    assert _roles(lines, "Run the SYNC")["SYNC PARTS"] == (ROLE_PUT_FORWARD, 0)
    assert not any(s.name == "Pebble" for s in lines[-1].subjects)  # only the section's name reaches a code block


def test_name_index_merges_short_forms_into_the_vendor_name_but_not_what_a_service_is_for():
    text = (
        "- Amazon Managed Widgets for Apache Gizmo: For migrating existing Gizmo jobs.\n"
        "- Teams love Gizmo for its plugins.\n- AWS Glue DataBrew: Visual data preparation.\n"
        "- DataBrew has 250 transformations."
    )
    lines, vocabulary = _read(text)
    names = NameIndex({"c1": lines}, vocabulary)
    # "... for Apache Gizmo" manages Gizmo; it is not Gizmo, which the notes also talk about on its own.
    assert names.resolve(name_key("Gizmo")) == name_key("Gizmo")
    assert name_key("Gizmo") not in names.entity(name_key("Amazon Managed Widgets for Apache Gizmo")).aliases
    assert names.display(name_key("DataBrew")) == "AWS Glue DataBrew"
    assert names.acronym("MWG") == name_key("Amazon Managed Widgets for Apache Gizmo")
    assert names.acronym("XYZ") is None
    assert [k for k, _, _ in find_names("is glue databrew visual?", names.all_keys)] == [name_key("DataBrew")] or [
        names.resolve(k) for k, _, _ in find_names("is glue databrew visual?", names.all_keys)
    ] == [name_key("AWS Glue DataBrew")]


def test_reading_gives_profiles_and_line_vectors(embeddings):
    from assistant.line_vectors import LineVectors

    chunks = [
        Chunk("a", "u.md", "Queues", "- Zorblat Queue: Buffers bursts of orders.", 0),
        Chunk("b", "u.md", "Exam Tip", "- Solution: Use Zorblat Queue for bursty intake.", 1),
    ]
    reading = Reading(chunks, LineVectors(embeddings.encode_queries))
    profile = reading.profile(name_key("Zorblat Queue"))
    assert {p.line.chunk_id for p in profile} == {"a", "b"}
    vector = np.asarray(embeddings.encode_queries(["buffer bursts of orders"])[0])
    similarity = reading.line_similarity("a", vector)
    assert similarity.shape == (1,) and similarity[0] > 0.4
    assert reading.knows_word("Orders") and not reading.knows_word("banana")


@pytest.mark.parametrize(
    "name,key", [("Amazon OpenSearch Service", "opensearch"), ("AWS Glue", "glue"), ("Scatter Plots", "scatter plot")]
)
def test_name_key_folds_vendor_and_plurals(name, key):
    assert name_key(name) == key


def test_roles_are_ordered_from_plainly_about_to_merely_mentioned():
    from assistant.reading import ROLE_MENTION

    assert ROLE_LABEL >= ROLE_PUT_FORWARD > ROLE_SUBJECT > ROLE_PARENT >= ROLE_HEADING > ROLE_ANCESTOR > ROLE_MENTION


def test_a_card_answer_sentence_that_opens_with_a_name_is_about_it():
    card = (
        "Q: Should I use STASH or PACK? A: Prefer STASH, which simply stores files. PACK does the same but also "
        "unpacks a local archive into the destination."
    )
    lines, _ = _read(card, section="Cards")
    roles = _roles(lines, "Should I use")
    assert roles["STASH"][0] == ROLE_LABEL
    assert roles["PACK"][0] == ROLE_SUBJECT


def test_a_word_the_notes_only_write_in_capitals_is_that_name_only_in_capitals():
    text = "- ADD: Copies files and unpacks archives.\n- RUN: Executes a command while building.\n- EMR: Runs clusters."
    lines, vocabulary = _read(text)
    names = NameIndex({"c1": lines}, vocabulary)
    assert name_key("ADD") in names.shouted_keys and name_key("EMR") not in names.shouted_keys
    found = [
        k
        for k, _, _ in find_names(
            "without adding a separate RUN step, on emr", names.all_keys, shouted=names.shouted_keys
        )
    ]
    assert found == [name_key("RUN"), name_key("EMR")]


def test_a_wrapped_list_item_is_one_line_and_a_code_term_before_a_dash_is_its_label():
    lines, _ = _read(
        "Set with `zorb --again`:\n\n"
        "- `on-fault[:tries]` — start over only when the job fails, optionally giving up\n"
        "  after a number of attempts.\n"
        "- `ever` — start over whenever the job stops.\n"
        "Not part of the list once a blank line is missing? Markdown says it is.\n\n"
        "A paragraph of its own.\n"
    )
    items = [line for line in lines if line.kind == "item"]
    assert [line.label for line in items] == ["`on-fault[:tries]`", "`ever`"]
    assert items[0].text.endswith("giving up after a number of attempts.")
    assert not any(line.text.startswith("after a number") for line in lines)
    assert any(line.text == "A paragraph of its own." for line in lines)


@pytest.mark.parametrize(
    "text, listed",
    [
        ("Supported Formats: brotli, lzo.", True),
        ("CSV, JSON and Apache Parquet", True),
        ("Keep data in formats such as CSV, JSON or ORC.", True),
        ("It uses optimized formats and compression to speed up queries and manage data.", False),
        ("Use supported formats to keep scans small.", False),
        ("Benefit: Load only relevant data for each query", False),
    ],
)
def test_a_line_lists_items_when_its_body_is_short_parts_joined_by_commas_and_or(text, listed):
    assert lists_items(text) is listed


def test_names_joined_at_the_start_of_a_line_are_all_its_subjects():
    lines, _ = _read(
        "- ZQF and ZQB when packed, cannot be split across workers.\n- ZQF is read by Zorblat Queue workers.\n"
    )
    roles = _roles(lines, "ZQF and ZQB")
    assert roles["ZQF"][0] == roles["ZQB"][0] == ROLE_SUBJECT
    assert _roles(lines, "ZQF is read")["Zorblat Queue"][0] < ROLE_SUBJECT  # a name later in the line is mentioned


def test_a_situation_that_points_to_a_name_puts_it_forward():
    lines, _ = _read(
        "A useful way to choose is to look at the data. Large archives with too little bandwidth point to "
        "Zorblat Crate. Files pushed by partners over SFTP point to Transfer Drop for nightly loads. "
        "Zorblat Crate points to Plimsoll Streams for its settings."
    )
    assert _roles(lines, "Large archives")["Zorblat Crate"] == (ROLE_PUT_FORWARD, 1)
    # Read in its sentence: "Transfer Drop" alone would start like a verb phrase.
    assert _roles(lines, "Files pushed")["Transfer Drop"] == (ROLE_PUT_FORWARD, 1)
    # A thing that points to another (a reference, not advice) recommends nothing.
    assert _roles(lines, "Zorblat Crate points")["Plimsoll Streams"][1] == 0


def test_a_label_weighing_up_a_name_makes_the_points_beneath_about_it():
    assert term_of("Zorblat Queue Advantages", NotesVocabulary(["Use Zorblat Queue."])) == "Zorblat Queue"
    assert term_of("Simplest Solution", NotesVocabulary(["x"])) is None
    lines, _ = _read(
        "- Zorblat Queue Advantages\n  - Keeps orders for seven days.\n- Plimsoll Streams Advantages\n"
        "  - Replays events to new readers.",
        section="2.1 Messaging > Zorblat Queue vs Plimsoll Streams",
    )
    kept = _roles(lines, "Keeps orders")
    assert kept["Zorblat Queue"][0] == ROLE_PARENT and kept["Plimsoll Streams"][0] < ROLE_PARENT
    replays = _roles(lines, "Replays events")
    assert replays["Plimsoll Streams"][0] == ROLE_PARENT and replays["Zorblat Queue"][0] < ROLE_PARENT


def test_a_line_ending_in_a_colon_only_introduces_what_follows(assistant_on_notes):
    assistant = assistant_on_notes(
        "u.md",
        "# 1. Zorb\n\n## Revive rules\n\nSet with `zorb run --revive`:\n\n- `always` - revive whenever the pod stops.\n",
    )
    reading = assistant.index.reading
    lines = [line for chunk_id in reading.chunks for line in reading.lines(chunk_id)]
    intro = next(line for line in lines if line.text.startswith("Set with"))
    point = next(line for line in lines if "revive whenever" in line.text)
    assert intro.is_heading and not point.is_heading


def test_a_faq_entry_is_a_card_whether_its_answer_follows_on_the_next_line_or_paragraph():
    faq = (
        "**What does the Zorblat Keeper do?**\nThe Zorblat Keeper decides which batch runs next.\n\n"
        "**Which runner suits one machine?**\n\nUse the Spinner Runner. It needs nothing but the ledger.\n\n"
        "A plain paragraph about Plimsoll Caps follows."
    )
    lines, _ = _read(faq, section="FAQ")
    assert [line.kind for line in lines][:2] == ["card", "card"]
    assert lines[0].label == "What does the Zorblat Keeper do?" and lines[0].subject(name_key("Zorblat Keeper"))
    assert lines[1].shown.startswith("Use the Spinner Runner")
    assert _roles(lines, "Which runner")["Spinner Runner"][1] == 1  # put forward by the answer
    assert lines[-1].kind == "sentence"  # the paragraph after an answered entry is prose again


def test_a_snake_case_identifier_is_a_name_by_its_shape():
    vocabulary = NotesVocabulary(["Set max_active_runs to one, or use for_each over a map."])
    assert name_spans("Set max_active_runs to one, or use for_each over a map.", vocabulary) == [
        "max_active_runs",
        "for_each",
    ]
    assert name_spans("a plain sentence with no identifiers", vocabulary) == []


def test_a_setting_stands_apart_from_the_value_or_header_it_is_given():
    text = "Set body_limit 50m; in the server block. Name the header with real_ip_header X-Zorb-Client;."
    vocabulary = NotesVocabulary([text, "Redirect only when the X-Zorb-Proto header says http."])
    assert name_spans("Set body_limit 50m; in the server block.", vocabulary) == ["body_limit"]  # 50m is a value
    assert name_spans("Name the header with real_ip_header X-Zorb-Client;.", vocabulary) == [
        "real_ip_header",
        "X-Zorb-Client",
    ]
    # A header capitalised part by part inside a sentence is a name, though "proto" is a word.
    assert name_spans("Redirect only when the X-Zorb-Proto header says http.", vocabulary) == ["X-Zorb-Proto"]
    assert is_quantity("300s") and is_quantity("10gb") and not is_quantity("S3") and not is_quantity("5xx")


def test_the_answer_to_a_how_question_puts_forward_what_its_instruction_names():
    faq = (
        "**How do I avoid downtime when a gadget is replaced?**\n"
        "Add build_first = true inside a lifecycle block. Zorblat then builds the new gadget before it deletes "
        "the old one.\n\n"
        "**What does Zorblat Keeper do?**\nZorblat Keeper decides which batch runs next."
    )
    lines, _ = _read(faq, section="FAQ")
    assert _roles(lines, "How do I avoid")["build_first"] == (ROLE_PUT_FORWARD, 1)
    assert "Zorblat Keeper" not in {
        name for name, (_, cue) in _roles(lines, "What does Zorblat").items() if cue > 0
    }  # a what-question's answer describes; it does not instruct


def test_a_command_line_in_lower_case_is_read_up_to_its_flags():
    assert command_phrase("zorbctl init -fresh, which picks the newest") == "zorbctl init -fresh"
    assert command_phrase("zorbctl vault unseal --all to start") == "zorbctl vault unseal --all"
    assert command_phrase("zorbctl purge removes every gadget") == "zorbctl purge"  # "removes" is the verb
    assert command_phrase("the tests daily") is None  # a function word opens no command
    assert command_phrase("zorbd -T prints it all") == "zorbd -T"  # a flag in capitals is a flag
    assert name_key("zorbd -T") != name_key("zorbd -t")  # and not the lower-case one
    assert find_names("then run zorbd -T now", {name_key("zorbd -T")}) == [("zorbd T", 9, 17)]
    assert command_phrase("zorbd ever sees them") is None  # an adverb is no subcommand
    assert command_phrase("zorbctl -t first, then reload") == "zorbctl -t"  # nor a flag's value
    assert command_phrase("zorb_min_length skips tiny replies") is None  # a setting opening its sentence
    assert command_phrase("build the image") is None  # an everyday verb is no program's name
    text = "Save the plan with zorbctl plan -out=p1 and later run zorbctl apply p1, or zorbctl status shows it."
    assert [c for _, c in commands_in(text)] == ["zorbctl plan -out=p1", "zorbctl apply p1", "zorbctl status"]
    assert commands_in("Run zorbctl init to start.") == [(4, "zorbctl init")]
    assert commands_in("use parquet files for speed") == []  # "use" alone runs nothing


def test_a_card_asking_what_to_do_is_a_how_to_whether_it_asks_first_or_after_a_situation():
    assert asks_how("How do I pin a module?")
    assert asks_how("A run crashed and the lock was never released. What now?")
    assert asks_how("Someone built a bucket by hand. How do I bring it under control?")
    assert not asks_how("What does zorbctl plan do?")
    assert not asks_how("How does the ledger stay consistent?")


def test_a_how_to_answer_puts_forward_the_command_or_construct_it_tells_to_use():
    faq = (
        "**A sync crashed and the latch was never released. What now?**\n"
        "Check that nobody else is syncing, then use zorbctl unlatch with the latch ID from the error.\n\n"
        "**How do I move to a newer plugin on purpose?**\n"
        "Widen the constraint and run zorbctl init -upgrade, which rewrites the pin file.\n\n"
        "**How do I wipe every gadget?**\n"
        "zorbctl purge removes every gadget after asking for confirmation.\n\n"
        "**How do I read something Zorblat does not manage?**\n"
        "Use a lookup block, such as one that finds the newest KVX image.\n\n"
        "**What does zorbctl validate actually check?**\n"
        "It checks syntax and references."
    )
    lines, _ = _read(faq, section="FAQ")
    forward = {
        line.label: [s.name for s in line.subjects if s.cue > 0 and s.role >= ROLE_PUT_FORWARD] for line in lines
    }
    assert forward["A sync crashed and the latch was never released. What now?"] == ["zorbctl unlatch"]
    assert forward["How do I move to a newer plugin on purpose?"] == ["zorbctl init -upgrade"]
    assert forward["How do I wipe every gadget?"] == ["zorbctl purge"]
    assert forward["How do I read something Zorblat does not manage?"] == ["lookup block"]  # not the KVX example
    # "What does X actually check?": the question's verb and adverb are no part of the term it asks about.
    assert lines[-1].subject(name_key("zorbctl validate"))


def test_a_dotted_setting_or_file_name_is_a_name_by_its_shape():
    text = "Set min.insync.replicas to 2 and keep terraform.tfstate safe, e.g. in a bucket, on version 2.0."
    vocabulary = NotesVocabulary([text])
    assert name_spans(text, vocabulary) == ["min.insync.replicas", "terraform.tfstate"]  # not "e.g", not "2.0"


def test_code_that_opens_a_line_and_is_followed_by_its_verb_is_the_lines_subject():
    lines, _ = _read(
        "- `zorbctl list` shows every gadget; `zorbctl tail -f web` follows one gadget's log.\n"
        "- Use `zorbctl stop` to pause a gadget.\n",
        section="Commands",
    )
    roles = _roles(lines, "`zorbctl list`")
    assert roles["zorbctl list"][0] == ROLE_SUBJECT
    limits, _ = _read(
        "- `--cap` (`-c`), e.g. `--cap=5`, is a hard limit. `--soft-cap` sets a target.", section="Limits"
    )
    assert _roles(limits, "`--cap`")["--cap"][0] == ROLE_SUBJECT  # past its aside and example
    assert _roles(limits, "`--cap`")["--soft-cap"][0] == ROLE_SUBJECT  # it opens the second sentence
    assert roles["zorbctl tail -f web"][0] < ROLE_SUBJECT  # named later in the line: a mention


def test_a_runbooks_labels_name_nothing_and_its_fix_puts_forward_what_it_tells_to_change():
    runbook = (
        "Symptom: Slow reports fail with a timeout after about a minute.\n"
        "Likely cause: The backend takes longer than zorb_read_timeout allows.\n"
        "Fix: Raise zorb_read_timeout only in the location that serves the slow reports, then run zorbctl -s reload.\n"
        "Check: Watch the error log while the report runs.\n"
    )
    lines, _ = _read(runbook, section="Timeouts")
    names = {s.name for line in lines for s in line.subjects}
    assert not names & {"Symptom", "Likely cause", "Fix", "Check"}
    fix = next(line for line in lines if line.label == "Fix")
    assert _roles([fix], "Fix")["zorb_read_timeout"] == (ROLE_PUT_FORWARD, 1)
    assert command_phrase("zorbctl -s reload, then") == "zorbctl -s reload"  # a one-letter flag takes its value


def test_advice_after_an_answer_label_puts_nothing_forward_by_its_first_name():
    lines, _ = _read(
        "- Service Choice: Select tools by need, ranging from simple (Zorb Editor) to advanced (Plim Sight).\n",
        section="Choosing",
    )
    forward = [s.name for s in lines[0].subjects if s.cue > 0]
    assert "Zorb Editor" not in forward  # only a runbook's "Fix:" reads a long answer as an instruction


def test_a_line_that_tells_what_to_do_is_an_instruction():
    runbook = (
        "Symptom: Replies arrive slowly after the upgrade.\n"
        "Likely cause: The zorbd cache is cold.\n"
        "Fix: Warm the cache with zorbctl warm, then reload.\n"
        "- Raise cache_size in the main block.\n"
        "- Always run zorbctl check first.\n"
        "- Data lakes store raw files.\n"
        "- The backend takes longer than the timeout.\n"
        "- Do not restart the master process.\n"
        "- Imp: New shelves stay empty by default; you will have to perform the zorbctl fill command.\n"
        "- Imp: New shelves stay empty by default.\n"
    )
    lines, _ = _read(runbook)
    told = {line.text.split(":")[0] if line.label else line.text.split()[0]: instructs(line) for line in lines[:-2]}
    assert told == {
        "Symptom": False,
        "Likely cause": False,
        "Fix": True,
        "Raise": True,
        "Always": True,
        "Data": False,
        "The": False,
        "Do": True,
    }
    # A statement that says what you have to do instructs; the same statement without it does not.
    assert [instructs(line) for line in lines[-2:]] == [True, False]
    # An instruction may follow a phrase that says when; a statement after one does not instruct.
    fronted, _ = _read(
        "Before stopping a node, set the drain flag with zorbctl. When a node leaves, the cluster waits a minute."
    )
    assert [instructs(line) for line in fronted] == [True, False]


def test_a_label_naming_an_aspect_of_the_term_above_it_leaves_the_line_to_that_term():
    notes = (
        "- Zorblat Filters\n"
        "  - Matches patterns within logs in real time.\n"
        "  - Actions: Can trigger Quandry functions for automated responses.\n"
        "- Node Kinds\n"
        "  - Leader Node: Plans the queries.\n"
    )
    lines, _ = _read(notes, section="Streaming")
    actions = _roles(lines, "Actions:")
    assert actions["Zorblat Filters"][0] == ROLE_PARENT and actions["Actions"][0] < ROLE_PARENT
    assert _roles(lines, "Leader Node:")["Leader Node"][0] == ROLE_LABEL  # a thing, not an aspect


def test_a_runbook_fix_is_asked_by_its_sections_symptom():
    runbook = (
        "Symptom: Replies arrive slowly after the upgrade.\n"
        "Likely cause: The zorbd cache is cold.\n"
        "Fix: Warm the cache with zorbctl warm, then reload.\n"
        "Check: zorbctl stats shows the hit rate.\n"
    )
    lines, _ = _read(runbook, section="Slow replies")
    asked = fix_questions(lines)
    fix = next(line for line in lines if line.label == "Fix")
    assert list(asked) == [fix.index]
    symptom, question = asked[fix.index]
    assert symptom.label == "Symptom" and question == "Replies arrive slowly after the upgrade. What now?"
    assert asks_how(question)


def test_a_later_sentence_that_opens_with_a_name_and_its_verb_is_about_that_name():
    lines, _ = _read(
        "- Fix: Raise wait_budget only in the route that serves the slow export. connect_budget covers only the "
        "handshake and cannot exceed 75 seconds.\n",
        section="Slow exports",
    )
    fix = next(line for line in lines if line.label == "Fix")
    assert _roles(lines, "Fix:")["connect_budget"] == (ROLE_SUBJECT, 0)
    assert fix.subjects  # the fix still puts wait_budget forward
    assert _roles(lines, "Fix:")["wait_budget"][0] == ROLE_PUT_FORWARD


def test_quantifiers_and_activities_do_not_make_names():
    prose = (
        "Every shelf has an owner listed in the registry. Several boxes hold spare parts. "
        "Shelf merge (`zorbctl merge`) rewrites a shelf into fewer boxes."
    )
    lines, vocabulary = _read(prose, section="3.2 Compacting shelves")
    named = {s.name for line in lines for s in line.subjects}
    # "Every" and "Several" open a noun phrase as "a" does; they are no part of a name.
    assert not {n for n in named if n.split()[0] in ("Every", "Several")}, named
    # A heading's -ing word is an activity ("Compacting"), not a name, when English knows its verb.
    assert not vocabulary.is_proper("Compacting")
    assert "Compacting" not in named


def test_an_acronym_may_spell_the_parts_of_a_camel_case_word():
    lines, vocabulary = _read("- ZorbHub Actions: Runs jobs on every push.\n- Plim Store keeps files.")
    names = NameIndex({"c1": lines}, vocabulary)
    assert names.acronym("ZHA") == names.acronym("ZA") == name_key("ZorbHub Actions")
    assert names.acronym("ZHQ") is None


def test_a_sentence_saying_what_to_do_in_a_situation_puts_forward_what_it_tells_to_use():
    prose = (
        'If shelves start refusing boxes with "Shelf too full" errors, check `GET _shelves/stats` to see which '
        "shelf is full. To get a different shelf count, use `zorbctl split` on the old shelf. When a node leaves, "
        "the cluster waits before moving its boxes."
    )
    chunk = Chunk("c1", "u.md", "Shelves", prose, 0)
    vocabulary = NotesVocabulary([chunk.embedding_text])
    lines = parse_chunk(chunk, vocabulary)
    forward = [[s.name.strip("`") for s in line.subjects if s.cue > 0] for line in lines]
    assert forward[0] == ["GET _shelves/stats"] and "zorbctl split" in forward[1] and forward[2] == []
    # Each is the how-to question a FAQ card would ask; a statement after "When ..." is none.
    asked = {index: question for index, (_, question) in fix_questions(lines).items()}
    assert asked == {
        0: 'Shelves start refusing boxes with "Shelf too full" errors. What now?',
        1: "How do I get a different shelf count?",
    }


def test_an_adverb_before_use_advises_only_when_no_subject_is_doing_it():
    lines, _ = _read(
        "- Scheduled runs always use the Zorblat File on the main branch.\n"
        "- Always use Plimsoll Queue for retries.\n"
        "- You should usually use Quandry Vault for secrets.\n"
    )
    forward = [{s.name for s in line.subjects if s.cue > 0} for line in lines]
    assert "Zorblat File" not in forward[0]
    assert "Plimsoll Queue" in forward[1] and "Quandry Vault" in forward[2]


def test_a_setting_shown_with_a_placeholder_for_its_value_is_named_without_it():
    lines, _ = _read(
        "- `keep-for=N`: stays fresh for N seconds.\n- `q-limit=<copies>`: caps queued copies.\n"
        "- `max-age=0`: revalidate every time."
    )
    assert _roles(lines, "`keep-for=N`")["keep-for"][0] == ROLE_LABEL
    assert _roles(lines, "`q-limit=<copies>`")["q-limit"][0] == ROLE_LABEL
    assert _roles(lines, "`max-age=0`")["max-age=0"][0] == ROLE_LABEL  # a value, not a placeholder: part of the name


def test_a_sentence_opening_with_a_plural_term_its_examples_and_its_verb_is_about_that_term():
    lines, _ = _read(
        "Server-side hooks such as `pre-receive` run on the server during a push and can reject it.\n\n"
        "Client-side hooks run on the developer's machine."
    )
    assert _roles(lines, "Server-side hooks")["Server-side hooks"][0] == ROLE_SUBJECT
    assert _roles(lines, "Client-side hooks")["Client-side hooks"][0] == ROLE_SUBJECT


def test_code_opening_a_sentence_before_a_rare_verb_is_its_subject():
    lines, _ = _read("- `git push --force-with-lease` overwrites the remote branch only if it has not moved.")
    assert _roles(lines, "`git push")["git push --force-with-lease"][0] == ROLE_SUBJECT


def test_a_label_whose_first_word_the_notes_capitalise_inside_sentences_keeps_it():
    text = (
        "- **Time Travel**: Lets you query data as it was at an earlier point in time.\n"
        "- A dropped table can be restored within its Time Travel period.\n- Use Zorblat Queue for bursts."
    )
    lines, _ = _read(text)
    assert _roles(lines, "Time Travel: Lets")["Time Travel"][0] == ROLE_LABEL  # not "Travel" alone


def test_a_verbs_s_form_after_a_comma_is_no_program():
    assert commands_in("The reverse direction, COPY INTO @stage from a table, unloads query results into files.") == []
    assert commands_in("terraform workspace new creates one") == [(0, "terraform workspace new")]


def test_a_file_name_a_note_is_filed_under_names_no_thing_unless_the_notes_use_it():
    text = "Q: What is the default retention? A: seven days.\nQ: Which command replays events? A: zorb replay."
    vocabulary = NotesVocabulary([text])
    cards = parse_chunk(Chunk("c1", "zorb-cards.txt", "zorb-cards", text, 0), vocabulary)
    assert not any(s.name.lower() == "zorb-cards" for line in cards for s in line.subjects)
    about = "Tessel keeps seven days of events. Tessel replays them on request."
    named = parse_chunk(Chunk("c2", "tessel.md", "Tessel", about, 0), NotesVocabulary([about]))
    assert any(s.name == "Tessel" for line in named for s in line.subjects)


def test_a_short_card_answer_is_quoted_with_its_question():
    lines, _ = _read(
        "Q: Which SCD type keeps full history with new rows? A: Type 2.\n"
        "Q: What does an ephemeral model become at run time? A: A CTE inlined into every model that refs it."
    )
    short, long = (next(x for x in lines if x.kind == "card" and word in x.text) for word in ("SCD", "ephemeral"))
    assert short.shown == "Which SCD type keeps full history with new rows? Type 2."
    assert long.shown == "A CTE inlined into every model that refs it."  # a full answer says enough alone
