"""General English for practice stems: word forms, asides, reading a line as a requirement, rewordings."""

import pytest

from assistant.wording import (
    Need,
    base_of,
    cored,
    genus,
    grammar_problem,
    has_aside,
    inner_swapped,
    is_comparison,
    is_verdict,
    kind_of_examples,
    last_phrase_fronted,
    longest_shared_run,
    looks_like_verb,
    passive_variant,
    past_participle,
    pp_list_swapped,
    read_need,
    shortened,
    singular,
    split_second_action,
    strip_asides,
    swapped,
    synonym_variant,
    third_person,
    with_article,
    with_definite_object,
    without_asides_outside_quotes,
)


@pytest.mark.parametrize(
    "word, base",
    [
        ("scans", "scan"),
        ("migrating", "migrate"),
        ("copies", "copy"),
        ("stored", "store"),
        ("pushes", "push"),
        ("uses", "use"),
        ("kept", "keep"),
    ],
)
def test_base_forms(word, base):
    assert base_of(word) == base


def test_verb_forms():
    assert [third_person(v) for v in ("scan", "copy", "push", "do")] == ["scans", "copies", "pushes", "does"]
    assert [past_participle(v) for v in ("scan", "store", "copy", "send")] == ["scanned", "stored", "copied", "sent"]
    assert [singular(n) for n in ("Types", "Classes", "Policies", "Analysis")] == [
        "Type",
        "Class",
        "Policy",
        "Analysis",
    ]


def test_verbs_are_told_from_nouns_by_their_shape():
    assert looks_like_verb("Scans", "S3") == "scan"
    assert looks_like_verb("Logs", "are") is None  # a plural noun before its verb
    assert looks_like_verb("Track", "trends") == "track"
    assert looks_like_verb("Data", "warehousing") is None


def test_articles_follow_the_head_noun():
    assert with_article("marketplace") == "a marketplace"
    assert with_article("open-source framework") == "an open-source framework"
    assert with_article("temporary storage") == "temporary storage"  # a mass noun
    assert with_article("built-in integrations") == "built-in integrations"  # a plural
    assert with_article("tool for analysis and charts") == "a tool for analysis and charts"
    # One thing is the lowest: "the lowest cost per parcel", never "a lowest"; "forest" is no superlative.
    assert with_article("lowest cost per parcel") == "the lowest cost per parcel"
    assert with_article("forest map") == "a forest map"


def test_coordinated_modifiers_of_one_singular_head_take_an_article():
    assert with_article("low or no-code tool") == "a low or no-code tool"
    assert with_article("data analysis and charting tool") == "a data analysis and charting tool"
    assert with_article("workflow management and orchestration") == "workflow management and orchestration"
    assert with_article("queues and topics") == "queues and topics"


def test_an_abstract_object_with_of_takes_the():
    assert with_definite_object("display distribution of values") == "display the distribution of values"
    assert with_definite_object("track trends over time") == "track trends over time"
    assert with_definite_object("illustrate parts of a whole") == "illustrate parts of a whole"


def test_coordinated_verbs_and_verb_endings():
    assert looks_like_verb("Receive", "and", "route") == "receive"  # "-ive" like an adjective, but a verb
    assert looks_like_verb("Interactive", "and", "visual") is None
    assert looks_like_verb("centralize", "metadata", "for") == "centralize"
    assert read_need("Receive and route events by rules.").action == "receive and route events by rules"


def test_a_list_after_such_as_ends_at_the_comma_after_its_last_item():
    assert (
        strip_asides("For data in apps such as Zorb, Quill or Tess, Plim Flow pulls records nightly.")
        == "For data in apps, Plim Flow pulls records nightly."
    )


def test_verdicts_and_comparisons_are_not_descriptions():
    assert is_verdict("Simplified option for new projects")
    assert is_verdict("usually the simpler choice")
    assert is_verdict("Preferred for tight integration with other services")
    assert is_verdict("Better throughput for large jobs")
    assert not is_verdict("a managed connector service that pulls records")
    assert not is_verdict("Buffers bursts of orders between producers and consumers")
    assert is_comparison("More open-source tools") and is_comparison("Less configuration management")
    assert not is_comparison("Preferred for tight integration")  # a preference still names a purpose


