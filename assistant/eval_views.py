"""What the Evals page shows, computed from saved runs: which runs exist (one per dataset), the
metrics in long form for grouped bars, and a latency histogram. Each metric's one-line meaning is
evaluation.METRIC_HELP.

Saved runs are folders holding `summary.json` and `per_item.jsonl` (what `study eval` writes): the
eval dir itself and any folder below it (one per dataset or suite).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

#: Share metrics (0..1) drawn side by side per retrieval mode.
SHARE_METRICS = (
    "answer_accuracy",
    "multiple_choice_accuracy",
    "hit@1",
    "hit@3",
    "hit@5",
    "mrr",
    "citation_validity",
    "evidence_in_citations",
    "out_of_scope_abstention",
)

#: Metrics that mean nothing when the dataset has none of what they count (a 0% would mislead).
_NEEDS = {"multiple_choice_accuracy": "multiple_choice_items", "out_of_scope_abstention": "out_of_scope"}


def applies(key: str, values: dict) -> bool:
    """Whether a metric says something for this run (its dataset has the items it counts)."""
    needed = _NEEDS.get(key)
    return values.get(key) is not None and (needed is None or values.get(needed, 1) != 0)


@dataclass(frozen=True)
class SavedRun:
    folder: Path
    dataset: str
    modified: float

    @property
    def label(self) -> str:
        return self.dataset


def saved_runs(eval_dir: Path) -> list[SavedRun]:
    """Every readable saved run under `eval_dir`, newest first, one per dataset (the newest)."""
    eval_dir = Path(eval_dir)
    if not eval_dir.exists():
        return []
    runs: dict[str, SavedRun] = {}
    for summary_path in sorted(eval_dir.rglob("summary.json")):
        folder = summary_path.parent
        if not (folder / "per_item.jsonl").exists():
            continue
        try:
            dataset = str(json.loads(summary_path.read_text(encoding="utf-8")).get("dataset") or folder.name)
        except (OSError, ValueError, AttributeError) as error:
            logger.warning("skipping unreadable eval summary %s: %s", summary_path, error)
            continue
        run = SavedRun(folder, dataset, summary_path.stat().st_mtime)
        if dataset not in runs or run.modified > runs[dataset].modified:
            runs[dataset] = run
    return sorted(runs.values(), key=lambda r: -r.modified)


def metric_rows(summary: dict, metrics: tuple[str, ...] = SHARE_METRICS) -> list[dict]:
    """Long form for grouped bars: one row per (metric, mode) with its value."""
    from .evaluation import METRIC_LABELS

    rows = []
    for metric in metrics:
        for mode, values in summary.get("modes", {}).items():
            if applies(metric, values):
                rows.append({"metric": METRIC_LABELS.get(metric, metric), "mode": mode, "value": float(values[metric])})
    return rows


def latency_histogram(rows: list[dict], bins: int = 10) -> list[dict]:
    """Questions per latency bin and mode: [{"mode", "bin", "order", "questions"}]. Bins span the
    fast bulk (up to twice the 95th percentile); slower questions (a cold first one) share the last
    bin, labelled "≥ ...", so one outlier does not squash every other bar into one."""
    latencies = sorted(float(r["latency_ms"]) for r in rows if r.get("latency_ms") is not None)
    if not latencies:
        return []
    low = latencies[0]
    p95 = latencies[min(len(latencies) - 1, int(0.95 * (len(latencies) - 1) + 0.5))]
    high = min(latencies[-1], max(2 * p95, low + 1.0))
    width = max((high - low) / bins, 1e-9)
    overflow = latencies[-1] > high
    labels = [f"{low + i * width:.0f}–{low + (i + 1) * width:.0f}" for i in range(bins)]
    if overflow:
        labels[-1] = f"≥ {low + (bins - 1) * width:.0f}"
    counts: dict[tuple[str, int], int] = {}
    for row in rows:
        if row.get("latency_ms") is None:
            continue
        index = min(bins - 1, int((float(row["latency_ms"]) - low) / width))
        key = (str(row.get("mode", "")), index)
        counts[key] = counts.get(key, 0) + 1
    modes = sorted({mode for mode, _ in counts})
    return [
        {"mode": mode, "bin": labels[i], "order": i, "questions": counts.get((mode, i), 0)}
        for mode in modes
        for i in range(bins)
    ]


def shown_value(key: str, values: dict) -> str:
    """A metric as the Evals page shows it: shares as percentages, "-" where it does not apply."""
    value = values.get(key)
    if value is None or not applies(key, values) or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if key in SHARE_METRICS:
        return f"{float(value):.1%}"
    if key.endswith("_ms"):
        return f"{float(value):.0f}"
    return str(value)
