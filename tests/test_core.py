"""The Assistant API: bad input never raises, always returns the contract."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answer import Answer
from assistant.core import clean_question

CONTRACT = set(Answer("q", "a").to_dict())


def test_clean_question_strips_control_characters_with_a_notice():
    text, notices = clean_question("Which\x00 service\x07 scans\tS3?", 2000)
    assert text == "Which service scans S3?" and any("Control" in n for n in notices)


def test_clean_question_keeps_one_line_break_between_lines():
    text, _ = clean_question("  Which one?\r\n\n\n  A)  Alpha \n\tB) Beta  \n", 2000)
    assert text == "Which one?\nA) Alpha\nB) Beta"


def test_clean_question_replaces_lone_surrogates():
    text, notices = clean_question("PII \ud800 scan?", 2000)
    assert "\ud800" not in text and text.startswith("PII") and notices


def test_clean_question_truncates_very_long_input_with_a_notice():
    text, notices = clean_question("word " * 40_000, 2000)
    assert len(text) <= 2000 and any("characters long" in n and "2,000" in n for n in notices)


def test_a_long_paste_keeps_its_start_and_its_end_where_the_question_and_options_are():
    paste = "Background paragraph. " * 400 + "\nWhich service scans S3 for PII?\nA) Amazon Macie\nB) AWS Glue"
    text, notices = clean_question(paste, 2000)
    assert text.endswith("Which service scans S3 for PII?\nA) Amazon Macie\nB) AWS Glue") and len(text) <= 2000
    assert text.startswith("Background paragraph.")  # from a whole line or word, not half of one
    assert any("start and its end" in n and "2,000" in n for n in notices)


def test_clean_question_accepts_non_strings():
    assert clean_question(None, 100)[0] == "" and clean_question(42, 100)[0] == "42"


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "???", "\x00\x01"])
def test_ask_empty_questions_get_a_clear_reply(course, question):
    answer = course.ask(question)
    assert answer.abstained and "question" in answer.answer.lower()
    assert set(answer.to_dict()) == CONTRACT


def test_ask_a_200k_character_question_is_truncated_and_answered(course):
    answer = course.ask("Which service scans S3 buckets for PII? " + "padding " * 25_000)
    assert any("characters long" in n for n in answer.notices)
    assert "Macie" in answer.answer  # the question at the start was read
    assert set(answer.to_dict()) == CONTRACT


def test_ask_rejects_an_unknown_mode(course):
    with pytest.raises(ValueError, match="unknown retrieval mode"):
        course.ask("anything", mode="psychic")


def test_sources_lists_sections_and_chunk_counts(course):
    infos = course.sources()
    assert [i.source for i in infos] == ["u3-data-operations-and-support.md"]
    assert infos[0].chunks == sum(infos[0].sections.values())
    assert "2.2 Intro to Amazon EMR > Hive Metastore" in infos[0].sections


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=400)
    | st.text(alphabet=string.printable, max_size=400)
)
@pytest.mark.slow  # hundreds of generated questions
def test_ask_never_raises_and_always_returns_the_contract(course, question):
    answer = course.ask(question)
    payload = answer.to_dict()
    assert set(payload) == CONTRACT
    assert isinstance(payload["answer"], str) and payload["answer"]
    assert payload["abstained"] or payload["citations"]
    assert {c["n"] for c in payload["citations"]} == set(range(1, len(payload["citations"]) + 1))


@pytest.mark.parametrize("name", ["../../escape.md", "..\\..\\escape.md", "/etc/passwd.md", "sub/dir/escape.md"])
def test_save_note_never_writes_outside_the_corpus(make_assistant, notes_dir, tmp_path, name):
    assistant = make_assistant(notes_dir)
    saved = assistant.save_note(name, b"# Escape\n\n- Notes.\n").path
    assert saved.parent == notes_dir.resolve()
    assert saved.name == "escape.md" or saved.name == "passwd.md"
    assert not (tmp_path / "escape.md").exists()


def test_save_note_rejects_unsupported_types(make_assistant, notes_dir):
    with pytest.raises(ValueError, match="unsupported"):
        make_assistant(notes_dir).save_note("run.sh", b"rm -rf /")


ZORBLAT = "## Zorblat Queue\n\n- Zorblat Queue buffers orders that arrive in bursts.\n"
PLIMSOLL = "## Plimsoll Streams\n\n- Plimsoll Streams replays ordered events to many readers.\n"


@pytest.fixture
def queue_notes(notes_folder):
    """A notes folder with one note, Zorblat Queue's."""
    return notes_folder("notes", {"queue.md": ZORBLAT})


def test_a_note_saved_while_the_assistant_is_open_is_in_the_next_answer(make_assistant, queue_notes):
    notes = queue_notes
    assistant = make_assistant(notes, notes_check_seconds=0)
    assistant.ingest()
    assert "Zorblat" in assistant.ask("Which service buffers orders that arrive in bursts?").answer
    before = assistant.ask("Which service replays ordered events to many readers?")
    assert "Plimsoll" not in before.answer

    (notes / "streams.md").write_text(PLIMSOLL)  # saved from an editor: no `study ingest`
    after = assistant.ask("Which service replays ordered events to many readers?")
    assert "Plimsoll Streams" in after.answer and after.citations[0].source == "streams.md"
    assert any("read again: streams.md" in n for n in after.notices)
    unchanged = assistant.ask("Which service replays ordered events to many readers?")
    assert not any("read again" in n for n in unchanged.notices)  # read once, not at every question

    (notes / "streams.md").unlink()
    gone = assistant.ask("Which service replays ordered events to many readers?")
    assert all(c.source != "streams.md" for c in gone.citations)
    assert any("removed: streams.md" in n for n in gone.notices) and not any("read again" in n for n in gone.notices)


