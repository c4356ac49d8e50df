"""Practice: multiple-choice questions from the notes, with feedback, citations and progress."""

import time

import streamlit as st

from common import get_assistant

assistant = get_assistant()
state = st.session_state
state.setdefault("quiz", [])
state.setdefault("quiz_index", 0)
state.setdefault("quiz_score", [0, 0])
state.setdefault("quiz_feedback", None)

st.title("Practice")
with st.sidebar:
    st.header("Practice")
    count = st.slider("Questions", 5, 30, 10)
    seed = st.number_input("Seed", value=7, step=1)
    due_only = st.toggle("Only reviews that are due")
    if st.button("Start a practice set", type="primary", use_container_width=True):
        state.quiz = assistant.progress.due() if due_only else assistant.practice_set(n=count, seed=int(seed))
        state.quiz_index, state.quiz_score, state.quiz_feedback = 0, [0, 0], None
        state.quiz_started = time.monotonic()

right, answered = state.quiz_score
st.metric("Session score", f"{right}/{answered}")

if not state.quiz:
    st.info("Start a practice set from the sidebar. Questions come from your notes and cite them.")
elif state.quiz_index >= len(state.quiz):
    st.success(f"Set complete: {right}/{answered} right.")
else:
    question = state.quiz[state.quiz_index]
    st.caption(f"Question {state.quiz_index + 1} of {len(state.quiz)} — {question.section} ({question.kind})")
    st.subheader(question.stem)
    if state.quiz_feedback is None:
        for number, option in enumerate(question.options):
            if st.button(f"{'ABCD'[number]}) {option}", key=f"option-{question.id}-{number}", use_container_width=True):
                seconds = time.monotonic() - state.get("quiz_started", time.monotonic())
                correct = assistant.progress.record_attempt(question, number, seconds)
                state.quiz_score = [right + int(correct), answered + 1]
                state.quiz_feedback = number
                st.rerun()
    else:
        chosen = state.quiz_feedback
        if chosen == question.answer:
            st.success("Right. " + question.explanation)
        else:
            st.error(f"Not quite: the answer is {question.options[question.answer]}. {question.explanation}")
            st.warning(question.why_not.get(question.options[chosen], ""))
        for citation in question.citations:
            with st.expander(f"[{citation['n']}] {citation['source']} — {citation['section']}"):
                st.text(citation["text"])
        if st.button("Next question", type="primary"):
            state.quiz_index += 1
            state.quiz_feedback = None
            state.quiz_started = time.monotonic()
            st.rerun()

st.divider()
st.subheader("Progress by section")
sections = assistant.progress.by_section()
if sections:
    st.bar_chart({s.section: s.accuracy for s in sections}, horizontal=True, height=max(200, 28 * len(sections)))
    for weak in assistant.progress.weakest():
        st.write(f"Re-read **{weak.section}** ({weak.accuracy:.0%} right over {weak.attempts} attempts).")
else:
    st.caption("No attempts yet.")
