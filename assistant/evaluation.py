"""Evaluation: pure metric functions, the dataset loader, and the runners that write reports.

A dataset is JSON Lines. Every row has `id`, `kind` and `question`; the rest depends on the kind:
- `scenario`, `fact`: `expect` (aliases, any one in the recommendation or the lead sentence is right),
  `evidence` (substrings one retrieved/cited passage must contain), optional `forbid`;
- `multiple_choice`: `options` (object letter -> text, or number -> text, read as A, B, C ... in order as
  the answerer letters numbered options) and `answer` (a letter, or a list of letters for pick-several);
  the options are appended to the question when it does not already show them;
- `comparison`, `explanation`, `howto`: `expect_all` (key phrases the answer must all contain);
- `premise`: `expect` (what the notes say instead); right when the answer flags the premise;
- `out_of_scope`: nothing else (`expect`/`evidence` may be omitted); right when it declines.
Any row may carry `history` (earlier questions of the conversation, asked first).

A suite is a folder (`evals/dev`, `evals/test`): its `*.jsonl` files are asked of the configured
notes, and each `units/<name>/` holds a unit of notes with its own `questions.jsonl`, indexed on its own.
"""

from __future__ import annotations

import json
import logging
import math
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import RETRIEVAL_MODES

logger = logging.getLogger(__name__)

KINDS = ("scenario", "fact", "out_of_scope", "multiple_choice", "comparison", "explanation", "howto", "premise")
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
    expect: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    forbid: list[str] = field(default_factory=list)
    expect_all: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    answer: str | list[str] | None = None
    history: list[str] = field(default_factory=list)

    @property
    def in_scope(self) -> bool:
        return self.kind != "out_of_scope"

    @property
    def asked_text(self) -> str:
        """The question as pasted: a multiple-choice row shows its options (appended when the
        question does not already contain them)."""
        if not self.options:
            return self.question
        low = self.question.lower()
        if all(text.lower() in low for text in self.options.values()):
            return self.question
        return self.question.rstrip() + "\n" + "\n".join(f"{k}) {v}" for k, v in self.options.items())


def _string_list(raw: dict, key: str, where: str) -> list[str]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DatasetError(f"{where}: {key} must be a list of strings")
    return list(value)


def _parse_item(raw: Any, where: str) -> EvalItem:
    if not isinstance(raw, dict):
        raise DatasetError(f"{where}: each line must be a JSON object")
    missing = [key for key in ("id", "kind", "question") if key not in raw]
    if missing:
        raise DatasetError(f"{where}: missing field(s) {', '.join(missing)}")
    kind = raw["kind"]
    if kind not in KINDS:
        raise DatasetError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    lists = {key: _string_list(raw, key, where) for key in ("expect", "evidence", "forbid", "expect_all", "history")}
    options = raw.get("options", {})
    if not isinstance(options, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in options.items()):
        raise DatasetError(f"{where}: options must be an object of letter -> text")
    answer = raw.get("answer")
    if options or kind == "multiple_choice":
        letters = [answer] if isinstance(answer, str) else answer
        if (
            len(options) < 2
            or not isinstance(letters, list)
            or not letters
            or any(not isinstance(letter, str) or letter not in options for letter in letters)
        ):
            raise DatasetError(
                f"{where}: a multiple-choice row needs options and an answer letter (or list) among them"
            )
        if all(key.isdigit() for key in options):
            # "1. ... 2. ...": the answerer letters numbered options A, B, C ... in order, as pasted.
            lettered = {key: "ABCDEFGH"[position] for position, key in enumerate(options)}
            options = {lettered[key]: text for key, text in options.items()}
            answer = lettered[answer] if isinstance(answer, str) else [lettered[letter] for letter in letters]
    elif kind == "premise" and not lists["expect"]:
        raise DatasetError(f"{where}: a premise row needs at least one expect alias (what the notes say instead)")
    elif kind in ("comparison", "explanation", "howto") and not (lists["expect_all"] or lists["expect"]):
        raise DatasetError(f"{where}: a {kind} row needs expect_all (or expect)")
    elif kind in ("scenario", "fact") and not lists["expect"]:
        raise DatasetError(f"{where}: an in-scope item needs at least one expect alias")
    return EvalItem(
        id=str(raw["id"]), kind=kind, question=str(raw["question"]), options=dict(options), answer=answer, **lists
    )


