"""Refit the coverage gate's weights (ReaderSettings.gate_weights, gate_bias) on the DEV sets only.

    .venv/bin/python evals/tools/fit_gate.py [--data-dir /tmp/fit-gate]

Every dev question (course sets and each unit of notes, indexed on its own) is understood and retrieved
as the assistant would; the gate's features are recorded with whether the question is in scope. A logistic
regression with balanced classes is fitted; held out one set of notes at a time, it reports how many
in-scope questions it would decline and how many out-of-scope ones it would answer. Never run on evals/test.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.core import Assistant
from assistant.evaluation import load_dataset, suite_sets

FEATURES = ("evidence", "subject_line", "foreign", "unknown")


def collect(data_dir: Path) -> list[dict]:
    base = Assistant(Settings(data_dir=data_dir, corpus_dir=Path("corpus")))
    base.ingest()
    rows = []
    for entry in suite_sets(Path("evals/dev")):
        assistant = base if entry.notes is None else base.assistant_for_notes(entry.notes, entry.name)
        index = assistant.index
        group = "course" if entry.notes is None else entry.name
        for item in load_dataset(entry.dataset):
            if item.history:
                continue  # follow-ups depend on the earlier answers; the gate sees them the same way
            query = assistant.understand(item.asked_text)
            retrieval = assistant._retrieve(query, None, None)
            gate = index.gate.run(query, retrieval)
            foreign = len(gate.foreign_names)
            rows.append(
                {
                    "group": group,
                    "in_scope": item.in_scope,
                    "evidence": max(gate.best_passage, gate.best_line - assistant.settings.reader.line_discount),
                    "subject_line": gate.best_subject_line,
                    "foreign": foreign / (foreign + gate.known_names + 1),
                    "unknown": gate.unknown_share,
                }
            )
    return rows


def fit(
    x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 3000, rate: float = 0.5
) -> tuple[np.ndarray, float]:
    weights, bias = np.zeros(x.shape[1]), 0.0
    balance = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ weights + bias)))
        gradient = (p - y) * balance
        weights -= rate * (x.T @ gradient / len(y) + l2 * weights)
        bias -= rate * gradient.mean()
    return weights, bias


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/fit-gate"))
    parser.add_argument("--save", type=Path, help="also write the collected features here (JSON)")
    args = parser.parse_args()
    rows = collect(args.data_dir)
    if args.save:
        args.save.write_text(json.dumps(rows))
    x = np.array([[r[f] for f in FEATURES] for r in rows])
    y = np.array([1.0 if r["in_scope"] else 0.0 for r in rows])
    declined = answered = 0
    for group in sorted({r["group"] for r in rows}):
        train = np.array([r["group"] != group for r in rows])
        weights, bias = fit(x[train], y[train])
        covered = x[~train] @ weights + bias >= 0
        declined += int((~covered & (y[~train] == 1)).sum())
        answered += int((covered & (y[~train] == 0)).sum())
    weights, bias = fit(x, y)
    reader = Settings().reader
    current = np.array([reader.gate_weights.get(f, 0.0) for f in FEATURES])
    now = x @ current + reader.gate_bias >= 0
    print(f"{int(y.sum())} in scope, {int(len(y) - y.sum())} out of scope")
    print(
        f"the settings' weights: {int((~now & (y == 1)).sum())} wrongly declined, "
        f"{int((now & (y == 0)).sum())} wrongly answered"
    )
    print(f"held out one set of notes at a time: {declined} wrongly declined, {answered} wrongly answered")
    print(
        "gate_weights =",
        {f: round(float(w), 2) for f, w in zip(FEATURES, weights, strict=True)},
        "gate_bias =",
        round(bias, 2),
    )


if __name__ == "__main__":
    main()
