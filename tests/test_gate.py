"""The coverage gate on the course notes: the abstain decision and what it was made from."""

import pytest
from conftest import GADGET_NOTES

from assistant.vocabulary import states_amount


def test_a_scenario_told_in_its_own_words_is_judged_by_the_sentence_that_asks(course):
    # The situation's words (shoppers, checkout, payment) are not in the notes; the asking sentence's are.
    scenario = (
        "An online shop's product manager wants to show how many shoppers move from product view to cart to "
        "checkout to payment, and where most of them drop off. Which chart type should the dashboard use?"
    )
    answer = course.ask(scenario)
    assert not answer.abstained and "Funnel" in (answer.recommendation or ""), answer.answer
    # A question of one sentence about something the notes never cover is still declined.
    assert course.ask("How do shoppers move from product view to checkout in a web shop?").abstained


def test_a_plural_acronym_names_things_not_a_product(course):
    # "Airflow DAGs" are the workflows Airflow runs; a product is not plural. A capitalised name still counts.
    answer = course.ask(
        "We have about 120 Airflow DAGs on a self-managed server and are moving everything to AWS. Nobody wants "
        "to rewrite them. Which orchestration service should we pick?"
    )
    assert "DAGs" not in answer.trace["gate"]["foreign_names"] and not answer.abstained, answer.answer
    assert "Dagster" in course.ask("Can Dagster run our DAGs on AWS?").trace["gate"]["foreign_names"]


@pytest.mark.parametrize(
    "question",
    [
        "Which service scans S3 buckets for PII across accounts?",
        "Our analysts cannot code but must validate incoming data. Which service?",
    ],
)
def test_covered_questions_pass_with_their_evidence(course, question):
    gate = course.ask(question).trace["gate"]
    assert gate["covered"] and gate["strength"] >= gate["threshold"]
    assert gate["best_passage"] > 0.3 and gate["foreign_names"] == []


@pytest.mark.parametrize(
    "question,foreign",
    [
        ("How do I model a social graph in Amazon Neptune with Gremlin?", {"Neptune", "Gremlin"}),
        ("What is a good recipe for banana bread?", set()),
    ],
)
def test_uncovered_questions_are_declined_and_say_why(course, question, foreign):
    answer = course.ask(question)
    gate = answer.trace["gate"]
    assert answer.abstained and not gate["covered"] and gate["strength"] < gate["threshold"]
    assert foreign <= set(gate["foreign_names"])


def test_units_sentence_starts_and_acronyms_of_known_names_are_not_foreign(course):
    gate = course.ask("We keep 10 TB of logs. Where should CloudWatch logs be exported cheaply, MWAA or S3?").trace[
        "gate"
    ]
    assert "TB" not in gate["foreign_names"] and "MWAA" not in gate["foreign_names"]
    assert "We" not in gate["foreign_names"] and "Where" not in gate["foreign_names"]


def test_a_name_with_its_release_number_is_a_tool_the_scenario_runs_not_foreign(course):
    gate = course.ask("Our Glue jobs run Python 3.10 and write to S3. Which service catalogs the output?").trace["gate"]
    assert "Python" not in gate["foreign_names"]
    # Without a release number it is a name the notes never use.
    gate = course.ask("Our Glue jobs run Python and write to S3. Which service catalogs the output?").trace["gate"]
    assert "Python" in gate["foreign_names"]


def test_a_name_saying_which_one_of_a_kind_the_notes_know_is_not_foreign(course):
    # "a Fluent Bit log shipper": the question is about shipping logs; the product only says which shipper.
    answer = course.ask("Our Fluent Bit agent sends app logs to CloudWatch. How can we search them in near real time?")
    gate = answer.trace["gate"]
    assert "Fluent" not in gate["foreign_names"] and "Bit" not in gate["foreign_names"]
    assert not answer.abstained
    # A name that is itself what is asked about stays foreign.
    assert {"Neptune", "Gremlin"} <= set(
        course.ask("How do I query Neptune with Gremlin?").trace["gate"]["foreign_names"]
    )


@pytest.mark.parametrize(
    "question",
    [
        "What is the price per GB scanned of Amazon Macie?",
        "How much does Amazon Macie cost for each GB it scans?",
        "what is the longest time a Kinesis stream can hold records?",
    ],
)
def test_a_figure_the_notes_never_give_is_declined(course, question):
    # The notes say what Macie and Kinesis do, never what Macie costs or how long Kinesis keeps data.
    answer = course.ask(question)
    gate = answer.trace["gate"]
    assert answer.abstained and gate["figure_found"] is False and not gate["covered"]


