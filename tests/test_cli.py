"""The `study` command line, run in-process with typer's runner against the real pipeline."""

import json

import pytest
from conftest import REPO
from typer.testing import CliRunner

from assistant.answer import Answer
from assistant.cli import app

pytestmark = pytest.mark.slow  # runs the command line end to end, each on a fresh index

runner = CliRunner()


@pytest.fixture
def cli_env(monkeypatch, tmp_path, notes_dir):
    monkeypatch.setenv("STUDY_CORPUS_DIR", str(notes_dir))
    monkeypatch.setenv("STUDY_DATA_DIR", str(tmp_path / "cli-data"))
    return notes_dir


def test_cli_ask_json_ingests_on_first_use_and_prints_the_contract(cli_env):
    result = runner.invoke(app, ["ask", "--json", "Which service scans S3 buckets for PII?"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)  # stdout is the JSON alone; the first-use indexing goes to stderr
    assert set(payload) == set(Answer("q", "a").to_dict())
    assert "Macie" in payload["recommendation"]
    assert "Indexed files" in result.stderr


def test_cli_quiz_generate_json_on_first_use_is_json_alone(cli_env):
    result = runner.invoke(app, ["quiz", "generate", "--n", "3", "--json"])
    assert result.exit_code == 0, result.output
    questions = json.loads(result.stdout)
    assert len(questions) == 3 and all(len(q["options"]) == 4 for q in questions)


def test_cli_ask_empty_question_is_a_usage_error(cli_env):
    result = runner.invoke(app, ["ask", "   "])
    assert result.exit_code == 2
    assert "empty" in result.output and "Traceback" not in result.output


def test_cli_ask_unknown_mode_is_a_usage_error(cli_env):
    result = runner.invoke(app, ["ask", "--mode", "psychic", "anything"])
    assert result.exit_code == 2 and "hybrid, dense, bm25" in result.output


def test_cli_ingest_missing_path_fails_clearly(cli_env, tmp_path):
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "nope" in result.output and "no such file" in result.output and "Traceback" not in result.output


def test_cli_ingest_missing_corpus_folder_fails_clearly(monkeypatch, tmp_path):
    monkeypatch.setenv("STUDY_CORPUS_DIR", str(tmp_path / "no-notes"))
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code != 0 and "notes folder does not exist" in result.output
    assert "in the index" not in result.output  # no summary for an ingest that did not run


def test_cli_ingest_warns_about_unreadable_files_and_succeeds(cli_env):
    (cli_env / "binary.md").write_bytes(b"\x00\xff" * 50)
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 0, result.output
    assert "binary.md" in result.output and "Indexed files" in result.output


def test_cli_corrupted_store_names_the_remedy(cli_env, tmp_path):
    chroma = tmp_path / "cli-data" / "chroma"
    chroma.mkdir(parents=True)
    (chroma / "chroma.sqlite3").write_bytes(b"garbage" * 200)
    result = runner.invoke(app, ["ask", "Which service scans S3 for PII?"])
    assert result.exit_code == 1
    assert "study ingest --rebuild" in result.output and "Traceback" not in result.output


def test_cli_invalid_setting_is_reported(monkeypatch):
    monkeypatch.setenv("STUDY_TOP_K", "zero")
    result = runner.invoke(app, ["ask", "x"])
    assert result.exit_code == 2 and "STUDY_TOP_K" in result.output


def test_cli_chat_keeps_history_between_turns(cli_env):
    turns = (
        "We are migrating existing Apache Kafka applications to AWS. Which service?\n"
        "And if it is a brand-new streaming project instead?\n/quit\n"
    )
    result = runner.invoke(app, ["chat"], input=turns)
    assert result.exit_code == 0, result.output
    assert "Managed Streaming Service for Apache Kafka" in result.output
    assert "Use Amazon Kinesis" in result.output


def test_cli_chat_answers_slash_commands_as_commands_not_questions(cli_env):
    result = runner.invoke(app, ["chat"], input="/help\n/foo\n/quit\n")
    output = " ".join(result.output.split())
    assert result.exit_code == 0 and "Your notes don't cover this" not in output, result.output
    assert "/foo is not a command." in output and output.count("anything else is a question") == 2


def test_cli_ask_explain_shows_why_and_json_carries_kind_and_choice(cli_env):
    result = runner.invoke(app, ["ask", "Which service scans S3 buckets for PII?", "--explain"])
    assert result.exit_code == 0, result.output
    assert "coverage gate" in result.output and "candidate" in result.output and "Macie" in result.output
    pasted = "Which service imports Salesforce data into S3?\nA) AWS Data Exchange\nB) Amazon AppFlow\nC) Amazon Macie"
    result = runner.invoke(app, ["ask", pasted, "--json"])
    payload = json.loads(result.output)
    assert payload["kind"] == "multiple_choice" and payload["choice"] == "B"
    assert [o["letter"] for o in payload["options"]] == ["A", "B", "C"] and payload["backend"] == "default"


def test_cli_eval_writes_per_item_summary_and_report(cli_env, tmp_path):
    dataset = tmp_path / "mini.jsonl"
    lines = [
        json.loads(row) for row in (REPO / "evals" / "dev" / "course-scenarios.jsonl").read_text().splitlines()[:3]
    ]
    lines.append(
        {"id": "oos", "kind": "out_of_scope", "question": "Best banana bread recipe?", "expect": [], "evidence": []}
    )
    dataset.write_text("".join(json.dumps(row) + "\n" for row in lines))
    out = tmp_path / "out"
    result = runner.invoke(app, ["eval", "--dataset", str(dataset), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(row) for row in (out / "per_item.jsonl").read_text().splitlines()]
    assert len(rows) == 12 and {r["mode"] for r in rows} == {"hybrid", "dense", "bm25"}
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["modes"]) == {"hybrid", "dense", "bm25"}
    report = (out / "report.md").read_text()
    assert "| Metric | hybrid | dense | bm25 |" in report and "Answer accuracy" in report


def test_cli_eval_suite_runs_course_sets_and_units_each_over_its_own_notes(cli_env, tmp_path):
    suite = tmp_path / "suite"
    unit = suite / "units" / "orchards"
    unit.mkdir(parents=True)
    (suite / "course.jsonl").write_text(
        json.dumps(
            {
                "id": "c1",
                "kind": "scenario",
                "question": "Which service scans S3 buckets for PII?",
                "expect": ["Macie"],
                "evidence": ["Macie"],
            }
        )
        + "\n"
    )
    (unit / "notes.md").write_text(
        "# Orchard care\n\n## Pruning\n\nWinter pruning of apple trees removes dead wood and opens the canopy to light.\n\n"
        "## Pests\n\nCodling moth larvae tunnel into apples; pheromone traps show when the moths fly.\n"
    )
    (unit / "questions.jsonl").write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {
                    "id": "u1",
                    "kind": "fact",
                    "question": "What shows when codling moths fly?",
                    "expect": ["pheromone"],
                    "evidence": ["pheromone traps"],
                },
                {"id": "u2", "kind": "out_of_scope", "question": "Which Kubernetes object runs a pod on every node?"},
            ]
        )
        + "\n"
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["eval", "--suite", str(suite), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["sets"]) == {"course", "unit:orchards"}
    unit_rows = [json.loads(row) for row in (out / "unit-orchards" / "per_item.jsonl").read_text().splitlines()]
    assert {r["mode"] for r in unit_rows} == {"hybrid"}
    # The unit's questions were asked of the unit's notes, not of the course notes.
    assert all(c["source"] == "notes.md" for r in unit_rows for c in r["citations"])
    assert "| unit:orchards | hybrid |" in (out / "report.md").read_text()


