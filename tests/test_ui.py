"""The Streamlit pages, driven with streamlit.testing.v1.AppTest over the real pipeline (real model,
real Chroma, real SQLite). What needs a browser (links, keys, uploads, URLs, requests) is in
test_ui_browser.py."""

import json
import shutil
from datetime import UTC

import pytest
from conftest import CORPUS, REPO
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.slow  # drives whole Streamlit pages (AppTest) over a real index

APP = str(REPO / "ui" / "app.py")
HOSTILE = """## Hostile note

- Payload: <script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned = 2"> inside a note about Amazon Redshift Spectrum.
"""


@pytest.fixture
def ui_env(monkeypatch, tmp_path, embeddings):
    corpus = tmp_path / "ui-notes"
    shutil.copytree(CORPUS, corpus)
    monkeypatch.setenv("STUDY_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("STUDY_DATA_DIR", str(tmp_path / "ui-data"))
    return corpus


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.text])


def _store(ui_env):
    from assistant.config import Settings
    from assistant.conversations import ConversationStore

    return ConversationStore(Settings().conversations_db)


# --- chat -----------------------------------------------------------------------------------------


def test_chat_answer_links_its_citations_and_labels_them_section_then_file(ui_env):
    at = _app()
    at.chat_input[0].set_value("Which service scans S3 buckets for PII?").run()
    assert not at.exception
    answer = next(m.value for m in at.markdown if "Use Amazon Macie" in m.value)
    assert "[\\[1\\]](#cite-m" in answer  # [n] is a link the page turns into "open the viewer"
    labels = [b.label for b in at.button if b.label.startswith("[1] ")]
    assert labels and labels[0].endswith("u3\\-data\\-operations\\-and\\-support\\.md")
    assert " \\- " in labels[0] and "score" not in labels[0]
    copies = [c.value for c in at.code if "Sources:" in c.value]
    assert copies and "Use Amazon Macie [1]." in copies[0]


def test_a_citation_opens_the_note_viewer_at_the_passage_with_lines_marked_and_code_as_code(ui_env):
    at = _app()
    at.chat_input[0].set_value("Which command adds Hive style partitions to an Athena table?").run()
    cited = [b for b in at.button if b.label.startswith("[")]
    assert cited
    for button in cited:
        button.click().run()
        assert not at.exception
        if any(c.language == "sql" and "CREATE EXTERNAL TABLE" in c.value for c in at.code):
            break
    else:
        pytest.fail("no cited passage showed the notes' SQL block as code")
    viewer = "\n".join(m.value for m in at.markdown)
    assert ":orange-background[" in viewer  # the lines the answer relies on
    assert "```" not in viewer  # fences are not shown as text


def test_the_conversation_survives_a_reload_and_the_chat_list_manages_it(ui_env):
    at = _app()
    at.chat_input[0].set_value("Which service scans S3 buckets for PII?").run()
    at.chat_input[0].set_value("What do my notes say about Glue DataBrew?").run()

    reloaded = _app()  # a new browser session: same data dir, nothing in session state
    assert any("Use Amazon Macie" in m.value for m in reloaded.markdown)
    assert [m.name for m in reloaded.chat_message] == ["user", "assistant", "user", "assistant"]
    chats = [b for b in reloaded.sidebar.button if b.label.startswith("Which service scans S3")]
    assert chats, [b.label for b in reloaded.sidebar.button]

    reloaded.sidebar.text_input[0].set_value("Macie and DataBrew")
    next(b for b in reloaded.sidebar.button if b.label == "Rename").click().run()
    assert any(b.label == "Macie and DataBrew" for b in reloaded.sidebar.button)
    exported = _store(ui_env).export_markdown(_store(ui_env).current().id)
    assert exported.startswith("# Macie and DataBrew") and "Use Amazon Macie [1]." in exported

    next(b for b in reloaded.sidebar.button if b.label == "New chat").click().run()
    assert not reloaded.chat_message
    reloaded.chat_input[0].set_value("What is a good recipe for banana bread?").run()
    assert len(_store(ui_env).conversations()) == 2

    old = next(b for b in reloaded.sidebar.button if b.label == "Macie and DataBrew")
    old.click().run()
    assert any("Use Amazon Macie" in m.value for m in reloaded.markdown)
    delete = next(b for b in reloaded.sidebar.button if b.label == "Delete chat")
    assert delete.disabled  # needs the confirmation first
    next(c for c in reloaded.sidebar.checkbox if c.label.startswith("Yes, delete")).check().run()
    next(b for b in reloaded.sidebar.button if b.label == "Delete chat").click().run()
    assert [c.title for c in _store(ui_env).conversations()] == ["What is a good recipe for banana bread?"]


