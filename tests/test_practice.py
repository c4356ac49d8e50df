"""Practice questions generated from the notes: validated, grounded, deterministic, general."""

import json
import random
import shutil
import sqlite3
import zipfile
from collections import Counter

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.practice import Question, QuestionGenerator, _near_duplicate, _spread
from assistant.statements import canonical_key
from conftest import DATA

FIELDS = {"id", "kind", "stem", "options", "answer", "explanation", "why_not", "citations", "section"}


@pytest.fixture(scope="module")
def fifty(course):
    return course.generate_questions(n=50, seed=7)


def test_generate_fifty_meets_the_quality_bar(fifty):
    questions, report = fifty
    assert len(questions) == 50 and report.kept == 50
    assert report.generated == report.valid + sum(report.dropped.values()) and report.valid >= 50
    assert len({q.section for q in questions}) >= 10
    assert len({q.options[q.answer] for q in questions}) >= 30
    assert {q.kind for q in questions} == {"scenario", "cloze", "comparison"}


def test_generated_questions_pass_validation(fifty, course):
    questions, _ = fifty
    for q in questions:
        assert len(q.options) == 4 and len({canonical_key(o) for o in q.options}) == 4
        assert 0 <= q.answer < 4
        right = q.options[q.answer]
        assert right.lower() not in q.stem.lower() or q.kind == "comparison"
        cited = q.citations[0]
        assert q.explanation.startswith(right) and "[1]" in q.explanation
        quoted = q.explanation.split("“", 1)[1].split("”", 1)[0]
        assert quoted in " ".join(cited["text"].split()) or quoted.split(":")[-1].strip() in cited["text"]
        assert set(q.why_not) == set(q.options) - {right}
        for reason in q.why_not.values():
            for n in [int(x) for x in __import__("re").findall(r"\[(\d+)\]", reason)]:
                assert any(c["n"] == n for c in q.citations)
    stems = [q.stem for q in questions]
    assert not any(_near_duplicate(a, b) for i, a in enumerate(stems) for b in stems[i + 1:])


def test_generation_is_deterministic_for_a_seed(course, fifty):
    again, _ = course.generate_questions(n=50, seed=7)
    assert [q.to_dict() for q in again] == [q.to_dict() for q in fifty[0]]
    other, _ = course.generate_questions(n=50, seed=8)
    assert [q.id for q in other] != [q.id for q in fifty[0]]


def test_json_output_has_exact_fields(course):
    result = CliRunner().invoke(app, ["quiz", "generate", "--n", "5", "--json"],
                                env={"STUDY_DATA_DIR": str(course.settings.data_dir),
                                     "STUDY_CORPUS_DIR": str(course.settings.corpus_dir)})
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout[result.stdout.index("["):])
    assert len(payload) == 5
    for item in payload:
        assert FIELDS <= set(item)
        assert set(item["citations"][0]) == {"n", "source", "section", "text", "score", "chunk_id", "lines"}


def test_self_consistency_on_scenario_stems(course, fifty):
    matched, total = course.self_consistency(fifty[0])
    assert total >= 5 and matched / total >= 0.9


def test_section_filter(course):
    questions, _ = course.generate_questions(n=10, seed=7, section="Athena")
    assert questions and all("Athena" in q.section for q in questions)


def test_generator_works_on_another_unit(make_assistant, tmp_path):
    folder = tmp_path / "u4"
    folder.mkdir()
    shutil.copy(DATA / "u4-data-security-and-governance.txt", folder)
    assistant = make_assistant(folder)
    assistant.ingest()
    questions, report = assistant.generate_questions(n=10, seed=1)
    assert len(questions) >= 4, report.summary()
    answers = {q.options[q.answer] for q in questions}
    assert answers & {"AWS Lake Formation", "AWS Secrets Manager", "AWS CloudTrail", "AWS Config", "S3 Object Lock"}


