"""Evals: read the saved runs (one per dataset), side by side per retrieval mode; run the suite."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import streamlit as st

from assistant.display import escape_markdown
from assistant.eval_views import latency_histogram, metric_rows, saved_runs, shown_value
from assistant.evaluation import METRIC_HELP, METRIC_LABELS, load_saved_run, misses, run_eval
from ui.common import get_assistant, progress_callback

assistant = get_assistant()
settings = assistant.settings
out_dir = settings.eval_dir
st.title("Evaluation")

with st.expander("Run the eval suite", icon=":material/play_arrow:"):
    dataset = st.text_input("Dataset (JSON Lines)", "evals/dev/course-scenarios.jsonl", key="eval-dataset")
    if st.button("Run all three retrieval modes", type="primary", key="run-eval"):
        bar = st.progress(0.0, text="Evaluating...")
        try:
            run_eval(assistant, Path(dataset), out_dir, progress=progress_callback(bar))
        except (ValueError, OSError) as error:
            st.error(escape_markdown(str(error)))
        bar.empty()

runs = saved_runs(out_dir)
if not runs:
    st.info("No saved run yet: run the suite above (or `study eval`).")
    st.stop()

chosen = st.selectbox("Dataset", runs, format_func=lambda r: r.label, key="eval-run") if len(runs) > 1 else runs[0]
saved = load_saved_run(chosen.folder)
if saved is None:
    st.error(f"The run in {escape_markdown(str(chosen.folder))} cannot be read.")
    st.stop()
summary, rows = saved
modes = list(summary["modes"])
st.caption(
    f"Showing the last run of **{escape_markdown(str(summary.get('dataset', chosen.dataset)))}** "
    f"({summary['modes'][modes[0]].get('items', len(rows))} questions per mode; saved in "
    f"{escape_markdown(str(chosen.folder))})."
)

table = [
    {
        "metric": label,
        **{m: shown_value(key, summary["modes"][m]) for m in modes},
        "what it means": METRIC_HELP.get(key, ""),
    }
    for key, label in METRIC_LABELS.items()
]
st.table(table, hide_index=True)  # static: the explanations wrap and read in full

st.subheader("Retrieval modes side by side")
bars = (
    alt.Chart(alt.Data(values=metric_rows(summary)))
    .mark_bar()
    .encode(
        y=alt.Y("metric:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("mode:N"),
        x=alt.X("value:Q", title="share of questions", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("mode:N", title="retrieval mode"),
        tooltip=["metric:N", "mode:N", alt.Tooltip("value:Q", format=".1%")],
    )
    .properties(height=alt.Step(9))
)
st.altair_chart(bars, width="stretch")

st.subheader("Latency")
histogram_rows = latency_histogram(rows)
order = [label for _, label in sorted({(r["order"], r["bin"]) for r in histogram_rows})]
histogram = (
    alt.Chart(alt.Data(values=histogram_rows))
    .mark_bar()
    .encode(
        x=alt.X("bin:O", sort=order, title="time to answer one question (ms)", axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("mode:N"),
        y=alt.Y("questions:Q", title="questions"),
        color=alt.Color("mode:N", title="retrieval mode"),
        tooltip=["mode:N", alt.Tooltip("bin:O", title="ms"), "questions:Q"],
    )
    .properties(height=260)
)
st.altair_chart(histogram, width="stretch")

st.subheader("Misses")
for mode in modes:
    wrong = misses([r for r in rows if r.get("mode") == mode])
    with st.expander(f"{mode}: {len(wrong)} misses"):
        if wrong:
            # A static table wraps long questions, so every miss reads in full.
            st.table([{k: v for k, v in m.items() if k != "kind"} for m in wrong], hide_index=True)
        else:
            st.write("None.")
