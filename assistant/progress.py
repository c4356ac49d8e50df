"""Progress: practice questions, attempts and review schedules in SQLite (WAL), scheduled with FSRS.

Every attempt is committed as it is recorded, so nothing is lost if the app is killed between
questions. Questions whose source chunks leave the index are retired: kept with their history,
never asked again.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .practice import Question

logger = logging.getLogger(__name__)

#: Self-grades a learner can give after seeing the key (FSRS ratings).
SELF_GRADES: tuple[str, ...] = ("again", "hard", "good", "easy")

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    section TEXT NOT NULL,
    chunk_ids TEXT NOT NULL,
    retired INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id TEXT NOT NULL REFERENCES questions(id),
    chosen INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    seconds REAL NOT NULL,
    answered_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reviews (
    question_id TEXT PRIMARY KEY REFERENCES questions(id),
    card TEXT NOT NULL,
    due TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_by_question ON attempts(question_id);
CREATE INDEX IF NOT EXISTS reviews_by_due ON reviews(due);
CREATE TABLE IF NOT EXISTS practice_session (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


@dataclass
class SectionProgress:
    section: str
    attempts: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0


def _now() -> datetime:
    return datetime.now(UTC)


class ProgressStore:
    """Questions, attempts and review schedules in one SQLite file. Safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        # One connection for the store's life, not one per call: closing the last connection to a WAL
        # database checkpoints it with an fsync, 10-20 ms on every attempt recorded. Commits stay
        # immediate (each call is its own transaction); the lock keeps the threads of the UI server
        # from sharing a transaction.
        self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        with self._connect() as db:
            db.executescript(SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(attempts)")}
            # Added for self-grading; stores made before keep their rows (NULL: graded automatically).
            if "card_before" not in columns:
                db.execute("ALTER TABLE attempts ADD COLUMN card_before TEXT")
            if "rating" not in columns:
                db.execute("ALTER TABLE attempts ADD COLUMN rating TEXT")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """The store's connection inside one transaction (committed on success, rolled back on error)."""
        with self._lock, self._db:
            yield self._db

    # --- questions ----------------------------------------------------------------------------

    def add_questions(self, questions: list[Question]) -> int:
        """Store new questions (known ids are left as they are) and bring back a retired one generated again
        from live passages, with its attempts and schedule: re-reading notes into new passages must not cost a
        learner the reviews of a question whose text did not change. Returns how many were new or back."""
        added = 0
        with self._connect() as db:
            for question in questions:
                cursor = db.execute(
                    "INSERT INTO questions (id, body, section, chunk_ids, created_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET body = excluded.body, section = excluded.section, "
                    "chunk_ids = excluded.chunk_ids, retired = 0 WHERE questions.retired = 1",
                    (
                        question.id,
                        json.dumps(question.to_dict()),
                        question.section,
                        json.dumps(question.chunk_ids),
                        _now().isoformat(),
                    ),
                )
                added += cursor.rowcount
        return added

    def questions(self, include_retired: bool = False) -> list[Question]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT body FROM questions"
                + ("" if include_retired else " WHERE retired = 0")
                + " ORDER BY created_at, id"
            ).fetchall()
        return [Question.from_dict(json.loads(body)) for (body,) in rows]

    def retire_stale(self, live_chunk_ids: set[str]) -> int:
        """Retire questions whose source chunks are gone from the index; returns how many."""
        retired = 0
        with self._connect() as db:
            for question_id, chunk_ids in db.execute(
                "SELECT id, chunk_ids FROM questions WHERE retired = 0"
            ).fetchall():
                if not set(json.loads(chunk_ids)) <= live_chunk_ids:
                    db.execute("UPDATE questions SET retired = 1 WHERE id = ?", (question_id,))
                    retired += 1
        return retired

    def questions_by_id(self, ids: list[str]) -> list[Question]:
        """The stored questions with these ids (retired ones too), in the order given."""
        if not ids:
            return []
        with self._connect() as db:
            rows = db.execute(
                f"SELECT id, body FROM questions WHERE id IN ({','.join('?' * len(ids))})", list(ids)
            ).fetchall()
        found = {qid: Question.from_dict(json.loads(body)) for qid, body in rows}
        return [found[qid] for qid in ids if qid in found]

    # --- the practice set in progress -------------------------------------------------------------

    def save_session(
        self, question_ids: list[str], index: int, answers: dict[int, int], grades: dict[int, str]
    ) -> None:
        """Keep the set being practised (which questions, where, what was answered and graded), so a
        reload or a restart carries on where it was."""
        body = json.dumps(
            {
                "question_ids": list(question_ids),
                "index": int(index),
                "answers": {str(k): int(v) for k, v in answers.items()},
                "grades": {str(k): str(v) for k, v in grades.items()},
            }
        )
        with self._connect() as db:
            db.execute(
                "INSERT INTO practice_session (id, body, updated_at) VALUES (1, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                (body, _now().isoformat()),
            )

    def load_session(self) -> tuple[list[Question], int, dict[int, int], dict[int, str]] | None:
        """The set in progress: (questions, index, answers, grades), or None when there is none."""
        with self._connect() as db:
            row = db.execute("SELECT body FROM practice_session WHERE id = 1").fetchone()
        if row is None:
            return None
        try:
            data = json.loads(row[0])
            questions = self.questions_by_id(list(data["question_ids"]))
            answers = {int(k): int(v) for k, v in data.get("answers", {}).items()}
            grades = {int(k): str(v) for k, v in data.get("grades", {}).items()}
            index = int(data.get("index", 0))
        except (ValueError, KeyError, TypeError) as error:
            logger.warning("the saved practice set cannot be read (%s); starting afresh", error)
            return None
        if len(questions) != len(data["question_ids"]):
            return None  # a question of the set is gone from the store: not worth resuming half of it
        return questions, index, answers, grades

    def clear_session(self) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM practice_session")

    # --- attempts and reviews -------------------------------------------------------------------

    def record_attempt(
        self,
        question: Question,
        chosen: int | list[int],
        seconds: float,
        when: datetime | None = None,
        rating: str | None = None,
    ) -> bool:
        """Record an answer (an option's index, or the indexes picked for a choose-two item) and reschedule
        the question's review; returns whether it was right. Without a `rating` the schedule uses Again
        for a miss, Good (Easy under 10 s) for a hit; `self_grade` can replace that rating afterwards."""
        when = when or _now()
        correct = question.is_correct(chosen)
        stored = chosen if isinstance(chosen, int) else json.dumps(sorted(chosen))
        with self._connect() as db:
            row = db.execute("SELECT card FROM reviews WHERE question_id = ?", (question.id,)).fetchone()
            before = row[0] if row else None
            grade = _check_grade(rating) if rating else ("easy" if seconds < 10 else "good") if correct else "again"
            db.execute(
                "INSERT INTO attempts (question_id, chosen, correct, seconds, answered_at, card_before, rating) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    question.id,
                    stored,
                    int(correct),
                    float(seconds),
                    when.isoformat(),
                    before,
                    grade if rating else None,
                ),
            )
            self._schedule(db, question.id, before, grade, when)
        return correct

    def self_grade(self, question_id: str, rating: str) -> datetime:
        """Replace the automatic rating of the question's last attempt with the learner's own
        (again/hard/good/easy); returns the new due time."""
        grade = _check_grade(rating)
        with self._connect() as db:
            row = db.execute(
                "SELECT id, card_before, answered_at FROM attempts WHERE question_id = ? ORDER BY id DESC LIMIT 1",
                (question_id,),
            ).fetchone()
            if row is None:
                raise ValueError(f"question {question_id!r} has no attempt to grade")
            attempt_id, before, answered_at = row
            db.execute("UPDATE attempts SET rating = ? WHERE id = ?", (grade, attempt_id))
            # Re-run the review from the card as it was before this attempt, at the attempt's time.
            return self._schedule(db, question_id, before, grade, datetime.fromisoformat(answered_at))

    @staticmethod
    def _schedule(
        db: sqlite3.Connection, question_id: str, card_json: str | None, grade: str, when: datetime
    ) -> datetime:
        from fsrs import Card, Rating, Scheduler

        card = Card.from_json(card_json) if card_json else Card()
        rating = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}[grade]
        card, _ = Scheduler().review_card(card, rating, review_datetime=when)
        due = card.due.astimezone(UTC)
        db.execute(
            "INSERT INTO reviews (question_id, card, due) VALUES (?, ?, ?) "
            "ON CONFLICT(question_id) DO UPDATE SET card = excluded.card, due = excluded.due",
            (question_id, card.to_json(), due.isoformat()),
        )
        return due

    def due_count(self, now: datetime | None = None) -> int:
        """How many reviews are due now (the Practice page's badge)."""
        now_text = (now or _now()).astimezone(UTC).isoformat()
        with self._connect() as db:
            (count,) = db.execute(
                "SELECT COUNT(*) FROM reviews r JOIN questions q ON q.id = r.question_id "
                "WHERE q.retired = 0 AND r.due <= ?",
                (now_text,),
            ).fetchone()
        return int(count)

    def due(self, now: datetime | None = None) -> list[Question]:
        """Questions whose review is due, soonest first (never-answered questions are not due)."""
        now_text = (now or _now()).astimezone(UTC).isoformat()
        with self._connect() as db:
            rows = db.execute(
                "SELECT q.body FROM reviews r JOIN questions q ON q.id = r.question_id "
                "WHERE q.retired = 0 AND r.due <= ? ORDER BY r.due",
                (now_text,),
            ).fetchall()
        return [Question.from_dict(json.loads(body)) for (body,) in rows]

    def attempts(self) -> list[dict]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT question_id, chosen, correct, seconds, answered_at, rating FROM attempts ORDER BY id"
            ).fetchall()
        return [
            dict(zip(("question_id", "chosen", "correct", "seconds", "answered_at", "rating"), r, strict=True))
            for r in rows
        ]

    def by_section(self) -> list[SectionProgress]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT q.section, COUNT(a.id), COALESCE(SUM(a.correct), 0) FROM attempts a "
                "JOIN questions q ON q.id = a.question_id GROUP BY q.section ORDER BY q.section"
            ).fetchall()
        return [SectionProgress(section, attempts, correct) for section, attempts, correct in rows]

    def weakest(self, limit: int = 3, min_attempts: int = 1) -> list[SectionProgress]:
        """Sections with the lowest accuracy (then the most attempts): what to re-read first."""
        sections = [s for s in self.by_section() if s.attempts >= min_attempts and s.accuracy < 1.0]
        return sorted(sections, key=lambda s: (s.accuracy, -s.attempts, s.section))[:limit]


def _check_grade(rating: str) -> str:
    grade = str(rating).strip().lower()
    if grade not in SELF_GRADES:
        raise ValueError(f"a self-grade is one of {', '.join(SELF_GRADES)}, not {rating!r}")
    return grade
