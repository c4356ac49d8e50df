"""Self-grading feeds the FSRS schedule; the due count is what the Practice badge shows."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.practice import Question
from assistant.progress import ProgressStore


def _question(qid: str) -> Question:
    return Question(
        id=qid,
        kind="scenario",
        stem=f"Stem {qid}?",
        options=["A", "B", "C", "D"],
        answer=1,
        explanation="B [1].",
        why_not={},
        citations=[],
        section="S",
        chunk_ids=["c1"],
    )


def _due(store, qid):
    import sqlite3

    with sqlite3.connect(store.path) as db:
        return datetime.fromisoformat(db.execute("SELECT due FROM reviews WHERE question_id = ?", (qid,)).fetchone()[0])


def test_self_grade_replaces_the_automatic_rating(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    easy, again = _question("easy"), _question("again")
    store.add_questions([easy, again])
    now = datetime(2026, 1, 5, tzinfo=UTC)
    store.record_attempt(easy, 1, 30.0, when=now)
    store.record_attempt(again, 1, 30.0, when=now)
    automatic = _due(store, "again")
    assert store.self_grade("easy", "Easy") == _due(store, "easy")
    store.self_grade("again", "again")
    assert _due(store, "again") < automatic  # a right answer graded Again comes back sooner
    assert _due(store, "easy") > automatic
    assert [a["rating"] for a in store.attempts()] == ["easy", "again"]


def test_grading_twice_does_not_review_the_card_twice(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    question = _question("q")
    store.add_questions([question])
    now = datetime(2026, 1, 5, tzinfo=UTC)
    store.record_attempt(question, 1, 30.0, when=now)
    first = store.self_grade("q", "good")
    assert store.self_grade("q", "good") == first


def test_bad_grades_and_ungraded_questions_get_clear_errors(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    store.add_questions([_question("q")])
    with pytest.raises(ValueError, match="no attempt"):
        store.self_grade("q", "good")
    store.record_attempt(_question("q"), 0, 5.0)
    with pytest.raises(ValueError, match="again, hard, good, easy"):
        store.self_grade("q", "meh")


def test_due_count_counts_due_reviews_only(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    questions = [_question(str(i)) for i in range(3)]
    store.add_questions(questions)
    now = datetime(2026, 1, 5, tzinfo=UTC)
    store.record_attempt(questions[0], 0, 5.0, when=now)  # a miss: due again within minutes
    store.record_attempt(questions[1], 1, 5.0, when=now)
    assert store.due_count(now) == 0
    assert store.due_count(now + timedelta(hours=1)) == 1
    assert store.due_count(now + timedelta(days=400)) == 2


def test_the_set_in_progress_survives_a_restart(tmp_path):
    path = tmp_path / "p.sqlite3"
    questions = [_question(str(i)) for i in range(3)]
    store = ProgressStore(path)
    store.add_questions(questions)
    assert store.load_session() is None
    store.save_session([q.id for q in questions], 1, {0: 2}, {0: "hard"})
    restored = ProgressStore(path).load_session()  # a new process
    assert restored is not None
    loaded, index, answers, grades = restored
    assert [q.id for q in loaded] == ["0", "1", "2"] and index == 1
    assert answers == {0: 2} and grades == {0: "hard"}
    store.clear_session()
    assert store.load_session() is None


def test_a_saved_set_whose_questions_are_gone_is_not_resumed(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    store.add_questions([_question("kept")])
    store.save_session(["kept", "never-stored"], 0, {}, {})
    assert store.load_session() is None


def test_a_retired_question_generated_again_comes_back_with_its_history(tmp_path):
    store = ProgressStore(tmp_path / "progress.db")
    assert store.add_questions([_question("q1")]) == 1
    store.record_attempt(_question("q1"), chosen=1, seconds=3.0)
    assert store.retire_stale({"other"}) == 1  # its passage was re-read under a new id
    assert store.questions() == []
    again = _question("q1")
    again.chunk_ids = ["c2"]
    assert store.add_questions([again]) == 1 and store.add_questions([again]) == 0
    assert [q.chunk_ids for q in store.questions()] == [["c2"]]
    assert len(store.attempts()) == 1  # the attempt made before is still there


def test_attempts_are_kept_when_the_process_is_killed_right_after_them(tmp_path):
    """The store keeps one connection open for speed; each attempt is still committed when it is recorded,
    so a process killed with no chance to close anything loses none."""
    path = tmp_path / "p.sqlite3"
    script = textwrap.dedent(
        f"""
        import os, signal
        from assistant.practice import Question
        from assistant.progress import ProgressStore
        store = ProgressStore({str(path)!r})
        questions = [
            Question(id=f"q{{n}}", kind="scenario", stem="Stem?", options=["A", "B", "C", "D"], answer=1,
                     explanation="B [1].", why_not={{}}, citations=[], section="S", chunk_ids=["c1"])
            for n in range(3)
        ]
        store.add_questions(questions)
        for number, question in enumerate(questions):
            store.record_attempt(question, number % 2, 5.0)
        store.self_grade("q2", "hard")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    checkout = Path(__file__).resolve().parents[1]  # the child imports this checkout's `assistant`
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=checkout)
    assert run.returncode == -signal.SIGKILL, run.stderr
    reopened = ProgressStore(path)
    attempts = reopened.attempts()
    assert [(a["question_id"], a["chosen"], a["correct"]) for a in attempts] == [
        ("q0", 0, 0),
        ("q1", 1, 1),
        ("q2", 0, 0),
    ]
    assert attempts[-1]["rating"] == "hard"
    assert reopened.due_count(datetime.now(UTC) + timedelta(days=400)) == 3  # every schedule was kept too
    assert os.path.exists(path)


def test_the_store_can_be_shared_by_threads(tmp_path):
    """The UI server runs callbacks on several threads, all with the same store."""
    store = ProgressStore(tmp_path / "p.sqlite3")
    questions = [_question(f"t{number}") for number in range(4)]
    store.add_questions(questions)
    start = threading.Barrier(len(questions))  # all threads begin together, so their calls overlap

    def practise(question: Question) -> None:
        start.wait()
        for _ in range(200):
            store.record_attempt(question, 1, 5.0)
            store.due_count()  # reads interleave with the other threads' writes

    with ThreadPoolExecutor(max_workers=len(questions)) as pool:
        for done in [pool.submit(practise, question) for question in questions]:
            done.result()  # re-raises an error from the thread
    attempts = ProgressStore(store.path).attempts()  # what a fresh store finds on disk
    assert len(attempts) == 800
    assert Counter(a["question_id"] for a in attempts) == {f"t{number}": 200 for number in range(4)}
