"""Reading a question: its kind, the names it uses, pasted options, what it rules out, claims, follow-ups."""

import pytest

from assistant.chunking import Chunk
from assistant.reading import NameIndex, NotesVocabulary, parse_chunk
from assistant.understanding import (
    is_follow_up,
    negated_terms,
    pasted_options,
    previous_answer,
    quoted_subject,
    understand,
)

NOTES = """- Zorblat Queue: Buffers bursts of orders between services.
- Plimsoll Streams: Replays ordered events to many readers.
- Amazon Managed Widgets for Apache Gizmo: For migrating existing Gizmo jobs.
- Tessel Lake: Stores curated tables. Use it for reporting.
- Partitioning: Keeps queries cheap by reading less data."""


@pytest.fixture(scope="module")
def names() -> NameIndex:
    chunk = Chunk("c1", "u.md", "1.1 Messaging", NOTES, 0)
    vocabulary = NotesVocabulary([NOTES])
    return NameIndex({"c1": parse_chunk(chunk, vocabulary)}, vocabulary)


@pytest.mark.parametrize(
    "question,kind",
    [
        ("Orders arrive in bursts. Which service should buffer them?", "choice"),
        ("What should we use to replay events to many readers?", "choice"),
        ("What is the difference between Zorblat Queue and Plimsoll Streams?", "comparison"),
        ("Zorblat Queue vs Plimsoll Streams - when do I use which?", "comparison"),
        ("Explain partitioning", "explanation"),
        ("What is Tessel Lake?", "explanation"),
        ("What is Tessel Lake? Give me the short version for revision.", "explanation"),
        ("What are the main components of Tessel Lake and what does each one do?", "explanation"),
        ("What is the purpose of the frozen flag?", "explanation"),  # X explained, not a fact about X
        ("What is the meaning of a weak tag in Tessel Lake?", "explanation"),
        ("What is the default retention of Zorblat Queue?", "fact"),
        ("How do I replay events to a new reader?", "howto"),
        ("Which service buffers orders?\nA) Zorblat Queue\nB) Tessel Lake\nC) Plimsoll Streams", "multiple_choice"),
    ],
)
def test_each_kind_of_question_is_recognised(names, question, kind):
    assert understand(question, None, names).kind == kind


@pytest.mark.parametrize(
    "text,letters,stem",
    [
        ("Pick one:\nA) Alpha\nB) Beta\nC) Gamma", ["A", "B", "C"], "Pick one:"),
        ("Pick one: A. Alpha B. Beta C. Gamma D. Delta", ["A", "B", "C", "D"], "Pick one:"),
        ("Pick one (a) Alpha (b) Beta (c) Gamma", ["A", "B", "C"], "Pick one"),
        ("Pick one\n1) Alpha\n2) Beta\n3) Gamma", ["A", "B", "C"], "Pick one"),
        ("Pick one\n1. Alpha\n2. Beta", ["A", "B"], "Pick one"),
        ("Which two? Pick 2. A) Alpha B) Beta C) Gamma", ["A", "B", "C"], "Which two? Pick 2."),
        ("We run version 2. Which? (a) Alpha (b) Beta", ["A", "B"], "We run version 2. Which?"),
        # as they come out of web pages and markdown files
        ("Pick one\n- A) Alpha\n- B) Beta", ["A", "B"], "Pick one"),
        ("Pick one\n* a. Alpha\n* b. Beta", ["A", "B"], "Pick one"),
        ("Pick one\n**A.** Alpha\n**B.** Beta", ["A", "B"], "Pick one"),
        ("Pick one\n[A] Alpha\n[B] Beta", ["A", "B"], "Pick one"),
        ("Pick one\nA - Alpha\nB – Beta", ["A", "B"], "Pick one"),
        ("Pick one\nOption A: Alpha\nOption B: Beta", ["A", "B"], "Pick one"),
        ("Pick one\n☐ A. Alpha\n☐ B. Beta", ["A", "B"], "Pick one"),
        ("Pick one\nA)Alpha\nB)Beta", ["A", "B"], "Pick one"),
    ],
)
def test_pasted_options_in_every_common_format(text, letters, stem):
    found_stem, options = pasted_options(text)
    assert [o.letter for o in options] == letters and found_stem == stem
    assert [o.text for o in options][:2] == ["Alpha", "Beta"]


