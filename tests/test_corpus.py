"""The Markdown corpus keeps every content line of the source notes."""

import re

import pytest
from conftest import CORPUS, SOURCE_NOTES


def _normalise(line: str) -> str:
    line = re.sub(r"^\s*(?:[•\-*]|\d+\.)\s+", "", line.strip())
    line = re.sub(r"^#+\s+", "", line)
    return re.sub(r"\s+", " ", line).strip().strip("|").strip()


@pytest.mark.skipif(not SOURCE_NOTES.exists(), reason="the shared source notes are not beside this checkout")
def test_corpus_keeps_every_source_line():
    corpus_text = "\n".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.md"))
    corpus_lines = {_normalise(line) for line in corpus_text.splitlines()}
    corpus_flat = re.sub(r"\s+", " ", re.sub(r"[|#*`\-]", " ", corpus_text))
    missing = []
    for line in SOURCE_NOTES.read_text(encoding="utf-8").splitlines():
        wanted = _normalise(line)
        if not wanted or wanted == "Skip to content" or re.match(r"^\d{4}-\d\d-\d\d ", wanted):
            continue
        # Table rows were re-laid as Markdown cells: compare their words in order.
        flat = re.sub(r"\s+", " ", re.sub(r"[|#*`\-]", " ", wanted)).strip()
        if wanted not in corpus_lines and flat not in corpus_flat:
            missing.append(line.strip())
    assert missing == []


def test_corpus_uses_markdown_structure():
    text = (CORPUS / "u3-data-operations-and-support.md").read_text(encoding="utf-8")
    assert "## 2.2 Intro to Amazon EMR" in text
    assert "### Hive Metastore" in text
    assert "```sql" in text and "CREATE EXTERNAL TABLE tickets" in text
    assert "| Use Case | BI | Resource Optimization |" in text
    assert "\n- " in text and "•" not in text