@pytest.mark.parametrize(
    "stem, problem",
    [
        ("A team needs get and route events by rules. Which service fits best?", True),
        ("A team needs something that can send uploads to the nearest edge and then. Which service?", True),
        ("Within the buckets, a team needs something that can find secrets. Which service fits best?", True),
        ("A company faces this: keep orders safe. Which option fits best?", True),
        ("A team needs something that can pull them into the lake. Which option fits best?", True),
        ("A team needs told, named sets of images apart by tags. Which option fits best?", True),
        ("A team needs something that can deliver events to/from other services. Which service?", True),
        ("A company needs an Orbo DB needs scaling work. Which store fits best?", True),
        ("A company needs 30 consecutive days. Which tier fits best?", True),
        ("A team needs 180 days or more, you configure. Which tier fits best?", True),
        ("A team needs the count of a to be changed set. Which option fits best?", True),
        ("A team needs a tool that allows analysts to define rules. Which service fits best?", False),
        ("A team needs events to be routed to other targets. Which service fits best?", False),
        ("A team needs to read custom Orbo logs and train ML models. Which service fits best?", False),
        ("A team needs Orbo Multi-AZ fails over more slowly. Which store fits best?", True),
        ("For third-party data feeds, a team needs a marketplace. Which service should it use?", False),
        ("A team needs to query logs with SQL. Which service should it use?", False),
        ("A shop must absorb spikes of orders without losing any of them. Which queue fits best?", False),
        ("Which command changes the owner of a file?", False),
        ("A team needs something that can non-overlap intervals. Which option fits best?", True),
        ("A team needs something that can keep non-overlapping intervals. Which option fits best?", False),
    ],
)
def test_stems_that_do_not_read_as_english(stem, problem):
    assert bool(grammar_problem(stem)) is problem


def test_asides_and_example_lists_go_one_example_stays():
    assert strip_asides("Scans buckets (every hour) for data, e.g., logs.") == "Scans buckets for data."
    assert (
        strip_asides("Buffers events such as clicks, logs and telemetry for readers.") == "Buffers events for readers."
    )
    assert strip_asides("Scans buckets for secrets like keys.") == "Scans buckets for secrets like keys."


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Scans S3 buckets for sensitive data.", Need(action="scan S3 buckets for sensitive data")),
        ("For migrating existing workflows.", Need(goal="migrate existing workflows")),
        (
            "Visual preparation tool for non-technical analysts.",
            Need(thing="visual preparation tool", users="non-technical analysts"),
        ),
        ("Ideal for near-real-time monitoring and search.", Need(purpose="near-real-time monitoring and search")),
        (
            "Amplify processing power without participating in the file system.",
            Need(action="amplify processing power", constraints=["It must not participate in the file system."]),
        ),
        ("Centrally managed from a single account.", Need(quality="centrally managed from a single account")),
        (
            "Integrates with other services; fully managed and highly available.",
            Need(
                action="integrate with other services", constraints=["It must be fully managed and highly available."]
            ),
        ),
    ],
)
def test_a_line_is_read_as_a_requirement(line, expected):
    assert read_need(line) == expected


def test_lines_that_cannot_be_reused_read_as_nothing():
    assert read_need("Logs are organized into groups, retained indefinitely.").empty
    assert read_need("use it send logs to the server").empty  # not grammatical enough to reword
    assert read_need("exists as a standalone application").empty  # a state, not something to need


