"""Show why the reader missed the questions of one DEV set: its top candidates with their features, and
where the expected answer ranks. For tuning on dev only - never point it at evals/test.

    .venv/bin/python evals/tools/diagnose.py evals/dev/units/aws-data-ingestion/questions.jsonl [scenario,fact]
"""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.config import Settings
from assistant.core import Assistant
from assistant.evaluation import item_correct, load_dataset


def main() -> None:
    path = Path(sys.argv[1])
    if "evals/test" in path.as_posix():
        sys.exit("evals/test is held out: diagnose dev sets only")
    kinds = sys.argv[2].split(",") if len(sys.argv) > 2 else ["scenario", "fact"]
    base = Assistant(Settings(data_dir=Path("/tmp/diagnose"), corpus_dir=Path("corpus")))
    base.ingest()
    assistant = base if path.name != "questions.jsonl" else base.assistant_for_notes(path.parent, path.parent.name)
    right = total = 0
    for item in load_dataset(path):
        if item.kind not in kinds:
            continue
        history: list[dict] = []
        for earlier in item.history:
            previous = assistant.ask(earlier, history=history)
            history += [{"role": "user", "content": earlier}, {"role": "assistant", "content": previous.answer}]
        answer = assistant.ask(item.asked_text, history=history or None)
        total += 1
        if item_correct(item, answer):
            right += 1
            continue
        trace = answer.trace
        print(f"\nx [{item.kind} -> {answer.kind}] {item.question[:160]}")
        print(
            f"   expected {item.expect or item.expect_all or item.answer} | got: {answer.answer.splitlines()[0][:110]}"
        )
        if answer.abstained:
            print(f"   declined: {trace.get('gate')}")
            continue
        for rank, candidate in enumerate(trace.get("candidates", [])[:5], start=1):
            expected = any(e.lower() in candidate["name"].lower() for e in item.expect)
            print(
                f"   {rank}. {'*' if expected else ' '} {candidate['score']:.3f} {candidate['name'][:40]:40} "
                f"{candidate['factors']} | {(candidate['best_line'] or '')[:70]}"
            )
    print(f"\n{right}/{total} right")


if __name__ == "__main__":
    main()
