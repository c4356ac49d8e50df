"""Evaluation: pure metric functions, the dataset loader and the runner that writes the report.

A dataset is JSON Lines with `id`, `kind` (scenario | fact | out_of_scope), `question`, `expect`
(aliases, any one is right), `evidence` (substrings one retrieved/cited passage must contain) and
optional `forbid` (answers that are wrong). The runner asks every question in every retrieval mode
in one run and writes `per_item.jsonl`, `summary.json` and `report.md`.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .config import RETRIEVAL_MODES

KINDS = ("scenario", "fact", "out_of_scope")
_MARKER = re.compile(r"\[(\d+)\]")


# --- pure metrics ------------------------------------------------------------------------------


def _contains_any(text: str | None, aliases: Iterable[str]) -> bool:
    low = (text or "").lower()
    return any(alias.lower() in low for alias in aliases if alias)


def answer_correct(recommendation: str | None, lead: str, expect: list[str], forbid: list[str] | None = None) -> bool:
    """Right when an `expect` alias is in the recommendation (or in the lead sentence when there is
    no recommendation), and no `forbid` alias is in the recommendation."""
    if not expect:
        return False
    target = recommendation if recommendation else lead
    if forbid and recommendation and _contains_any(recommendation, forbid):
        return False
    return _contains_any(target, expect)


def cited_numbers(answer_text: str) -> set[int]:
    return {int(n) for n in _MARKER.findall(answer_text)}


def citations_valid(answer_text: str, citation_numbers: Iterable[int]) -> bool:
    """Every `[n]` in the text is a listed citation, and every listed citation is used in the text."""
    listed = set(citation_numbers)
    return cited_numbers(answer_text) == listed


def evidence_rank(passages: list[str], evidence: list[str]) -> int | None:
    """1-based rank of the first passage containing an evidence substring; None when none does."""
    if not evidence:
        return None
    for rank, text in enumerate(passages, start=1):
        if _contains_any(text, evidence):
            return rank
    return None


def hit_at(rank: int | None, k: int) -> bool:
    return rank is not None and rank <= k


def reciprocal_rank(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / rank


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return float(ordered[index])


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return float(statistics.fmean(values)) if values else 0.0


# --- dataset -----------------------------------------------------------------------------------


class DatasetError(ValueError):
    """The dataset file is missing or malformed; the message names the file and line."""


@dataclass
class EvalItem:
    id: str
    kind: str
    question: str
    expect: list[str]
    evidence: list[str]
    forbid: list[str] = field(default_factory=list)

    @property
    def in_scope(self) -> bool:
        return self.kind != "out_of_scope"


def load_dataset(path: Path) -> list[EvalItem]:
    path = Path(path)
    if not path.exists():
        raise DatasetError(f"{path}: no such dataset file")
    items: list[EvalItem] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"{path}:{number}: not valid JSON ({error.msg})") from error
        if not isinstance(raw, dict):
            raise DatasetError(f"{path}:{number}: each line must be a JSON object")
        missing = [key for key in ("id", "kind", "question", "expect", "evidence") if key not in raw]
        if missing:
            raise DatasetError(f"{path}:{number}: missing field(s) {', '.join(missing)}")
        if raw["kind"] not in KINDS:
            raise DatasetError(f"{path}:{number}: kind must be one of {', '.join(KINDS)}, not {raw['kind']!r}")
        for key in ("expect", "evidence", "forbid"):
            value = raw.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise DatasetError(f"{path}:{number}: {key} must be a list of strings")
        if raw["kind"] != "out_of_scope" and not raw["expect"]:
            raise DatasetError(f"{path}:{number}: an in-scope item needs at least one expect alias")
        if str(raw["id"]) in seen:
            raise DatasetError(f"{path}:{number}: duplicate id {raw['id']!r}")
        seen.add(str(raw["id"]))
        items.append(
            EvalItem(
                id=str(raw["id"]),
                kind=raw["kind"],
                question=str(raw["question"]),
                expect=list(raw["expect"]),
                evidence=list(raw["evidence"]),
                forbid=list(raw.get("forbid", [])),
            )
        )
    if not items:
        raise DatasetError(f"{path}: the dataset is empty")
    return items


# --- scoring one answer and a run ---------------------------------------------------------------


def score_item(item: EvalItem, answer, retrieved_texts: list[str]) -> dict:
    """The answer contract plus `id`, `kind`, `mode`-free metric fields for one item."""
    row = answer.to_dict()
    rank = evidence_rank(retrieved_texts, item.evidence)
    cited_texts = [c.text for c in answer.citations]
    row.update(
        {
            "id": item.id,
            "kind": item.kind,
            "correct": (not answer.abstained and answer_correct(answer.recommendation, answer.lead, item.expect, item.forbid))
            if item.in_scope
            else answer.abstained,
            "evidence_rank": rank,
            "evidence_cited": _contains_any("\n".join(cited_texts), item.evidence) if item.evidence else None,
            "citations_valid": citations_valid(answer.answer, [c.n for c in answer.citations]),
            "expect": item.expect,
            "forbid": item.forbid,
            "cited_sections": [c.section for c in answer.citations],
        }
    )
    return row


def summarise(rows: list[dict]) -> dict:
    in_scope = [r for r in rows if r["kind"] != "out_of_scope"]
    out_scope = [r for r in rows if r["kind"] == "out_of_scope"]
    with_evidence = [r for r in in_scope if r["evidence_rank"] is not None or r.get("evidence_cited") is not None]
    answered = [r for r in rows if not r["abstained"]]
    latencies = [r["latency_ms"] for r in rows]
    return {
        "items": len(rows),
        "in_scope": len(in_scope),
        "out_of_scope": len(out_scope),
        "answer_accuracy": mean(1.0 if r["correct"] else 0.0 for r in in_scope),
        "hit@1": mean(1.0 if hit_at(r["evidence_rank"], 1) else 0.0 for r in with_evidence),
        "hit@3": mean(1.0 if hit_at(r["evidence_rank"], 3) else 0.0 for r in with_evidence),
        "hit@5": mean(1.0 if hit_at(r["evidence_rank"], 5) else 0.0 for r in with_evidence),
        "mrr": mean(reciprocal_rank(r["evidence_rank"]) for r in with_evidence),
        "citation_validity": mean(1.0 if r["citations_valid"] else 0.0 for r in answered),
        "evidence_in_citations": mean(1.0 if r["evidence_cited"] else 0.0 for r in with_evidence if not r["abstained"]),
        "out_of_scope_abstention": mean(1.0 if r["abstained"] else 0.0 for r in out_scope),
        "false_abstentions": sum(1 for r in in_scope if r["abstained"]),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
    }


METRIC_LABELS = {
    "answer_accuracy": "Answer accuracy",
    "hit@1": "Evidence hit@1",
    "hit@3": "Evidence hit@3",
    "hit@5": "Evidence hit@5",
    "mrr": "Evidence MRR",
    "citation_validity": "Citation validity",
    "evidence_in_citations": "Evidence in cited passages",
    "out_of_scope_abstention": "Out-of-scope abstention",
    "false_abstentions": "False abstentions",
    "latency_p50_ms": "Latency p50 (ms)",
    "latency_p95_ms": "Latency p95 (ms)",
}


def misses(rows: list[dict]) -> list[dict]:
    """The wrong answers of a run, as question / expected / got / cited sections."""
    return [
        {
            "id": r["id"],
            "kind": r["kind"],
            "question": r["question"],
            "expected": "abstain" if r["kind"] == "out_of_scope" else " / ".join(r["expect"]),
            "got": "(abstained)" if r["abstained"] else (r["recommendation"] or r["answer"].split("\n", 1)[0]),
            "cited sections": "; ".join(r["cited_sections"]) or "none",
        }
        for r in rows
        if not r["correct"]
    ]


def render_report(summaries: dict[str, dict], rows_by_mode: dict[str, list[dict]], dataset: str) -> str:
    modes = list(summaries)
    lines = [
        "# Evaluation report",
        "",
        f"Dataset: `{dataset}` — {next(iter(summaries.values()))['items']} items, measured in one run.",
        "",
        "| Metric | " + " | ".join(modes) + " |",
        "| --- |" + " --- |" * len(modes),
    ]
    for key, label in METRIC_LABELS.items():
        cells = []
        for mode in modes:
            value = summaries[mode][key]
            cells.append(f"{value:.1f}" if key.endswith("_ms") else str(value) if isinstance(value, int) else f"{value:.3f}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for mode in modes:
        wrong = misses(rows_by_mode[mode])
        lines += ["", f"## Misses ({mode}): {len(wrong)}", ""]
        if not wrong:
            lines.append("None.")
        for m in wrong:
            lines.append(f"- **{m['id']}** ({m['kind']}): {m['question']}  \n"
                         f"  expected: {m['expected']}; got: {m['got']}; cited: {m['cited sections']}")
    return "\n".join(lines) + "\n"


@dataclass
class EvalRun:
    summaries: dict[str, dict]
    rows: dict[str, list[dict]]
    out_dir: Path


def run_eval(
    assistant,
    dataset: Path,
    out_dir: Path,
    modes: list[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    llm: bool = False,
) -> EvalRun:
    """Every item in every retrieval mode; with `llm`, also through the LLM backend (hybrid), so the
    report shows the default answerer and the LLM side by side."""
    items = load_dataset(dataset)
    modes = modes or list(RETRIEVAL_MODES)
    runs = [(mode, mode, "default") for mode in modes]
    if llm:
        runs.append(("llm", modes[0], "llm"))
    progress = progress or (lambda *_: None)
    rows_by_mode: dict[str, list[dict]] = {}
    summaries: dict[str, dict] = {}
    total = len(items) * len(runs)
    done = 0
    for label, mode, backend in runs:
        rows = []
        for item in items:
            answer, passages = assistant.ask_with_passages(item.question, mode=mode, backend=backend)
            row = score_item(item, answer, [p.chunk.text for p in passages])
            row["mode"] = label
            row["backend"] = answer.backend
            rows.append(row)
            done += 1
            progress(f"Evaluating ({label})", done, total)
        rows_by_mode[label] = rows
        summaries[label] = summarise(rows)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "per_item.jsonl", "w", encoding="utf-8") as out:
        for mode in rows_by_mode:
            for row in rows_by_mode[mode]:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    (out_dir / "summary.json").write_text(
        json.dumps({"dataset": str(dataset), "modes": summaries}, indent=2), encoding="utf-8"
    )
    (out_dir / "report.md").write_text(render_report(summaries, rows_by_mode, str(dataset)), encoding="utf-8")
    return EvalRun(summaries=summaries, rows=rows_by_mode, out_dir=out_dir)


def load_saved_run(out_dir: Path) -> tuple[dict, list[dict]] | None:
    """The last saved run in `out_dir` (summary and rows), or None when there is none."""
    out_dir = Path(out_dir)
    summary_path, rows_path = out_dir / "summary.json", out_dir / "per_item.jsonl"
    if not summary_path.exists() or not rows_path.exists():
        return None
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in rows_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return summary, rows
