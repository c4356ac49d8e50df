"""Conversations: chat history in SQLite (WAL) beside the progress store, so nothing is lost on a
reload or a restart.

A conversation is a titled list of messages; an assistant message keeps its whole `Answer` (as the
answer contract's JSON), so a restored chat shows the same citations, tables and options as when it
was asked. The store also remembers which conversation is current, so a fresh page opens it again.
Every write is its own committed transaction.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from .answer import Answer
from .text import normalise_space

logger = logging.getLogger(__name__)

Role = Literal["user", "assistant"]
DEFAULT_TITLE = "New chat"
TITLE_LIMIT = 80

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content TEXT NOT NULL,
    answer TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id);
CREATE TABLE IF NOT EXISTS app_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


class ConversationNotFound(LookupError):
    """The conversation id is not (or no longer) in the store."""


@dataclass(frozen=True)
class Conversation:
    id: str
    title: str
    created_at: str
    updated_at: str
    message_count: int = 0


@dataclass(frozen=True)
class Message:
    id: int
    conversation_id: str
    role: Role
    content: str
    answer: Answer | None
    created_at: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _title_from(question: str) -> str:
    title = normalise_space(question)
    return title if len(title) <= 60 else title[:59].rsplit(" ", 1)[0] + "…"


class ConversationStore:
    """Conversations and their messages in one SQLite file. Safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        # One connection for the store's life, not one per call: closing the last connection to a WAL
        # database checkpoints it with an fsync, 10-20 ms on every message, on the path from Enter to
        # the answer. Commits stay immediate (each call is its own transaction); the lock keeps the
        # threads of the UI server from sharing a transaction.
        self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")  # deleting a conversation deletes its messages
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """The store's connection inside one transaction (committed on success, rolled back on error)."""
        with self._lock, self._db:
            yield self._db

    # --- conversations --------------------------------------------------------------------------

    def new(self, title: str = DEFAULT_TITLE) -> Conversation:
        """A new, empty conversation, made the current one."""
        now = _now()
        conversation = Conversation(uuid.uuid4().hex, self._clean_title(title), now, now)
        with self._connect() as db:
            db.execute(
                "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (conversation.id, conversation.title, now, now),
            )
            self._set_current(db, conversation.id)
        return conversation

    def conversations(self) -> list[Conversation]:
        """Every conversation, the most recently used first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT c.id, c.title, c.created_at, c.updated_at, COUNT(m.id) FROM conversations c "
                "LEFT JOIN messages m ON m.conversation_id = c.id GROUP BY c.id "
                "ORDER BY c.updated_at DESC, c.id"
            ).fetchall()
        return [Conversation(*row) for row in rows]

    def get(self, conversation_id: str) -> Conversation:
        with self._connect() as db:
            row = db.execute(
                "SELECT c.id, c.title, c.created_at, c.updated_at, COUNT(m.id) FROM conversations c "
                "LEFT JOIN messages m ON m.conversation_id = c.id WHERE c.id = ? GROUP BY c.id",
                (conversation_id,),
            ).fetchone()
        if row is None:
            raise ConversationNotFound(f"no conversation {conversation_id!r}")
        return Conversation(*row)

    def rename(self, conversation_id: str, title: str) -> Conversation:
        clean = self._clean_title(title)
        if not clean:
            raise ValueError("a chat needs a title with at least one visible character")
        with self._connect() as db:
            updated = db.execute("UPDATE conversations SET title = ? WHERE id = ?", (clean, conversation_id))
            if updated.rowcount == 0:
                raise ConversationNotFound(f"no conversation {conversation_id!r}")
        return self.get(conversation_id)

    def delete(self, conversation_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
            if self._get_current(db) == conversation_id:
                db.execute("DELETE FROM app_state WHERE key = 'current'")

    # --- messages -------------------------------------------------------------------------------

    def add_message(self, conversation_id: str, role: Role, content: str, answer: Answer | None = None) -> Message:
        """Append a message (committed at once). The first question names an untitled chat."""
        if role not in ("user", "assistant"):
            raise ValueError(f"role must be 'user' or 'assistant', not {role!r}")
        now = _now()
        payload = json.dumps(answer.to_dict(), ensure_ascii=False) if answer is not None else None
        with self._connect() as db:
            row = db.execute("SELECT title FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
            if row is None:
                raise ConversationNotFound(f"no conversation {conversation_id!r}")
            cursor = db.execute(
                "INSERT INTO messages (conversation_id, role, content, answer, created_at) VALUES (?, ?, ?, ?, ?)",
                (conversation_id, role, content, payload, now),
            )
            title = row[0]
            if role == "user" and title == DEFAULT_TITLE and content.strip():
                title = _title_from(content)
            db.execute("UPDATE conversations SET updated_at = ?, title = ? WHERE id = ?", (now, title, conversation_id))
            self._set_current(db, conversation_id)
        return Message(int(cursor.lastrowid or 0), conversation_id, role, content, answer, now)

    def messages(self, conversation_id: str) -> list[Message]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, role, content, answer, created_at FROM messages WHERE conversation_id = ? ORDER BY id",
                (conversation_id,),
            ).fetchall()
        return [
            Message(mid, conversation_id, role, content, self._read_answer(raw, mid), created)
            for mid, role, content, raw, created in rows
        ]

    def history(self, conversation_id: str) -> list[dict[str, str]]:
        """The conversation as `Assistant.ask` takes it: [{"role", "content"}, ...]."""
        return [{"role": m.role, "content": m.content} for m in self.messages(conversation_id)]

    @staticmethod
    def _read_answer(raw: str | None, message_id: int) -> Answer | None:
        if raw is None:
            return None
        try:
            return Answer.from_dict(json.loads(raw))
        except (ValueError, TypeError) as error:
            # An answer saved by another version that no longer reads: show its text, keep the row.
            logger.warning("saved answer %s cannot be read back (%s); showing its text only", message_id, error)
            return None

    # --- the current conversation ---------------------------------------------------------------

    def current(self) -> Conversation | None:
        """The conversation to show on a fresh page: the last one used, if it still exists."""
        with self._connect() as db:
            current = self._get_current(db)
        if current is None:
            return None
        try:
            return self.get(current)
        except ConversationNotFound:
            return None

    def set_current(self, conversation_id: str) -> None:
        self.get(conversation_id)  # raises for an unknown id
        with self._connect() as db:
            self._set_current(db, conversation_id)

    @staticmethod
    def _get_current(db: sqlite3.Connection) -> str | None:
        row = db.execute("SELECT value FROM app_state WHERE key = 'current'").fetchone()
        return row[0] if row else None

    @staticmethod
    def _set_current(db: sqlite3.Connection, conversation_id: str) -> None:
        db.execute(
            "INSERT INTO app_state (key, value) VALUES ('current', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (conversation_id,),
        )

    # --- export ---------------------------------------------------------------------------------

    def export_markdown(self, conversation_id: str) -> str:
        """The conversation as Markdown: each question, each answer with its numbered sources."""
        conversation = self.get(conversation_id)
        lines = [f"# {conversation.title}", ""]
        for message in self.messages(conversation_id):
            if message.role == "user":
                lines += [f"**You:** {normalise_space(message.content)}", ""]
            else:
                body = message.answer.to_markdown() if message.answer is not None else message.content + "\n"
                lines += ["**Assistant:**", "", body.rstrip("\n"), ""]
        return "\n".join(lines).rstrip("\n") + "\n"

    @staticmethod
    def _clean_title(title: str) -> str:
        clean = normalise_space(str(title))
        return clean[:TITLE_LIMIT]
