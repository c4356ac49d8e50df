"""Typos read as the notes' words (assistant/spelling.py), alone and through a question."""

from assistant.spelling import SpellingCorrector

NOTES = [
    "Zorblat Queue keeps partitions of each database in order.",
    "Partitions are rebalanced when a consumer joins. Use persistent volumes for the broker.",
]


def test_a_word_one_slip_from_the_notes_word_is_read_as_it():
    corrector = SpellingCorrector.from_texts(NOTES)
    text, corrections = corrector.correct("How are partitons of the databse kept in order by Zorblat Queeu?")
    assert text == "How are partitions of the database kept in order by Zorblat Queue?"
    assert [(c.typed, c.read_as) for c in corrections] == [
        ("partitons", "partitions"),
        ("databse", "database"),
        ("Queeu", "Queue"),
    ]


def test_english_words_names_identifiers_and_short_words_are_left_alone():
    corrector = SpellingCorrector.from_texts(NOTES)
    # Real English words the notes do not use, code identifiers, and words too short to guess from stay.
    for text in (
        "Why do deadlocks happen in the databases?",
        "Set max_partitons and `partitons.size` in brokr.yml",
        "is the brkr up?",
    ):
        assert corrector.correct(text) == (text, [])


def test_a_hyphenated_part_is_read_on_its_own_and_english_helps_when_the_notes_lack_the_word():
    corrector = SpellingCorrector.from_texts(NOTES)
    text, _ = corrector.correct("keep data perssitently in open-soruce brokers")
    assert text == "keep data persistently in open-source brokers"


def test_a_typo_gets_the_answer_of_the_word_and_says_how_it_was_read(course):
    typed = course.ask("Which servcie lets analysts run SQL on data in S3 without loading it into a databse?")
    clean = course.ask("Which service lets analysts run SQL on data in S3 without loading it into a database?")
    assert typed.recommendation == clean.recommendation and typed.recommendation
    assert "Read “databse” as “database”." in typed.notices and "Read “servcie” as “service”." in typed.notices
    assert typed.question.startswith("Which servcie")  # the learner's own words are kept


def test_a_name_the_notes_never_use_is_not_read_as_a_common_english_word():
    corrector = SpellingCorrector.from_texts(NOTES)
    text = "How do I configure Redis as a write-through cache?"
    assert corrector.correct(text) == (text, [])  # not "Reds"


def test_chat_shorthand_is_read_as_the_everyday_word_unless_the_notes_use_it():
    corrector = SpellingCorrector.from_texts(NOTES + ["Run git diff to see what changed."])
    text, corrections = corrector.correct("which queue shud i use pls, and wat is the diff")
    assert text == "which queue should i use please, and what is the diff"  # "diff" is the notes' own word
    assert [(c.typed, c.read_as) for c in corrections] == [("shud", "should"), ("pls", "please"), ("wat", "what")]
