"""Chat: ask, read the cited answer, open the passages it came from. Conversations are saved as they
happen (SQLite), so a reload or a restart brings the current chat back.

Speed: the chat is a fragment holding the few recent turns and the input; on Enter it draws the
question and a "Thinking" placeholder first, then the recent turns, then the answer in place of the
placeholder. The transcript (the turns there when the page was drawn, the latest 20 messages until
earlier ones are asked for) is a fragment of its own and is not redrawn when a question is asked. Turns
come from session state, not from the database. A question from the chat's own input reruns only the
chat, with no keyed rerun (which would end the run and start another); the browser redraws the whole
page on every run, so the page is kept small.

Nothing is lost (issue #11): asking never reruns the whole page. A question or click sent while a
fragment runs waits for that run and is then handled, whereas a full run requested meanwhile stops the
run (and the answer being written), and one sent while a full run re-registers the fragments can be
dropped. So the parts a question changes besides the chat are fragments redrawn in the same run as the
answer and after it: the chat list when the question starts a chat, and the transcript every five
questions, when the recent turns move into it so the chat fragment stays small. The sidebar's examples,
"New chat", the chat list and the Advanced knobs are fragments too; a full run of the page (opening it,
switching chats) moves every turn into the transcript. Questions typed while an answer is being written come from the
page's recorder (ui.common.sent_questions): Streamlit keeps only the newest of two chat-input values
that wait for the same run.
"""

from __future__ import annotations

import logging
import re

import streamlit as st

from assistant.answer import Answer
from assistant.conversations import ConversationNotFound, Message
from assistant.display import (
    answer_markdown_linked,
    citation_label,
    escape_markdown,
    link_citations,
    options_markdown,
    table_markdown,
)
from ui.common import (
    advanced_knobs,
    citation_clicks,
    get_assistant,
    in_fragment_run,
    sent_question_list,
    sent_questions,
)
from ui.viewer import open_viewer

logger = logging.getLogger(__name__)

assistant = get_assistant()
store = assistant.conversations
state = st.session_state

#: Messages of the transcript on the page until "Show earlier messages" is clicked (then this many
#: more each time): the chat is kept whole in the store and its Markdown export.
TRANSCRIPT_MESSAGES = 20


# --- which conversation ------------------------------------------------------------------------


def select_chat(chat_id: str | None) -> None:
    """Show `chat_id` (None: a new chat, created on its first question) and keep it in the URL."""
    state.chat_id = chat_id
    state.turns = store.messages(chat_id) if chat_id else []
    state.transcript_shown = TRANSCRIPT_MESSAGES
    if chat_id:
        store.set_current(chat_id)
        st.query_params["chat"] = chat_id
    elif "chat" in st.query_params:
        del st.query_params["chat"]


if "chat_id" not in state:
    # A reload keeps the chat in the URL; a fresh page (or a restart) opens the last one used.
    chat = None
    wanted = st.query_params.get("chat")
    if wanted:
        try:
            chat = store.get(wanted)
        except ConversationNotFound:
            chat = None
    chat = chat or store.current()
    select_chat(chat.id if chat else None)


def rename_chat(chat_id: str) -> None:
    try:
        store.rename(chat_id, state.get(f"title-{chat_id}", ""))
    except (ValueError, ConversationNotFound) as error:
        state.chat_notice = str(error)


def open_chat(chat_id: str | None) -> None:
    """From the chat list (a fragment of its own): showing another chat redraws the page."""
    select_chat(chat_id)
    st.rerun()


def delete_chat(chat_id: str) -> None:
    store.delete(chat_id)
    remaining = store.conversations()
    open_chat(remaining[0].id if remaining else None)


#: Questions kept in the fast-redrawn part of the chat before they move into the transcript.
RECENT_TURNS = 5

#: The chat input stays at the bottom of the window while the chat scrolls (it sits inside the
#: fragment, where Streamlit would draw it inline).
STICKY_INPUT_CSS = """<style>
.st-key-chat-input-box { position: sticky; bottom: 0; z-index: 5; padding: 0.5rem 0 1rem;
  background: var(--st-background-color, #fff); }
</style>"""


