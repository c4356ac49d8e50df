"""The shared text helpers: the notes' sentence splitter and a hurried question's, one control-character cleaner."""

from assistant.text import asking_sentence, counted, first_sentence, loose_sentences, sentences, strip_control


def test_sentences_end_before_a_capital_not_after_an_abbreviation():
    text = "Use a cache, e.g. Redis for sessions. Initials like J. Smith stay. 3 replicas are kept! Why? Cost."
    assert sentences(text) == [
        "Use a cache, e.g. Redis for sessions.",
        "Initials like J. Smith stay.",
        "3 replicas are kept!",
        "Why?",
        "Cost.",
    ]
    assert sentences("version 1.5 is current. lower case does not start one.") == [
        "version 1.5 is current. lower case does not start one."
    ]
    # A setting in snake_case opens a sentence of its own.
    assert sentences("Raise wait_budget in the route. connect_budget covers only the handshake.") == [
        "Raise wait_budget in the route.",
        "connect_budget covers only the handshake.",
    ]


def test_first_sentence_is_read_from_the_first_line():
    assert first_sentence("Amazon Macie [1]. It scans S3.\nSecond line.") == "Amazon Macie [1]."
    assert first_sentence("") == ""
    assert first_sentence("  no full stop at all  ") == "no full stop at all"


def test_control_characters_go_but_tab_newline_and_return_stay():
    assert strip_control("a\x00b\x1bc\x7fd\x85e\ufffff") == "abcdef"
    assert strip_control("line\tone\r\nline two") == "line\tone\r\nline two"
    assert strip_control("a\x07b", " ") == "a b"


def test_a_hurried_question_splits_at_every_sentence_end_and_asks_in_its_last_question():
    typed = "emr is cpu-bound but hdfs is fine. i want more compute. which node type do i add? thanks."
    assert loose_sentences(typed) == [
        "emr is cpu-bound but hdfs is fine.",
        "i want more compute.",
        "which node type do i add?",
        "thanks.",
    ]
    assert asking_sentence(typed) == "which node type do i add?"
    assert asking_sentence("We need a chart. Pick one.") == "Pick one."
    assert asking_sentence("One sentence only") == "One sentence only"


def test_a_clipped_word_matches_the_word_it_stands_for():
    from assistant.text import tokenize

    assert set(tokenize("logs from our on-prem boxes")) & set(tokenize("servers on premises"))
    assert set(tokenize("the prod db")) >= set(tokenize("production database"))
    assert tokenize("repo") == tokenize("repository")


def test_a_count_agrees_with_its_noun():
    assert [counted(n, "chunk") for n in (0, 1, 2)] == ["0 chunks", "1 chunk", "2 chunks"]


def test_an_ellipsis_inside_a_command_ends_no_sentence():
    text = "A task starts suspended and must be started with ALTER TASK ... RESUME. Tasks run on a warehouse."
    assert sentences(text) == [
        "A task starts suspended and must be started with ALTER TASK ... RESUME.",
        "Tasks run on a warehouse.",
    ]
    assert sentences("We waited... Then it ran.") == ["We waited...", "Then it ran."]  # prose's ellipsis still ends one
