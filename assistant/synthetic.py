"""Synthetic notes for benchmarks and crash tests, made reproducibly from a real notes folder.

Each copy of every note gets a unit number in its headings and a variant tag in its lines, so
chunks stay realistic (same shapes and vocabulary) while every chunk text is unique.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from .loading import discover, load_file


def make_synthetic_corpus(source_dir: Path, target_dir: Path, copies: int, seed: int = 7) -> list[Path]:
    """Write `copies` variants of every note in `source_dir` into `target_dir`; returns the files."""
    target_dir.mkdir(parents=True, exist_ok=True)
    originals = [load_file(p, p.name, 50_000_000).markdown for p in discover([source_dir]).files]
    rng = random.Random(seed)
    written = []
    for copy in range(copies):
        for number, markdown in enumerate(originals):
            unit = f"U{100 + copy}"
            lines = []
            for line in markdown.split("\n"):
                if line.startswith("#"):
                    line = re.sub(r"^(#+\s+)", rf"\g<1>{unit} ", line)
                elif line.strip().startswith(("-", "1", "2", "3", "4")) and line.strip():
                    line = f"{line} (variant {copy}.{rng.randint(0, 9999)})"
                lines.append(line)
            path = target_dir / f"unit-{copy:04d}-{number}.md"
            path.write_text("\n".join(lines), encoding="utf-8")
            written.append(path)
    return written