def test_an_index_another_process_changed_is_taken_in(make_assistant, queue_notes):
    notes = queue_notes
    open_all_term = make_assistant(notes, notes_check_seconds=0)
    open_all_term.ingest()
    open_all_term.ask("Which service buffers orders?")
    (notes / "streams.md").write_text(PLIMSOLL)
    make_assistant(notes).ingest()  # `study ingest` in a terminal, beside the open UI
    answer = open_all_term.ask("Which service replays ordered events to many readers?")
    assert "Plimsoll Streams" in answer.answer


def test_notes_are_looked_at_no_more_often_than_the_setting_says(make_assistant, queue_notes):
    notes = queue_notes
    assistant = make_assistant(notes, notes_check_seconds=3600)
    assistant.ingest()
    (notes / "streams.md").write_text(PLIMSOLL)
    assert assistant.refresh_notes() is None  # an ingest just looked: not again for an hour


def test_a_question_in_another_language_is_declined_saying_so(course):
    answer = course.ask("¿Qué servicio escanea los buckets de S3 para encontrar datos personales?")
    assert answer.abstained and "another language" in answer.answer
    english = course.ask("Which service orchestrates the weekly payroll robots?")
    assert english.abstained and "another language" not in english.answer


def test_an_ingest_by_another_process_is_taken_in_without_an_error(make_assistant, queue_notes):
    """A real second process (`study ingest` in a terminal beside the open chat or UI), not a second Assistant
    in this process: Chroma shares one open store per folder within a process, but not across processes."""
    import subprocess
    import sys

    from browser import environment

    assistant = make_assistant(queue_notes, notes_check_seconds=0)
    assistant.ingest()
    assert "Zorblat" in assistant.ask("Which service buffers orders that arrive in bursts?").answer
    (queue_notes / "queue.md").write_text(ZORBLAT.replace("in bursts", "in bursts and keeps them for 9 days"))
    (queue_notes / "streams.md").write_text(PLIMSOLL)
    env = environment(queue_notes, assistant.settings.data_dir)
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    kept = assistant.ask("How long does Zorblat Queue keep orders?")
    assert "9 days" in kept.answer and not any("could not" in n.lower() for n in kept.notices), kept.answer
    assert "Plimsoll Streams" in assistant.ask("Which service replays ordered events to many readers?").answer


def test_an_ingest_by_another_process_before_the_first_question_is_taken_in(make_assistant, queue_notes):
    """The UI opens (its index read at start), `study ingest` runs in a terminal, then the first question."""
    import subprocess
    import sys

    from browser import environment

    make_assistant(queue_notes).ingest()
    opened = make_assistant(queue_notes, notes_check_seconds=0)
    opened.warm_up()  # the index is read when the UI starts
    (queue_notes / "queue.md").write_text(ZORBLAT.replace("in bursts", "in bursts and keeps them for 9 days"))
    env = environment(queue_notes, opened.settings.data_dir)
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    answer = opened.ask("How long does Zorblat Queue keep orders?")
    assert "9 days" in answer.answer, answer.answer


def test_example_questions_name_topics_not_file_names_and_read_as_english(notes_folder, make_assistant):
    folder = notes_folder(
        "cdn",
        {
            "cdn-edge.txt": "A CDN keeps copies of responses close to users.\n\nPurging removes them before they expire.\n",
            "caching.md": "# Caching\n\n## What a CDN does\n\n- Keeps copies near users.\n\n## Origin shielding\n\n"
            "- One PoP asks the origin for all others.\n",
        },
    )
    assistant = make_assistant(folder)
    assistant.ingest()
    examples = assistant.example_questions(limit=10)
    assert "Explain what a CDN does." in examples and "What do my notes say about Origin shielding?" in examples
    assert not any("cdn-edge" in example for example in examples), examples


def test_a_fault_while_answering_one_question_is_an_answer_that_says_so_not_an_exception(course, monkeypatch):
    # Fault injection: the reader fails on this one question (as a bug in it would); the chat goes on.
    reader = course.index.reader
    real_run = reader.run

    def failing(query, retrieval, gate):
        if "PII" in query.text:
            raise TypeError("unhashable type: 'Entity'")
        return real_run(query, retrieval, gate)

    monkeypatch.setattr(reader, "run", failing)
    broken = course.ask("Which service scans S3 buckets for PII?")
    assert broken.abstained and "Something went wrong while answering this question" in broken.answer
    assert "Internal error: TypeError: unhashable type: 'Entity'" in broken.notices
    assert not course.ask("What is AWS Glue DataBrew?").abstained  # the next question is answered as ever


def test_an_answer_from_notes_whose_folder_is_gone_says_so(make_assistant, queue_notes, tmp_path):
    assistant = make_assistant(queue_notes)
    assistant.ingest()
    moved = tmp_path / "moved-away"
    queue_notes.rename(moved)  # the folder was moved, renamed, or its drive unmounted
    answer = assistant.ask("Which service buffers bursts of orders?")
    assert any("is not there; this answer uses the notes as they were last read" in n for n in answer.notices)
    moved.rename(queue_notes)
    assert not any("is not there" in n for n in assistant.ask("Which service buffers bursts of orders?").notices)