def load_dataset(path: Path) -> list[EvalItem]:
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such dataset file")
    items: list[EvalItem] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"{where}: not valid JSON ({error.msg})") from error
        item = _parse_item(raw, where)
        if item.id in seen:
            raise DatasetError(f"{where}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise DatasetError(f"{path}: the dataset is empty")
    return items


# --- scoring one answer and a run ---------------------------------------------------------------


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("`", "")).strip().lower()


def contains_all(text: str, phrases: Iterable[str]) -> bool:
    """Every phrase is in the text (case, spacing and code ticks aside)."""
    haystack = _normalise(text)
    return all(_normalise(p) in haystack for p in phrases if p.strip())


def choice_correct(choice: str | list[str] | None, answer: str | list[str] | None) -> bool:
    if choice is None or answer is None:
        return False
    picked = {choice} if isinstance(choice, str) else set(choice)
    wanted = {answer} if isinstance(answer, str) else set(answer)
    return picked == wanted


def full_text(answer) -> str:
    """Everything an answer says: its text, a comparison table's cells, the per-option reasons."""
    parts = [answer.answer]
    if answer.table is not None:
        parts += [" ".join(answer.table.columns)] + [" ".join(row) for row in answer.table.rows]
    parts += [o.reason for o in answer.options]
    if answer.premise is not None:
        parts.append(answer.premise.correction)
    return "\n".join(parts)


def item_correct(item: EvalItem, answer) -> bool:
    """Whether one answer is right for its item (see the module docstring for each kind's rule)."""
    if not item.in_scope:
        return bool(answer.abstained)
    if answer.abstained:
        return False
    if item.options:
        return choice_correct(answer.choice, item.answer)
    if item.kind == "premise":
        return answer.premise is not None and _contains_any(full_text(answer), item.expect)
    if item.kind in ("comparison", "explanation", "howto"):
        text = full_text(answer)
        return contains_all(text, item.expect_all) and (not item.expect or _contains_any(text, item.expect))
    return answer_correct(answer.recommendation, answer.lead, item.expect, item.forbid)