def test_an_option_that_wraps_onto_the_next_line_is_read_whole():
    text = "Which design?\nA) Run one cluster all week and\nresize it by hand\nB) Start a cluster for each\n   nightly run\n"
    assert [o.text for o in pasted_options(text)[1]] == [
        "Run one cluster all week and resize it by hand",
        "Start a cluster for each nightly run",
    ]
    answered = "Which?\nA) Alpha\nB) Beta\nCorrect answer: B\nExplanation: Beta fits."
    assert [o.text for o in pasted_options(answered)[1]] == ["Alpha", "Beta"]


def test_bullets_after_words_that_say_options_follow_are_the_options():
    stem, options = pasted_options(
        "Which of the following buffers bursts?\n- Zorblat Queue\n- Tessel Lake\n- Plimsoll Streams"
    )
    assert stem == "Which of the following buffers bursts?" and [o.letter for o in options] == ["A", "B", "C"]
    assert options[1].text == "Tessel Lake" and options[1].label == ""  # lettered in order; no marker was written
    two = pasted_options("Which stores events?\n* Zorblat Queue\n* Tessel Lake\n* Plimsoll Streams\n(Select TWO.)")
    assert len(two[1]) == 3 and two[0] == "Which stores events?\n(Select TWO.)"
    # Without such words, bullets after a question are its requirements: they stay in the stem.
    assert pasted_options("Which service?\n- It must be cheap\n- It must replay events")[1] == []


def test_inline_options_before_their_question_or_after_the_word_option_are_read_whole():
    stem, options = pasted_options(
        "1) zorb seed 2) zorb deps 3) zorb compile 4) zorb snapshot -- Which one installs packages?"
    )
    assert stem == "Which one installs packages?" and options[-1].text == "zorb snapshot"
    stem, options = pasted_options("Which test checks keys? Option A: unique Option B: not_null Option C: fresh")
    assert stem == "Which test checks keys?" and [o.text for o in options] == ["unique", "not_null", "fresh"]


def test_text_that_only_mentions_letters_has_no_options():
    assert pasted_options("Use option B. It is better.")[1] == []
    assert pasted_options("see B) first C) third")[1] == []  # markers must run A, B, C ... in order from A


@pytest.mark.parametrize(
    "message,stem",
    [
        # two sentences run together: the first asks, the second says what the learner would rather not do
        (
            "which service should do this we'd rather not host our own code",
            "which service should do this? we'd rather not host our own code",
        ),
        ("which service is best when we're offline", "which service is best when we're offline?"),  # one clause
        # a situation, then an unfinished last sentence: that is what is asked
        (
            "our bill keeps growing. cheaper place to keep old logs",
            "our bill keeps growing. cheaper place to keep old logs?",
        ),
        ("explain partitioning", "explain partitioning"),  # one sentence that does not open as a question
    ],
)
def test_a_chat_message_without_stops_is_read_as_sentences_with_its_question(names, message, stem):
    assert understand(message, None, names).stem == stem


def test_choose_two_is_read(names):
    query = understand("Which TWO are queues? (Choose two.)\nA) Zorblat Queue\nB) Tessel Lake\nC) x\nD) y", None, names)
    assert query.picks == 2 and query.stem.startswith("Which TWO")
    after = understand("Which are queues?\nA) Zorblat Queue\nB) Tessel Lake\nC) x\nD) y\n(Select TWO.)", None, names)
    assert after.picks == 2 and [o.letter for o in after.options] == ["A", "B", "C", "D"]
    wrapped = understand(
        "Which are queues?\nA) Zorblat Queue\nB) x\nC) a queue that\n   wraps\n(Select TWO.)", None, names
    )
    assert wrapped.picks == 2 and wrapped.options[-1].text == "a queue that wraps"


