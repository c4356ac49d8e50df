"""End to end in a real browser: `study ui` on a free loopback port, Debian's Chromium driven by
Playwright at 1280x800 and 390x844. One test per point of issue 11 that needs a browser: citation
links and the viewer, history after reload, keys and phone layout on Practice, uploads (same-name
refusal, corrupt files), rebuild while asking, page URLs, no request leaving the machine, no
deprecation warnings. Screenshots for the README are saved into docs/ by the tests that show them."""

import os
import re
import shutil

import pytest
from browser import (
    ANSWER_SELECTOR,
    CHAT_PLACEHOLDER,
    CHROMIUM,
    VIEWPORTS,
    ask,
    environment,
    launch,
    prepare_index,
    screenshot,
    server_command,
    settle,
    wait_for_chat,
)
from conftest import CORPUS, REPO
from scripted_llm_server import Reply, ScriptedLLMServer
from servers import free_port, running_server

HOSTILE = '## Hostile\n\n- Redshift Spectrum payload <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>\n'
PARTITIONS = "Which command adds Hive style partitions to an Athena table?"
MACIE = "Which service scans S3 buckets for PII?"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing under CI: .ci/run installs Debian's chromium package")
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium); not under CI")
    return str(CHROMIUM)


@pytest.fixture(scope="module")
def playwright_browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory, course):
    """One server for the tests that only read the notes, indexed before it starts."""
    root = tmp_path_factory.mktemp("browser-app")
    corpus = root / "notes"
    shutil.copytree(CORPUS, corpus)
    (corpus / "hostile.md").write_text(HOSTILE)
    prepare_index(course.embeddings, course.settings.data_dir, corpus, root / "data")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = root / "server.log"
    env = environment(corpus, root / "data", STUDY_EVAL_DIR=str(REPO / "evals" / "results"))
    with running_server(server_command(port), f"{url}/_stcore/health", log, cwd=REPO, env=env):
        yield {"url": url, "corpus": corpus, "log": log, "data": root / "data"}


def _page(browser, viewport="desktop"):
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    return context, context.new_page()


# --- chat -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_question_shows_at_once_then_the_answer_whose_citation_link_opens_the_viewer(
    playwright_browser, shared_app, viewport, tmp_path
):
    context, page = _page(playwright_browser, viewport)
    page.goto(f"{shared_app['url']}/chat")
    timings = ask(page, PARTITIONS)
    assert timings["question"] is not None and timings["question"] <= timings["answer"]
    # The "Thinking" placeholder is checked with a model that waits before it writes (below): a reader's
    # answer can reach the page in the same frame as its placeholder, more so on a loaded machine.
    settle(page)
    link = page.locator("[data-testid='stChatMessage'] a[href^='#cite-']").first
    link.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Note viewer").wait_for(timeout=30_000)
    target = page.locator(".st-key-viewer-target")
    target.wait_for(timeout=30_000)
    viewer = page.locator(".st-key-note-viewer")
    # The scroll runs after the dialog has drawn; on a loaded machine that takes longer than a fixed pause (a
    # clean-clone run once read the box at 800 ms, before the scroll): wait for it, up to ten seconds.
    for _ in range(50):
        page.wait_for_timeout(200)
        box, view = target.bounding_box(), viewer.bounding_box()
        if box and view and box["y"] < view["y"] + view["height"] and box["y"] + box["height"] > view["y"]:
            break
    assert box["y"] < view["y"] + view["height"] and box["y"] + box["height"] > view["y"], "not scrolled to"
    assert page.url.split("?")[0].endswith("/chat")  # the link opened the viewer, it did not navigate
    assert target.locator("code").filter(has_text="CREATE EXTERNAL TABLE").count() == 1  # code as code
    assert "```" not in target.inner_text()
    highlighted = target.locator("[data-testid='stMarkdownContainer'] span").filter(has_text="MSCK REPAIR TABLE")
    assert highlighted.count() >= 1
    if viewport == "desktop":
        assert screenshot(page, "screenshot-chat.png", tmp_path).stat().st_size > 10_000
    context.close()


# Distinct, and each answered from the notes; seven cross both moments that used to redraw the whole
# page: the first answer of a new chat and the fifth question (the recent turns move to the transcript).
BACK_TO_BACK = [
    MACIE,
    PARTITIONS,
    "What is AWS Glue DataBrew?",
    "Which service keeps one central Hive metastore for EMR?",
    "What does Amazon Athena do?",
    "What is Amazon Redshift Spectrum?",
    "What is Amazon EMR used for?",
]

