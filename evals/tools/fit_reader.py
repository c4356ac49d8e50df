"""Check the reader's candidate weights (ReaderSettings.candidate_weights) on the DEV sets only.

    .venv/bin/python evals/tools/fit_reader.py [--data-dir /tmp/fit-reader]

For every dev choice question, the candidates' features are recorded with whether each is the expected
answer; the current weights' top-1 accuracy is reported per set of notes, beside a conditional logit fitted
on the other sets of notes (held out one at a time), so a change is judged by how it carries to notes it was
not fitted on. Never run on evals/test.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.core import Assistant
from assistant.evaluation import load_dataset, suite_sets
from assistant.reader import CANDIDATE_FEATURES


def collect(data_dir: Path) -> list[dict]:
    base = Assistant(Settings(data_dir=data_dir, corpus_dir=Path("corpus")))
    base.ingest()
    questions = []
    for entry in suite_sets(Path("evals/dev")):
        assistant = base if entry.notes is None else base.assistant_for_notes(entry.notes, entry.name)
        for item in load_dataset(entry.dataset):
            if item.kind not in ("scenario", "fact") or not item.expect:
                continue
            history: list[dict] = []
            for earlier in item.history:
                previous = assistant.ask(earlier, history=history)
                history += [{"role": "user", "content": earlier}, {"role": "assistant", "content": previous.answer}]
            answer = assistant.ask(item.asked_text, history=history or None)
            candidates = answer.trace.get("candidates") or []
            if answer.kind != "choice" or not candidates:
                continue
            questions.append(
                {
                    "group": "course" if entry.notes is None else entry.name,
                    "features": [[c["factors"].get(f, 0.0) for f in CANDIDATE_FEATURES] for c in candidates],
                    "labels": [
                        any(e.lower() in c["name"].lower() or c["name"].lower() in e.lower() for e in item.expect)
                        for c in candidates
                    ],
                }
            )
    return questions


def fit(questions: list[dict], l2: float = 0.05, steps: int = 800, rate: float = 0.3) -> np.ndarray:
    weights = np.zeros(len(CANDIDATE_FEATURES))
    weights[CANDIDATE_FEATURES.index("strength")] = 1.0
    usable = [q for q in questions if any(q["labels"])]
    for _ in range(steps):
        gradient = np.zeros_like(weights)
        for q in usable:
            x, y = np.array(q["features"]), np.array(q["labels"], float)
            scores = x @ weights
            p = np.exp(scores - scores.max())
            p /= p.sum()
            gradient += x.T @ (p - p * y / (p * y).sum())
        weights -= rate * (gradient / len(usable) + l2 * weights)
    return weights


def right(questions: list[dict], weights: np.ndarray) -> int:
    return sum(q["labels"][int(np.argmax(np.array(q["features"]) @ weights))] for q in questions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/fit-reader"))
    args = parser.parse_args()
    questions = collect(args.data_dir)
    configured = Settings().reader.candidate_weights
    current = np.array([configured.get(f, 0.0) for f in CANDIDATE_FEATURES])
    print(
        f"{len(questions)} choice questions; the expected answer is a candidate in "
        f"{sum(any(q['labels']) for q in questions)}"
    )
    for group in sorted({q["group"] for q in questions}):
        held = [q for q in questions if q["group"] == group]
        fitted = fit([q for q in questions if q["group"] != group])
        print(
            f"{group}: current weights {right(held, current)}/{len(held)}, "
            f"fitted on the other notes {right(held, fitted)}/{len(held)}"
        )
    print("fitted on all:", {f: round(float(w), 2) for f, w in zip(CANDIDATE_FEATURES, fit(questions), strict=True)})


if __name__ == "__main__":
    main()
