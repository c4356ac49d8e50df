"""The `study` command line: a thin layer over `Assistant` (typer + rich)."""

from __future__ import annotations

import json
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Study assistant: grounded, cited answers from your course notes. Offline by default.",
)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

EXIT_USAGE = 2
EXIT_FAILURE = 1


@app.callback()
def main(
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Log what the assistant does (INFO) to stderr; or set STUDY_LOG_LEVEL."
    ),
) -> None:
    """Study assistant: grounded, cited answers from your course notes. Offline by default."""
    from .logs import configure_logging

    try:
        configure_logging(verbose)
    except ValueError as error:
        fail(str(error), EXIT_USAGE)


def fail(message: str, code: int = EXIT_FAILURE) -> None:
    errors.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(code)


def _settings():
    from pydantic import ValidationError

    from .config import Settings

    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(f"STUDY_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        fail(f"invalid settings: {problems}", EXIT_USAGE)


def _check_mode(mode: str | None) -> None:
    from .config import check_mode

    try:
        check_mode(mode)
    except ValueError as error:
        fail(str(error), EXIT_USAGE)


@contextmanager
def _handled():
    """Known failures become one clear line and a non-zero exit, never a traceback."""
    from .embeddings import EmbeddingModelError
    from .evaluation import DatasetError
    from .store import StoreError

    try:
        yield
    except (StoreError, EmbeddingModelError, DatasetError) as error:
        fail(str(error))
    except KeyboardInterrupt:
        errors.print("interrupted")
        raise typer.Exit(130) from None


@contextmanager
def _progress():
    """A rich progress bar fed by the pipeline's progress(description, done, total) callbacks."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def update(description: str, done: int, total: int) -> None:
            if description not in tasks:
                tasks[description] = bar.add_task(description, total=max(total, 1))
            bar.update(tasks[description], completed=done, total=max(total, 1))

        yield update


def _assistant():
    from .core import Assistant

    return Assistant(_settings())


def _ready_assistant():
    """The Assistant, with the notes indexed first if the store is empty."""
    assistant = _assistant()
    _ensure_ingested(assistant)
    return assistant


def _print_report(report, to_stderr: bool = False) -> None:
    for warning in report.warnings:
        errors.print(f"[yellow]warning:[/] {escape(warning)}")
    for error in report.errors:
        errors.print(f"[bold red]error:[/] {escape(error)}")
    if not report.refused:  # "0 in the index" would be wrong for an ingest that did not run: the index is kept
        (errors if to_stderr else console).print(escape(report.summary()))


def _ensure_ingested(assistant) -> None:
    if assistant.is_empty():
        errors.print("The index is empty: indexing your notes first.")
        with _progress() as progress:
            report = assistant.ingest(progress=progress)
        # Indexing on first use is a side note: stdout stays the command's own output (JSON with --json).
        _print_report(report, to_stderr=True)
        if report.errors and report.chunks_total == 0:
            raise typer.Exit(EXIT_FAILURE)


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(None, help="Extra files or folders to index beside the corpus folder."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Drop the index and build it again from the notes."),
) -> None:
    """Index the notes folder (and PATHS): only new or changed files are embedded."""
    with _handled():
        assistant = _assistant()
        with _progress() as progress:
            report = assistant.ingest(paths=list(paths or []), rebuild=rebuild, progress=progress)
        _print_report(report)
        if report.errors:
            raise typer.Exit(EXIT_USAGE if report.chunks_total == 0 or paths else EXIT_FAILURE)
        if report.chunks_total == 0:
            fail("nothing could be indexed: add .md, .txt, .html or .pdf notes to the corpus folder")


def _render_answer(answer, show_sources: bool = True) -> None:
    from rich.panel import Panel
    from rich.table import Table

    style = "yellow" if answer.abstained else "green"
    from .text import has_words

    # A question with no word in it ("???", an emoji) was not declined for the notes: there was nothing to read.
    unread = answer.abstained and not has_words(answer.question)
    title = "nothing to answer" if unread else "not in your notes" if answer.abstained else f"answer ({answer.kind})"
    # Wrapped inside the box: the console soft-wraps plain lines, which in a panel would cut them at its edge.
    console.print(Panel(escape(answer.answer), border_style=style, title=title), soft_wrap=False)
    if answer.table is not None:
        table = Table(*[escape(c) for c in answer.table.columns], show_lines=True)
        for row in answer.table.rows:
            table.add_row(*[escape(cell) for cell in row])
        console.print(table)
    for notice in answer.notices:
        errors.print(f"[dim]note: {escape(notice)}[/]")
    if show_sources:
        for citation in answer.citations:
            console.print(f"[bold][{citation.n}][/] {escape(citation.section)} - [cyan]{escape(citation.source)}[/]")


def _render_trace(answer) -> None:
    """Why this answer: the question as understood, the gate's inputs, the candidates and their scores."""
    trace = answer.trace
    query = trace.get("query", {})
    console.print(
        f"[bold]kind[/] {answer.kind}   [bold]backend[/] {escape(answer.backend)}"
        f"{'   [bold]model[/] ' + escape(answer.model) if answer.model else ''}   "
        f"[bold]latency[/] {answer.latency_ms:.1f} ms"
    )
    if query:
        shown = {k: v for k, v in query.items() if v not in (None, [], False, "")}
        console.print(f"[bold]understood[/] {escape(json.dumps(shown, ensure_ascii=False))}")
    gate = trace.get("gate")
    if gate:
        console.print(
            f"[bold]coverage gate[/] {'covered' if gate['covered'] else 'declined'} "
            f"(strength {gate['strength']:.3f} vs {gate['threshold']:.3f}; best passage {gate['best_passage']:.3f}, "
            f"best line {gate['best_line']:.3f}, unknown words {gate['unknown_share']:.2f}, "
            f"names the notes never use: {escape(', '.join(gate['foreign_names']) or 'none')}"
            f"{'; defined in the notes: ' + escape(gate['defined_subject']) if gate.get('defined_subject') else ''})"
        )
    for passage in trace.get("retrieval", []):
        console.print(
            f"  [dim]retrieved[/] {passage['similarity']:.3f} {escape(passage['section'])} "
            f"[dim](dense #{passage['dense_rank']}, bm25 #{passage['bm25_rank']})[/]"
        )
    for candidate in trace.get("candidates", [])[:6]:
        factors = ", ".join(f"{k} {v}" for k, v in candidate["factors"].items())
        console.print(
            f"  [bold]candidate[/] {candidate['score']:.3f} {escape(candidate['name'])} [dim]({escape(factors)})[/]"
        )
        if candidate.get("best_line"):
            console.print(f"    [dim]{escape(candidate['best_line'])}[/]")
    for option in trace.get("options", []):
        console.print(
            f"  [bold]option[/] {option['letter']} {option['score']:.3f} [dim]{escape(option.get('line') or '')}[/]"
        )
    for line in trace.get("lines", []):
        console.print(f"  [bold]line[/] {line['score']:.3f} [dim]{escape(line['line'])}[/]")
    if trace.get("premise"):
        console.print(f"[bold]premise[/] {escape(json.dumps(trace['premise'], ensure_ascii=False)[:600])}")
    for key in ("fallback", "prompt_tokens", "timings"):
        if key in trace:
            console.print(f"[bold]{key}[/] {escape(str(trace[key]))}")


@app.command()
def ask(
    question: str = typer.Argument(..., help="Your question, in quotes (paste a multiple-choice question whole)."),
    as_json: bool = typer.Option(False, "--json", help="Print the answer contract as JSON."),
    explain: bool = typer.Option(
        False, "--explain", help="Also show why: the question as understood, the gate, the candidates and their scores."
    ),
    mode: str | None = typer.Option(None, "--mode", help="Retrieval mode: hybrid, dense or bm25."),
    top_k: int | None = typer.Option(None, "--top-k", min=1, max=50, help="Passages to retrieve."),
) -> None:
    """Ask one question; prints the answer with its cited passages."""
    _check_mode(mode)
    if not question.strip():
        fail("the question is empty: ask something about your notes", EXIT_USAGE)
    with _handled():
        assistant = _ready_assistant()
        answer = assistant.ask(question, mode=mode, top_k=top_k)
    if as_json:
        sys.stdout.write(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    _render_answer(answer)
    if explain:
        _render_trace(answer)


@app.command()
def chat(mode: str | None = typer.Option(None, "--mode", help="Retrieval mode: hybrid, dense or bm25.")) -> None:
    """Chat in the terminal; follow-up questions are read in the context of the conversation."""
    _check_mode(mode)
    with _handled():
        assistant = _ready_assistant()
        with console.status("Loading the model and index..."):
            assistant.warm_up()
        console.print("[bold]Ask about your notes.[/] Commands: [cyan]/new[/] starts over, [cyan]/quit[/] leaves.")
        history: list[dict] = []
        while True:
            try:
                question = console.input("[bold cyan]you> [/]")
            except (EOFError, KeyboardInterrupt):
                console.print()
                break
            stripped = question.strip()
            if not stripped:
                continue
            if stripped.lower() in ("/quit", "/exit", "quit", "exit"):
                break
            if stripped.lower() == "/new":
                history.clear()
                console.print("[dim]New conversation.[/]")
                continue
            if re.fullmatch(r"/[A-Za-z?]+", stripped):
                # "/help", "/foo": a command, not a question about the notes.
                known = stripped.lower() in ("/help", "/?")
                console.print(
                    ("" if known else f"[yellow]{escape(stripped)} is not a command.[/] ")
                    + "Commands: [cyan]/new[/] starts over, [cyan]/quit[/] leaves; anything else is a question."
                )
                continue
            answer = assistant.ask(stripped, history=history, mode=mode)
            _render_answer(answer)
            history += [{"role": "user", "content": stripped}, {"role": "assistant", "content": answer.answer}]


@app.command("eval")
def evaluate(
    dataset: Path = typer.Option(
        Path("evals/dev/course-scenarios.jsonl"), "--dataset", help="JSONL file of eval items."
    ),
    suite: Path | None = typer.Option(
        None,
        "--suite",
        help="A suite folder (evals/dev, evals/test): every "
        "dataset in it, units of notes indexed on their own. Hybrid mode unless --mode.",
    ),
    notes: Path | None = typer.Option(None, "--notes", help="Ask --dataset of these notes (indexed on their own)."),
    out: Path = typer.Option(
        Path("evals/results"), "--out", help="Folder for per_item.jsonl, summary.json, report.md."
    ),
    mode: str | None = typer.Option(None, "--mode", help="Only this mode (default: hybrid, dense and bm25)."),
    llm: bool = typer.Option(False, "--llm", help="Also run through the LLM backend (STUDY_LLM), side by side."),
) -> None:
    """Run the eval suite and write the report (all retrieval modes side by side)."""
    _check_mode(mode)
    from .evaluation import METRIC_LABELS, format_metric, run_eval, run_suite

    with _handled():
        assistant = _ready_assistant() if notes is None else None
        if llm and _settings().llm == "none":
            fail("--llm needs an LLM backend: set STUDY_LLM=openai or ollama and STUDY_LLM_MODEL", EXIT_USAGE)
        if assistant is not None:
            assistant.warm_up()
        with _progress() as progress:
            if suite is not None:
                base = assistant or _ready_assistant()
                run = run_suite(
                    base,
                    suite,
                    out,
                    unit_assistant=base.assistant_for_notes,
                    modes=[mode or "hybrid"],
                    progress=progress,
                    llm=llm,
                )
                console.print(escape((run.out_dir / "report.md").read_text(encoding="utf-8")))
                console.print(
                    f"Wrote {run.out_dir / 'summary.json'} and {run.out_dir / 'report.md'} "
                    "(each set in its own folder)."
                )
                return
            if notes is not None:
                assistant = _assistant().assistant_for_notes(notes, notes.name or "notes")
            result = run_eval(assistant, dataset, out, modes=[mode] if mode else None, progress=progress, llm=llm)
    from rich.table import Table

    table = Table(title=f"Evaluation of {dataset}")
    table.add_column("metric")
    for name in result.summaries:
        table.add_column(name, justify="right")
    for key, label in METRIC_LABELS.items():
        table.add_row(label, *[format_metric(key, result.summaries[m][key]) for m in result.summaries])
    console.print(table)
    console.print(
        f"Wrote {result.out_dir / 'per_item.jsonl'}, {result.out_dir / 'summary.json'} "
        f"and {result.out_dir / 'report.md'}."
    )


quiz_app = typer.Typer(help="Practise with multiple-choice questions generated from your notes.", no_args_is_help=False)
app.add_typer(quiz_app, name="quiz")


def _ask_one(assistant, question, number: int, total: int) -> bool | None:
    """Show one question, read a choice (two letters for a choose-two item), record it, explain.
    None when the learner quits."""
    import time as _time

    from .evaluation import cited_numbers

    console.print(f"\n[bold]Question {number}/{total}[/] [dim]({escape(question.section)})[/]")
    console.print(escape(question.stem))
    letters = "ABCD"[: len(question.options)]
    for letter, option in zip(letters, question.options, strict=False):
        console.print(f"  [cyan]{letter}[/]) {escape(option)}")
    started = _time.monotonic()
    picks = question.picks
    hint = f"Type {', '.join(letters[:-1])} or {letters[-1]}" if picks == 1 else f"Type {picks} letters (like AC)"
    while True:
        try:
            prompt = "your answer (A-D, q to stop)> " if picks == 1 else f"your {picks} answers (like AC, q to stop)> "
            reply = console.input(f"[bold]{prompt}[/]").strip().upper()
        except (EOFError, KeyboardInterrupt):
            return None
        if reply == "Q":
            return None
        chosen_letters = [ch for ch in reply if ch.isalpha()]
        if len(set(chosen_letters)) == picks and all(ch in letters for ch in chosen_letters):
            break
        console.print(f"[yellow]{hint} (or q to stop).[/]")
    chosen = sorted({letters.index(ch) for ch in chosen_letters})
    correct = assistant.progress.record_attempt(
        question, chosen[0] if picks == 1 else chosen, _time.monotonic() - started
    )
    shown = [question.explanation]
    if correct:
        console.print("[bold green]Right.[/] " + escape(question.explanation))
    else:
        right = " and ".join(question.options[i] for i in question.keys)
        console.print(
            f"[bold red]Not quite.[/] The answer is [bold]{escape(right)}[/]. " + escape(question.explanation)
        )
        for index in chosen:
            reason = question.why_not.get(question.options[index])
            if reason:
                shown.append(reason)
                console.print("[dim]" + escape(reason) + "[/]")
    # Only the passages the feedback cites: the other why-nots' citations are not on the screen.
    cited = set().union(*(cited_numbers(text) for text in shown))
    for citation in question.citations:
        if citation["n"] in cited:
            console.print(f"[dim][{citation['n']}] {escape(citation['source'])} — {escape(citation['section'])}[/]")
    return correct


@quiz_app.callback(invoke_without_command=True)
def quiz(
    ctx: typer.Context,
    n: int = typer.Option(10, "--n", min=1, max=200, help="How many questions."),
    section: str | None = typer.Option(None, "--section", help="Only this section (text match)."),
    seed: int = typer.Option(7, "--seed", help="Same seed, same questions."),
    due: bool = typer.Option(False, "--due", help="Only questions whose review is due."),
) -> None:
    """Interactive quiz in the terminal: answer, get feedback with citations, progress is saved."""
    if ctx.invoked_subcommand is not None:
        return
    with _handled():
        assistant = _ready_assistant()
        questions = (
            assistant.progress.due()
            if due
            else assistant.practice_set(n=n, seed=seed, section=section, choose_two=True)
        )
    if not questions:
        if due:
            console.print("Nothing is due for review.")
        elif section:
            _, report = assistant.generate_questions(n=1, seed=seed, section=section)
            console.print(escape(report.section_note or f"No questions could be made from the section “{section}”."))
        else:
            console.print("No questions could be made from these notes.")
        return
    score = answered = 0
    for number, question in enumerate(questions[:n], start=1):
        result = _ask_one(assistant, question, number, min(n, len(questions)))
        if result is None:
            break
        answered += 1
        score += int(result)
    console.print(f"\n[bold]Score: {score}/{answered}[/]")


@quiz_app.command("generate")
def quiz_generate(
    n: int = typer.Option(20, "--n", min=1, max=500),
    section: str | None = typer.Option(None, "--section"),
    seed: int = typer.Option(7, "--seed"),
    as_json: bool = typer.Option(False, "--json", help="Print the questions as a JSON list."),
    llm: bool = typer.Option(False, "--llm", help="Let the LLM backend word stems and explanations (validated)."),
) -> None:
    """Generate validated practice questions."""
    with _handled():
        assistant = _ready_assistant()
        questions, report = assistant.generate_questions(n=n, seed=seed, section=section)
        if llm:
            if not assistant.llm_available:
                fail("--llm needs an LLM backend: set STUDY_LLM=openai or ollama and STUDY_LLM_MODEL", EXIT_USAGE)
            questions = assistant.reword_questions(questions, report)
    if as_json:
        sys.stdout.write(json.dumps([q.to_dict() for q in questions], ensure_ascii=False, indent=2) + "\n")
        return
    for number, question in enumerate(questions, start=1):
        console.print(f"[bold]{number}. \\[{question.kind}][/] {escape(question.stem)}")
        for index, (letter, option) in enumerate(zip("ABCD", question.options, strict=False)):
            mark = "[green]*[/]" if index in question.answers else " "
            console.print(f"   {mark} {letter}) {escape(option)}")
    errors.print(escape(report.summary()))


@quiz_app.command("check")
def quiz_check(
    n: int = typer.Option(50, "--n", min=1, max=500),
    seed: int = typer.Option(7, "--seed"),
) -> None:
    """Each validation rule's count (kept / dropped and why), the set's spread, and how often the answering
    pipeline picks the key when each question is pasted into it as a student would."""
    from .practice import CHECKED_ON_THE_QUESTION, RULES, check_question, near_duplicate

    with _handled():
        assistant = _ready_assistant()
        questions, report = assistant.generate_questions(n=n, seed=seed)
        matched, total = assistant.self_consistency(questions)
    console.print(escape(report.summary()))
    console.print("[bold]Validation rules[/] (candidates dropped by each, and the kept questions re-checked):")
    practice = assistant.settings.practice
    failing = {
        rule: sum(rule in check_question(q, practice.max_copied_run, practice.max_stem_words) for q in questions)
        for rule in CHECKED_ON_THE_QUESTION
    }
    failing["near_duplicate"] = sum(
        near_duplicate(a.stem, b.stem, practice.near_duplicate)
        for i, a in enumerate(questions)
        for b in questions[i + 1 :]
    )
    for rule, meaning in RULES.items():
        kept = f"kept failing it: {failing[rule]}" if rule in failing else "checked against the notes while generating"
        console.print(f"  {escape(meaning)}: dropped {report.dropped.get(rule, 0)}; {kept}")
    for reason, count in report.set_aside.most_common():
        console.print(f"  [dim]distractor candidates passed over ({escape(reason)}): {count}[/]")
    kinds = ", ".join(
        f"{count} {kind}"
        for kind, count in sorted({k: sum(q.kind == k for q in questions) for k in {q.kind for q in questions}}.items())
    )
    answers = {" + ".join(sorted(q.options[i] for i in q.keys)) for q in questions}
    console.print(
        f"Kept {len(questions)} ({kinds}): {len({q.section for q in questions})} sections, "
        f"{len(answers)} distinct right answers."
    )
    share = matched / total if total else 0.0
    console.print(
        f"Self-consistency: pasted as multiple choice, the answering pipeline picks the key for "
        f"{matched}/{total} questions ({share:.0%})."
    )


@quiz_app.command("export")
def quiz_export(
    anki: Path = typer.Option(..., "--anki", help="Write an Anki deck (.apkg) here."),
    n: int = typer.Option(50, "--n", min=1, max=500),
    seed: int = typer.Option(7, "--seed"),
    force: bool = typer.Option(False, "--force", help="Replace the file if it exists."),
) -> None:
    """Export practice questions as an Anki deck, with the cited passage on the back."""
    from .practice import export_anki

    # Checked before the questions are made: a wrong path should not cost the wait, nor end in a traceback.
    if anki.is_dir():
        fail(f"{anki} is a folder: give the deck's file name, such as {anki / 'deck.apkg'}", EXIT_USAGE)
    if not anki.parent.is_dir():
        fail(f"the folder {anki.parent} does not exist: create it first or choose another place", EXIT_USAGE)
    if anki.exists() and not force:
        fail(f"{anki} already exists: add --force to replace it, or choose another name", EXIT_USAGE)
    with _handled():
        assistant = _ready_assistant()
        questions, _ = assistant.generate_questions(n=n, seed=seed)
    try:
        count = export_anki(questions, anki)
    except OSError as error:
        fail(f"could not write {anki}: {error.strerror or error}")
    console.print(f"Wrote {count} cards to {anki}.")


@app.command()
def progress() -> None:
    """Accuracy and attempts by section, and the weakest topics to re-read."""
    from .text import counted

    with _handled():
        assistant = _assistant()
        sections = assistant.progress.by_section()
        weakest = assistant.progress.weakest()
    if not sections:
        console.print("No attempts yet: run `study quiz`.")
        return
    from rich.table import Table

    table = Table(title="Progress by section")
    table.add_column("section")
    table.add_column("attempts", justify="right")
    table.add_column("accuracy", justify="right")
    for item in sections:
        table.add_row(escape(item.section), str(item.attempts), f"{item.accuracy:.0%}")
    console.print(table)
    for item in weakest:
        attempts = counted(item.attempts, "attempt")
        console.print(f"Re-read: [bold]{escape(item.section)}[/] ({item.accuracy:.0%} right over {attempts})")


@app.command()
def sources() -> None:
    """List the indexed notes with their sections and chunk counts, then the files that are not indexed and why."""
    with _handled():
        assistant = _assistant()
        infos = assistant.sources()
        left_out = [status for status in assistant.note_statuses() if status.state != "indexed"]
    if not infos:
        console.print("No notes are indexed yet: run `study ingest`.")
    for info in infos:
        console.print(f"[bold]{escape(info.source)}[/] — {info.chunks} chunks")
        for section, count in info.sections.items():
            console.print(f"  {escape(section)} [dim]({count})[/]")
    for status in left_out:
        # A file in the notes folder that answers nothing is listed too, with the reason, so none goes unnoticed.
        why = status.reason or "run `study ingest` to read it"
        console.print(f"[yellow]{escape(status.source)}[/] — {status.state}: {escape(why)}")


@app.command()
def ui(
    port: int = typer.Option(8501, "--port", min=1, max=65535, help="Port on 127.0.0.1."),
    address: str = typer.Option("127.0.0.1", "--address", help="Interface to bind (loopback by default)."),
) -> None:
    """Open the chat UI (Streamlit), bound to 127.0.0.1."""
    import subprocess

    try:
        from ui import APP_PATH
    except ImportError:
        fail("the UI package is not installed (reinstall study-assistant)")
    settings = _settings()
    # Everything the UI needs is passed here, not read from a .streamlit folder, so an installed
    # wheel behaves the same from any working directory.
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_PATH),
        "--server.headless",
        "true",
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--server.maxUploadSize",
        str(max(1, round(settings.max_file_mb))),
        "--browser.gatherUsageStats",
        "false",
        "--browser.serverAddress",
        address,
        "--client.toolbarMode",
        "minimal",
        "--client.showErrorDetails",
        "type",
    ]
    console.print(f"Study assistant UI on http://{address}:{port}")
    import logging
    import os

    from .logs import LEVEL_VARIABLE

    # The UI runs in its own process: it logs at the level chosen here (--verbose or STUDY_LOG_LEVEL).
    level = logging.getLevelName(logging.getLogger("assistant").getEffectiveLevel())
    env = {**os.environ, LEVEL_VARIABLE: level}
    if os.name == "posix":
        # The server takes this process's place, so its process id is the one the user started: stopping it
        # (kill, a service manager) stops the server, with no orphan left holding the port.
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, command, env)
    raise typer.Exit(subprocess.call(command, env=env))


if __name__ == "__main__":  # pragma: no cover
    app()
