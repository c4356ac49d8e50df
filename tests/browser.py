"""Real-browser helpers shared by the browser tests and `make bench`: Debian's Chromium driven by
Playwright against `study ui` on a free loopback port."""

from __future__ import annotations

import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
CHAT_PLACEHOLDER = "Ask about your notes"

# Records, in the page, when the question's text and the answer first appear after Enter, and
# whether the "Thinking" placeholder was ever shown (it may be replaced within milliseconds).
WATCH_JS = """
([question, answerSelector]) => {
  // The question counts as shown once one more chat message holds its text than before Enter. An
  // answer's footer ("Answered by") is keyed "m<message id>-answered": the answer counts as shown once
  // a footer with a higher id than any before Enter is on the page and not stale. Only textContent
  // is read (innerText would force a layout on every change and slow the page being measured).
  const fresh = (e) => !e.closest('[data-stale="true"]');
  const messages = () => Array.from(document.querySelectorAll('[data-testid="stChatMessage"]')).filter(fresh);
  const asked = () => messages().filter(m => m.textContent.includes(question)).length;
  const ids = () => Array.from(document.querySelectorAll(answerSelector)).filter(fresh)
      .map(e => Array.from(e.classList).map(c => c.match(/^st-key-m(\\d+)-answered$/)).find(m => m))
      .filter(m => m).map(m => Number(m[1]));
  const before = asked();
  const highest = Math.max(0, ...ids());
  window.__watch = {start: performance.now(), question: null, thinking: null, answer: null};
  const check = () => {
    const w = window.__watch;
    const now = performance.now() - w.start;
    if (w.question === null && asked() > before) w.question = now;
    if (w.thinking === null && messages().some(m => m.textContent.includes('Thinking'))) w.thinking = now;
    if (w.answer !== null) return;
    const footer = Array.from(document.querySelectorAll(answerSelector)).filter(fresh).find(e =>
        Array.from(e.classList).some(c => { const m = c.match(/^st-key-m(\\d+)-answered$/); return m && Number(m[1]) > highest; }));
    if (footer) {
      w.answer = now;
      w.text = footer.closest('[data-testid="stChatMessage"]').textContent;
    }
  };
  if (window.__watchObserver) window.__watchObserver.disconnect();
  const observer = new MutationObserver(check);
  observer.observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true});
  window.__watchObserver = observer;
}
"""

# An answer counts as visible once its footer ("Answered by") is drawn: it comes after the answer
# text, its table or options and its citation buttons, in the same script run.
ANSWER_SELECTOR = "[data-testid='stChatMessage'] [class*='-answered']"


def server_command(port: int) -> list[str]:
    return [sys.executable, "-m", "assistant.cli", "ui", "--port", str(port)]


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)


def wait_for_chat(page, timeout_ms: int = 180_000):
    """The chat input, once the page shows exactly one (a redraw briefly shows the old one too)."""
    chat = page.get_by_placeholder(CHAT_PLACEHOLDER, exact=False)
    chat.first.wait_for(timeout=timeout_ms)
    page.wait_for_function(
        f"document.querySelectorAll('textarea[placeholder^=\"{CHAT_PLACEHOLDER}\"]').length === 1", timeout=timeout_ms
    )
    return chat


def ask(page, question: str, timeout_ms: int = 60_000) -> dict:
    """Type a question, press Enter, wait for its answer; returns the in-page timings (ms after Enter)
    and the answer's text: {"question", "thinking", "answer", "text"} (thinking is None if the
    answer replaced it before a paint)."""
    chat = wait_for_chat(page)
    settle(page)  # as a reader would: the previous answer's page has finished drawing
    chat.fill(question)
    page.evaluate(WATCH_JS, [question, ANSWER_SELECTOR])
    page.evaluate("window.__watch.start = performance.now()")
    chat.press("Enter")
    page.wait_for_function("window.__watch && window.__watch.answer !== null", timeout=timeout_ms)
    timings = page.evaluate("window.__watch")
    page.evaluate("window.__watchObserver.disconnect()")
    return timings


IDLE_JS = """() => !document.querySelector('[data-testid^="stStatusWidgetRunning"], [data-stale="true"]')"""


def settle(page, timeout_ms: int = 30_000) -> None:
    """Wait until the page has finished drawing (no script running, nothing stale), twice 300 ms
    apart, as a reader would before the next step (a fragment run can follow another at once). Not
    needed for a question or a click to be taken (issue #11: none is lost while the page draws)."""
    for _ in range(2):
        page.wait_for_function(IDLE_JS, timeout=timeout_ms)
        page.wait_for_timeout(300)


def prepare_index(embeddings, source_data: Path, corpus: Path, data: Path) -> None:
    """Index `corpus` into `data` before the server starts (so it opens in seconds), in this process
    with the session's loaded model. The ONNX query encoder and the line vectors (keyed by chunk
    content) are copied from the session's data dir rather than computed again."""
    from assistant.config import Settings
    from assistant.core import Assistant

    data.mkdir(parents=True, exist_ok=True)
    if (source_data / "onnx").exists():
        shutil.copytree(source_data / "onnx", data / "onnx")
    for vectors in ("line_vectors.npz", "statement_vectors.npz"):  # the reader's line vectors
        if (source_data / vectors).exists():
            shutil.copy(source_data / vectors, data / vectors)
    Assistant(Settings(data_dir=data, corpus_dir=corpus), embeddings=embeddings).ingest()


def screenshot(page, name: str, fallback_dir: Path) -> Path:
    """Save a screenshot: into SCREENSHOT_DIR when set (`make screenshots` points it at docs/
    for the README), else beside the test's other files."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or fallback_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path))
    return path


@contextmanager
def timed():
    started = time.perf_counter()
    result = {}
    yield result
    result["seconds"] = time.perf_counter() - started


def environment(corpus: Path, data: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDY_")}
    env.update({"STUDY_CORPUS_DIR": str(corpus), "STUDY_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1", **extra})
    return env
