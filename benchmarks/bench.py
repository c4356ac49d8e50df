"""`make bench`: speed figures measured in one run on this machine, written to docs/benchmarks.md.

Figures are ratios where the target is a ratio (warm ask vs one raw query embedding, ingest vs raw
encode of the same chunks), measured in the same process. Scale runs each get their own process
so that peak RSS is theirs alone.

    python benchmarks/bench.py [--scales 1000,10000,100000] [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chromadb.api.types import Metadata

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.evaluation import percentile  # noqa: E402 - after the path is set

QUESTIONS = [
    json.loads(line)["question"]
    for line in (REPO / "evals" / "dev" / "course-scenarios.jsonl").read_text().splitlines()
]


def peak_rss_kib() -> int:
    """This process's peak resident set (VmHWM). ru_maxrss would carry the parent's peak across exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def settings_for(data_dir: Path, corpus: Path, **extra):
    from assistant.config import Settings

    return Settings(data_dir=data_dir, corpus_dir=corpus, **extra)


# --- warm ask -------------------------------------------------------------------------------


def bench_warm(work: Path) -> dict:
    from sentence_transformers import SentenceTransformer

    from assistant.core import Assistant
    from assistant.embeddings import resolve_model_path

    assistant = Assistant(settings_for(work / "warm", REPO / "corpus"))
    assistant.ingest()
    assistant.warm_up()
    model = SentenceTransformer(resolve_model_path(assistant.settings.embedding_model), device="cpu")
    for question in QUESTIONS[:5]:
        model.encode([question])
    raw = []
    for question in QUESTIONS:
        started = time.perf_counter()
        model.encode([question], normalize_embeddings=True)
        raw.append((time.perf_counter() - started) * 1000)
    for question in QUESTIONS[:5]:
        assistant.ask(question)
    asks = []
    for _ in range(3):
        for question in QUESTIONS:
            asks.append(assistant.ask(question).latency_ms)
    raw_p50 = statistics.median(raw)
    return {
        "raw_embedding_p50_ms": raw_p50,
        "ask_p50_ms": statistics.median(asks),
        "ask_p95_ms": percentile(asks, 95),
        "ratio_p50": statistics.median(asks) / raw_p50,
        "asks": len(asks),
    }


# --- cold ask -------------------------------------------------------------------------------

COLD_BREAKDOWN = r"""
import json, sys, time
t0 = time.perf_counter()
from assistant.core import Assistant
from assistant.config import Settings
import langchain_chroma, chromadb, numpy, bm25s
t1 = time.perf_counter()
assistant = Assistant(Settings())
assistant.embeddings.encode_queries(["x"])
t2 = time.perf_counter()
assistant.store.count(); _ = assistant.index
t3 = time.perf_counter()
assistant.ask(sys.argv[1])
t4 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "model_load": t2 - t1, "index_open": t3 - t2, "answer": t4 - t3}))
"""


