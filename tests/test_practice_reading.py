"""Practice's reading of a line: what it says of one thing (assistant/practice_reading.py)."""

from collections import Counter

from assistant.practice_reading import (
    choosable,
    instructed_construct,
    instrument_purpose,
    is_discourse_label,
    run_so_purpose,
    subject_clause,
    term_kind,
)
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


def test_a_name_written_as_code_opening_a_clause_ends_the_clause_before_it():
    text = "Views: `_zv/racks?v` shows each rack with its load, and `_zv/quota?v` shows the free space per rack."
    assert subject_clause(text, _entity("_zv/racks?v")) == ("shows each rack with its load", False)
    assert subject_clause(text, _entity("_zv/quota?v")) == ("shows the free space per rack", False)


def test_an_instruction_says_what_its_tool_written_as_code_is_for():
    vault = _entity("PUT _vault/<name>")
    assert instrument_purpose("Register a backup vault with `PUT _vault/<name>`.", vault) == "register a backup vault"
    drops = _entity("GET _racks/stats/drops")
    text = "If a rack drops parcels, check `GET _racks/stats/drops` to see which rack sheds load, then retry."
    assert instrument_purpose(text, drops) == "see which rack sheds load"
    # No instruction: a statement, or an instruction whose object is in another sentence.
    assert instrument_purpose("The cluster waits with `PUT _vault/<name>`.", vault) is None
    assert instrument_purpose("Attach it through a template with `PUT _vault/<name>`.", vault) is None


def test_an_api_request_is_a_kind_by_its_shape_and_code_makes_an_everyday_word_a_term():
    assert term_kind("GET _zorb/health") == term_kind("_zv/racks?v") == term_kind("POST <alias>/_turn") == "API"
    assert term_kind("Zorb DataMover") is None  # a product's name after an acronym is no request
    assert term_kind("actions/fetch") is None and term_kind("_source") is None
    needs = _entity("needs")
    assert not choosable(needs) and choosable(needs, coded=True)
    assert not choosable(_entity("node.roles: [ ]"), coded=True)  # a setting with its value


def test_a_key_in_kebab_case_is_a_setting_only_where_the_notes_write_it_as_code():
    assert term_kind("drop-late", said="`drop-late` discards parcels that arrive late.") == "setting"
    assert term_kind("read-only", said="The volume is read-only.") is None


def test_a_name_in_code_followed_by_a_setting_noun_is_the_subject_and_a_setting():
    text = "The `spill` key, at rack or fleet level, moves late parcels to a side queue."
    assert subject_clause(text, _entity("spill")) == ("moves late parcels to a side queue", True)
    assert term_kind("spill", said=text) == "setting"
    # Only after a name written as code: "The Zorb key" is a name of its own, not a setting called Zorb.
    assert subject_clause("The Zorb key opens every rack.", _entity("Zorb")) is None
    assert term_kind("spill", said="The spill key moves parcels.") is None


def test_a_key_in_lower_camel_case_is_a_setting_by_its_shape():
    assert term_kind("spillLimit") == term_kind("waitSecondsAfterDrop") == "setting"
    # Not a brand's lower-case first letter, nor a word or a name in capitals.
    assert term_kind("iPhone") is None and term_kind("Spill") is None and term_kind("SpillLimit") is None


def test_a_how_to_answer_that_uses_a_construct_as_its_tool_names_it():
    assert instructed_construct("Declare input gauges with gauge blocks, optionally giving a unit.") == "gauge block"
    assert instructed_construct("Guard the belt with a latch hook.") == "latch hook"
    # A statement, or a word that names no construct, is no instruction to use one.
    assert instructed_construct("Zorblat works with ledger files.") is None
    assert instructed_construct("Fill the crate with spare parts.") is None


def test_an_instruction_to_run_a_command_so_something_happens_says_what_the_command_is_for():
    reopen = _entity("zorbd -s rewind")
    text = (
        "After the sweeper moves the logs, run zorbd -s rewind (or send HUP to the master) so zorbd writes to new logs."
    )
    assert run_so_purpose(text, reopen) == "make zorbd write to new logs after the sweeper moves the logs"
    assert (
        run_so_purpose("Run zorbd -s rewind so that zorbd drops stale crates.", reopen)
        == "make zorbd drop stale crates"
    )
    # Not where from, nor a statement, nor "so" without a clause of its own.
    assert run_so_purpose("From the rack host, run zorbd -s rewind so zorbd writes to new logs.", reopen) is None
    assert run_so_purpose("zorbd -s rewind runs so fast that nobody notices.", reopen) is None
    assert run_so_purpose("Run zorbd -s rewind so the logs rotate.", reopen) is None