def test_a_long_chat_opens_with_its_latest_messages_and_shows_earlier_ones_on_request(ui_env):
    store = _store(ui_env)
    chat = store.new("A long chat")
    for number in range(16):  # 32 messages
        store.add_message(chat.id, "user", f"question number {number}")
        store.add_message(chat.id, "assistant", f"answer number {number}")
    at = _app()
    shown = [t.value for t in at.text] + [m.value for m in at.markdown]
    assert "question number 5" not in shown  # older than the latest 20 messages
    assert "question number 6" in shown and "answer number 15" in shown
    assert len(at.chat_message) == 20
    earlier = next(b for b in at.button if b.label.startswith("Show 12 earlier messages"))
    earlier.click().run()
    assert not at.exception
    assert len(at.chat_message) == 32 and "question number 0" in [t.value for t in at.text]
    assert not any(b.label.startswith("Show ") and "earlier" in b.label for b in at.button)
    assert len(store.messages(chat.id)) == 32  # the page shows less; the store keeps all


def test_follow_up_uses_the_saved_chat_history(ui_env):
    at = _app()
    at.chat_input[0].set_value("We are migrating existing Apache Kafka applications to AWS. Which service?").run()
    at = _app()  # the history comes back from the database, not from the old session
    at.chat_input[0].set_value("And if it is a brand-new streaming project instead?").run()
    assert any("Use Amazon Kinesis" in m.value for m in at.markdown)


def test_open_section_on_a_declined_answer_opens_the_viewer_not_a_new_question(ui_env):
    at = _app()
    at.chat_input[0].set_value("What is a good recipe for banana bread?").run()
    assert at.info and "don't cover this" in at.info[0].value
    suggestions = [b for b in at.button if b.label.startswith("Open: ")]
    assert suggestions
    before = len(at.markdown)
    suggestions[0].click().run()
    assert not at.exception
    assert len([m for m in at.chat_message if m.name == "user"]) == 1
    section = suggestions[0].label.removeprefix("Open: ")
    assert len(at.markdown) > before and any(m.value == f"**{section}**" for m in at.markdown)


def test_constructed_answers_show_a_table_options_and_the_premise_first(ui_env):
    from assistant.answer import Answer, Citation, ComparisonTable, OptionVerdict, Premise

    citation = Citation(
        1,
        "u3-data-operations-and-support.md",
        "3.1 Intro to Amazon Athena",
        "- Use Parquet.",
        0.6,
        "",
        ["Use Parquet."],
    )
    comparison = Answer(
        question="Parquet vs CSV?",
        answer="They differ in layout [1].",
        kind="comparison",
        citations=[citation],
        table=ComparisonTable(["aspect", "Parquet", "CSV"], [["layout", "columnar [1]", "row | text"]]),
    )
    choice = Answer(
        question="Which? A) Macie B) Glue",
        answer="B) AWS Glue [1].",
        kind="multiple_choice",
        choice="B",
        citations=[citation],
        options=[
            OptionVerdict("A", "Amazon Macie", False, "Macie scans S3 for PII [1]."),
            OptionVerdict("B", "AWS Glue", True, "Glue runs the ETL jobs [1]."),
        ],
    )
    premise = Answer(
        question="Since Macie orchestrates Glue jobs, how?",
        answer="Use AWS Step Functions [1].",
        citations=[citation],
        premise=Premise("Macie orchestrates Glue jobs", "Your notes say Macie scans S3 for PII [1]."),
    )
    store = _store(ui_env)
    chat = store.new()
    for answer in (comparison, choice, premise):
        store.add_message(chat.id, "user", answer.question)
        store.add_message(chat.id, "assistant", answer.answer, answer)

    at = _app()
    table = next(m.value for m in at.markdown if m.value.startswith("| aspect"))
    assert "| layout | columnar [\\[1\\]](#cite-m" in table and "row \\| text" in table
    options = next(m.value for m in at.markdown if "AWS Glue" in m.value and "✓" in m.value)
    assert ":green[**✓ B\\. AWS Glue**]" in options and "✗ A\\. Amazon Macie — Macie scans S3" in options
    third = at.chat_message[5]
    assert third.warning and "Check the premise" in third.warning[0].value
    # The premise box comes before the answer text in the message.
    order = [str(getattr(e, "value", "")) for e in third]
    assert order.index(third.warning[0].value) < next(i for i, v in enumerate(order) if "Step Functions" in v)


