"""Chat: ask, read the cited answer, open the passages it came from."""

import streamlit as st

from assistant.config import RETRIEVAL_MODES
from assistant.display import answer_markdown, highlight_passage
from common import get_assistant

assistant = get_assistant()
state = st.session_state
state.setdefault("messages", [])  # [{"role", "content", "answer"}]

with st.sidebar:
    st.header("Retrieval")
    mode = st.selectbox("Mode", RETRIEVAL_MODES, index=RETRIEVAL_MODES.index(assistant.settings.mode), key="mode")
    top_k = st.slider("Passages (top-k)", 1, 10, assistant.settings.top_k, key="top_k")
    backends = ["default"] + (["llm"] if assistant.llm_available else [])
    backend = st.radio(
        "Answerer", backends, horizontal=True, key="backend",
        format_func=lambda b: "Default (offline)" if b == "default" else f"LLM ({assistant.settings.llm}: {assistant.settings.llm_model})",
        help="The LLM is optional (STUDY_LLM); its answers are checked against your notes.",
    )
    if st.button("New chat", icon=":material/refresh:", use_container_width=True):
        state.messages = []
        st.rerun()
    st.header("Try an exam scenario")
    for number, example in enumerate(assistant.example_questions()):
        if st.button(example, key=f"example-{number}", use_container_width=True):
            state.pending = example

st.title("Study assistant")
st.caption("Answers come only from your notes, with the passages they cite. Offline; no LLM needed.")


def show_answer(answer, key: str) -> None:
    if answer.abstained:
        st.info(answer.answer, icon=":material/help:")
        for number, section in enumerate(answer.suggestions):
            if st.button(f"Open: {section}", key=f"{key}-suggest-{number}"):
                state.pending = f"What do my notes say about {section.split(' > ')[-1]}?"
                st.rerun()
    else:
        st.markdown(answer_markdown(answer.answer))
    for notice in answer.notices:
        st.caption(notice)
    st.caption(f"Answered by: {answer.backend}")
    for citation in answer.citations:
        label = f"[{citation.n}] {citation.source} — {citation.section} (score {citation.score:.2f})"
        with st.expander(label):
            st.markdown(highlight_passage(citation.text, answer.highlights.get(citation.n, [])))
    if not answer.abstained:
        with st.expander("Copy as Markdown", icon=":material/content_copy:"):
            st.code(answer.to_markdown(), language="markdown")


for index, message in enumerate(state.messages):
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.text(message["content"])
        else:
            show_answer(message["answer"], key=f"m{index}")

question = st.chat_input("Ask about your notes, e.g. an exam scenario")
if not question and state.get("pending"):
    question = state.pop("pending")
if question:
    history = [{"role": m["role"], "content": m["content"]} for m in state.messages]
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        live = st.empty()
        streamed: list[str] = []

        def on_token(token: str) -> None:
            streamed.append(token)
            live.text("".join(streamed))  # tokens as the model sends them, replaced by the checked answer

        answer = assistant.ask(question, history=history, mode=mode, top_k=top_k, backend=backend, on_token=on_token)
        live.empty()
        show_answer(answer, key=f"m{len(state.messages) + 1}")
    state.messages.append({"role": "user", "content": question})
    state.messages.append({"role": "assistant", "content": answer.answer, "answer": answer})
