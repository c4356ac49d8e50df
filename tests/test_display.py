"""Display helpers: notes are escaped, [n] markers become links, code blocks are code."""

from assistant.answer import Citation, OptionVerdict
from assistant.display import (
    answer_markdown_linked,
    citation_label,
    highlight_passage,
    options_markdown,
    passage_blocks,
    table_markdown,
)

SQL_PASSAGE = """1. Partitioning
   - Imp: run MSCK REPAIR TABLE for Hive style partitions.

   ```sql
   CREATE EXTERNAL TABLE tickets (
      user string
   )
   PARTITIONED BY (month string)
   ```

2. Data Compression"""


def test_code_fences_become_code_blocks_with_their_language_and_indent_removed():
    blocks = passage_blocks(SQL_PASSAGE)
    assert [b.kind for b in blocks] == ["text", "code", "text"]
    code = blocks[1]
    assert code.language == "sql"
    assert code.text == "CREATE EXTERNAL TABLE tickets (\n   user string\n)\nPARTITIONED BY (month string)"
    assert "```" not in blocks[0].text + blocks[2].text


def test_a_passage_cut_inside_a_fence_is_still_code():
    blocks = passage_blocks("- Example:\n```\nSELECT 1;")
    assert blocks[-1].kind == "code" and blocks[-1].text == "SELECT 1;"


def test_citation_markers_become_links_and_nothing_else_does():
    text = answer_markdown_linked("Use Amazon Macie [1].\n- It scans S3 [2]. See [x] or [12a].", "m7")
    assert "[\\[1\\]](#cite-m7-1)" in text and "[\\[2\\]](#cite-m7-2)" in text
    assert "\\[x\\]" in text and "\\[12a\\]" in text
    assert answer_markdown_linked("Use X [1].", None) == "Use X \\[1\\]\\.  "


def test_citation_label_is_section_path_then_file():
    citation = Citation(1, "u3.md", "3.1 Athena > Partitioning", "text", 0.58)
    assert citation_label(citation) == "3.1 Athena > Partitioning - u3.md"
    assert citation_label(Citation(1, "u3.md", "", "text", 0.5)) == "u3.md"


def test_tables_and_options_escape_note_text_and_keep_links():
    table = table_markdown(["aspect", "A|B", "<b>C</b>"], [["cost", "low [1]"]], anchor="m1")
    assert "A\\|B" in table and "&lt;b&gt;C&lt;/b&gt;" in table and "<b>" not in table
    assert "| cost | low [\\[1\\]](#cite-m1-1) |   |" in table
    options = options_markdown(
        [OptionVerdict("A", "<i>Macie</i>", False, "scans PII [2]"), OptionVerdict("B", "Glue", True, "runs ETL [1]")],
        anchor="m1",
    )
    assert "<i>" not in options and ":green[**✓ B\\. Glue**]" in options
    assert "(#cite-m1-2)" in options


def test_highlighted_passage_is_escaped():
    marked = highlight_passage("- <script>x()</script> Use Macie", ["Use Macie"])
    assert "<script>" not in marked and ":orange-background[" in marked


def test_inline_code_is_shown_as_code_and_everything_around_it_stays_escaped():
    linked = answer_markdown_linked("- Run `git bisect run ./test.sh` *now* [1].\nA lone ` stays.", "m1")
    assert "`git bisect run ./test.sh`" in linked and "\\*now\\*" in linked and "(#cite-m1-1)" in linked
    assert "A lone \\` stays" in linked
    table = table_markdown(["aspect", "`git pull`"], [["does", "fetch, then `merge` [2]"]], anchor="m1")
    assert "| `git pull` |" in table and "`merge` [\\[2\\]](#cite-m1-2)" in table
    options = options_markdown([OptionVerdict("A", "x", False, "`<b>` is shown, not run")])
    assert "`<b>` is shown" in options


def test_in_a_paragraph_only_the_sentence_the_answer_relied_on_is_marked():
    paragraph = "A CDN keeps copies near users. Purging  removes them\tbefore they expire. Shields help."
    marked = highlight_passage(paragraph, ["purging removes them before they expire."])
    assert marked.startswith("A CDN keeps copies near users\\. :orange-background[Purging  removes them")
    assert marked.endswith("] Shields help\\.")
    whole = highlight_passage("- Use Macie for PII", ["Use Macie for PII"])  # a whole line is still marked whole
    assert whole == "• :orange-background[Use Macie for PII]"