def test_rewordings_keep_the_meaning():
    assert swapped("scan and identify sensitive data") == "identify and scan sensitive data"
    assert swapped("display single metrics or key indicators") == "display key indicators or single metrics"
    assert swapped("route events to one or more targets") is None
    assert (
        pp_list_swapped("install on virtual machines or on-premises servers")
        == "install on on-premises servers or on virtual machines"
    )
    assert inner_swapped("moving large amounts of file or object data") == "moving large amounts of object or file data"
    assert passive_variant("route events to one or more targets") == ("events", "routed to one or more targets")
    assert last_phrase_fronted("integrate files with buckets for lasting storage") == (
        "for lasting storage",
        "integrate files with buckets",
    )
    assert split_second_action("scan the buckets for secrets and alert the owners if any is found") == (
        "scan the buckets for secrets",
        "alert the owners if any is found",
    )
    # An "or" inside a subordinate clause joins that clause's words, not two actions.
    assert swapped("replace a gadget when another referenced gadget or attribute changes") is None
    assert grammar_problem("A team needs something that can check the layout,. Which command?")
    # A hyphenated "-ing" word after a verb is an adjective, not an activity it takes.
    assert read_need("protects slow-starting containers").action == "protect slow-starting containers"
    # An example set off by commas inside a sentence goes; the sentence's verb stays.
    assert strip_asides("`--cap` (`-c`), e.g. `--cap=5`, is a hard limit; a gadget over it stops.") == (
        "`--cap` is a hard limit; a gadget over it stops."
    )
    # "CPU, memory and network use": the end of a list, not a second thing done.
    assert split_second_action("show live CPU, memory and network use per container") is None
    assert synonym_variant("scan buckets for large files") == "inspect buckets for big files"
    assert (
        cored("move data from a source to a target while the source stays online")
        == "move data from a source to a target"
    )


def test_copied_runs_count_content_words():
    assert (
        longest_shared_run("A team needs a piece of storage in the cluster", "A piece of storage in the cluster.") == 3
    )
    assert longest_shared_run("needs to track trends over time", "Track trends over time.") == 3
    assert longest_shared_run("completely different words", "nothing in common here") == 0


@pytest.mark.parametrize(
    "definition,kind",
    [
        ("A controller that keeps one courier on every depot", "controller"),
        ("a movable, human-readable label for a parcel version", "label"),
        ("A piece of storage in the depot, handed out on request", "storage"),  # "a piece of" measures it out
        ("The identity a courier uses to call the depot", "identity"),
        ("Status shown when a courier keeps failing", "status"),  # a participle closes the noun phrase
        ("a host file or directory mapped into a courier", "directory"),
        ("the immutable content hash (sha256) that identifies one parcel", "hash"),
        ("Opens the same port on every depot", None),  # what it does, not what it is
        ("Ideal for near-real-time search", None),  # a quality, not a kind
        ("Running long-haul routes such as coastal lines", None),  # an activity on things: what it is for
        ("Caching layer in front of the depot", "layer"),  # a gerund that modifies its head noun
    ],
)
def test_the_genus_of_a_definition_is_the_head_of_its_opening_noun_phrase(definition, kind):
    assert genus(definition) == kind


def test_a_verb_inside_a_subordinate_clause_leaves_the_requirement_readable():
    assert read_need("executes a command while the image is being built").action == (
        "execute a command while the image is being built"
    )
    assert read_need("sets a variable that is kept in the image").action == "set a variable that is kept in the image"
    assert read_need("the parcels would take a week to arrive").empty  # a clause of its own


def test_two_words_are_swapped_only_where_they_share_the_noun_after_them():
    assert inner_swapped("move the file or object data") == "move the object or file data"
    assert inner_swapped("a variable stored in the image and present in every container") is None


def test_a_shortened_phrase_drops_a_participle_left_without_its_phrase_and_advice_reads_as_a_fit():
    assert shortened("create jobs on a repeating schedule written in standard cron syntax") == (
        "create jobs on a repeating schedule"
    )
    need = read_need("A controller that creates jobs on a schedule. Use it for backups, reports and clean-up.")
    assert need.constraints == ["It must also suit backups, reports and clean-up."]


def test_a_clause_after_whether_or_if_is_part_of_the_need_not_a_second_one():
    assert grammar_problem("A company needs something that can check whether the parcel is still intact.") is None
    assert grammar_problem("A company needs an RDS needs scaling work.") == "a second clause pasted into the need"
    assert read_need("checks whether the parcel is still intact").action == "check whether the parcel is still intact"