@pytest.mark.parametrize(
    "question,figure",
    [
        ("By default, how long does a CloudWatch log group keep its logs?", "indefinitely"),
        ("How many log groups can one Logs Insights query read at once?", "50"),
        ("Roughly how many ready-made transformations come with Glue DataBrew?", "250"),
    ],
)
def test_a_figure_the_notes_give_is_answered(course, question, figure):
    answer = course.ask(question)
    assert answer.trace["gate"]["figure_found"] is True and not answer.abstained
    assert figure in answer.answer


def test_a_figure_is_digits_or_an_amount_in_words_not_a_digit_inside_a_name():
    assert states_amount("Up to 50 log groups", "count")
    assert states_amount("Logs are retained indefinitely by default", "duration")
    assert states_amount("Single Availability Zone", "count")
    assert states_amount("Minutes to hours", "duration") and not states_amount("Minutes to hours", "money")
    assert not states_amount("Scans S3 buckets and EC2 volumes", "count")
    assert not states_amount("If one partition key gets more traffic, add shards", "count")
    assert states_amount("Storage costs $0.023 per GB-month", "money") and states_amount("Retrieval fee: None", "money")
    assert not states_amount("Moves hundreds of terabytes per device", "money")
    assert states_amount("You pay nothing extra for reads", "money") and not states_amount(
        "Nothing may store it", "money"
    )


@pytest.mark.parametrize(
    "question,said",
    [
        ("Explain how Redshift Spectrum reads files in S3.", "They mention Redshift but not Redshift Spectrum."),
        ("How do I grant table permissions in AWS Lake Formation?", "They never mention AWS Lake Formation."),
    ],
)
def test_a_name_the_notes_never_use_around_one_they_know_is_declined_and_named(course, question, said):
    answer = course.ask(question)
    assert answer.abstained and answer.trace["gate"]["unknown_names"]
    assert said in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Explain how AWS Glue Workflows run jobs.",  # every word of the name is in the notes
        "How do we move our Airflow DAGs to AWS with the least code change?",  # an acronym: Airflow's DAGs
        "Which service should run our Fluent Bit style log shipper on a schedule?",  # a scenario may name anything
    ],
)
def test_known_names_acronyms_and_scenarios_are_not_taken_for_unknown_names(course, question):
    assert course.ask(question).trace["gate"]["unknown_names"] == []


ZORBCTL_NOTES = """# Running zorbctl

## Plans

**How do I see what would change?**
Run zorbctl plan to list the changes, or zorbctl plan -out=p1 to keep them for later.

**How do I apply a saved plan?**
Run zorbctl apply p1; a saved plan is applied without asking again.

**How do I move to a newer plugin?**
Run zorbctl init -upgrade, which rewrites the pin file.

## Blocks

**How do I declare a gadget?**
Write a gadget block with the gadget's type and name.

**How do I read a gadget Zorblat does not manage?**
Use a lookup block; it only reads and never changes the gadget.

**How do I protect a gadget from being deleted?**
Add a guard block with the rules that protect it.
"""


def test_a_command_or_construct_the_notes_never_give_is_declined_and_named(assistant_on_notes):
    assistant = assistant_on_notes("zorbctl.md", ZORBCTL_NOTES)
    command = assistant.ask("How do I check my gadgets with zorbctl lint before a plan?")
    assert command.abstained and "They mention zorbctl but not zorbctl lint." in command.answer
    construct = assistant.ask("How do I use a renamed block to move a gadget to a new address?")
    assert construct.abstained and "They never mention a renamed block." in construct.answer
    # What the notes do give is answered, and a program named in prose is no command.
    assert not assistant.ask("How do I apply a saved plan with zorbctl apply?").abstained
    assert not assistant.ask("How do I use a lookup block to read a gadget Zorblat does not manage?").abstained
    assert (
        assistant.ask("Every zorbctl run says the plan is stale. How do I see what would change?").trace["gate"][
            "unknown_names"
        ]
        == []
    )


FLEETCTL_NOTES = """# Fleet runners

## Runners

A job picks its machine with runs-on. Self-hosted runners are machines you register yourself; they keep
their tools between jobs. Set fail-fast to false to let the other matrix jobs finish after one fails.
"""