def test_names_in_any_case_and_acronyms_the_notes_never_write(names):
    query = understand("is zorblat queue or plimsoll streams better for replays?", None, names)
    assert query.alternatives == ["zorblat queue", "plimsol stream"]
    widgets = understand("Should we move our Gizmo jobs to MWG?", None, names)
    assert names.acronym("MWG") == "manag widget for apach gizmo" and "manag widget for apach gizmo" in widgets.subjects
    assert "Amazon Managed Widgets for Apache Gizmo" in widgets.retrieval_text


def test_a_comparison_takes_its_sides_in_the_order_written_and_a_bracketed_gloss_is_no_side(names):
    query = understand("Compare MWG (managed Gizmo) with Plimsoll Streams. When is each right?", None, names)
    assert query.kind == "comparison"
    assert query.subjects == ["manag widget for apach gizmo", "plimsol stream"]


def test_common_word_terms_count_only_when_the_question_capitalises_them(names):
    assert "partit" not in understand("We are partitioning our jobs. Which service?", None, names).subjects
    assert "partit" in understand("explain partitioning", None, names).subjects  # the subject of an explanation


def test_answer_type_is_the_thing_asked_for(names):
    assert understand("Which node type do we add?", None, names).answer_type == "node type"
    assert understand("Which command loads them?", None, names).answer_type == "command"
    assert understand("Which AWS service should they use?", None, names).answer_type == "service"
    assert (
        understand("We have no idea which objects get read. Which storage class?", None, names).answer_type
        == "storage class"
    )
    assert understand("What should we use?", None, names).answer_type is None
    # A SQL statement to run is a command; a statement to judge true is not.
    assert understand("Which statement should the engineer run?", None, names).answer_type == "command"
    assert understand("Which statement about partitions is true?", None, names).answer_type != "command"


def test_key_value_folders_are_read_as_a_hive_style_layout():
    from assistant.understanding import partition_layout

    assert partition_layout("new folders like s3://logs/events/dt=2024-06-01/ are missing") == "Hive-style partitions"
    assert partition_layout("folders look like .../tables/month=2024-05/.") == "Hive-style partitions"
    assert partition_layout("paths like s3://b/sales/2024/06/15/ - plain values, no key=value names") == (
        "non-Hive partitions"
    )
    assert partition_layout("WHERE sale_date = '2024-03-01'") is None  # a filter, not a folder
    assert partition_layout("set x=1 in the config") is None


def test_a_hive_style_path_adds_the_notes_words_for_it(names):
    query = understand("Queries miss s3://b/t/dt=2024-06-01/. What command do we run?", None, names)
    assert "hive" in query.weights and "Hive-style partitions" in query.retrieval_text


def test_negation_rules_out_what_follows_it():
    assert {"exist", "kafka"} <= negated_terms("a new app with no existing Kafka code")
    assert negated_terms("Not on a schedule") == {"schedul"}
    assert {"contain", "restart"} <= negated_terms("We do NOT want the containers restarted")
    assert negated_terms("make sure none of the S3 buckets hold personal data") == set()
    assert "code" not in negated_terms("analysts who cannot write code, without coding")
    # Starting fresh rules out moving something over, not what there is none of yet; a name is ruled out.
    assert negated_terms("They have no existing streaming platform") == {"exist"}
    assert negated_terms("there is no current orchestration code") == {"exist"}
    assert {"exist", "kafka"} <= negated_terms("no existing Kafka code")
    # "without leaving X" wishes to stay in X: nothing is ruled out.
    assert negated_terms("manage the pipeline without leaving Zorblat Glue") == set()
    assert negated_terms("without ever exiting the console") == set()


def test_a_negated_relative_clause_rules_out_what_it_says():
    assert negated_terms("we don't want to add anything that stores Zorblat blocks") >= {"zorblat", "block"}
    assert negated_terms("we don't want to pay for idle clusters") >= {"idl", "cluster"}