def test_progress_records_attempts_in_wal_sqlite_and_schedules_reviews(course, tmp_path, fifty):
    from datetime import datetime, timedelta, timezone

    from assistant.progress import ProgressStore

    store = ProgressStore(tmp_path / "progress.sqlite3")
    questions = fifty[0][:4]
    assert store.add_questions(questions) == 4 and store.add_questions(questions) == 0
    now = datetime.now(timezone.utc)
    assert store.record_attempt(questions[0], questions[0].answer, 4.0, when=now)
    assert not store.record_attempt(questions[1], (questions[1].answer + 1) % 4, 12.0, when=now)
    assert store.due(now) == []
    due_later = store.due(now + timedelta(days=400))
    assert {q.id for q in due_later} == {questions[0].id, questions[1].id}
    db = sqlite3.connect(tmp_path / "progress.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 2  # committed, visible to another reader
    sections = {s.section: s for s in store.by_section()}
    assert sections[questions[1].section].correct == (1 if questions[1].section == questions[0].section else 0)
    assert store.weakest()[0].accuracy < 1.0


def test_stale_questions_are_retired_when_their_passages_go(make_assistant, notes_dir):
    assistant = make_assistant(notes_dir)
    assistant.ingest()
    questions = assistant.practice_set(n=20, seed=3)
    athena = [q for q in questions if q.section.startswith("3.1 Intro to Amazon Athena")]
    assert athena
    note = notes_dir / "u3-data-operations-and-support.md"
    text = note.read_text()
    start = text.index("## 3.1 Intro to Amazon Athena")
    end = text.index("## 3.2 Creating a Glue Crawler")
    note.write_text(text[:start] + text[end:])
    assistant.ingest()
    active = {q.id for q in assistant.progress.questions()}
    everything = {q.id for q in assistant.progress.questions(include_retired=True)}
    assert not {q.id for q in athena} & active
    assert {q.id for q in athena} <= everything  # kept in history
    fresh = assistant.practice_set(n=20, seed=3)  # generated from the new index, not a cached reading
    assert fresh and not any(q.section.startswith("3.1 Intro to Amazon Athena") for q in fresh)


def test_anki_export_writes_a_deck(course, tmp_path):
    result = CliRunner().invoke(app, ["quiz", "export", "--anki", str(tmp_path / "deck.apkg"), "--n", "5"],
                                env={"STUDY_DATA_DIR": str(course.settings.data_dir),
                                     "STUDY_CORPUS_DIR": str(course.settings.corpus_dir)})
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "deck.apkg") as deck:
        assert "collection.anki2" in deck.namelist()


def test_interactive_quiz_records_and_reports(course):
    env = {"STUDY_DATA_DIR": str(course.settings.data_dir), "STUDY_CORPUS_DIR": str(course.settings.corpus_dir)}
    result = CliRunner().invoke(app, ["quiz", "--n", "2"], input="A\nx\nB\n", env=env)
    assert result.exit_code == 0, result.output
    assert "Type A, B, C or D" in result.output and "Score:" in result.output
    report = CliRunner().invoke(app, ["progress"], env=env)
    assert report.exit_code == 0 and "Progress by section" in report.output


def test_near_duplicate_detection():
    assert _near_duplicate("Which option is ideal for querying data in S3?", "Which option is ideal for querying data in S3")
    assert not _near_duplicate("Which option scans buckets for PII?", "Which option streams logs in real time?")


def test_parse_json_reply_is_tolerant():
    from assistant.practice import parse_json_reply

    assert parse_json_reply('```json\n{"stem": "S", "explanation": "E [1]",}\n```') == {"stem": "S", "explanation": "E [1]"}
    assert parse_json_reply("Sure! Here it is: {\"stem\": \"x\"} hope that helps") == {"stem": "x"}
    assert parse_json_reply("no json here") is None
    assert parse_json_reply("{broken") is None


def test_llm_rewording_is_validated_and_falls_back(course, fifty):
    from assistant.practice import reword_with_llm

    questions = [q for q in fifty[0] if q.kind == "scenario"][:3]
    right = questions[1].options[questions[1].answer]
    replies = iter([
        '{"stem": "' + questions[0].stem.replace('"', "'") + ' (reworded)", "explanation": "Because the notes say so [1]."}',
        '{"stem": "Pick ' + right + ' for this", "explanation": "Obvious [1]."}',  # names the answer: rejected
        "I cannot help with that.",  # malformed: rejected
    ])
    out = reword_with_llm(questions, lambda prompt: next(replies))
    assert out[0].stem.endswith("(reworded)") and out[0].id != questions[0].id
    assert out[1].stem == questions[1].stem and out[2].stem == questions[2].stem


MADE_UP_UNIT = """# 7.1 Message Services

## Choosing a queue

1. Zorblat Queue:
   - Buffers bursts of incoming orders between producers and consumers.
   - Keeps each message until a consumer deletes it.
2. Plimsoll Streams:
   - Replays ordered event streams to many independent readers.

## Storage engines

- KVX (Key Value Exchange): Keeps hot session items in memory for fast lookups.
- Tessel Lake: Stores curated analytics tables for business reporting teams.
- Murmur Exchange is a marketplace for licensed third-party weather datasets.
- Use Quandry Vault for rotating database credentials automatically.
"""


def _ingested(make_assistant, folder, notes: str):
    """An assistant over one made-up unit of notes, ingested."""
    folder.mkdir()
    (folder / f"{folder.name}-notes.md").write_text(notes)
    assistant = make_assistant(folder)
    assistant.ingest()
    return assistant


