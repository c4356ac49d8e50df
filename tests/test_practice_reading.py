"""Practice's reading of a line: what it says of one thing (assistant/practice_reading.py)."""

from collections import Counter

from assistant.practice_reading import is_discourse_label, subject_clause
from assistant.reading import Entity, name_key


def _entity(name: str) -> Entity:
    return Entity(name_key(name), name, False, spellings=Counter({name: 1}))


def test_what_a_sentence_says_of_a_command_stops_where_the_next_command_takes_over():
    text = "For shutdown, zorbctl quit stops gracefully and zorbctl -s halt stops at once."
    assert subject_clause(text, _entity("zorbctl quit")) == ("stops gracefully", False)
    setting = "queue_depth limits the queue, while spill_limit sets where they overflow."
    assert subject_clause(setting, _entity("queue_depth"))[0] == "limits the queue"
    # A list after the verb is no next clause.
    assert subject_clause("The Zorb Vault keeps keys and tokens.", _entity("Zorb Vault")) == (
        "keeps keys and tokens",
        True,
    )


def test_a_runbooks_labels_structure_an_incident_as_note_structures_a_list():
    assert is_discourse_label("Check") and is_discourse_label("Likely cause")
    assert not is_discourse_label("Zorb Vault")