def test_what_a_question_does_with_the_answer_says_its_kind(names):
    """ "What must we run?" asks for a command, "what do we install on them?" for an agent; "what should we
    run it as?" asks for something else, and a "which ..." kind comes first."""
    assert understand("New folders do not show up. What must we run?", None, names).answer_type == "command"
    assert understand("We want their logs. What do we install on them?", None, names).answer_type == "agent"
    assert understand("What should we run it as?", None, names).answer_type is None
    assert understand("Which node type do we run?", None, names).answer_type == "node type"
    # A service asked for without a question mark is still asked for; a statement about one is not.
    assert understand("route events and schedule jobs. is there one service for both", None, names).answer_type == (
        "service"
    )
    assert understand("We route events with one service for both.", None, names).answer_type is None
    assert understand("route events and schedule jobs. one service for both", None, names).answer_type == "service"
    assert understand("We route events and run jobs on a schedule. One service for both?", None, names).answer_type == (
        "service"
    )
    assert understand("Is there a tool that does both?", None, names).answer_type == "service"
    assert understand("A service writes logs. How do we keep them?", None, names).answer_type is None


def test_not_wanting_to_run_a_thing_rules_out_running_it_not_the_thing():
    """ "do not want to run Flink clusters themselves": a managed Flink is the idea, Flink is wanted."""
    assert negated_terms("The developers know Apache Flink but do not want to run Flink clusters themselves") == set()
    assert negated_terms("we don't want to manage Kafka brokers") == set()
    assert negated_terms("they do not want to maintain Airflow servers") == set()
    assert negated_terms("we don't want to use Kafka") == {"kafka"}


def test_a_gloss_in_brackets_after_a_negated_phrase_is_ruled_out_too():
    assert {"key", "valu", "zorblat"} <= negated_terms("our folders are NOT in key=value (zorblat) format")
    assert negated_terms("we want no servers (serverless) to patch") == set()  # the brackets say the idea


def test_claims_come_from_explicit_premises_only(names):
    assert understand("Since Zorblat Queue replays events, how many readers can it have?", None, names).claims == [
        "Zorblat Queue replays events"
    ]
    assert understand("Tessel Lake stores raw logs, right?", None, names).claims == ["Tessel Lake stores raw logs"]
    assert understand("I assume Plimsoll Streams keeps orders forever?", None, names).claims
    assert understand("We send orders in bursts. Which service buffers them?", None, names).claims == []


def test_a_scenario_setting_the_scene_claims_nothing(names):
    """Who asks and what they work with, ", right where", or ", so" joining the scenario's own sentences are
    the situation, not premises to check; a statement about the named thing is one."""
    scene = "A Tessel Lake developer tests a query, right where the SQL is written. What should she use?"
    assert understand(scene, None, names).claims == []
    assert understand(scene, None, names).kind == "choice"
    narrative = "Logs pour into Tessel Lake. Nobody can predict the errors, so fixed filters miss them. Which feature?"
    assert understand(narrative, None, names).claims == []
    assert understand("Tessel Lake keeps every log forever. How much does that cost?", None, names).claims == [
        "Tessel Lake keeps every log forever"
    ]


def test_follow_ups_lean_on_the_conversation(names):
    history = [
        {"role": "user", "content": "Orders arrive in bursts. Which service buffers them?"},
        {"role": "assistant", "content": "Use Zorblat Queue [1].\n\n- Buffers bursts [1]."},
    ]
    assert is_follow_up("and if the events must be replayed instead?")
    assert not is_follow_up("Which service buffers bursts of orders between services in our shop backend?")
    assert previous_answer(history) == "Zorblat Queue"
    query = understand("and if the events must be replayed instead?", history, names)
    assert query.follow_up and query.setting_aside_previous and query.previous_answer == "Zorblat Queue"
    assert query.retrieval_text.startswith("Orders arrive in bursts") and query.focus_text.startswith("and if")
    assert max(w for t, w in query.weights.items() if t == "burst") < 1.0  # the earlier question counts for less
    # "... instead?" asks for something other than the earlier answer; its earlier kind word ("service") was said
    # of the earlier need. A follow-up that only adds to the situation keeps both.
    assert query.rules_out_previous and query.answer_type is None
    adding = understand("and what if they must also be encrypted?", history, names)
    assert not adding.rules_out_previous and adding.answer_type == "service"


def test_a_short_what_is_question_about_a_named_thing_is_a_question_of_its_own(names):
    history = [
        {"role": "user", "content": "Orders arrive in bursts. Which service buffers them?"},
        {"role": "assistant", "content": "Use Zorblat Queue [1]."},
    ]
    own = understand("What is Tessel Lake?", history, names)
    assert not own.follow_up and own.kind == "explanation"
    assert understand("what is it?", history, names).follow_up  # points back
    assert understand("and what about Tessel Lake?", history, names).follow_up  # opens like a reply


