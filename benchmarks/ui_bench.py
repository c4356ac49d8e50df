"""UI figures for `make bench`, measured in Debian's Chromium (Playwright) against `study ui`:

- start-up: from launching `study ui` to a chat input the user can type into, on the course notes,
  once with an empty data dir (the notes are indexed first) and once on a restart (index kept);
- answer visible: from Enter to the answer drawn in the page, for a conversation growing to 30
  questions (turns 1-10 against 21-30 show whether it grows with the conversation's length).

The in-page timings come from a MutationObserver (tests/browser.py): the question counts once its
text is in a new chat message, the answer once its footer is drawn.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser import CHROMIUM, VIEWPORTS, ask, environment, launch, server_command, wait_for_chat  # noqa: E402
from servers import free_port  # noqa: E402

from assistant.evaluation import percentile  # noqa: E402

QUESTIONS = [
    json.loads(line)["question"]
    for line in (REPO / "evals" / "dev" / "course-scenarios.jsonl").read_text().splitlines()
    if json.loads(line).get("kind") != "out_of_scope"
]


def _start(corpus: Path, data: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        server_command(port),
        cwd=REPO,
        env=environment(corpus, data),
        stdout=open(log, "w"),  # noqa: SIM115 - the server writes to it for as long as it runs
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _wait_healthy(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the UI server did not start")


def startup_seconds(browser, corpus: Path, data: Path, log: Path) -> float:
    """Launch `study ui`, open /chat as soon as the server answers, and time until the chat input
    can be typed into (the notes indexed and the model loaded behind the progress bar)."""
    started = time.perf_counter()
    process, url = _start(corpus, data, log)
    try:
        _wait_healthy(url)
        page = browser.new_page(viewport=VIEWPORTS["desktop"])
        page.goto(f"{url}/chat")
        wait_for_chat(page, timeout_ms=300_000).first.click()
        seconds = time.perf_counter() - started
        page.close()
        return seconds
    finally:
        _stop(process)


def answer_latencies(browser, url: str, count: int = 30) -> list[dict]:
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(f"{url}/chat")
    wait_for_chat(page, timeout_ms=300_000)
    for question in QUESTIONS[:3]:  # warm: the first questions load what later ones reuse
        ask(page, question)
    page.locator(".st-key-new-chat button").click()
    page.wait_for_timeout(1500)
    timings = []
    for number in range(count):
        result = ask(page, QUESTIONS[number % len(QUESTIONS)])
        timings.append({"turn": number + 1, "question_ms": result["question"], "answer_ms": result["answer"]})
    page.close()
    return timings


def bench_ui(work: Path) -> dict:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        return {"error": "no Chromium at /usr/bin/chromium"}
    corpus, data = REPO / "corpus", work / "ui-data"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        first = startup_seconds(browser, corpus, data, work / "ui-first.log")
        restart = startup_seconds(browser, corpus, data, work / "ui-restart.log")
        load_before = os.getloadavg()[0]
        process, url = _start(corpus, data, work / "ui-answers.log")
        try:
            _wait_healthy(url)
            timings = answer_latencies(browser, url)
        finally:
            _stop(process)
        load_after = os.getloadavg()[0]
        browser.close()
    early = [t["answer_ms"] for t in timings if t["turn"] <= 10]
    late = [t["answer_ms"] for t in timings if t["turn"] > 20]
    return {
        "startup_first_s": first,
        "startup_restart_s": restart,
        "question_p50_ms": statistics.median(t["question_ms"] for t in timings),
        "answer_p50_ms": statistics.median(t["answer_ms"] for t in timings),
        "answer_p95_ms": percentile([t["answer_ms"] for t in timings], 95),
        "answer_p50_turns_1_10_ms": statistics.median(early),
        "answer_p50_turns_21_30_ms": statistics.median(late),
        "load_average": (load_before, load_after),
        "turns": len(timings),
    }


def report_lines(ui: dict) -> list[str]:
    if "error" in ui:
        return ["## UI (browser)", "", f"Not measured: {ui['error']}."]

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    load = ", ".join(f"{value:.1f}" for value in ui["load_average"])
    return [
        "## UI (browser)",
        "",
        "Chromium (headless, Playwright) against `study ui` on the course notes; in-page timings from Enter.",
        f"The machine's 1-minute load average before and after the answer runs: {load} (2 cores; other",
        "work shares them, so these figures include waiting for the CPU).",
        "",
        "| figure | value | target |",
        "| --- | --- | --- |",
        f"| `study ui` to a usable chat, empty data dir (indexes the notes first) | {ui['startup_first_s']:.1f} s | "
        f"<= 20 s ({verdict(ui['startup_first_s'] <= 20)}) |",
        f"| `study ui` to a usable chat, restart (index kept) | {ui['startup_restart_s']:.1f} s | "
        f"<= 20 s ({verdict(ui['startup_restart_s'] <= 20)}) |",
        f'| Enter to the question and "Thinking" drawn, p50 ({ui["turns"]} questions) | {ui["question_p50_ms"]:.0f} ms | |',  # noqa: E501 - a table row reads best whole
        f"| Enter to the answer drawn, warm, p50 | {ui['answer_p50_ms']:.0f} ms | "
        f"<= 300 ms ({verdict(ui['answer_p50_ms'] <= 300)}) |",
        f"| Enter to the answer drawn, warm, p95 | {ui['answer_p95_ms']:.0f} ms | |",
        f"| answer drawn p50, turns 1-10 / turns 21-30 | {ui['answer_p50_turns_1_10_ms']:.0f} ms / "
        f"{ui['answer_p50_turns_21_30_ms']:.0f} ms | no growth |",
    ]