def bench_cold(work: Path) -> dict:
    env = {**os.environ, "STUDY_DATA_DIR": str(work / "warm"), "STUDY_CORPUS_DIR": str(REPO / "corpus")}
    study = Path(sys.executable).with_name("study")
    walls = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([str(study), "ask", QUESTIONS[0]], env=env, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
    parts = json.loads(
        subprocess.run(
            [sys.executable, "-c", COLD_BREAKDOWN, QUESTIONS[0]],
            env=env,
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return {"wall_s": statistics.median(walls), "runs": walls, "breakdown_s": parts}


# --- ingest ---------------------------------------------------------------------------------


def bench_ingest(work: Path) -> dict:
    from assistant.chunking import chunk_markdown
    from assistant.core import Assistant
    from assistant.loading import load_file
    from assistant.synthetic import make_synthetic_corpus

    corpus = work / "ingest-notes"
    make_synthetic_corpus(REPO / "corpus", corpus, copies=4)
    texts = []
    for path in sorted(corpus.glob("*.md")):
        texts += [c.embedding_text for c in chunk_markdown(load_file(path, path.name, 10**8).markdown, path.name)]
    assistant = Assistant(settings_for(work / "ingest", corpus))
    assistant.embeddings.encode(texts[:32])  # model loaded before either side is timed
    started = time.perf_counter()
    assistant.embeddings.model.encode(texts, batch_size=32, normalize_embeddings=True)
    raw_s = time.perf_counter() - started
    phases: dict[str, float] = {}
    marks: dict[str, float] = {}

    def progress(stage, done, total):
        marks.setdefault(stage, time.perf_counter())
        phases[stage] = time.perf_counter() - marks[stage]

    started = time.perf_counter()
    report = assistant.ingest(progress=progress)
    total_s = time.perf_counter() - started
    passages_s = phases.get("Embedding passages", total_s)
    started = time.perf_counter()
    again = assistant.ingest()
    unchanged_s = time.perf_counter() - started
    return {
        "chunks": len(texts),
        "raw_encode_chunks_per_s": len(texts) / raw_s,
        "ingest_chunks_per_s": report.chunks_embedded / passages_s,
        "ratio": (report.chunks_embedded / passages_s) / (len(texts) / raw_s),
        "total_with_statements_s": total_s,
        "statements_s": phases.get("Embedding statements", 0.0),
        "unchanged_reingest_s": unchanged_s,
        "unchanged_embedded": again.chunks_embedded,
    }


# --- scale ----------------------------------------------------------------------------------


def scale_worker(size: int, mode: str, port: int | None, work: Path) -> dict:
    """Fill a store with `size` synthetic chunks (vectors derived from the real chunks' vectors, so
    the model's linear cost stays out of it) and time questions against it."""
    import numpy as np

    from assistant.chunking import chunk_markdown
    from assistant.core import Assistant
    from assistant.loading import load_file

    extra = {"chroma_host": "127.0.0.1", "chroma_port": port} if mode == "server" else {}
    assistant = Assistant(
        settings_for(work / f"scale-{mode}-{size}", REPO / "corpus", collection=f"scale{size}", **extra)
    )
    assistant.embeddings.onnx_dir = work / "warm" / "onnx"  # the query encoder exported by the warm run's ingest
    base = chunk_markdown(
        load_file(REPO / "corpus" / "u3-data-operations-and-support.md", "u3.md", 10**8).markdown, "u3.md"
    )
    vectors = assistant.embeddings.encode_queries([c.embedding_text for c in base])  # no torch in this process
    rng = np.random.default_rng(7)
    collection = assistant.store.vectorstore._collection
    started = time.perf_counter()
    batch = 2000
    for start in range(0, size, batch):
        ids, docs, embs = [], [], []
        metas: list[Metadata] = []
        for i in range(start, min(size, start + batch)):
            chunk = base[i % len(base)]
            variant = i // len(base)
            vector = vectors[i % len(base)] + rng.normal(0, 0.02, vectors.shape[1]).astype("float32") * (variant > 0)
            ids.append(f"syn-{i}")
            docs.append(f"{chunk.section} (unit {variant})\n{chunk.text}")
            metas.append(
                {"source": f"synthetic-{variant}.md", "section": f"{chunk.section} (unit {variant})", "position": i}
            )
            embs.append((vector / np.linalg.norm(vector)).tolist())
        collection.add(ids=ids, documents=docs, metadatas=metas, embeddings=embs)
    _ = assistant.index
    load_s = time.perf_counter() - started
    for question in QUESTIONS[:20]:
        assistant.ask(question)  # first round: lines embedded on first need, as a learner's first questions
    latencies = [assistant.ask(q).latency_ms for q in QUESTIONS[:20] for _ in range(3)]
    peak_kib = peak_rss_kib()
    return {
        "size": size,
        "mode": mode,
        "store_and_index_s": load_s,
        "query_p50_ms": statistics.median(latencies),
        "query_p95_ms": percentile(latencies, 95),
        "peak_rss_mib": peak_kib / 1024,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_scale(sizes: list[int], work: Path) -> list[dict]:
    results = []
    chroma = Path(sys.executable).with_name("chroma")
    for mode in ("embedded", "server"):
        server = None
        port = None
        if mode == "server":
            port = _free_port()
            server = subprocess.Popen(
                [str(chroma), "run", "--path", str(work / "server"), "--host", "127.0.0.1", "--port", str(port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            time.sleep(4)
        try:
            for size in sizes:
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--scale-worker",
                        str(size),
                        "--mode",
                        mode,
                        "--port",
                        str(port or 0),
                        "--work",
                        str(work),
                    ],
                    capture_output=True,
                    text=True,
                    cwd=REPO,
                )
                if out.returncode != 0:
                    results.append({"size": size, "mode": mode, "error": out.stderr.strip().splitlines()[-1:]})
                else:
                    results.append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(results[-1], flush=True)
        finally:
            if server is not None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=20)
    return results


# --- report ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def put_section(text: str, lines: list[str], before: str = "## Scale") -> str:
    """`text` with its section titled like `lines[0]` replaced by `lines` (or inserted before `before`)."""
    section = "\n".join(lines).rstrip("\n") + "\n"
    start = text.find(lines[0] + "\n")
    if start >= 0:
        end = text.find("\n## ", start + len(lines[0]))
        return text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    anchor = text.find(before)
    if anchor >= 0:
        return text[:anchor] + section + "\n" + text[anchor:]
    return text.rstrip("\n") + "\n\n" + section


def write_report(out: Path, warm: dict, cold: dict, ingest: dict, scale: list[dict], ui: dict | None = None) -> None:
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {time.strftime('%Y-%m-%d')}: {cpu_name()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. All figures from one run.",
        "",
        "## Warm answers",
        "",
        "| figure | value | target |",
        "| --- | --- | --- |",
        f"| one raw query embedding (SentenceTransformer.encode), p50 | {warm['raw_embedding_p50_ms']:.1f} ms | |",
        f"| warm `ask` p50 ({warm['asks']} questions) | {warm['ask_p50_ms']:.1f} ms | |",
        f"| warm `ask` p50 / one raw embedding | {warm['ratio_p50']:.2f} | <= 2 ({verdict(warm['ratio_p50'] <= 2)}) |",
        f"| warm `ask` p95 | {warm['ask_p95_ms']:.1f} ms | <= 30 ms ({verdict(warm['ask_p95_ms'] <= 30)}) |",
        "",
        "## Cold `study ask`",
        "",
        f"Wall time, median of 3: **{cold['wall_s']:.2f} s** (target <= 4.5 s: {verdict(cold['wall_s'] <= 4.5)}). "
        "Where it goes (one run, in-process timers):",
        "",
        "| part | seconds |",
        "| --- | --- |",
    ]
    lines += [f"| {name.replace('_', ' ')} | {value:.2f} |" for name, value in cold["breakdown_s"].items()]
    lines += [
        "",
        "## Ingest",
        "",
        "| figure | value | target |",
        "| --- | --- | --- |",
        f"| raw `SentenceTransformer.encode` of the same {ingest['chunks']} chunks | {ingest['raw_encode_chunks_per_s']:.1f} chunks/s | |",  # noqa: E501 - a table row reads best whole
        f"| ingest (chunking, embedding, Chroma writes, manifest) | {ingest['ingest_chunks_per_s']:.1f} chunks/s | |",
        f"| ingest / raw encode | {ingest['ratio']:.2f} | >= 0.8 ({verdict(ingest['ratio'] >= 0.8)}) |",
        f"| then embedding every statement line for the answerer | {ingest['statements_s']:.1f} s | |",
        f"| unchanged re-ingest | {ingest['unchanged_reingest_s']:.3f} s, {ingest['unchanged_embedded']} embedded | <= 0.5 s ({verdict(ingest['unchanged_reingest_s'] <= 0.5)}) |",  # noqa: E501 - a table row reads best whole
        "",
        "## Scale",
        "",
        "Synthetic chunks made reproducibly from the corpus; their vectors are the real chunks' vectors with a",
        "little noise, so the model's linear cost (see Ingest) stays out of the store figures.",
        "",
        "| chunks | store | fill + index load | query p50 | query p95 | peak RSS |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in scale:
        if "error" in row:
            lines.append(f"| {row['size']} | {row['mode']} | failed: {row['error']} | | | |")
        else:
            lines.append(
                f"| {row['size']:,} | {row['mode']} | {row['store_and_index_s']:.1f} s | {row['query_p50_ms']:.1f} ms | "  # noqa: E501 - a table row reads best whole
                f"{row['query_p95_ms']:.1f} ms | {row['peak_rss_mib']:.0f} MiB |"
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    notes = out.with_suffix(".notes.md")
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    text = "\n".join(lines) + "\n"
    if ui is not None:
        from ui_bench import report_lines

        text = put_section(text, report_lines(ui))
    out.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1000,10000,100000")
    parser.add_argument("--out", default=str(REPO / "docs" / "benchmarks.md"))
    parser.add_argument("--scale-worker", type=int)
    parser.add_argument("--mode", default="embedded")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--work")
    parser.add_argument("--only", choices=["ui"], help="measure only this part and update its section of --out")
    args = parser.parse_args()
    if args.scale_worker:
        print(json.dumps(scale_worker(args.scale_worker, args.mode, args.port or None, Path(args.work))))
        return
    work = Path(tempfile.mkdtemp(prefix="study-bench-"))
    sys.path.insert(0, str(REPO / "benchmarks"))
    from ui_bench import bench_ui, report_lines

    try:
        if args.only == "ui":
            ui = bench_ui(work)
            print("ui", ui, flush=True)
            out = Path(args.out)
            out.write_text(put_section(out.read_text() if out.exists() else "# Benchmarks\n", report_lines(ui)))
            print(f"updated {args.out}")
            return
        warm = bench_warm(work)
        print("warm", warm, flush=True)
        cold = bench_cold(work)
        print("cold", cold, flush=True)
        ingest = bench_ingest(work)
        print("ingest", ingest, flush=True)
        sizes = [int(s) for s in args.scales.split(",") if s]
        scale = run_scale(sizes, work) if sizes else []
        ui = bench_ui(work)
        print("ui", ui, flush=True)
        write_report(Path(args.out), warm, cold, ingest, scale, ui)
        print(f"wrote {args.out}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