def test_a_quoted_description_is_asked_about_itself(names):
    assert (
        quoted_subject("Which option matches this description: “Replays ordered events”?") == "Replays ordered events"
    )
    assert quoted_subject('Our team said "we need dashboards" last week. Which service?') is None
    query = understand("Which option matches this description: “Replays ordered events to readers”?", None, names)
    assert query.kind == "choice" and query.retrieval_text == "Replays ordered events to readers"


@pytest.mark.parametrize(
    "question,kind",
    [
        ("Our image is huge because the compiler ends up in it. What Docker technique fixes this?", "choice"),
        ("Which Dockerfile instruction unpacks the archive for me?", "choice"),
        ("What is the default file system on a Tessel Lake cluster?", "fact"),
        ("I used to clean data in a desktop tool, point-and-click only. What's the AWS equivalent?", "choice"),
        ("What would be the managed alternative to our own Kafka cluster?", "choice"),
        ("What is the replacement policy of the cache?", "fact"),
        ("Uploads time out after a minute. Which directive should be raised for that location?", "choice"),
        ("Which request header should the redirect condition check?", "choice"),
    ],
)
def test_which_or_what_with_a_kind_of_thing_asks_to_choose(names, question, kind):
    assert understand(question, None, names).kind == kind


@pytest.mark.parametrize(
    "question,amount",
    [
        ("How long are messages kept?", "duration"),
        ("By default, how many replicas does it start?", "count"),
        ("The cluster runs in one region. How much does the service charge per hour?", "money"),
        ("whats the max size of one record?", "limit"),
        ("How much memory can one container use?", "amount"),
        ("What is the price of one request?", "money"),
        ("What is the minimum storage duration?", "limit"),
        ("Which chart shows how many users drop off at each step?", None),
        ("Explain how the autoscaler decides how many pods to run.", None),
        ("How long does it take?\nA) 1 minute\nB) 1 hour\nC) 1 day\nD) 1 week", None),  # options answer it
    ],
)
def test_a_question_asking_for_a_figure_is_recognised(names, question, amount):
    assert understand(question, None, names).amount == amount


def test_what_a_gerund_after_without_does_is_not_what_is_ruled_out():
    # "without adding a separate step": the step is ruled out, not adding.
    assert negated_terms("unpack it without adding a separate RUN step") == {"separ", "run"}
    assert "write" in negated_terms("without writing Spark scripts")


def test_what_a_gerund_and_its_preposition_lead_into_is_what_is_ruled_out():
    assert negated_terms("without paying for extra delete writes") == {"extra", "delet"}


@pytest.mark.parametrize(
    "question,remedy",
    [
        ("the site says 502 and the app is up. what do i need to change in nginx?", True),
        ("html pages are compressed fine but json is not. what am i missing?", True),
        ("chrome still says the certificate expired. whats going on and how do i fix it?", True),
        ("new month folders are there but queries return nothing. how do i get athena to pick them up?", True),
        ("every push leaves the old run going. how do i make only the newest run survive?", True),
        ("What is the default level of the error log?", False),
        ("How do I load Salesforce data into S3?", False),
        ("Which directive sets the cache lifetime?", False),
    ],
)
def test_a_question_asking_what_to_do_about_its_situation_asks_for_a_remedy(names, question, remedy):
    assert understand(question, None, names).asks_remedy is remedy


def test_a_question_without_its_question_mark_is_read_as_the_question(names):
    for question in (
        "our clusters are torn down after each job. what should we point the metastore at",
        "we run one job a week. is the cluster better spun up per job or kept running",
    ):
        bare, marked = understand(question, None, names), understand(question + "?", None, names)
        assert (bare.kind, bare.answer_type) == (marked.kind, marked.answer_type)
    assert understand(
        "we run one job a week. is the cluster better spun up per job or kept running", None, names
    ).kind == ("choice")
    # A statement stays a statement.
    assert understand("We use Zorblat Queue. The team wants logs.", None, names).text.endswith("logs.")