def test_a_list_of_examples_names_the_kind_of_its_items():
    assert kind_of_examples("Wardens such as Drovers, Herders and Talliers watch the fleet") == [
        ("warden", "Drovers, Herders and Talliers watch the fleet")
    ]
    assert kind_of_examples("Use yards like North and South") == [("yard", "North and South")]
    assert kind_of_examples("real-time data such as clicks, logs and events") == []  # "data" is no plural noun
    assert kind_of_examples("It helps such as the others") == []


def test_a_quoted_message_is_kept_whole_and_is_no_aside():
    text = 'The log shows "connect() failed (111: refused) while reading" (see below) at once.'
    assert (
        without_asides_outside_quotes(text) == 'The log shows "connect() failed (111: refused) while reading" at once.'
    )
    assert not has_aside('The log shows "(24: Too many open files)". Which setting?')
    assert has_aside("A team (not likely on exams) needs logs. Which service?")


def test_a_modal_inside_an_embedded_question_clause_leaves_the_requirement_readable():
    # "how long a job may run" is a clause of its own inside "sets ..."; the main clause has no modal.
    assert read_need("sets how long a job may run before Zorblat cancels it").action == (
        "set how long a job may run before Zorblat cancels it"
    )
    assert (
        read_need("caps how many jobs may run at the same time").action == "cap how many jobs may run at the same time"
    )
    assert read_need("the data may take a week").empty  # a modal in the main clause is still a clause of its own


def test_a_phrase_is_not_cut_between_a_modal_and_its_verb():
    # "how long a belt may run | before ...": "run" reads as a participle left dangling, and dropping it would
    # leave "may" without its verb.
    assert shortened("set how long a belt or a single roller may run before the rack stops it") is None
    assert shortened("set how long a belt may run on the rack before a crate stops it") == (
        "set how long a belt may run on the rack"
    )
    assert grammar_problem("A team needs something that can set how long a parcel may. Which setting fits?")
    assert (
        grammar_problem("A team needs something that can set how long a parcel may wait. Which setting fits?") is None
    )


def test_a_list_of_nouns_after_the_verb_keeps_its_last_item_a_noun():
    need = read_need("checks crates, parcel labels, weights and references within the manifest")
    assert need.action == "check crates, parcel labels, weights and references within the manifest"
    # Two verbs joined by "and" are still two things to do.
    assert read_need("stores parcels under a name, and fetches them later").action == (
        "store parcels under a name, and fetch them later"
    )


def test_a_without_clause_leaves_no_comma_and_each_of_its_gerunds_becomes_a_verb():
    need = read_need("checks the manifest, without opening any crate or weighing the parcels")
    assert need.action == "check the manifest"
    assert need.constraints == ["It must not open any crate or weigh the parcels."]
    # A last gerund with no object of its own is a noun: "routing or scheduling" is one thing.
    assert read_need("handles parcel routing or scheduling").action == "handle parcel routing or scheduling"


def test_a_question_word_opens_an_embedded_clause_in_the_need():
    stem = "A team needs something that can set how many parcels are kept before the rack is marked full."
    assert grammar_problem(stem) is None
    assert grammar_problem("A team needs something that can show what the rack is holding.") is None
    assert grammar_problem("A team needs a rack needs more shelves.") == "a second clause pasted into the need"


def test_lets_with_an_object_and_a_bare_verb_is_an_action():
    need = read_need("lets a belt or roller stop without stopping the rack, which suits optional belts.")
    assert need.action == "let a belt or roller stop"
    assert need.constraints == ["It must not stop the rack."]
    assert read_need("lets you run parcels without weighing them").action != "let you run parcels"


def test_cutting_an_aside_leaves_a_path_that_starts_with_a_stop_alone():
    assert strip_asides("Run `git worktree add ../hotfix main` (fast) .") == "Run `git worktree add ../hotfix main`."


def test_a_noun_phrase_that_lets_someone_do_something_so_asks_for_that():
    need = read_need(
        "A Depot with no crane and no ramp that returns a signpost to an outside yard, so visiting carts can use a "
        "local name for an outside yard."
    )
    assert need.thing == "depot"
    assert need.goal == "let visiting carts use a local name for an outside yard"
    # "so it can ...": the thing itself, said another way, is no one it lets do something.
    assert read_need("A Depot with no crane, so it can stay small.").goal is None
