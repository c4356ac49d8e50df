"""Citations: the one place references become numbered citations."""

from assistant.answer import ComparisonTable, OptionVerdict, Premise
from assistant.answerers import Draft, ref
from assistant.chunking import Chunk
from assistant.citations import build_answer
from assistant.evaluation import citations_valid

CHUNKS = {cid: Chunk(cid, "u.md", f"Section {cid}", f"Text of {cid}.", 0) for cid in ("a", "b", "c")}


def _build(draft: Draft):
    return build_answer("q?", draft, chunk=CHUNKS.get, score=lambda cid: 0.5)


def test_references_are_numbered_in_order_of_first_use_and_listed_once():
    draft = Draft(kind="fact", text=f"First {ref('b')}. Then {ref('a')} and {ref('b')} again.")
    draft.rely_on("b", "Text of b.")
    answer = _build(draft)
    assert answer.answer == "First [1]. Then [2] and [1] again."
    assert [(c.n, c.chunk_id) for c in answer.citations] == [(1, "b"), (2, "a")]
    assert answer.citations[0].lines == ["Text of b."] and answer.citations[1].lines == []
    assert citations_valid(answer.answer, [c.n for c in answer.citations])


def test_references_to_unknown_passages_are_dropped_with_a_notice():
    answer = _build(Draft(kind="fact", text=f"Known {ref('a')}. Unknown {ref('zzz')}."))
    assert answer.answer == "Known [1]. Unknown." and [c.chunk_id for c in answer.citations] == ["a"]
    assert any("Dropped 1 reference" in n for n in answer.notices)


def test_premise_table_and_options_share_the_numbering():
    draft = Draft(
        kind="comparison",
        text=f"Intro {ref('c')} {ref('a')}.",
        table=ComparisonTable(["", "X", "Y"], [["Use", f"x {ref('a')}", f"y {ref('c')}"]]),
        options=[OptionVerdict("A", "X", True, f"because {ref('c')}")],
        premise=Premise("claim", f"Not so {ref('b')}"),
    )
    answer = _build(draft)
    assert answer.premise.correction == "Not so [1]"  # the correction comes first
    assert answer.answer == "Intro [2] [3]."
    assert answer.table.rows == [["Use", "x [3]", "y [2]"]] and answer.options[0].reason == "because [2]"


def test_a_draft_with_no_references_has_no_citations():
    answer = _build(Draft(kind="fact", text="Your notes don't cover this.", abstained=True, suggestions=["S"]))
    assert answer.citations == [] and answer.abstained and answer.suggestions == ["S"]


def test_a_path_or_flag_that_starts_with_a_stop_keeps_its_space():
    draft = Draft(kind="fact", text=f"Run `git worktree add ../hotfix main` or `ls .config` {ref('a')} .")
    assert _build(draft).answer == "Run `git worktree add ../hotfix main` or `ls .config` [1]."