def test_hostile_note_is_rendered_as_text(ui_env):
    (ui_env / "hostile.md").write_text(HOSTILE)
    at = _app()
    at.chat_input[0].set_value("What does the hostile note say about Redshift Spectrum payload?").run()
    for button in [b for b in at.button if "hostile" in b.label]:
        button.click().run()
    passages = " ".join(m.value for m in at.markdown)
    assert "&lt;script&gt;" in passages and "<script>" not in passages
    assert "<img" not in passages and "&lt;img" in passages


def test_developer_knobs_sit_under_advanced(ui_env):
    at = _app()
    advanced = next(e for e in at.sidebar.expander if e.label == "Advanced")
    assert advanced.selectbox[0].options == ["hybrid", "dense", "bm25"]
    assert advanced.slider[0].label.startswith("Passages")
    assert advanced.radio[0].label == "Answerer"
    assert len(at.sidebar.selectbox) == 1  # nothing else in the main sidebar


# --- library --------------------------------------------------------------------------------------


def test_library_lists_each_note_with_its_status_and_deletes_with_confirmation(ui_env):
    (ui_env / "broken.pdf").write_bytes(b"%PDF-1.7 not really a pdf")
    (ui_env / "extra.md").write_text("## Extra\n\n- AWS Glue crawlers infer schemas into the Data Catalog.\n")
    at = _app()
    at.switch_page("library_page.py").run()
    assert not at.exception
    rows = {r["note"]: r for r in at.dataframe[0].value.to_dict("records")}
    assert rows["u3-data-operations-and-support.md"]["status"] == "indexed"
    assert rows["u3-data-operations-and-support.md"]["passages"] > 40
    assert rows["broken.pdf"]["status"] == "skipped" and "not a readable PDF" in rows["broken.pdf"]["why skipped"]
    at.selectbox(key="library-note").select("extra.md").run()
    next(b for b in at.button if b.label == "Delete this note").click().run()
    assert not at.exception
    assert not (ui_env / "extra.md").exists()
    rows = {r["note"]: r for r in at.dataframe[0].value.to_dict("records")}
    assert "extra.md" not in rows
    assert any(s.value.startswith("Deleted extra") for s in at.success), [s.value for s in at.success]


def test_library_rebuild_asks_first_then_swaps(ui_env):
    at = _app()
    at.switch_page("library_page.py").run()
    assert not [b for b in at.button if b.label == "Rebuild now"]
    at.checkbox(key="confirm-rebuild").check().run()
    next(b for b in at.button if b.label == "Rebuild now").click().run()
    assert not at.exception
    assert any("Rebuilt and swapped in" in s.value for s in at.success)


# --- practice -------------------------------------------------------------------------------------


def _start(at):
    next(b for b in at.button if b.label.startswith("Start")).click().run()
    assert not at.exception


def test_practice_keeps_the_options_marks_key_and_pick_and_takes_a_self_grade(ui_env):
    from assistant.config import Settings
    from assistant.progress import ProgressStore

    at = _app()
    at.switch_page("practice_page.py").run()
    assert not at.sidebar.button  # every control is in the main column (phones)
    _start(at)
    options = [b for b in at.button if b.label[:2] in ("A)", "B)", "C)", "D)")]
    assert len(options) == 4
    question = next(m.value for m in at.markdown if m.value.startswith("#### "))
    options[0].click().run()
    shown = next(m.value for m in at.markdown if m.value.startswith("- "))
    assert shown.count("\n") == 3 and ":green-background[**✓" in shown  # all four options, the key marked
    assert "your pick" in shown
    assert at.success or at.error
    next(b for b in at.button if b.label == "Again").click().run()
    assert ProgressStore(Settings().progress_db).attempts()[-1]["rating"] == "again"
    assert any("Graded Again: next review" in c.value for c in at.caption)
    next(b for b in at.button if b.label == "Next question").click().run()
    assert any("Question 2" in c.value for c in at.caption)
    assert next(m.value for m in at.markdown if m.value.startswith("#### ")) != question