# The chat as the page shows it, top to bottom: ("user", text) or ("assistant", answered?).
TRANSCRIPT_JS = """() => Array.from(document.querySelectorAll('[data-testid="stChatMessage"]'))
    .filter(m => !m.closest('[data-stale="true"]'))
    .map(m => m.querySelector('[data-testid="stChatMessageAvatarUser"]')
        ? ['user', m.querySelector('[data-testid="stText"]').textContent.trim()]
        : ['assistant', m.querySelector("[class*='-answered']") !== null])"""


def _new_chat(page):
    page.locator(".st-key-new-chat button").click()
    page.get_by_text("Try an exam scenario from your notes").wait_for(timeout=60_000)
    settle(page)


def test_questions_sent_back_to_back_are_all_answered_in_order_and_a_citation_click_right_after_opens(
    playwright_browser, shared_app
):
    """Issue #11: the page used to redraw as a whole after a new chat's first answer and every fifth
    question, and Streamlit kept only the newest of two questions waiting for a busy script; either way
    a question or a click could vanish."""
    context, page = _page(playwright_browser)
    page.goto(f"{shared_app['url']}/chat")
    wait_for_chat(page)
    _new_chat(page)
    chat = page.get_by_placeholder(CHAT_PLACEHOLDER, exact=False)
    for question in BACK_TO_BACK:  # typed and sent without waiting for any answer
        chat.fill(question)
        chat.press("Enter")
    page.wait_for_function(
        f'document.querySelectorAll("{ANSWER_SELECTOR}").length >= {len(BACK_TO_BACK)}', timeout=180_000
    )
    settle(page)
    shown = page.evaluate(TRANSCRIPT_JS)
    assert [text for role, text in shown if role == "user"] == BACK_TO_BACK, shown  # all, in order, once
    assert shown == [turn for question in BACK_TO_BACK for turn in (["user", question], ["assistant", True])], shown
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.get_by_role("button", name=MACIE[:20]).count() >= 1  # the new chat is listed

    _new_chat(page)  # a new chat's first answer, then at once a click on its citation link
    ask(page, MACIE)
    page.locator("[data-testid='stChatMessage'] a[href^='#cite-']").last.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Note viewer").wait_for(timeout=30_000)
    dialog.get_by_text("Macie", exact=False).first.wait_for(timeout=30_000)  # the cited passage, drawn after the title
    context.close()


@pytest.fixture
def slow_model_app(tmp_path, course):
    """The app answering through a scripted model on loopback that writes its reply slowly (~4 s)."""
    model = ScriptedLLMServer().start()
    corpus = tmp_path / "notes"
    shutil.copytree(CORPUS, corpus)
    prepare_index(course.embeddings, course.settings.data_dir, corpus, tmp_path / "data")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = environment(
        corpus,
        tmp_path / "data",
        STUDY_LLM="openai",
        STUDY_LLM_BASE_URL=f"{model.url}/v1",
        STUDY_LLM_MODEL="scripted-model",
        STUDY_LLM_FIRST_TOKEN_TIMEOUT="30",
        STUDY_LLM_TIMEOUT="30",
    )
    try:
        with running_server(server_command(port), f"{url}/_stcore/health", tmp_path / "server.log", cwd=REPO, env=env):
            yield {"url": url, "model": model}
    finally:
        model.stop()


