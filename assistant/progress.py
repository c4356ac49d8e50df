"""Progress: practice questions, attempts and review schedules in SQLite (WAL), scheduled with FSRS.

Every attempt is committed as it is recorded, so nothing is lost if the app is killed between
questions. Questions whose source chunks leave the index are retired: kept with their history,
never asked again.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .practice import Question

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
    return datetime.now(timezone.utc)


class ProgressStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self):
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            with db:  # one transaction, committed on success
                yield db
        finally:
            db.close()

    # --- questions ----------------------------------------------------------------------------

    def add_questions(self, questions: list[Question]) -> int:
        """Store new questions (known ids are left as they are); returns how many were new."""
        added = 0
        with self._lock, self._connect() as db:
            for question in questions:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO questions (id, body, section, chunk_ids, created_at) VALUES (?, ?, ?, ?, ?)",
                    (question.id, json.dumps(question.to_dict()), question.section, json.dumps(question.chunk_ids),
                     _now().isoformat()),
                )
                added += cursor.rowcount
        return added

    def questions(self, include_retired: bool = False) -> list[Question]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT body FROM questions" + ("" if include_retired else " WHERE retired = 0") + " ORDER BY created_at, id"
            ).fetchall()
        return [Question.from_dict(json.loads(body)) for (body,) in rows]

    def retire_stale(self, live_chunk_ids: set[str]) -> int:
        """Retire questions whose source chunks are gone from the index; returns how many."""
        retired = 0
        with self._lock, self._connect() as db:
            for question_id, chunk_ids in db.execute("SELECT id, chunk_ids FROM questions WHERE retired = 0").fetchall():
                if not set(json.loads(chunk_ids)) <= live_chunk_ids:
                    db.execute("UPDATE questions SET retired = 1 WHERE id = ?", (question_id,))
                    retired += 1
        return retired

    # --- attempts and reviews -------------------------------------------------------------------

    def record_attempt(self, question: Question, chosen: int | list[int], seconds: float,
                       when: datetime | None = None) -> bool:
        """Record an answer (an option's index, or the indexes picked for a choose-two item) and reschedule
        the question's review; returns whether it was right."""
        from fsrs import Card, Rating, Scheduler

        when = when or _now()
        correct = question.is_correct(chosen)
        stored = chosen if isinstance(chosen, int) else json.dumps(sorted(chosen))
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO attempts (question_id, chosen, correct, seconds, answered_at) VALUES (?, ?, ?, ?, ?)",
                (question.id, stored, int(correct), float(seconds), when.isoformat()),
            )
            row = db.execute("SELECT card FROM reviews WHERE question_id = ?", (question.id,)).fetchone()
            card = Card.from_json(row[0]) if row else Card()
            rating = (Rating.Easy if seconds < 10 else Rating.Good) if correct else Rating.Again
            card, _ = Scheduler().review_card(card, rating, review_datetime=when)
            db.execute(
                "INSERT INTO reviews (question_id, card, due) VALUES (?, ?, ?) "
                "ON CONFLICT(question_id) DO UPDATE SET card = excluded.card, due = excluded.due",
                (question.id, card.to_json(), card.due.astimezone(timezone.utc).isoformat()),
            )
        return correct

    def due(self, now: datetime | None = None) -> list[Question]:
        """Questions whose review is due, soonest first (never-answered questions are not due)."""
        now = (now or _now()).astimezone(timezone.utc).isoformat()
        with self._connect() as db:
            rows = db.execute(
                "SELECT q.body FROM reviews r JOIN questions q ON q.id = r.question_id "
                "WHERE q.retired = 0 AND r.due <= ? ORDER BY r.due",
                (now,),
            ).fetchall()
        return [Question.from_dict(json.loads(body)) for (body,) in rows]

    def attempts(self) -> list[dict]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT question_id, chosen, correct, seconds, answered_at FROM attempts ORDER BY id"
            ).fetchall()
        return [dict(zip(("question_id", "chosen", "correct", "seconds", "answered_at"), r)) for r in rows]

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