def queue_question(*questions: str, from_chat: bool = False) -> None:
    """Questions from the input or an example button. Queued behind any already waiting (several sent
    in one interaction are all asked, in order); the parts of the page they change besides the chat
    are redrawn with it as fragments (see the notes at the top). `from_chat`: sent by a widget of the
    chat fragment itself, whose interaction reruns the chat anyway."""
    asked = [q for q in questions if q and q.strip()]
    if not asked:
        return
    state.pending = [*state.get("pending", []), *asked]
    if not in_fragment_run():
        return  # a full run of the page redraws all of it anyway
    also = []
    if state.chat_id is None:
        also.append("chat-list")  # the question starts a chat: list it
    if len(state.turns) - state.settled >= 2 * RECENT_TURNS:
        state.settled = len(state.turns)
        also.append("transcript")
    if from_chat and not also:
        # The interaction already reruns the chat; a keyed rerun would end this run and start the same
        # one again, 100-150 ms more from Enter to the answer (measured in Chromium on this machine).
        return
    # Named even when it is the chat alone: a button in another fragment (the sidebar's examples)
    # would otherwise rerun only its own fragment. The chat first, so the answer shows without
    # waiting for the others.
    st.rerun(["chat", *also])


#: Session-state key of the chat input's recorder (ui.common.sent_questions).
SENT_KEY = "sent-questions"


def submit_question() -> None:
    """The chat input's own value: used only where the recorder has not run (no browser: AppTest).
    With the recorder, every question is taken from its list, which loses none (take_sent_questions)."""
    question = state.get("question")
    if sent_question_list(SENT_KEY):
        return
    if question and question.strip():
        # Remembered, in case the recorder's first list arrives after this: it is not asked twice.
        state.asked_from_input = [*state.get("asked_from_input", []), question]
        queue_question(question, from_chat=True)


def take_sent_questions() -> None:
    """The recorder's list grew: queue the questions not seen yet, in the order they were sent."""
    seen = state.setdefault("sent-seen", set())
    fresh = [item for item in sent_question_list(SENT_KEY) if item["id"] not in seen]
    seen.update(item["id"] for item in fresh)
    questions = []
    for item in fresh:
        early = state.get("asked_from_input", [])
        if early and early[0] == item["text"]:
            state.asked_from_input = early[1:]  # already asked from the chat input's value
        else:
            questions.append(str(item["text"]))
    queue_question(*questions, from_chat=True)


def request_open(request) -> None:
    state.open_request = request


# --- sidebar: chats, examples, developer knobs ----------------------------------------------------


@st.fragment(key="examples")
def sidebar_examples() -> None:
    """A fragment, so a click does not rerun the page: that would stop an answer being written."""
    with st.expander("Try an exam scenario", icon=":material/lightbulb:"):
        for number, example in enumerate(assistant.example_questions()):
            st.button(example, key=f"example-{number}", width="stretch", on_click=queue_question, args=(example,))


@st.fragment(key="advanced")
def developer_knobs() -> None:
    """A fragment, so changing a knob while an answer is being written reruns only this, not the page
    (a full run would stop that answer). The answer reads the knobs from session state."""
    advanced_knobs(assistant)


with st.sidebar:
    # "New chat" and the chats: filled after the chat has run, so a chat created by a question
    # asked in this run is already listed.
    chat_list = st.container()
    sidebar_examples()
    developer_knobs()


@st.fragment(key="chat-list")
def show_chat_list() -> None:
    """The sidebar's chats: redrawn on its own when a question starts a chat or one is renamed. In a
    fragment, so "New chat" or another chat clicked while an answer is being written redraws the page
    after it, not in its middle (a full run requested from outside a fragment would stop it)."""
    st.button("New chat", icon=":material/add:", key="new-chat", width="stretch", on_click=open_chat, args=(None,))
    chats = store.conversations()
    if chats:
        st.caption("Chats")
        for chat in chats[:30]:
            st.button(
                chat.title,
                key=f"chat-{chat.id}",
                width="stretch",
                type="primary" if chat.id == state.chat_id else "tertiary",
                on_click=open_chat,
                args=(chat.id,),
            )
    if state.chat_id:
        try:
            current = store.get(state.chat_id)
        except ConversationNotFound:
            current = None
        if current is not None:
            with st.popover("This chat", icon=":material/more_horiz:", width="stretch"):
                st.text_input("Title", current.title, key=f"title-{current.id}", max_chars=80)
                st.button("Rename", key="rename-chat", on_click=rename_chat, args=(current.id,))
                slug = re.sub(r"[^A-Za-z0-9]+", "-", current.title).strip("-")[:40] or "chat"
                chat_id = current.id
                # Built only when clicked: a long chat is not exported on every rerun.
                st.download_button(
                    "Export as Markdown",
                    lambda: store.export_markdown(chat_id),
                    file_name=f"{slug}.md",
                    mime="text/markdown",
                    icon=":material/download:",
                    key="export-chat",
                    on_click="ignore",
                )
                confirm = st.checkbox("Yes, delete this chat", key=f"confirm-delete-{current.id}")
                st.button(
                    "Delete chat",
                    key="delete-chat",
                    type="primary",
                    disabled=not confirm,
                    icon=":material/delete:",
                    on_click=delete_chat,
                    args=(current.id,),
                )
    if state.get("chat_notice"):
        st.warning(state.pop("chat_notice"))