def test_changing_an_advanced_setting_while_an_answer_is_written_keeps_that_answer(playwright_browser, slow_model_app):
    model = slow_model_app["model"]
    context, page = _page(playwright_browser)
    page.goto(f"{slow_model_app['url']}/chat")
    wait_for_chat(page)
    page.get_by_text("Advanced", exact=True).click()
    # The LLM is the answerer before the question is sent: the default reader's answer also starts "Use Amazon Mac".
    # On a loaded machine a click can land while the sidebar is being redrawn and be lost (a clean-clone run once
    # waited 30 s for a radio that was never checked): click again until it is, as a user would.
    checked = (
        "() => [...document.querySelectorAll('[data-testid=stSidebar] input[type=radio]')]"
        ".some(r => r.checked && r.closest('label').innerText.includes('scripted-model'))"
    )
    for attempt in range(3):
        page.get_by_text("LLM (openai: scripted-model)").click()
        settle(page)
        try:
            page.wait_for_function(checked, timeout=15_000)
            break
        except Exception:
            if attempt == 2:
                raise
    model.replies.append(
        Reply(text="Use Amazon Macie [1] to scan the S3 buckets for PII data.", delay=2.0, token_delay=0.8)
    )
    wait_for_chat(page).fill(MACIE)
    wait_for_chat(page).press("Enter")
    # Before the model's first word (it waits 2 s), the question shows with a placeholder under it.
    page.locator("[data-testid='stChatMessage']").filter(has_text=MACIE).first.wait_for(timeout=30_000)
    page.locator("[data-testid='stChatMessage']").filter(has_text="Thinking").first.wait_for(timeout=30_000)
    # The model is writing (its first words are on the page): change a knob now.
    page.locator("[data-testid='stChatMessage']").filter(has_text="Use Amazon Mac").first.wait_for(timeout=30_000)
    knob = page.locator("[data-testid='stSidebar'] [data-testid='stSlider']").first
    before = int(knob.locator("[data-testid='stSliderThumbValue']").inner_text())
    knob.locator("input[type='range']").focus()
    page.keyboard.press("ArrowRight")
    footer = page.locator(ANSWER_SELECTOR).filter(has_text="openai")
    try:
        footer.first.wait_for(timeout=60_000)  # the answer was finished and drawn, not stopped by a page rerun
    except Exception as error:  # say what the page showed instead, for a failure seen once under CI
        messages = page.locator("[data-testid='stChatMessage']").all_inner_texts()
        pytest.fail(f"no finished LLM answer ({error}); requests to the model: {len(model.requests)}; chat: {messages}")
    answer = page.locator("[data-testid='stChatMessage']").filter(has=page.locator("[class*='-answered']")).last
    assert "to scan the S3 buckets for PII data" in answer.inner_text()
    assert int(knob.locator("[data-testid='stSliderThumbValue']").inner_text()) == before + 1  # the setting took
    assert len(model.requests) == 1  # asked once: the answer was not started again
    context.close()


def test_the_conversation_is_back_after_a_reload_and_in_a_new_window(playwright_browser, shared_app):
    context, page = _page(playwright_browser)
    page.goto(f"{shared_app['url']}/chat")
    ask(page, MACIE)
    assert "chat=" in page.url
    page.reload()
    wait_for_chat(page)
    page.get_by_text("Use Amazon Macie", exact=False).first.wait_for(timeout=30_000)
    assert page.get_by_text(MACIE).count() >= 1
    page.get_by_role("button", name="This chat").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export as Markdown").click()
    exported = download.value.path().read_text()
    assert f"**You:** {MACIE}" in exported and "Use Amazon Macie [1]." in exported and "Sources:" in exported
    context.close()
    fresh, page = _page(playwright_browser)  # no URL parameter: the last chat used comes back
    page.goto(f"{shared_app['url']}/")
    page.get_by_text("Use Amazon Macie", exact=False).first.wait_for(timeout=60_000)
    assert page.url.split("?")[0].endswith("/chat")
    fresh.close()


def test_a_hostile_note_shows_as_text_and_runs_nothing(playwright_browser, shared_app):
    context, page = _page(playwright_browser)
    page.goto(f"{shared_app['url']}/chat")
    ask(page, "What does the hostile note say about the Redshift Spectrum payload?")
    settle(page)
    opener = page.locator("[data-testid='stChatMessage'] button").filter(has_text=re.compile("hostile"))
    opener.first.click()
    page.get_by_role("dialog").get_by_text("window.__pwned", exact=False).first.wait_for(timeout=30_000)
    assert page.evaluate("window.__pwned === undefined")
    context.close()


# --- practice -------------------------------------------------------------------------------------