def test_generator_builds_on_every_shape_of_line(make_assistant, tmp_path):
    assistant = _ingested(make_assistant, tmp_path / "u7", MADE_UP_UNIT)
    generator = assistant.question_generator()
    shapes = {(f.key, f.shape) for f in generator.facts}
    assert (canonical_key("Zorblat Queue"), "child") in shapes  # a line under "1. Zorblat Queue:"
    assert (canonical_key("KVX"), "label") in shapes  # the bracketed expansion aside
    assert (canonical_key("Murmur Exchange"), "definition") in shapes  # "X is a ..."
    assert (canonical_key("Quandry Vault"), "fit") in shapes
    questions, report = generator.generate(n=20, seed=3, kinds=("scenario",))
    stems = " | ".join(f"{q.options[q.answer]}: {q.stem}" for q in questions)
    assert "Zorblat Queue: Which option matches this description: “Buffers bursts of incoming orders" in stems, stems
    assert "Murmur Exchange: Which option is a marketplace for licensed" in stems
    # The expansion in brackets would give the answer away, so a cloze blanks the whole label.
    clozes, _ = generator.generate(n=20, seed=3, kinds=("cloze",))
    kvx = next(q for q in clozes if q.options[q.answer] == "KVX")
    assert "Key Value Exchange" not in kvx.stem and kvx.stem.startswith("Fill in the blank: _____: Keeps hot")
    for question in questions:
        matched, total = assistant.self_consistency([question])
        assert matched == total == 1, question.stem


def test_a_line_gives_one_scenario_or_cloze_not_both(fifty):
    questions, report = fifty
    by_line = Counter((q.citations[0]["text"], q.explanation, q.options[q.answer]) for q in questions
                      if q.kind in ("scenario", "cloze"))
    assert max(by_line.values()) == 1
    assert report.dropped["same line asked another way"] > 0


def test_spread_asks_every_answer_once_before_repeating_one():
    def question(answer: str, section: str) -> Question:
        return Question(id=f"{answer}-{section}", kind="cloze", stem=f"{answer} {section}", options=[answer, "b", "c", "d"],
                        answer=0, explanation="", why_not={}, citations=[], section=section)

    pool = [question("A", f"s{i}") for i in range(6)] + [question(x, "s0") for x in "BCDE"]
    chosen = _spread(pool, 5, random.Random(1))
    assert sorted(q.options[q.answer] for q in chosen) == ["A", "B", "C", "D", "E"]
    assert len(_spread(pool, 50, random.Random(1))) == len(pool)


def test_distractors_are_names_of_the_same_kind(course, fifty):
    generator = course.question_generator()
    keys = list(generator.names)
    everywhere = [generator._kin(a, b) for a in keys for b in keys if a != b]
    chosen = [generator._kin(canonical_key(q.options[q.answer]), canonical_key(o))
              for q in fifty[0] for o in q.options if o != q.options[q.answer]]
    assert sum(chosen) / len(chosen) > sum(everywhere) / len(everywhere) + 0.1
    funnel = next(q for q in fifty[0] if q.options[q.answer] == "Funnel Charts")
    assert "Scatter Plots" in funnel.options  # the other chart the notes name


PROSE_UNIT = """# 9.1 Stores

## Choosing a store

Zorblat DB is a fully managed key-value database that answers lookups in single-digit milliseconds. Choose Zorblat DB when the access patterns are known in advance.

Plimsoll SQL runs relational engines for transactional workloads that need joins. Prefer Quandry Engine when a Plimsoll SQL workload outgrows a single instance.

## Warehousing

Tessel Warehouse is a columnar data warehouse for analytical SQL over petabytes of history.

## Caching

Murmur Cache is an in-memory cache that serves repeated reads in microseconds, in front of a database.
"""


def test_prose_notes_give_questions_too(make_assistant, tmp_path):
    assistant = _ingested(make_assistant, tmp_path / "u9", PROSE_UNIT)
    questions, report = assistant.generate_questions(n=10, seed=2)
    answers = {q.options[q.answer] for q in questions}
    assert {"Zorblat DB", "Tessel Warehouse"} <= answers, report.summary()
    for question in questions:
        assert len(set(question.options)) == 4
        if question.kind == "cloze":  # a blank or a capital letter starts the sentence
            first = question.stem.removeprefix("Fill in the blank: ")[0]
            assert first == "_" or first.isupper(), question.stem


def test_large_library_stops_at_enough_valid_questions(tmp_path):
    """Dozens of units: the generator validates enough questions to spread, not one per line."""
    from assistant.answering import DefaultAnswerer, StatementVectors
    from assistant.chunking import chunk_markdown
    from assistant.loading import load_file
    from assistant.retrieval import LexicalIndex
    from assistant.statements import Vocabulary
    from assistant.synthetic import make_synthetic_corpus
    from conftest import CORPUS

    chunks = []
    for path in make_synthetic_corpus(CORPUS, tmp_path / "units", copies=6):
        chunks += chunk_markdown(load_file(path, path.name, 10**8).markdown, path.name)
    lexical = LexicalIndex(chunks)
    answerer = DefaultAnswerer(lexical, Vocabulary(lexical.lowercase_words), 0.435, StatementVectors(lambda texts: None))
    generator = QuestionGenerator(answerer, chunks)
    questions, report = generator.generate(n=10, seed=7)
    assert len(questions) == 10 and report.valid == 100  # max(4 * n, 100), then it stopped
    assert report.generated < len(generator.facts)
    assert len({q.options[q.answer] for q in questions}) == 10  # every name visited before any repeats