def test_a_hyphenated_word_the_notes_write_is_known_not_unknown(assistant_on_notes):
    # The index keeps the parts of "self-hosted"; the question's "self-hosted" is still the notes' own word.
    assistant = assistant_on_notes("fleet.md", FLEETCTL_NOTES)
    known = assistant.ask("Do self-hosted runners keep their tools with runs-on and fail-fast?")
    assert known.trace["gate"]["unknown_share"] == 0.0
    # A hyphenated word with a part the notes never use still counts as unknown.
    assert assistant.ask("Do cloud-hosted runners keep their tools?").trace["gate"]["unknown_share"] > 0.0


def test_a_whole_new_question_in_a_conversation_is_judged_on_its_own_words(course):
    history = [
        {"role": "user", "content": "Which service scans S3 buckets for PII?"},
        {"role": "assistant", "content": "Use Amazon Macie [1]."},
    ]
    off_topic = course.ask("How do I reverse a list in Python?", history=history)
    assert off_topic.abstained, off_topic.answer
    on_topic = course.ask("Which service catalogs table schemas for Athena?", history=history)
    assert not on_topic.abstained and "Catalog" in on_topic.answer
    leaning = course.ask("and what if we must also encrypt them?", history=history)
    assert not leaning.abstained  # leans on the conversation: read with it


@pytest.mark.parametrize(
    "question,said",
    [
        ("what does frozen do", "never change while fresh"),
        ("explain frozen", "never change while fresh"),
        ("What is the purpose of the frozen flag?", "never change while fresh"),
        ("what is q-limit", "queued copies"),  # a hyphenated name with a one-letter part, shown as `q-limit=N`
    ],
)
def test_a_short_question_about_a_term_the_notes_define_is_answered(assistant_on_notes, question, said):
    # One word asked about is far in meaning from every line; the notes define it word for word.
    answer = assistant_on_notes("gadgets.md", GADGET_NOTES).ask(question)
    assert not answer.abstained and said in answer.answer.split("\n")[0], answer.answer
    assert answer.trace["gate"]["unknown_share"] == 0.0


def test_a_term_the_notes_never_define_is_still_declined(assistant_on_notes):
    assistant = assistant_on_notes("gadgets.md", GADGET_NOTES)
    assert assistant.ask("what does thawed do").abstained
    assert assistant.ask("What is the purpose of the melted flag?").abstained


def test_a_figure_on_another_products_line_is_not_the_one_asked_for(assistant_on_notes):
    assistant = assistant_on_notes("gadgets.md", GADGET_NOTES)
    other = assistant.ask("How much does Flarbnet charge for each gadget?")
    assert other.abstained and other.trace["gate"]["figure_found"] is False, other.answer
    own = assistant.ask("How much does Zorbcloud charge for each gadget?")
    assert not own.abstained and "3 cents" in own.answer


SIZES_NOTES = """# Relays

## Sizing

- Relay sizes go from X-Small up to 6X-Large.

| Size | Credits per hour | Typical use |
| --- | --- | --- |
| X-Small | 1 | tests and small loads |
| Large | 8 | heavy transformations |
| X-Large | 16 | very large joins and backfills |
"""


def test_a_figure_in_another_rows_line_or_inside_the_asked_name_is_not_the_one_asked_for(assistant_on_notes):
    assistant = assistant_on_notes("sizes.md", SIZES_NOTES)
    never = assistant.ask("How many credits per hour does a 6X-Large relay use?")
    assert never.abstained and never.trace["gate"]["figure_found"] is False, never.answer
    given = assistant.ask("How many credits per hour does an X-Large relay use?")
    assert not given.abstained and "16" in given.answer.split("\n")[0], given.answer


def test_a_figure_on_the_label_line_of_a_setting_the_question_names_is_the_one_asked_for(assistant_on_notes):
    notes = SIZES_NOTES + (
        "\n## Retention\n\nZorbcloud runs the relays for Flarbnet.\n\n"
        "- `keep.ms`: how long a relay keeps records before they can be deleted; 7 days by default.\n"
    )
    answer = assistant_on_notes("sizes.md", notes).ask("By default, how long does Zorbcloud keep records (keep.ms)?")
    assert not answer.abstained and "7 days" in answer.answer, answer.answer
