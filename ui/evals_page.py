"""Evals: run the suite (all retrieval modes side by side) and read the last saved run."""

from pathlib import Path

import streamlit as st

from assistant.evaluation import METRIC_LABELS, load_saved_run, misses, run_eval
from common import get_assistant, progress_callback

assistant = get_assistant()
settings = assistant.settings
st.title("Evaluation")
dataset = st.text_input("Dataset", "evals/dev/course-scenarios.jsonl")
out_dir = settings.eval_dir

if st.button("Run the eval suite", type="primary", icon=":material/play_arrow:"):
    bar = st.progress(0.0, text="Evaluating...")
    try:
        run_eval(assistant, Path(dataset), out_dir, progress=progress_callback(bar))
    except (ValueError, OSError) as error:
        st.error(str(error))
    bar.empty()

saved = load_saved_run(out_dir)
if saved is None:
    st.info("No saved run yet: run the suite above (or `study eval`).")
else:
    summary, rows = saved
    modes = list(summary["modes"])
    st.caption(f"Last run of {summary['dataset']} (saved in {out_dir}).")
    table = [{"metric": label, **{m: summary["modes"][m][key] for m in modes}} for key, label in METRIC_LABELS.items()]
    st.dataframe(table, hide_index=True, use_container_width=True)
    columns = st.columns(3)
    for number, key in enumerate(["answer_accuracy", "hit@1", "hit@3", "hit@5", "mrr", "evidence_in_citations"]):
        with columns[number % 3]:
            st.caption(METRIC_LABELS[key])
            st.bar_chart({m: [summary["modes"][m][key]] for m in modes}, height=180)
    st.subheader("Latency (ms)")
    st.line_chart({m: sorted(r["latency_ms"] for r in rows if r.get("mode") == m) for m in modes}, height=220)
    st.subheader("Misses")
    for mode in modes:
        wrong = misses([r for r in rows if r.get("mode") == mode])
        with st.expander(f"{mode}: {len(wrong)} misses"):
            st.dataframe([{k: v for k, v in m.items() if k not in ("id", "kind")} for m in wrong],
                         hide_index=True, use_container_width=True)