def score_item(item: EvalItem, answer, retrieved_texts: list[str]) -> dict:
    """The answer contract plus the metric fields for one item."""
    row = answer.to_dict()
    trace = row.pop("trace", None) or {}  # kept out of the saved rows: large, and not a metric ...
    for key in ("prompt_tokens", "timings"):  # ... except what the LLM path measured (prompt size, timings)
        if key in trace:
            row[key] = trace[key]
    rank = evidence_rank(retrieved_texts, item.evidence)
    cited_texts = [c.text for c in answer.citations]
    row.update(
        {
            "id": item.id,
            "kind": item.kind,
            "answer_kind": answer.kind,
            "correct": item_correct(item, answer),
            "evidence_rank": rank,
            "evidence_cited": _contains_any("\n".join(cited_texts), item.evidence) if item.evidence else None,
            "citations_valid": citations_valid(answer.answer, [c.n for c in answer.citations])
            or not answer.citations
            and not cited_numbers(answer.answer),
            "expect": item.expect or item.expect_all,
            "expected_choice": item.answer,
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
    choice_rows = [r for r in in_scope if r.get("expected_choice") is not None]
    by_kind: dict[str, list[bool]] = {}
    for r in in_scope:
        by_kind.setdefault(r["kind"], []).append(bool(r["correct"]))
    return {
        "items": len(rows),
        "in_scope": len(in_scope),
        "out_of_scope": len(out_scope),
        "answer_accuracy": mean(1.0 if r["correct"] else 0.0 for r in in_scope),
        "correct": sum(1 for r in in_scope if r["correct"]),
        "multiple_choice_accuracy": mean(1.0 if r["correct"] else 0.0 for r in choice_rows),
        "multiple_choice_items": len(choice_rows),
        "accuracy_by_kind": {k: mean(1.0 if v else 0.0 for v in values) for k, values in sorted(by_kind.items())},
        "items_by_kind": {k: len(values) for k, values in sorted(by_kind.items())},
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
    "multiple_choice_accuracy": "Multiple-choice accuracy",
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

#: One line per metric, for readers of the report and the Evals page.
METRIC_HELP = {
    "answer_accuracy": "Share of in-scope questions answered right (each kind by its own rule).",
    "multiple_choice_accuracy": "Share of pasted multiple-choice questions where the picked option(s) are the key.",
    "hit@1": "Share of questions whose supporting passage is the first one retrieved.",
    "hit@3": "Share of questions whose supporting passage is among the first three retrieved.",
    "hit@5": "Share of questions whose supporting passage is among the first five retrieved.",
    "mrr": "Mean reciprocal rank of the supporting passage (1 = always first, 0.5 = always second).",
    "citation_validity": "Share of answers whose [n] markers and citation list match exactly.",
    "evidence_in_citations": "Share of answers that cite the passage holding the evidence.",
    "out_of_scope_abstention": "Share of questions the notes do not cover that were declined.",
    "false_abstentions": "In-scope questions that were wrongly declined.",
    "latency_p50_ms": "Median time to answer one question, in milliseconds.",
    "latency_p95_ms": "95th-percentile time to answer one question, in milliseconds.",
}


def format_metric(key: str, value: float | int) -> str:
    if key.endswith("_ms"):
        return f"{value:.1f}"
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def misses(rows: list[dict]) -> list[dict]:
    """The wrong answers of a run, as question / expected / got / cited sections."""
    found = []
    for r in rows:
        if r["correct"]:
            continue
        if r["kind"] == "out_of_scope":
            expected = "abstain"
        elif r.get("expected_choice") is not None:
            wanted = r["expected_choice"]
            expected = wanted if isinstance(wanted, str) else "+".join(wanted)
        else:
            expected = " / ".join(r["expect"])
        if r["abstained"]:
            got = "(abstained)"
        elif r.get("expected_choice") is not None:
            choice = r.get("choice")
            got = "no option picked" if choice is None else choice if isinstance(choice, str) else "+".join(choice)
        else:
            got = r["recommendation"] or r["answer"].split("\n", 1)[0]
        found.append(
            {
                "id": r["id"],
                "kind": r["kind"],
                "question": r["question"],
                "expected": expected,
                "got": got,
                "cited sections": "; ".join(r["cited_sections"]) or "none",
            }
        )
    return found


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
        if key == "multiple_choice_accuracy" and not any(summaries[m]["multiple_choice_items"] for m in modes):
            continue
        lines.append(f"| {label} | " + " | ".join(format_metric(key, summaries[m][key]) for m in modes) + " |")
    kinds = sorted({k for m in modes for k in summaries[m]["accuracy_by_kind"]})
    if len(kinds) > 1:
        lines += [
            "",
            "Accuracy by question kind:",
            "",
            "| Kind | " + " | ".join(modes) + " |",
            "| --- |" + " --- |" * len(modes),
        ]
        for kind in kinds:
            cells = [
                f"{summaries[m]['accuracy_by_kind'].get(kind, 0.0):.3f} ({summaries[m]['items_by_kind'].get(kind, 0)})"
                for m in modes
            ]
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    for mode in modes:
        wrong = misses(rows_by_mode[mode])
        lines += ["", f"## Misses ({mode}): {len(wrong)}", ""]
        if not wrong:
            lines.append("None.")
        for m in wrong:
            question = m["question"].replace("\n", " / ")
            lines.append(
                f"- **{m['id']}** ({m['kind']}): {question}  \n"
                f"  expected: {m['expected']}; got: {m['got']}; cited: {m['cited sections']}"
            )
    return "\n".join(lines) + "\n"


@dataclass
class EvalRun:
    summaries: dict[str, dict]
    rows: dict[str, list[dict]]
    out_dir: Path


ProgressFn = Callable[[str, int, int], None]


def _ask_item(assistant, item: EvalItem, mode: str, backend: str):
    """Ask an item's question after its history, each earlier question answered for real."""
    history: list[dict] = []
    for earlier in item.history:
        previous = assistant.ask(earlier, history=history, mode=mode, backend=backend)
        history += [{"role": "user", "content": earlier}, {"role": "assistant", "content": previous.answer}]
    return assistant.ask_with_passages(item.asked_text, history=history or None, mode=mode, backend=backend)


def run_eval(
    assistant,
    dataset: Path,
    out_dir: Path,
    modes: list[str] | None = None,
    progress: ProgressFn | None = None,
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
            answer, passages = _ask_item(assistant, item, mode, backend)
            row = score_item(item, answer, [p.chunk.text for p in passages])
            row["mode"] = label
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


# --- suites: several datasets, units of notes indexed on their own -------------------------------


@dataclass
class SuiteSet:
    """One dataset of a suite and the notes it is asked of (None: the assistant's own notes)."""

    name: str
    dataset: Path
    notes: Path | None = None


def suite_sets(suite_dir: Path) -> list[SuiteSet]:
    """The datasets of a suite folder: top-level `*.jsonl` over the configured notes, then each
    `units/<name>/questions.jsonl` over the notes beside it."""
    suite_dir = Path(suite_dir)
    if not suite_dir.is_dir():
        raise DatasetError(f"{suite_dir}: no such suite folder")
    sets = [SuiteSet(path.stem, path) for path in sorted(suite_dir.glob("*.jsonl"))]
    for unit in sorted(p for p in (suite_dir / "units").glob("*") if (p / "questions.jsonl").is_file()):
        sets.append(SuiteSet(f"unit:{unit.name}", unit / "questions.jsonl", unit))
    if not sets:
        raise DatasetError(f"{suite_dir}: no datasets (*.jsonl or units/*/questions.jsonl) in this folder")
    return sets


@dataclass
class SuiteRun:
    suite: str
    runs: dict[str, EvalRun]
    out_dir: Path


def run_suite(
    assistant,
    suite_dir: Path,
    out_dir: Path,
    unit_assistant: Callable[[Path, str], Any],
    modes: list[str] | None = None,
    progress: ProgressFn | None = None,
    llm: bool = False,
) -> SuiteRun:
    """Run every set of a suite; `unit_assistant(notes_dir, name)` gives a ready assistant over a unit."""
    suite_dir = Path(suite_dir)
    out_dir = Path(out_dir)
    runs: dict[str, EvalRun] = {}
    for entry in suite_sets(suite_dir):
        target = assistant if entry.notes is None else unit_assistant(entry.notes, entry.name)
        label = entry.name.replace(":", "-")
        logger.info("evaluating %s (%s)", entry.name, entry.dataset)
        runs[entry.name] = run_eval(target, entry.dataset, out_dir / label, modes=modes, progress=progress, llm=llm)
    summary = {
        "suite": str(suite_dir),
        "sets": {name: {"dataset": str(run.out_dir), "modes": run.summaries} for name, run in runs.items()},
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    (out_dir / "report.md").write_text(render_suite_report(str(suite_dir), runs), encoding="utf-8")
    return SuiteRun(suite=str(suite_dir), runs=runs, out_dir=out_dir)


def render_suite_report(suite: str, runs: dict[str, EvalRun]) -> str:
    lines = [
        f"# Evaluation of the suite `{suite}`",
        "",
        "| Set | Mode | Right | Accuracy | Multiple choice | Out-of-scope declined | False abstentions | "
        "Citations valid | p50 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, run in runs.items():
        for mode, s in run.summaries.items():
            mc = (
                f"{s['multiple_choice_accuracy']:.3f} ({s['multiple_choice_items']})"
                if s["multiple_choice_items"]
                else "-"
            )
            oos = f"{s['out_of_scope_abstention']:.3f} ({s['out_of_scope']})" if s["out_of_scope"] else "-"
            lines.append(
                f"| {name} | {mode} | {s['correct']}/{s['in_scope']} | {s['answer_accuracy']:.3f} | {mc} | "
                f"{oos} | {s['false_abstentions']} | {s['citation_validity']:.3f} | {s['latency_p50_ms']:.1f} |"
            )
    lines += ["", "Each set's misses are in its own folder's report.md."]
    return "\n".join(lines) + "\n"


def load_saved_run(out_dir: Path) -> tuple[dict, list[dict]] | None:
    """The last saved run in `out_dir` (summary and rows), or None when there is none."""
    out_dir = Path(out_dir)
    summary_path, rows_path = out_dir / "summary.json", out_dir / "per_item.jsonl"
    if not summary_path.exists() or not rows_path.exists():
        return None
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in rows_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return summary, rows
