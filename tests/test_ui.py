"""The Streamlit pages, driven with streamlit.testing.v1.AppTest over the real pipeline."""

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from conftest import CORPUS, REPO

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


def test_ui_chat_round_trip_shows_answer_and_citations(ui_env):
    at = _app()
    at.chat_input[0].set_value("Which service scans S3 buckets for PII?").run()
    assert not at.exception
    assert any("Use Amazon Macie" in m.value for m in at.markdown)
    labels = [e.label for e in at.expander]
    assert any(label.startswith("[1] u3-data-operations-and-support.md") for label in labels)
    assert any(":orange-background[" in m.value for m in at.markdown)  # the supporting line is marked
    assert any("Use Amazon Macie [1]." in c.value for c in at.code)  # copy as Markdown, with sources
    assert any("Sources:" in c.value for c in at.code)


def test_ui_follow_up_uses_the_chat_history(ui_env):
    at = _app()
    at.chat_input[0].set_value("We are migrating existing Apache Kafka applications to AWS. Which service?").run()
    at.chat_input[0].set_value("And if it is a brand-new streaming project instead?").run()
    assert any("Use Amazon Kinesis" in m.value for m in at.markdown)


def test_ui_abstains_in_an_info_box_with_clickable_sections(ui_env):
    at = _app()
    at.chat_input[0].set_value("What is a good recipe for banana bread?").run()
    assert at.info and "don't cover this" in at.info[0].value
    suggestions = [b for b in at.button if b.label.startswith("Open: ")]
    assert suggestions
    suggestions[0].click().run()
    assert not at.exception
    assert len([m for m in at.chat_message if m.name == "user"]) == 2


def test_ui_sidebar_offers_examples_mode_and_new_chat(ui_env):
    at = _app()
    assert at.sidebar.selectbox[0].options == ["hybrid", "dense", "bm25"]
    examples = [b for b in at.sidebar.button if "Which service should we use?" in b.label]
    assert len(examples) >= 2
    examples[0].click().run()
    assert any("Glue Data Catalog" in m.value for m in at.markdown)
    next(b for b in at.sidebar.button if b.label == "New chat").click().run()
    assert not at.chat_message


def test_ui_hostile_note_is_rendered_as_text(ui_env):
    (ui_env / "hostile.md").write_text(HOSTILE)
    at = _app()
    at.chat_input[0].set_value("What does the hostile note say about Redshift Spectrum payload?").run()
    passages = " ".join(m.value for m in at.markdown)
    assert "&lt;script&gt;" in passages and "<script>" not in passages
    assert "<img" not in passages and "&lt;img" in passages


def test_ui_library_lists_sources_with_sections(ui_env):
    at = _app()
    at.switch_page("library_page.py").run()
    assert not at.exception
    assert any("u3-data-operations-and-support.md" in e.label for e in at.expander)


def test_ui_evals_page_shows_the_last_saved_run(ui_env, tmp_path, monkeypatch, course):
    from assistant.evaluation import run_eval

    out = tmp_path / "eval-out"
    monkeypatch.setenv("STUDY_EVAL_DIR", str(out))
    dataset = tmp_path / "mini.jsonl"
    dataset.write_text((REPO / "evals" / "dev" / "course-scenarios.jsonl").read_text().splitlines()[0] + "\n")
    run_eval(course, dataset, out)
    at = _app()
    at.switch_page("evals_page.py").run()
    assert not at.exception
    assert at.dataframe and "Last run" in " ".join(c.value for c in at.caption)


def test_ui_practice_page_quiz_round_trip(ui_env):
    at = _app()
    at.switch_page("practice_page.py").run()
    next(b for b in at.sidebar.button if b.label.startswith("Start")).click().run()
    assert not at.exception
    options = [b for b in at.button if b.label[:2] in ("A)", "B)", "C)", "D)")]
    assert len(options) == 4
    options[0].click().run()
    assert not at.exception
    assert at.success or at.error
    assert at.metric[0].value == "0/1" or at.metric[0].value == "1/1"
    next(b for b in at.button if b.label == "Next question").click().run()
    assert any("Question 2" in c.value for c in at.caption)
