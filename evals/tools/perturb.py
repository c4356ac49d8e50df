"""Copy a DEV suite with its scenario and fact questions typed the way learners type, to measure how much
the answers depend on tidy wording.

    .venv/bin/python evals/tools/perturb.py evals/dev /tmp/dev-typos --style typo [--seed 1]
    .venv/bin/study eval --suite /tmp/dev-typos --out /tmp/dev-typos-out

Styles: `typo` swaps two neighbouring letters in one word of six letters or more (never in an expected
answer); `chat` lower-cases the question and drops its question marks and final full stop; `layout` lays a
multiple-choice question's options out as a web page or a markdown file gives them, one layout per question in
turn (bold letters, list bullets, numbers, "Option A:"). Units of notes are copied beside their questions.
Other kinds of question are copied unchanged. Never run on evals/test to tune: the copies are as held out as
their originals.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from pathlib import Path

PERTURBED_KINDS = ("scenario", "fact")
#: How pasted options come out of web pages and markdown files (the `layout` style), by letter and text.
LAYOUTS = (
    lambda letter, text, index: f"**{letter}.** {text}",
    lambda letter, text, index: f"- {letter}) {text}",
    lambda letter, text, index: f"{index + 1}. {text}",
    lambda letter, text, index: f"Option {letter}: {text}",
)


def typo(question: str, keep: str, rng: random.Random) -> str:
    """One word of six letters or more, not part of an expected answer, with two inner letters swapped."""
    words = [m for m in re.finditer(r"\b[a-z]{6,}\b", question) if m.group(0) not in keep]
    if not words:
        return question
    word = rng.choice(words)
    text = word.group(0)
    at = rng.randrange(1, len(text) - 2)
    swapped = text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    return question[: word.start()] + swapped + question[word.end() :]


def chat(question: str) -> str:
    return question.lower().replace("?", "").rstrip(". ")


def layout(row: dict, number: int) -> str:
    """The question's stem with its options in the number-th layout of LAYOUTS, one per line."""
    from assistant.understanding import pasted_options

    stem, _ = pasted_options(row["question"])
    shown = LAYOUTS[number % len(LAYOUTS)]
    options = [shown(letter, text, index) for index, (letter, text) in enumerate(sorted(row["options"].items()))]
    return stem + "\n\n" + "\n".join(options)


def perturb_file(source: Path, target: Path, style: str, rng: random.Random) -> int:
    changed = 0
    rows = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if style == "layout":
            if row.get("options"):
                before = row["question"]
                row["question"] = layout(row, changed)
                changed += row["question"] != before
        elif row.get("kind") in PERTURBED_KINDS:
            keep = " ".join(row.get("expect", [])).lower()
            before = row["question"]
            row["question"] = typo(before, keep, rng) if style == "typo" else chat(before)
            changed += row["question"] != before
        rows.append(json.dumps(row, ensure_ascii=False))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("suite", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--style", choices=("typo", "chat", "layout"), default="typo")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    changed = 0
    for source in sorted(args.suite.glob("*.jsonl")):
        changed += perturb_file(source, args.out / source.name, args.style, rng)
    for unit in sorted(p for p in (args.suite / "units").glob("*") if p.is_dir()):
        for notes in unit.iterdir():
            if notes.name != "questions.jsonl" and notes.is_file():
                (args.out / "units" / unit.name).mkdir(parents=True, exist_ok=True)
                shutil.copy2(notes, args.out / "units" / unit.name / notes.name)
        changed += perturb_file(
            unit / "questions.jsonl", args.out / "units" / unit.name / "questions.jsonl", args.style, rng
        )
    print(f"{changed} questions {args.style}-perturbed into {args.out}")


if __name__ == "__main__":
    main()
