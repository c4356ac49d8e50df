"""Practice: a study flow over questions generated from the notes. Answer (mouse, 1-4 or A-D), see
every option against the key with why-not and citations, grade yourself (Again/Hard/Good/Easy feeds
the review schedule), review the misses at the end, export to Anki. Every control is in the main
column, so a phone shows them without opening the sidebar."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import streamlit as st

from assistant.display import citation_label, escape_markdown
from assistant.practice import export_anki
from assistant.progress import SELF_GRADES
from assistant.text import counted
from ui.common import get_assistant, keyboard_keys
from ui.viewer import render_passage

LETTERS = "ABCD"

assistant = get_assistant()
progress = assistant.progress
state = st.session_state
if "quiz" not in state:
    # A reload or a restart carries on with the set in progress (kept in the progress store).
    saved = progress.load_session()
    state.quiz, state.quiz_index, state.quiz_answers, state.quiz_grades = saved or ([], 0, {}, {})
    state.quiz_started = time.monotonic()


def keep_session() -> None:
    progress.save_session([q.id for q in state.quiz], state.quiz_index, state.quiz_answers, state.quiz_grades)


def start_set() -> None:
    count = int(state.get("practice_count", 10))
    if state.get("practice_due_only"):
        questions = progress.due()[:count]
    else:
        # A fresh set on every Start; a fixed seed only when asked for under Advanced.
        seed = (
            int(state.get("practice_seed", 7))
            if state.get("practice_fixed_seed")
            else random.SystemRandom().randrange(1, 2**31)
        )
        questions = assistant.practice_set(n=count, seed=seed)
    state.quiz, state.quiz_index, state.quiz_answers, state.quiz_grades = questions, 0, {}, {}
    state.quiz_started = time.monotonic()
    state.pop("anki_deck", None)
    keep_session()


def choose(option: int) -> None:
    index = state.quiz_index
    if index in state.quiz_answers:
        return  # a second key press on an answered question changes nothing
    question = state.quiz[index]
    seconds = time.monotonic() - state.get("quiz_started", time.monotonic())
    progress.record_attempt(question, option, seconds)
    state.quiz_answers[index] = option
    keep_session()


def grade(rating: str) -> None:
    index = state.quiz_index
    state.quiz_grades[index] = rating
    state.quiz_next_due = progress.self_grade(state.quiz[index].id, rating)
    keep_session()


def next_question() -> None:
    state.quiz_index += 1
    state.quiz_started = time.monotonic()
    state.pop("quiz_next_due", None)
    keep_session()


def prepare_deck() -> None:
    questions = progress.questions()
    with tempfile.TemporaryDirectory(prefix="study-anki-") as folder:
        path = Path(folder) / "study-assistant.apkg"
        count = export_anki(questions, path)
        state.anki_deck = (path.read_bytes(), count)


# --- header and set-up --------------------------------------------------------------------------

due = progress.due_count()
title_row = st.container(horizontal=True, vertical_alignment="center")
title_row.title("Practice")
title_row.badge(
    f"{due} review{'s' if due != 1 else ''} due", icon=":material/event:", color="orange" if due else "gray"
)

quiz, index = state.quiz, state.quiz_index
in_progress = bool(quiz) and index < len(quiz)
with st.container(border=True):
    setup = st.container(horizontal=True, vertical_alignment="bottom")
    setup.slider("Questions", 5, 30, 10, key="practice_count", width=220)
    setup.toggle("Only reviews that are due", key="practice_due_only", disabled=not due)
    setup.button(
        "Start a practice set" if not in_progress else "Start a new set",
        key="practice-start",
        type="primary" if not in_progress else "secondary",
        icon=":material/play_arrow:",
        on_click=start_set,
    )
    with st.expander("Advanced"):
        st.toggle("Use a fixed seed (the same set every time)", key="practice_fixed_seed")
        st.number_input("Seed", value=7, step=1, key="practice_seed", disabled=not state.get("practice_fixed_seed"))


# --- the current question ---------------------------------------------------------------------------


def show_question(question, number: int, total: int) -> None:
    st.caption(f"Question {number + 1} of {total} — {escape_markdown(question.section)} ({question.kind})")
    st.markdown(f"#### {escape_markdown(question.stem)}")
    chosen = state.quiz_answers.get(number)
    if chosen is None:
        for option_number, option in enumerate(question.options):
            st.button(
                f"{LETTERS[option_number]}) {escape_markdown(option)}",
                key=f"opt-{option_number}",
                width="stretch",
                on_click=choose,
                args=(option_number,),
            )
        st.caption("Keys: 1-4 or A-D pick an option; Enter goes on once you have answered.")
        keys = {str(n + 1): f"opt-{n}" for n in range(len(question.options))}
        keys.update({LETTERS[n].lower(): f"opt-{n}" for n in range(len(question.options))})
        keyboard_keys(keys, key=f"keys-question-{number}")
        return
    show_feedback(question, number, chosen)
    last = number + 1 >= total
    st.button(
        "See the results" if last else "Next question",
        key="practice-next",
        type="primary",
        icon=":material/arrow_forward:",
        on_click=next_question,
    )
    keyboard_keys({"enter": "practice-next"}, key=f"keys-next-{number}")


def show_feedback(question, number: int, chosen: int) -> None:
    lines = []
    for option_number, option in enumerate(question.options):
        label = f"{LETTERS[option_number]}) {escape_markdown(option)}"
        if option_number == question.answer:
            mark = " — your pick" if option_number == chosen else ""
            lines.append(f"- :green-background[**✓ {label}**]{mark}")
        elif option_number == chosen:
            lines.append(f"- :red-background[**✗ {label}**] — your pick")
        else:
            lines.append(f"- {label}")
    st.markdown("\n".join(lines))
    key = question.options[question.answer]
    if chosen == question.answer:
        st.success("Right. " + escape_markdown(question.explanation), icon=":material/check_circle:")
    else:
        st.error(
            f"Not quite: the answer is {escape_markdown(key)}. {escape_markdown(question.explanation)}",
            icon=":material/cancel:",
        )
    why_not = [
        (option, question.why_not.get(option, ""))
        for n, option in enumerate(question.options)
        if n != question.answer and question.why_not.get(option)
    ]
    if why_not:
        picked = question.options[chosen]
        why_not.sort(key=lambda item: item[0] != picked)  # the learner's own pick first
        st.markdown(
            "**Why not the others**\n\n"
            + "\n".join(f"- **{escape_markdown(option)}**: {escape_markdown(reason)}" for option, reason in why_not)
        )
    for citation in question.citations:
        label = citation_label(_Cited(citation))
        with st.expander(f"[{citation.get('n', 1)}] {escape_markdown(label)}", icon=":material/menu_book:"):
            render_passage(citation.get("text", ""))
    grades = st.container(horizontal=True, vertical_alignment="center")
    grades.caption("How well did you know it?")
    given = state.quiz_grades.get(number)
    for rating in SELF_GRADES:
        grades.button(
            rating.capitalize(),
            key=f"grade-{rating}",
            on_click=grade,
            args=(rating,),
            type="primary" if given == rating else "secondary",
        )
    if given and state.get("quiz_next_due"):
        st.caption(f"Graded {given.capitalize()}: next review {state.quiz_next_due:%Y-%m-%d %H:%M} UTC.")


class _Cited:
    """A saved question's citation (a dict) read like an answer's Citation, for its label."""

    def __init__(self, data: dict) -> None:
        self.section = str(data.get("section", ""))
        self.source = str(data.get("source", ""))


def show_results(questions) -> None:
    right = sum(1 for n, q in enumerate(questions) if state.quiz_answers.get(n) == q.answer)
    st.subheader(f"Set complete: {right} of {len(questions)} right")
    missed = [(n, q) for n, q in enumerate(questions) if state.quiz_answers.get(n) != q.answer]
    if not missed:
        st.success("No misses in this set.", icon=":material/celebration:")
    for number, question in missed:
        chosen = state.quiz_answers.get(number)
        with st.container(border=True, key=f"miss-{number}"):
            st.markdown(f"**{escape_markdown(question.stem)}**")
            picked = escape_markdown(question.options[chosen]) if chosen is not None else "(not answered)"
            st.markdown(
                f":red[✗ Your answer: {picked}]  \n:green[✓ The answer: "
                f"{escape_markdown(question.options[question.answer])}]"
            )
            st.caption(escape_markdown(question.explanation))
            if question.citations:
                citation = question.citations[0]
                st.caption(escape_markdown(citation_label(_Cited(citation))))
                render_passage(citation.get("text", ""))
    st.button("Start another set", key="practice-again", type="primary", icon=":material/replay:", on_click=start_set)


if in_progress:
    show_question(quiz[index], index, len(quiz))
elif quiz:
    show_results(quiz)
else:
    st.info("Start a practice set above. Questions come from your notes and cite them.")


# --- progress and export ------------------------------------------------------------------------------

st.divider()
st.subheader("Progress by section")
sections = progress.by_section()
if sections:
    st.bar_chart(
        {s.section: s.accuracy for s in sections},
        horizontal=True,
        x_label="share answered right",
        height=max(200, 28 * len(sections)),
    )
    for weak in progress.weakest():
        attempts = counted(weak.attempts, "attempt")
        st.write(f"Re-read **{escape_markdown(weak.section)}** ({weak.accuracy:.0%} right over {attempts}).")
else:
    st.caption("No attempts yet.")

with st.expander("Export to Anki", icon=":material/download:"):
    st.caption("Every practice question you have seen, as an Anki deck (.apkg).")
    if "anki_deck" not in state:
        st.button("Prepare the deck", key="anki-prepare", on_click=prepare_deck)
    else:
        deck, count = state.anki_deck
        st.download_button(
            f"Download {count} cards",
            deck,
            file_name="study-assistant.apkg",
            mime="application/octet-stream",
            key="anki-download",
            on_click="ignore",
        )
