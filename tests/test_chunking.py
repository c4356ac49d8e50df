from assistant.chunking import MAX_CHARS, TARGET_CHARS, Chunk, chunk_id, chunk_markdown

NOTES = """# Unit 9 Networking

Intro paragraph for the unit.

# 1.0 Connectivity

## 1.1 Intro to Amazon VPC

### Subnets

- Public subnet: Has a route to an internet gateway.
- Private subnet: No direct route to the internet.
  - Use a NAT gateway for outbound traffic.

### Comparison

| | Gateway | Endpoint |
| --- | --- | --- |
| Cost | Hourly | Free |

### Exam Tip

- Focus: For private access to S3 without the internet, use a gateway endpoint.

```bash
aws ec2 create-vpc-endpoint
```
"""


def test_chunking_records_heading_path_below_the_title():
    chunks = chunk_markdown(NOTES, "unit9.md")
    sections = [c.section for c in chunks]
    assert "1.1 Intro to Amazon VPC > Subnets" in sections
    assert "1.1 Intro to Amazon VPC > Exam Tip" in sections
    assert sections[0] == "Unit 9 Networking"


def test_chunking_keeps_bullet_groups_tables_and_code_whole():
    chunks = chunk_markdown(NOTES, "unit9.md")
    subnets = next(c for c in chunks if c.section.endswith("Subnets"))
    assert "NAT gateway" in subnets.text and "Public subnet" in subnets.text
    table = next(c for c in chunks if c.section.endswith("Comparison"))
    assert table.text.count("|") >= 12
    tip = next(c for c in chunks if c.section.endswith("Exam Tip"))
    assert "create-vpc-endpoint" in tip.text and "gateway endpoint" in tip.text


def test_chunking_ids_are_deterministic_and_depend_on_source_section_text():
    first = chunk_markdown(NOTES, "unit9.md")
    again = chunk_markdown(NOTES, "unit9.md")
    assert [c.id for c in first] == [c.id for c in again]
    other = chunk_markdown(NOTES, "other.md")
    assert not {c.id for c in first} & {c.id for c in other}
    assert first[0].id == chunk_id("unit9.md", first[0].section, first[0].text)
    assert len({c.id for c in first}) == len(first)


def test_chunking_positions_count_up_in_document_order():
    chunks = chunk_markdown(NOTES, "unit9.md")
    assert [c.position for c in chunks] == list(range(len(chunks)))


def test_chunking_splits_a_long_section_into_bounded_chunks():
    items = "\n".join(f"- Point {i}: " + "word " * 30 for i in range(40))
    chunks = chunk_markdown(f"## Big\n\n{items}\n", "big.md")
    assert len(chunks) > 5
    assert all(len(c.text) <= MAX_CHARS for c in chunks)
    assert sum(c.text.count("- Point") for c in chunks) == 40


def test_chunking_splits_one_huge_paragraph_at_sentences():
    text = "## Wall\n\n" + " ".join(f"Sentence number {i} says something about storage." for i in range(200))
    chunks = chunk_markdown(text, "wall.md")
    assert len(chunks) > 3 and all(len(c.text) <= MAX_CHARS for c in chunks)


def test_chunking_embedding_text_round_trips_through_storage():
    chunk = chunk_markdown(NOTES, "unit9.md")[2]
    assert chunk.embedding_text.startswith(chunk.section + "\n")
    restored = Chunk.from_stored(chunk.id, chunk.embedding_text, chunk.metadata())
    assert restored == chunk


def test_chunking_of_text_without_headings_uses_the_file_name():
    chunks = chunk_markdown("Just one paragraph of notes about queues and topics.\n", "folder/queues.txt")
    assert len(chunks) == 1 and chunks[0].section == "queues"


def test_chunking_of_the_course_notes_gives_one_idea_chunks():
    from conftest import CORPUS

    chunks = chunk_markdown((CORPUS / "u3-data-operations-and-support.md").read_text(), "u3.md")
    assert 50 <= len(chunks) <= 120
    assert any(c.section == "2.2 Intro to Amazon EMR > Hive Metastore" for c in chunks)
    assert max(len(c.text) for c in chunks) <= MAX_CHARS


def test_a_cards_answer_after_a_blank_line_stays_with_its_question():
    # A PDF's page break or a loose layout leaves a blank line between a card's question and its answer. Here
    # the question would just fit in the chunk before it, and its answer would not.
    filler = "Q: What is filler?\nA: " + "x" * (TARGET_CHARS - 60)
    card = "Q: What does a startup probe do?\n\nA: It protects slow-starting containers."
    markdown = f"# Cards\n\n{filler}\n\n{card}\n\n{filler}\n"
    chunks = chunk_markdown(markdown, "cards.md")
    holding = [c for c in chunks if "startup probe" in c.text]
    assert len(holding) == 1 and "protects slow-starting containers" in holding[0].text
