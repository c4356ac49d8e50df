"""End to end in a real browser: start `study ui` on a free loopback port, drive Debian's Chromium
with Playwright, ask an exam question, and check the answer and a citation expander appear."""

import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, REPO
from servers import free_port, running_server

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
HOSTILE = "## Hostile\n\n- Redshift Spectrum payload <img src=x onerror=\"window.__pwned=1\"> <script>window.__pwned=2</script>\n"

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing under CI: .ci/run installs Debian's chromium package")
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium); not under CI")
    return str(CHROMIUM)


@pytest.fixture
def app_server(tmp_path):
    corpus = tmp_path / "notes"
    shutil.copytree(CORPUS, corpus)
    (corpus / "hostile.md").write_text(HOSTILE)
    port = free_port()
    env = {**os.environ, "STUDY_CORPUS_DIR": str(corpus), "STUDY_DATA_DIR": str(tmp_path / "data")}
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "assistant.cli", "ui", "--port", str(port)]
    with running_server(command, f"{url}/_stcore/health", tmp_path / "server.log", cwd=REPO, env=env):
        yield url, corpus


def test_browser_chat_answers_an_exam_question_with_citations(chromium, app_server, tmp_path):
    from playwright.sync_api import sync_playwright

    url, corpus = app_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        chat = page.get_by_placeholder("Ask about your notes", exact=False)
        chat.wait_for(timeout=180_000)  # first load indexes the notes behind a progress bar
        chat.fill("Our data analysts cannot code but must validate and clean incoming data. Which service should they use?")
        chat.press("Enter")
        page.get_by_text("Use AWS Glue DataBrew", exact=False).first.wait_for(timeout=60_000)
        expander = page.locator("[data-testid='stExpander']").filter(has_text="[1]").first
        expander.wait_for(timeout=30_000)
        expander.locator("summary").click()
        page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
        assert (tmp_path / "chat.png").stat().st_size > 10_000

        # A note with script and onerror payloads shows as text and runs nothing.
        chat.fill("What does the hostile note say about the Redshift Spectrum payload?")
        chat.press("Enter")
        page.get_by_text("Hostile", exact=False).first.wait_for(timeout=60_000)
        page.locator("[data-testid='stExpander'] summary").filter(has_text="hostile.md").first.click()
        page.get_by_text("window.__pwned", exact=False).first.wait_for(timeout=30_000)
        assert page.evaluate("window.__pwned === undefined")
        browser.close()


def test_browser_library_upload_saves_and_indexes_a_note(chromium, app_server, tmp_path):
    from playwright.sync_api import sync_playwright

    url, corpus = app_server
    note = tmp_path / "u9-streaming.md"
    note.write_text("## 9.1 Intro to Amazon Kinesis Data Firehose\n\n- Solution: Use Amazon Data Firehose to load streams into S3.\n")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/library_page")
        page.get_by_text("Add notes", exact=False).first.wait_for(timeout=180_000)
        page.locator("input[type='file']").set_input_files(str(note))
        page.get_by_role("button", name="Add to my notes").click()
        page.get_by_text("Indexed files", exact=False).first.wait_for(timeout=120_000)
        page.get_by_text("u9-streaming.md", exact=False).first.wait_for(timeout=30_000)
        browser.close()
    assert (corpus / "u9-streaming.md").read_text() == note.read_text()
