"""Reading what a passage asserts: names, labels, fit lines. Made-up notes, so nothing here leans on
the course's own wording."""

from assistant.chunking import Chunk
from assistant.retrieval import LexicalIndex
from assistant.statements import (
    ROLE_FIT,
    ROLE_LABEL,
    ROLE_PARENT,
    Vocabulary,
    canonical_key,
    named_spans,
    parse_passage,
)

NOTES = """- Use Zorblat Queue for buffering bursts of orders; use Plimsoll Streams for replaying events.
- Quandry Vault is ideal for rotating database credentials.
- Solution: Enable Zorblat Guard.
- Tessel Lake: stores curated tables for the analysts.
- Creating a Durable, Shared Zorblat Store
  - Tessel Lake is generally simpler than running a database yourself.
3. Murmur Exchange:
   - A marketplace for third-party data feeds.
- KVX (Key Value Exchange): Default; keeps hot items in memory.
- Teams often use the queue in a durable way; stores are shared."""


def _chunk(text: str, section: str = "1.1 Intro to Zorblat > Patterns") -> Chunk:
    return Chunk(id="c1", source="unit.md", section=section, text=text, position=0)


def _vocabulary() -> Vocabulary:
    return Vocabulary(LexicalIndex([_chunk(NOTES)]).lowercase_words)


def _subjects(parsed, text_start: str) -> dict[str, float]:
    statement = next(s for s in parsed.statements if s.text.startswith(text_start))
    return dict(statement.subjects)


def test_vocabulary_knows_names_from_common_words():
    vocabulary = _vocabulary()
    assert not vocabulary.is_common("Zorblat") and not vocabulary.is_common("KVX")
    assert vocabulary.is_common("Use") and vocabulary.is_common("Solution") and vocabulary.is_common("Stores")


def test_capitals_in_title_case_lines_do_not_make_a_name():
    titles = "- Creating a Durable, Shared Table Store\n- Durable Design Basics\n- Keep the copies durable."
    vocabulary = Vocabulary(LexicalIndex([_chunk(titles)]).lowercase_words)
    assert vocabulary.is_common("Durable")
    prose = "- Use Zorblat for queues.\n- Zorblat keeps copies.\n- A zorblat is rare."
    assert not Vocabulary(LexicalIndex([_chunk(prose)]).lowercase_words).is_common("Zorblat")


def test_named_spans_strip_scaffolding_and_keep_product_names():
    vocabulary = _vocabulary()
    assert named_spans("Use Zorblat Queue for buffering", vocabulary) == ["Zorblat Queue"]
    assert named_spans("Amazon Managed Workflows for Apache Airflow", vocabulary) == [
        "Amazon Managed Workflows for Apache Airflow"]


def test_canonical_key_folds_vendor_prefixes_and_plurals():
    assert canonical_key("AWS Glue") == canonical_key("Glue")
    assert canonical_key("Amazon OpenSearch Service") == canonical_key("OpenSearch")
    assert canonical_key("Scatter Plots") == canonical_key("scatter plot")
    assert canonical_key("AWS") != ""  # a lone vendor word stays


def test_parse_passage_reads_each_shape_of_fit():
    parsed = parse_passage(_chunk(NOTES), _vocabulary())
    assert _subjects(parsed, "Use Zorblat Queue")["Zorblat Queue"] == ROLE_FIT
    assert _subjects(parsed, "use Plimsoll Streams")["Plimsoll Streams"] == ROLE_FIT  # its own clause
    assert _subjects(parsed, "Quandry Vault is ideal")["Quandry Vault"] == ROLE_FIT
    assert _subjects(parsed, "Solution: Enable")["Zorblat Guard"] == ROLE_FIT
    assert _subjects(parsed, "Tessel Lake: stores")["Tessel Lake"] == ROLE_LABEL
    assert _subjects(parsed, "A marketplace")["Murmur Exchange"] == ROLE_PARENT
    assert _subjects(parsed, "KVX (Key Value Exchange)")["KVX"] == ROLE_LABEL


def test_heading_phrase_is_not_a_parent_name():
    parsed = parse_passage(_chunk(NOTES), _vocabulary())
    under = _subjects(parsed, "Tessel Lake is generally")
    assert "Zorblat Store" not in under and ROLE_PARENT not in under.values()


def test_distractor_lines_are_flagged():
    parsed = parse_passage(_chunk("- Exam: Mostly appears as a distractor.\n- Avoid Zorblat Queue for archives."), _vocabulary())
    assert all(s.distractor for s in parsed.statements)


def test_english_frequency_reads_wordfreqs_list_as_wordfreq_does():
    from wordfreq import get_frequency_dict, zipf_frequency

    from assistant.statements import _small_english_table, english_frequency

    assert _small_english_table() is not None
    words = [w for w in list(get_frequency_dict("en", "small"))[::97] if w.isascii() and w.isalpha() and w.islower()]
    words += ["glue", "support", "persistent", "zorblat", "non-compliant", "real-time", "aurora/rds", "third-party"]
    assert len(words) > 200
    for word in words:
        assert english_frequency(word) == zipf_frequency(word, "en", wordlist="small"), word
    assert english_frequency("s3") == english_frequency("2018") == 0.0  # codes and numbers read as rare


def test_prose_paragraphs_are_read_sentence_by_sentence():
    from assistant.statements import prose_sentences

    assert prose_sentences("Use Redis, e.g. for sessions. Memcached is simpler! It scales out") == [
        "Use Redis, e.g. for sessions.", "Memcached is simpler!", "It scales out"]
    paragraph = ("Zorblat Queue buffers orders between services. Choose Plimsoll Streams when many readers replay "
                 "the same events.\n\n- Tessel Lake: stores tables.")
    parsed = parse_passage(_chunk(paragraph), _vocabulary())
    first, second, item = parsed.statements
    assert first.text.startswith("Zorblat Queue buffers") and second.text.startswith("Choose Plimsoll")
    assert first.group == second.group != item.group  # one paragraph, one idea
    assert dict(second.subjects)["Plimsoll Streams"] == ROLE_FIT
    code = parse_passage(_chunk("```\nx = 1. y = 2\n```\nUse Zorblat Queue."), _vocabulary())
    assert [s.text for s in code.statements] == ["Use Zorblat Queue."]