st.html(STICKY_INPUT_CSS)
st.title("Study assistant")
st.caption("Answers come only from your notes, with the passages they cite. Offline; no LLM needed.")


# --- one answer ---------------------------------------------------------------------------------------


def render_answer(answer: Answer, anchor: str) -> None:
    """An answer: a premise correction first, then the text with [n] links, options or a table, and
    the citations as buttons that open the note viewer."""
    if answer.premise is not None:
        correction = link_citations(escape_markdown(answer.premise.correction), anchor)
        st.warning(
            f"**Check the premise:** {escape_markdown(answer.premise.claim)}  \n{correction}", icon=":material/report:"
        )
    if answer.abstained:
        st.info(escape_markdown(answer.answer), icon=":material/help:")
        if answer.suggestions:
            row = st.container(horizontal=True)
            for number, section in enumerate(answer.suggestions):
                row.button(
                    f"Open: {escape_markdown(section)}",
                    key=f"{anchor}-open-{number}",
                    icon=":material/menu_book:",
                    on_click=request_open,
                    args=(("section", section),),
                )
    else:
        st.markdown(answer_markdown_linked(answer.answer, anchor))
    if answer.options:
        st.markdown(options_markdown(answer.options, anchor))
    if answer.table is not None and answer.table.columns:
        st.markdown(table_markdown(answer.table.columns, answer.table.rows, anchor))
    for notice in answer.notices:
        st.caption(escape_markdown(notice))
    if answer.citations:
        row = st.container(horizontal=True, gap="small")
        for citation in answer.citations:
            row.button(
                f"[{citation.n}] {escape_markdown(citation_label(citation))}",
                key=f"{anchor}-cite-{citation.n}",
                type="tertiary",
                icon=":material/menu_book:",
                on_click=request_open,
                args=(f"cite-{anchor}-{citation.n}",),
            )
    footer = st.container(horizontal=True, vertical_alignment="center", key=f"{anchor}-answered")
    footer.caption(
        f"Answered by: {escape_markdown(answer.backend)}"
        + (f" ({escape_markdown(answer.model)})" if answer.model else "")
    )
    if not answer.abstained:
        with footer.popover("Copy as Markdown", icon=":material/content_copy:", type="tertiary"):
            st.code(answer.to_markdown(), language="markdown")


def render_message(message: Message) -> None:
    with st.chat_message(message.role):
        if message.role == "user":
            st.text(message.content)
        else:
            answer = message.answer or Answer(question="", answer=message.content)
            render_answer(answer, anchor=f"m{message.id}")


def open_request(request) -> None:
    """Open the note viewer for a citation ("cite-m<message>-<n>") or a section (("section", name))."""
    if isinstance(request, tuple) and request[0] == "section":
        source = assistant.source_of_section(request[1])
        if source is None:
            st.toast("That section is no longer in your notes.")
        else:
            open_viewer(source, section=request[1])
        return
    match = re.fullmatch(r"cite-m(\d+)-(\d+)", str(request))
    message = next((m for m in state.turns if match and m.id == int(match[1])), None)
    citation = (
        next(
            (c for c in (message.answer.citations if message and message.answer else []) if c.n == int(match[2])), None
        )
        if match
        else None
    )
    if citation is None:
        st.toast("That citation is not in this chat any more.")
        return
    open_viewer(
        citation.source,
        chunk_id=citation.chunk_id,
        section=citation.section,
        text=citation.text,
        lines=list(citation.lines),
    )


