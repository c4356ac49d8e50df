"""The general word lists, each checked on its own: general English, nothing from one set of notes."""

from assistant import vocabulary as v

#: The lists that must hold only everyday English words (function words, units and vendors are checked apart).
EVERYDAY_LISTS = (
    v.DISCOURSE_LABELS,
    v.MERIT_LABELS,
    v.CATEGORY_HEADS,
    v.GENERIC_ANSWER_TYPES,
    v.NAME_TAILS,
    v.ANSWER_LABELS,
    v.INTERFACE_WORDS,
    v.GENERIC_QUALITIES,
    v.AMOUNT_WORDS,
    v.TIME_WORDS,
    v.MONEY_WORDS,
    v.SOFTWARE_KINDS,
    v.GLOSSARY_WORDS,
    v.WAYS_WORDS,
    v.DETERMINERS,
    v.ACTOR_NOUNS,
    v.SETTING_WORDS,
    v.CONSTRUCT_WORDS,
    v.VAGUE_KINDS,
    v.RUN_VERBS,
    v.COMMAND_LEADS,
    v.RUNBOOK_LABELS,
    v.KIND_NAMED_CONSTRUCTS,
    v.PLAIN_ADVERBS,
    v.FIX_LABELS,
    v.SYMPTOM_LABELS,
    v.ADVICE_ADVERBS,
    v.ADVISING_WORDS,
    v.CLAUSE_JOINERS,
    v.EXPLAINING_WORDS,
)


def test_word_lists_are_lower_case_words_with_no_overlap_where_it_would_confuse():
    for words in (v.VENDOR_WORDS, v.FUNCTION_WORDS, v.QUESTION_WORDS, v.UNITS, *EVERYDAY_LISTS):
        assert words and all(w == w.lower() and " " not in w for w in words)
    assert not v.VENDOR_WORDS & v.FUNCTION_WORDS
    assert v.PRODUCT_ANSWER_TYPES <= v.GENERIC_ANSWER_TYPES
    assert v.KIND_NAMED_CONSTRUCTS <= v.CONSTRUCT_WORDS
    assert v.DETERMINERS <= v.FUNCTION_WORDS  # every determiner is a function word: never a noun's head


def test_every_listed_word_is_everyday_english_or_a_vendor():
    # A list built from one set of notes would hold its product names; these are all common English words.
    for words in EVERYDAY_LISTS:
        rare = [
            w
            for w in words
            if v.english_frequency(w) == 0.0
            and not v.rare_english_frequencies({w})
            and w not in {"e.g", "imp", "tl;dr", "q", "a", "deep-dive"}
        ]
        assert not rare, rare
    assert all(" " in phrase or v.english_frequency(phrase) > 0 for phrase in v.RECOMMEND_VERBS)


def test_english_frequency_reads_wordfreqs_list_as_wordfreq_does():
    from wordfreq import get_frequency_dict, zipf_frequency

    assert v.small_english_table() is not None
    words = [w for w in list(get_frequency_dict("en", "small"))[::97] if w.isascii() and w.isalpha() and w.islower()]
    words += ["glue", "support", "persistent", "zorblat", "non-compliant", "real-time", "aurora/rds", "third-party"]
    assert len(words) > 200
    for word in words:
        assert v.english_frequency(word) == zipf_frequency(word, "en", wordlist="small"), word
    assert v.english_frequency("s3") == v.english_frequency("2018") == 0.0  # codes and numbers read as rare


def test_rare_frequencies_come_from_the_large_list():
    found = v.rare_english_frequencies({"trino", "ingest", "zorblatqq"})
    assert found["ingest"] > v.rare_english_frequencies({"trino"}).get("trino", 0.0)
    assert "zorblatqq" not in found


def test_clipped_words_stand_for_everyday_english_words_they_begin_like():
    # Each clipping is a chat form of one general IT word, not a name from a set of notes: the full word is
    # everyday English, shares the clipping's first letter, and is longer than it.
    for clipped, full in v.CLIPPED_WORDS.items():
        assert clipped == clipped.lower() and " " not in clipped and clipped != full
        assert full[0] == clipped[0] and len(full) > len(clipped), clipped
        frequency = v.english_frequency(full) or v.rare_english_frequencies({full}).get(full, 0.0)
        assert frequency >= 2.5, full
    # Clippings with two common readings are left out.
    assert not {"docs", "min", "max", "temp", "sec", "spec"} & set(v.CLIPPED_WORDS)


def test_modal_verbs_are_the_english_modals_each_a_common_word():
    assert {"can", "could", "may", "might", "must", "shall", "should", "will", "would"} == v.MODAL_VERBS
    for word in v.MODAL_VERBS:
        assert v.english_frequency(word) >= 4.0, word


def test_clause_joiners_are_conjunctions_not_subjects_or_verbs():
    assert {"when", "if", "because", "so", "and", "that"} <= v.CLAUSE_JOINERS
    assert not {"we", "i", "they", "need", "service", "this"} & v.CLAUSE_JOINERS


def test_a_question_in_another_language_is_told_from_technical_english():
    for other in (
        "Wie funktioniert die Partitionierung in Athena?",
        "¿Qué servicio escanea S3 para datos personales?",
        "Quel service analyse les données personnelles?",
        "Какой сервис сканирует S3?",
    ):
        assert v.looks_like_another_language(other), other
    for english in (
        "Which MSK config sets kafka retention?",
        "kafka retention msk config",
        "idempotent upserts dedupe",
        "How do I reverse a list in Python?",
    ):
        assert not v.looks_like_another_language(english), english


def test_chat_shorthand_stands_for_common_english_words():
    for short, full in v.CHAT_SHORTHAND.items():
        assert short == short.lower() and short.isalpha() and len(short) < len(full), short
        assert v.english_frequency(full) >= 4.0, full  # everyday words, none from a set of notes