def _keys_ready(page, key):
    """The key listener is mounted after the buttons it presses; wait for it before typing."""
    page.locator(f".st-key-{key}").wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(300)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_practice_by_keyboard_keeps_the_options_and_every_control_is_in_the_main_column(
    playwright_browser, shared_app, viewport, tmp_path
):
    context, page = _page(playwright_browser, viewport)
    page.goto(f"{shared_app['url']}/practice")
    start = page.locator(".st-key-practice-start button")
    start.wait_for(timeout=120_000)
    assert start.is_visible() and start.bounding_box()["x"] >= 0  # not hidden in a closed sidebar
    start.click()
    page.locator(".st-key-opt-0 button").wait_for(timeout=60_000)
    _keys_ready(page, "keys-question-0")
    page.keyboard.press("2")  # B
    feedback = page.locator("[data-testid='stMarkdownContainer'] li").filter(has_text=re.compile(r"^[✓✗]?\s*[A-D]\)"))
    page.get_by_text("How well did you know it?").wait_for(timeout=30_000)
    assert page.locator("[data-testid='stMarkdownContainer'] li").filter(has_text=re.compile(r"[A-D]\) ")).count() >= 4
    assert page.get_by_text("your pick").count() == 1
    assert feedback.count() >= 1
    page.locator(".st-key-grade-good button").click()
    page.get_by_text("Graded Good", exact=False).wait_for(timeout=30_000)
    if viewport == "desktop":
        page.locator("h4").first.evaluate("heading => heading.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
        assert screenshot(page, "screenshot-practice.png", tmp_path).stat().st_size > 10_000
    _keys_ready(page, "keys-next-0")
    page.keyboard.press("Enter")
    page.get_by_text("Question 2 of", exact=False).wait_for(timeout=30_000)
    _keys_ready(page, "keys-question-1")
    page.keyboard.press("c")  # letters work too
    page.get_by_text("How well did you know it?").wait_for(timeout=30_000)
    page.reload()  # the set in progress comes back, answered as it was
    page.get_by_text("Question 2 of", exact=False).wait_for(timeout=60_000)
    page.get_by_text("How well did you know it?").wait_for(timeout=30_000)
    context.close()


# --- pages, offline, server log ---------------------------------------------------------------------


def test_pages_have_their_own_urls_and_no_request_leaves_the_machine(playwright_browser, shared_app):
    context, page = _page(playwright_browser)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    base = shared_app["url"]
    page.goto(f"{base}/")
    wait_for_chat(page)
    assert page.url.split("?")[0] == f"{base}/chat"
    ask(page, MACIE)
    for path, heading in (
        ("practice", "Practice"),
        ("library", "Notes library"),
        ("evals", "Evaluation"),
        ("chat", "Study assistant"),
    ):
        page.goto(f"{base}/{path}")
        page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
        assert page.url.split("?")[0] == f"{base}/{path}"
    page.goto(f"{base}/evals")
    page.locator("[data-testid='stVegaLiteChart']").nth(1).wait_for(timeout=60_000)
    icons = page.locator("link[rel~='icon']").evaluate_all("links => links.map(link => link.href)")
    assert icons and all(href.startswith(base) for href in icons), icons  # the favicon is served here
    outside = [u for u in requests if not u.startswith(("http://127.0.0.1", "data:", "blob:"))]
    assert requests and not outside, outside
    context.close()


def test_the_server_log_has_no_deprecation_warning(playwright_browser, shared_app, tmp_path):
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 1900})
    page = context.new_page()
    for path in ("chat", "practice", "library", "evals"):
        page.goto(f"{shared_app['url']}/{path}")
        page.locator("h1").first.wait_for(timeout=60_000)
        page.wait_for_timeout(500)
    page.locator("[data-testid='stVegaLiteChart']").nth(1).wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert screenshot(page, "screenshot-evals.png", tmp_path).stat().st_size > 10_000
    context.close()
    log = shared_app["log"].read_text()
    assert not re.search(r"deprecat", log, re.IGNORECASE), log[-3000:]
    assert "Traceback" not in log, log[-3000:]


# --- library: servers of their own (these change the notes) --------------------------------------------


@pytest.fixture
def library_app(tmp_path, course):
    corpus = tmp_path / "notes"
    shutil.copytree(CORPUS, corpus)
    prepare_index(course.embeddings, course.settings.data_dir, corpus, tmp_path / "data")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = environment(corpus, tmp_path / "data")
    with running_server(server_command(port), f"{url}/_stcore/health", tmp_path / "server.log", cwd=REPO, env=env):
        yield {"url": url, "corpus": corpus}


def _upload(page, path):
    # After an upload the page draws a fresh uploader; wait until the old one has gone.
    page.wait_for_function("document.querySelectorAll(\"input[type='file']\").length === 1", timeout=60_000)
    page.locator("input[type='file']").set_input_files(str(path))
    page.get_by_role("button", name="Add to my notes").click()


