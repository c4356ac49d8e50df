import numpy as np
import pytest

from assistant.bert_numpy import NumpyBertEncoder, UnsupportedModel
from assistant.embeddings import EmbeddingModelError, SentenceTransformerEmbeddings, resolve_model_path

TEXTS = [
    "Which service scans S3 buckets for PII?",
    "x",
    "A longer passage: " + "EMR clusters run Spark and Hive jobs over data in S3. " * 12,
]


def test_bundled_model_gives_normalised_384_dimensional_vectors(embeddings):
    vectors = embeddings.encode(TEXTS)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_bundled_model_ranks_related_text_higher(embeddings):
    q, related, unrelated = embeddings.encode(
        ["find personal data in storage buckets", "Macie scans S3 buckets for PII", "banana bread recipe"]
    )
    assert q @ related > q @ unrelated + 0.2


def test_numpy_encoder_matches_sentence_transformers(embeddings):
    encoder = NumpyBertEncoder(resolve_model_path(embeddings.name))
    ours = encoder.encode(TEXTS)
    theirs = embeddings.encode(TEXTS)
    assert np.all(np.sum(ours * theirs, axis=1) > 0.9999)


def test_query_embeddings_use_the_numpy_encoder_when_possible(embeddings):
    assert embeddings.query_encoder is not None
    assert len(embeddings.embed_query("hello")) == 384


def test_numpy_encoder_refuses_models_it_cannot_compute(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "roberta"}')
    with pytest.raises(UnsupportedModel):
        NumpyBertEncoder(tmp_path)


def test_unknown_model_name_fails_with_a_remedy():
    model = SentenceTransformerEmbeddings("/no/such/model-folder")
    with pytest.raises(EmbeddingModelError, match="STUDY_EMBEDDING_MODEL"):
        model.encode(["x"])


def test_onnx_export_gives_the_same_vectors_faster_path(embeddings, tmp_path):
    from assistant.bert_numpy import OnnxBertEncoder, export_onnx

    target = tmp_path / "model.onnx"
    assert export_onnx(resolve_model_path(embeddings.name), target)
    encoder = OnnxBertEncoder(resolve_model_path(embeddings.name), target)
    ours = encoder.encode(TEXTS)
    theirs = embeddings.encode(TEXTS)
    assert np.all(np.sum(ours * theirs, axis=1) > 0.9999)


def test_ingest_exports_the_onnx_query_encoder_once(make_assistant, tmp_path, embeddings):
    from assistant.config import Settings
    from assistant.core import Assistant

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("## Macie\n\n- Solution: Enable Amazon Macie to scan S3 buckets for PII.\n")
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=notes)
    assistant = Assistant(settings)  # its own embeddings, with an ONNX folder in the data dir
    assistant.ingest()
    assert assistant.embeddings.onnx_path.exists()
    assert type(assistant.embeddings.query_encoder).__name__ == "OnnxBertEncoder"
    assert "Macie" in (assistant.ask("Which service scans S3 buckets for PII?").recommendation or "")
