"""Chat history in SQLite: survives a new store object (a restart), keeps whole answers, exports."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from assistant.answer import Answer, Citation, ComparisonTable
from assistant.conversations import ConversationNotFound, ConversationStore


def _answer() -> Answer:
    return Answer(
        question="Parquet or CSV?",
        answer="Prefer Parquet [1].",
        recommendation="Parquet",
        kind="comparison",
        citations=[
            Citation(
                1, "notes.md", "Athena > Formats", "- Prefer Parquet or ORC.", 0.7, "c1", ["Prefer Parquet or ORC."]
            )
        ],
        table=ComparisonTable(["aspect", "Parquet", "CSV"], [["layout", "columnar [1]", "rows"]]),
    )


def test_a_conversation_and_its_answers_survive_a_restart(tmp_path):
    path = tmp_path / "conversations.sqlite3"
    store = ConversationStore(path)
    chat = store.new()
    store.add_message(chat.id, "user", "Parquet or CSV for Athena?")
    store.add_message(chat.id, "assistant", "Prefer Parquet [1].", _answer())

    reopened = ConversationStore(path)  # a new process would do exactly this
    assert reopened.current().id == chat.id
    messages = reopened.messages(chat.id)
    assert [m.role for m in messages] == ["user", "assistant"]
    restored = messages[1].answer
    assert restored.table.rows == [["layout", "columnar [1]", "rows"]]
    assert restored.citations[0].lines == ["Prefer Parquet or ORC."]
    assert reopened.history(chat.id) == [
        {"role": "user", "content": "Parquet or CSV for Athena?"},
        {"role": "assistant", "content": "Prefer Parquet [1]."},
    ]
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_message_is_kept_when_the_process_is_killed_right_after_it(tmp_path):
    """The store keeps one connection open for speed; each message is still committed when it is added,
    so a process killed with no chance to close anything loses none."""
    path = tmp_path / "c.sqlite3"
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from assistant.conversations import ConversationStore
        store = ConversationStore({str(path)!r})
        chat = store.new()
        for number in range(3):
            store.add_message(chat.id, "user", f"question {{number}}")
        print(chat.id, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == -signal.SIGKILL
    chat_id = run.stdout.strip()
    reopened = ConversationStore(path)
    assert [m.content for m in reopened.messages(chat_id)] == ["question 0", "question 1", "question 2"]
    assert reopened.current().id == chat_id and os.path.exists(path)


def test_the_first_question_titles_a_new_chat_and_rename_changes_it(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    chat = store.new()
    store.add_message(
        chat.id, "user", "Which service scans S3 buckets for PII and other sensitive data in every account?"
    )
    title = store.get(chat.id).title
    assert title.startswith("Which service scans S3") and len(title) <= 60
    assert store.rename(chat.id, "  Macie   questions ").title == "Macie questions"
    with pytest.raises(ValueError, match="title"):
        store.rename(chat.id, "   ")


def test_list_is_most_recent_first_and_delete_removes_messages(tmp_path):
    path = tmp_path / "c.sqlite3"
    store = ConversationStore(path)
    first, second = store.new(), store.new()
    store.add_message(first.id, "user", "older chat, used last")
    assert [c.id for c in store.conversations()] == [first.id, second.id]
    assert store.conversations()[0].message_count == 1
    store.delete(first.id)
    assert [c.id for c in store.conversations()] == [second.id]
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 0
    with pytest.raises(ConversationNotFound):
        store.messages(first.id) or store.get(first.id)
    with pytest.raises(ConversationNotFound):
        store.add_message(first.id, "user", "to a deleted chat")


def test_deleting_the_current_chat_leaves_no_current(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    chat = store.new()
    store.delete(chat.id)
    assert store.current() is None


def test_export_markdown_has_questions_answers_and_sources(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    chat = store.new("Formats")
    store.add_message(chat.id, "user", "Parquet or CSV for Athena?")
    store.add_message(chat.id, "assistant", "Prefer Parquet [1].", _answer())
    text = store.export_markdown(chat.id)
    assert text.startswith("# Formats\n")
    assert "**You:** Parquet or CSV for Athena?" in text
    assert "Prefer Parquet [1]." in text
    assert "[1] Athena > Formats - notes.md: - Prefer Parquet or ORC." in text


def test_an_unreadable_saved_answer_still_shows_its_text(tmp_path):
    path = tmp_path / "c.sqlite3"
    store = ConversationStore(path)
    chat = store.new()
    store.add_message(chat.id, "assistant", "Old answer text", _answer())
    with sqlite3.connect(path) as db:
        db.execute('UPDATE messages SET answer = \'{"citations": [{"bogus": 1}]}\'')
    message = store.messages(chat.id)[0]
    assert message.answer is None and message.content == "Old answer text"
    assert "Old answer text" in store.export_markdown(chat.id)
