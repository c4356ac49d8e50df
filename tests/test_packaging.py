"""The UI ships inside the installed package: a wheel built from this tree, installed into a fresh
virtual environment, runs `study ui` from a folder outside the source tree, and the chat answers in a
real browser."""

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from browser import ask, environment, launch
from conftest import CORPUS, REPO
from servers import free_port, running_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(REPO),
        ],
        check=True,
        cwd=out,
        timeout=600,
    )
    (built,) = out.glob("study_assistant-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv holding only the wheel; its dependencies are borrowed from this environment
    through a .pth line (appended after the venv's own site-packages, so the wheel wins)."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        check=True,
        timeout=600,
    )
    return venv


def test_the_wheel_carries_the_ui_and_its_favicon(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"ui/__init__.py", "ui/app.py", "ui/chat_page.py", "ui/favicon.png", "assistant/cli.py"} <= names


def test_the_installed_packages_are_the_wheels_not_the_source_tree(installed, tmp_path):
    python = installed / "bin" / "python"
    found = subprocess.check_output(
        [str(python), "-c", "import assistant, ui; print(assistant.__file__); print(ui.APP_PATH)"],
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": ""},
    ).split()
    assert all(str(installed) in path for path in found), found
    assert all(str(REPO) not in path for path in found), found


def test_study_ui_from_an_installed_wheel_answers_in_a_browser(installed, tmp_path):
    from playwright.sync_api import sync_playwright

    outside = tmp_path / "elsewhere"  # no .streamlit/, no ui/, no assistant/ here
    outside.mkdir()
    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "macie.md").write_text((CORPUS / "u3-data-operations-and-support.md").read_text())
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**environment(corpus, tmp_path / "data"), "PYTHONPATH": ""}
    command = [str(installed / "bin" / "study"), "ui", "--port", str(port)]
    with running_server(command, f"{url}/_stcore/health", tmp_path / "server.log", cwd=outside, env=env):
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page()
            page.goto(f"{url}/chat")
            answer = ask(page, "Which service scans S3 buckets for PII?")
            assert "Use Amazon Macie" in answer["text"]
            browser.close()
    log = (tmp_path / "server.log").read_text()
    assert "Traceback" not in log, log[-2000:]
