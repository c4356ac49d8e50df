import os
from pathlib import Path

import pytest
from conftest import SOURCE_NOTES

from assistant.loading import (
    UnreadableFile,
    discover,
    html_to_markdown,
    load_file,
    text_to_markdown,
)

MB = 1_000_000


def _make_pdf(path: Path, text: str) -> None:
    """A real one-page PDF with `text`, written with pypdf (no network, no extra tools)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    stream = DecodedStreamObject()
    lines = "".join(f"BT /F1 12 Tf 72 {720 - 16 * i} Td ({line}) Tj ET\n" for i, line in enumerate(text.split("\n")))
    stream.set_data(lines.encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    with open(path, "wb") as out:
        writer.write(out)


def test_load_markdown_as_is(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("# Title\n\n- point\n")
    loaded = load_file(path, "a.md", MB)
    assert loaded.markdown.startswith("# Title") and len(loaded.sha256) == 64


def test_load_plain_text_notes_become_markdown():
    text = "U9 Networking\n\n1.0 Connect\n\n1.1 Intro to VPC\n\nSubnets\n\n  • Public: route out.\n    • Nested detail.\n  1. First step\n"
    markdown = text_to_markdown(text)
    assert "# U9 Networking" in markdown
    assert "# 1.0 Connect" in markdown and "## 1.1 Intro to VPC" in markdown
    assert "### Subnets" in markdown
    assert "- Public: route out." in markdown and "   - Nested detail." in markdown


def test_a_short_card_answer_in_plain_text_is_not_a_heading():
    markdown = text_to_markdown("Deck\n\nQ: Follow a job's log live?\nA: ztail -f jobname\n\nQ: Next card?\nA: Yes.\n")
    assert "# A:" not in markdown and "A: ztail -f jobname" in markdown


@pytest.mark.skipif(not SOURCE_NOTES.exists(), reason="shared notes not present")
def test_load_the_course_text_notes_keeps_their_sections():
    markdown = text_to_markdown(SOURCE_NOTES.read_text(encoding="utf-8"))
    assert "## 2.2 Intro to Amazon EMR" in markdown
    assert "### Hive Metastore" in markdown
    assert "MSCK REPAIR TABLE" in markdown


def test_load_html_keeps_structure_and_drops_scripts(tmp_path):
    html = """<html><head><style>p{}</style><script>alert(1)</script></head><body>
    <h2>Queues</h2><p>Use SQS for decoupling.</p><ul><li>Standard</li><li>FIFO<ul><li>Ordered</li></ul></li></ul>
    <table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>
    <pre>aws sqs create-queue</pre></body></html>"""
    markdown = html_to_markdown(html)
    assert "## Queues" in markdown and "Use SQS for decoupling." in markdown
    assert "- Standard" in markdown and "   - Ordered" in markdown
    assert "| A | B |" in markdown and "| 1 | 2 |" in markdown
    assert "aws sqs create-queue" in markdown
    assert "alert(1)" not in markdown and "p{}" not in markdown


def test_load_pdf_extracts_text(tmp_path):
    path = tmp_path / "notes.pdf"
    _make_pdf(path, "Kinesis Data Streams\nShards hold records for 24 hours")
    loaded = load_file(path, "notes.pdf", MB)
    assert "Kinesis Data Streams" in loaded.markdown and "Shards" in loaded.markdown


def test_load_truncated_pdf_is_unreadable_with_the_file_named(tmp_path):
    path = tmp_path / "broken.pdf"
    _make_pdf(path, "Some text")
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(UnreadableFile, match="broken.pdf"):
        load_file(path, "broken.pdf", MB)


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("binary.md", b"\x00\x01\x02\x03binary", "binary"),
        ("empty.txt", b"", "no text"),
        ("blank.md", b"   \n\n  ", "no text"),
    ],
)
def test_load_rejects_unusable_files_with_a_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=reason):
        load_file(path, name, MB)


def test_load_latin1_text_is_read_with_a_notice(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\xe9 notes: r\xe9sum\xe9 of Glue".encode("latin-1"))
    loaded = load_file(path, "latin.txt", MB)
    assert "Café" in loaded.markdown
    assert any("not UTF-8" in n and "latin.txt" in n for n in loaded.notices)


def test_load_refuses_files_over_the_size_limit(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("x" * 2000)
    with pytest.raises(UnreadableFile, match="limit"):
        load_file(path, "huge.txt", 1000)


def test_discover_walks_folders_and_reports_bad_paths(tmp_path):
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("b")
    (tmp_path / "sub" / "c.png").write_bytes(b"png")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "d.md").write_text("d")
    found = discover([tmp_path, tmp_path / "missing", tmp_path / "sub" / "c.png"])
    assert sorted(p.name for p in found.files) == ["a.md", "b.txt"]
    assert any("missing" in w for w in found.warnings)
    assert any("c.png" in w and "unsupported" in w for w in found.warnings)


def test_discover_survives_symlink_loops(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text("a")
    os.symlink(tmp_path / "notes", tmp_path / "notes" / "loop")
    os.symlink(tmp_path / "notes" / "self.md", tmp_path / "notes" / "self.md")
    found = discover([tmp_path / "notes"])
    assert [p.name for p in found.files] == ["a.md"]
    assert any("self.md" in w for w in found.warnings)


def test_an_html_glossary_becomes_term_definition_items(tmp_path):
    page = tmp_path / "glossary.html"
    page.write_text(
        "<h2>Glossary</h2><dl><dt>ETag</dt><dd>An entity tag that names one version of a response.</dd>"
        "<dt>Orphan term</dt><dt>PoP</dt><dd>Point of presence.</dd></dl><p>After the list.</p>"
    )
    markdown = load_file(page, "glossary.html", 1_000_000).markdown
    assert "- ETag: An entity tag that names one version of a response." in markdown
    assert "- Orphan term\n- PoP: Point of presence." in markdown and "After the list." in markdown
    assert "ETag An entity" not in markdown.replace("\n", " ")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_note_saved_as_utf16_or_utf32_is_read_with_a_notice(tmp_path, encoding):
    # Windows editors save "Unicode" text as UTF-16, with or without its byte-order mark.
    path = tmp_path / "u16.txt"
    path.write_bytes("Warehouses\n\nKAYAK_WH is for marketing; café reports.\n".encode(encoding))
    loaded = load_file(path, "u16.txt", MB)
    assert "KAYAK_WH is for marketing; café reports." in loaded.markdown
    assert any("read as UTF-" in notice for notice in loaded.notices)


def test_binary_whose_every_other_byte_is_zero_is_not_taken_for_utf16(tmp_path):
    path = tmp_path / "binary.md"
    path.write_bytes(b"\x00\xff" * 50)
    with pytest.raises(UnreadableFile, match="looks binary"):
        load_file(path, "binary.md", MB)