def test_cli_eval_bad_dataset_is_reported(cli_env, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    result = runner.invoke(app, ["eval", "--dataset", str(bad)])
    assert result.exit_code == 1 and "bad.jsonl:1" in result.output


def test_cli_sources_lists_the_notes_and_the_files_left_out_with_why(cli_env):
    (cli_env / "binary.md").write_bytes(b"\x00\xff" * 50)
    runner.invoke(app, ["ingest"])
    result = runner.invoke(app, ["sources"])
    assert result.exit_code == 0 and "u3-data-operations-and-support.md" in result.output
    assert "binary.md — skipped" in result.output and "binary" in result.output.split("binary.md — skipped")[1]


def test_stopping_the_ui_command_by_its_process_id_stops_the_server(tmp_path, notes_dir):
    import contextlib
    import os
    import signal
    import subprocess
    import time
    import urllib.request

    from browser import environment, server_command
    from servers import free_port

    port = free_port()
    health = f"http://127.0.0.1:{port}/_stcore/health"
    log = open(tmp_path / "ui.log", "w")  # noqa: SIM115 - closed below
    env = environment(notes_dir, tmp_path / "data")
    # A session of its own only so that a failing run can clean up after itself; the stop below is by process id.
    process = subprocess.Popen(
        server_command(port), stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(health, timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, (tmp_path / "ui.log").read_text()
                time.sleep(0.3)
        process.send_signal(signal.SIGTERM)  # what `kill <pid>` or a service manager sends: no process group
        process.wait(timeout=30)
        time.sleep(1)
        with pytest.raises(OSError):  # nothing left answering on the port
            urllib.request.urlopen(health, timeout=2)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        log.close()


def test_an_answer_wraps_inside_its_box_on_a_narrow_terminal(cli_env, monkeypatch):
    import re

    from assistant import cli

    monkeypatch.setattr(cli.console, "width", 60)
    result = runner.invoke(app, ["ask", "How do I get Athena to recognise new partitions after I add folders to S3?"])
    assert result.exit_code == 0, result.output
    box = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert box and all(len(line) <= 60 and line.endswith("│") for line in box)
    markers = set(re.findall(r"\[(\d+)\]", " ".join(box)))  # every source listed is cited where it can be read
    listed = set(re.findall(r"^\[(\d+)\]", result.stdout, re.MULTILINE))
    assert listed and listed <= markers


def test_a_question_with_no_words_is_told_so_not_that_the_notes_lack_it(cli_env):
    result = runner.invoke(app, ["ask", "???"])
    assert result.exit_code == 0, result.output
    assert "nothing to answer" in result.stdout and "not in your notes" not in result.stdout