def ask(question: str, placeholder) -> None:
    """Ask, save both turns as they happen, and draw the answer in place of the placeholder."""
    if state.chat_id is None:
        select_chat(store.new().id)
    history = [{"role": m.role, "content": m.content} for m in state.turns]
    user_turn = store.add_message(state.chat_id, "user", question)  # kept even if answering fails
    streamed: list[str] = []

    def on_token(token: str) -> None:
        streamed.append(token)
        placeholder.text("".join(streamed))  # the model's tokens, replaced by the checked answer

    try:
        answer = assistant.ask(
            question,
            history=history,
            mode=state.get("mode"),
            top_k=state.get("top_k"),
            backend=state.get("backend"),
            on_token=on_token,
        )
    except Exception as error:  # never a traceback in the chat: say what failed, keep the question
        logger.exception("answering failed")
        placeholder.error(f"Could not answer ({type(error).__name__}: {error}). Your question is saved; try again.")
        state.turns = [*state.turns, user_turn]
        return
    reply = store.add_message(state.chat_id, "assistant", answer.answer, answer)
    with placeholder.container():
        render_answer(answer, anchor=f"m{reply.id}")
    state.turns = [*state.turns, user_turn, reply]


def take_open_request() -> None:
    request = state.pop("open_request", None)
    if request:
        open_request(request)


@st.fragment(key="transcript")
def transcript() -> None:
    """The turns that were there when the page (or the chat) was drawn, the latest
    `TRANSCRIPT_MESSAGES` of them until more are asked for. A new question does not rerun this
    fragment, so Enter redraws only the recent turns (and this, every five questions, after the
    answer); and the page stays small however long the chat grows, since every run of a fragment
    makes the browser redraw the whole page (60 turns on the page: answers ~120 ms slower)."""
    settled = state.turns[: state.settled]
    hidden = max(0, len(settled) - state.get("transcript_shown", TRANSCRIPT_MESSAGES))
    if hidden:
        st.button(
            f"Show {min(hidden, TRANSCRIPT_MESSAGES)} earlier messages ({hidden} not shown)",
            key="show-earlier",
            icon=":material/expand_less:",
            type="tertiary",
            on_click=show_earlier,
        )
    for message in settled[hidden:]:
        render_message(message)
    take_open_request()  # a citation button of an older turn was clicked


def show_earlier() -> None:
    """From the transcript's own button: its fragment reruns with more of the chat."""
    state.transcript_shown = state.get("transcript_shown", TRANSCRIPT_MESSAGES) + TRANSCRIPT_MESSAGES


@st.fragment(key="chat")
def recent_turns_and_input() -> None:
    clicked = citation_clicks(key="cite-links")
    if clicked:
        state.open_request = clicked
    sent_questions(key=SENT_KEY, on_change=take_sent_questions)
    recent = st.container()
    live = st.container()
    questions = state.pop("pending", [])
    placeholders = []
    for number, question in enumerate(questions):
        # Drawn before the recent turns, so the question shows at once.
        with live:
            with st.chat_message("user"):
                st.container(key=f"live-question-{number}").text(question)
            with st.chat_message("assistant"):
                placeholder = st.empty()
                placeholder.markdown(":material/hourglass_top: _Thinking…_")
                placeholders.append(placeholder)
    with recent:
        if not state.turns and not questions:
            st.caption("Try an exam scenario from your notes:")
            for number, example in enumerate(assistant.example_questions()):
                st.button(
                    example,
                    key=f"start-example-{number}",
                    icon=":material/lightbulb:",
                    on_click=queue_question,
                    args=(example,),
                )
        for message in state.turns[state.settled :]:
            render_message(message)
    for question, placeholder in zip(questions, placeholders, strict=True):
        ask(question, placeholder)
    with st.container(key="chat-input-box"):
        st.chat_input("Ask about your notes, e.g. an exam scenario", key="question", on_submit=submit_question)
    take_open_request()


# Each full run of the page settles every turn into the transcript.
state.settled = len(state.turns)
transcript()
recent_turns_and_input()
with chat_list:
    show_chat_list()