def test_practice_end_screen_reviews_each_miss_with_its_passage(ui_env):
    at = _app()
    at.switch_page("practice_page.py").run()
    at.slider(key="practice_count").set_value(5).run()
    _start(at)
    for _ in range(5):
        question = at.session_state["quiz"][at.session_state["quiz_index"]]
        wrong = (question.answer + 1) % 4
        next(b for b in at.button if b.label.startswith("ABCD"[wrong] + ")")).click().run()
        next(b for b in at.button if b.label in ("Next question", "See the results")).click().run()
    assert any("Set complete: 0 of 5 right" in h.value for h in at.subheader)
    misses = [m.value for m in at.markdown if m.value.startswith(":red[✗ Your answer:")]
    assert len(misses) == 5
    assert len([c for c in at.caption if " \\- " in c.value]) >= 5  # each miss names its passage


def test_practice_gives_a_fresh_set_on_each_start_unless_a_seed_is_fixed(ui_env):
    at = _app()
    at.switch_page("practice_page.py").run()
    sets = []
    for _ in range(3):
        _start(at)
        sets.append([q.id for q in at.session_state["quiz"]])
    assert len({tuple(s) for s in sets}) > 1
    at.toggle(key="practice_fixed_seed").set_value(True).run()
    _start(at)
    first = [q.id for q in at.session_state["quiz"]]
    _start(at)
    assert [q.id for q in at.session_state["quiz"]] == first


def test_practice_due_badge_counts_due_reviews(ui_env):
    at = _app()
    at.switch_page("practice_page.py").run()
    assert "0 reviews due" in _texts(at)
    _start(at)
    question = at.session_state["quiz"][0]
    next(b for b in at.button if b.label.startswith("ABCD"[(question.answer + 1) % 4] + ")")).click().run()
    from datetime import datetime, timedelta

    from assistant.config import Settings
    from assistant.progress import ProgressStore

    assert ProgressStore(Settings().progress_db).due_count(datetime.now(UTC) + timedelta(hours=1)) == 1


# --- evals ----------------------------------------------------------------------------------------


def test_evals_page_selects_among_saved_runs_and_names_the_one_shown(ui_env, tmp_path, monkeypatch):
    out = tmp_path / "eval-out"
    for name, dataset in (("scenarios", "evals/scenarios.jsonl"), ("holdout", "evals/holdout.jsonl")):
        folder = out / name
        folder.mkdir(parents=True)
        summary = json.loads((REPO / "evals" / "results" / "summary.json").read_text())
        summary["dataset"] = dataset
        (folder / "summary.json").write_text(json.dumps(summary))
        shutil.copy(REPO / "evals" / "results" / "per_item.jsonl", folder / "per_item.jsonl")
    monkeypatch.setenv("STUDY_EVAL_DIR", str(out))
    at = _app()
    at.switch_page("evals_page.py").run()
    assert not at.exception
    picker = at.selectbox(key="eval-run")
    assert sorted(picker.options) == ["evals/holdout.jsonl", "evals/scenarios.jsonl"]
    picker.select_index(picker.options.index("evals/holdout.jsonl")).run()
    caption = next(c.value for c in at.caption if c.value.startswith("Showing the last run"))
    assert "holdout" in caption and "scenarios" not in caption
    metrics = at.table[0].value.to_dict("records")
    assert all(row["what it means"] for row in metrics)
    assert len(at.table) == 4  # metrics, then the misses of each mode, in static tables that wrap
    assert len(at.get("vega_lite_chart")) == 2  # grouped bars and the latency histogram


def test_practice_exports_the_questions_seen_to_anki(ui_env):
    import io
    import zipfile

    at = _app()
    at.switch_page("practice_page.py").run()
    _start(at)
    next(b for b in at.button if b.label == "Prepare the deck").click().run()
    assert not at.exception
    deck, count = at.session_state["anki_deck"]
    assert count == len(at.session_state["quiz"]) and count > 0
    assert "collection.anki2" in zipfile.ZipFile(io.BytesIO(deck)).namelist()


def test_a_practice_set_in_progress_survives_a_reload(ui_env):
    at = _app()
    at.switch_page("practice_page.py").run()
    _start(at)
    first = at.session_state["quiz"][0]
    next(b for b in at.button if b.label.startswith("ABCD"[first.answer] + ")")).click().run()
    next(b for b in at.button if b.label == "Next question").click().run()
    ids = [q.id for q in at.session_state["quiz"]]

    reloaded = _app()  # a new session: nothing in session state
    reloaded.switch_page("practice_page.py").run()
    assert [q.id for q in reloaded.session_state["quiz"]] == ids
    assert any("Question 2 of" in c.value for c in reloaded.caption)
    assert reloaded.session_state["quiz_answers"] == {0: first.answer}