def test_a_same_name_upload_is_refused_until_the_user_chooses_keep_both(playwright_browser, library_app, tmp_path):
    corpus = library_app["corpus"]
    original = (corpus / "u3-data-operations-and-support.md").read_bytes()
    small = tmp_path / "u3-data-operations-and-support.md"
    small.write_text("## Tiny\n\n- A 51-byte file that must not replace the notes.\n")
    context, page = _page(playwright_browser)
    page.goto(f"{library_app['url']}/library")
    page.get_by_text("Add notes", exact=False).first.wait_for(timeout=120_000)
    assert page.get_by_text(re.compile(r"20 ?MB per file")).count() == 1  # the real limit, not Streamlit's 200
    _upload(page, small)
    page.get_by_text("is already in your notes", exact=False).wait_for(timeout=60_000)
    assert (corpus / "u3-data-operations-and-support.md").read_bytes() == original
    assert page.get_by_text("Added", exact=False).count() == 0
    page.get_by_text("Keep both", exact=False).click()
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("Indexed files", exact=False).first.wait_for(timeout=120_000)
    assert (corpus / "u3-data-operations-and-support.md").read_bytes() == original
    assert (corpus / "u3-data-operations-and-support (2).md").read_bytes() == small.read_bytes()
    page.wait_for_timeout(500)
    assert screenshot(page, "screenshot-library.png", tmp_path).stat().st_size > 10_000
    context.close()


def test_a_corrupt_pdf_is_refused_with_the_reason_and_never_saved(playwright_browser, library_app, tmp_path):
    broken = tmp_path / "slides.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj <</Type /Catalog>> no xref, no trailer")
    good = tmp_path / "u9-streaming.md"
    good.write_text("## 9.1 Amazon Data Firehose\n\n- Solution: Use Amazon Data Firehose to load streams into S3.\n")
    context, page = _page(playwright_browser)
    page.goto(f"{library_app['url']}/library")
    page.get_by_text("Add notes", exact=False).first.wait_for(timeout=120_000)
    _upload(page, broken)
    page.get_by_text("not a readable PDF", exact=False).first.wait_for(timeout=60_000)
    assert not (library_app["corpus"] / "slides.pdf").exists()
    _upload(page, good)
    page.get_by_text("Indexed files", exact=False).first.wait_for(timeout=120_000)
    assert page.get_by_text("not a readable PDF", exact=False).count() == 0  # not repeated on later uploads
    assert (library_app["corpus"] / "u9-streaming.md").read_text() == good.read_text()
    context.close()


def test_questions_are_answered_from_the_old_index_while_a_rebuild_runs(playwright_browser, course, tmp_path):
    corpus = tmp_path / "notes"
    shutil.copytree(CORPUS, corpus)
    text = (CORPUS / "u3-data-operations-and-support.md").read_text()
    for copy in range(4):  # a larger library, so the rebuild takes long enough to ask during it
        (corpus / f"copy-{copy}.md").write_text(text.replace("## ", f"## Copy {copy} "))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = environment(corpus, tmp_path / "data")
    with running_server(server_command(port), f"{url}/_stcore/health", tmp_path / "server.log", cwd=REPO, env=env):
        context = playwright_browser.new_context(viewport=VIEWPORTS["desktop"])
        library, chat = context.new_page(), context.new_page()
        chat.goto(f"{url}/chat")
        wait_for_chat(chat, timeout_ms=300_000)  # the first load indexes the notes
        library.goto(f"{url}/library")
        library.get_by_text("Rebuild the index").click()
        library.get_by_text("Yes, rebuild the whole index").click()
        library.get_by_role("button", name="Rebuild now").click()
        library.get_by_text("Rebuilding beside the current index", exact=False).first.wait_for(timeout=60_000)
        answers = 0
        while library.get_by_text("Rebuilt and swapped in", exact=False).count() == 0 and answers < 6:
            answer = ask(chat, MACIE)["text"]
            answers += 1
            assert "Use Amazon Macie" in answer and "index is empty" not in answer
            still_running = library.get_by_text("Rebuilt and swapped in", exact=False).count() == 0
            if answers == 1:
                assert still_running, "the rebuild ended before a question could be asked alongside it"
        library.get_by_text("Rebuilt and swapped in", exact=False).wait_for(timeout=300_000)
        assert "Use Amazon Macie" in ask(chat, MACIE)["text"]  # and from the new index after the swap
        context.close()
