import pytest
from pydantic import ValidationError

from assistant.config import BUNDLED_MODEL, Settings


def test_settings_defaults_are_offline_and_embedded(monkeypatch):
    monkeypatch.delenv("STUDY_DATA_DIR")
    settings = Settings()
    assert settings.embedding_model == BUNDLED_MODEL
    assert settings.top_k == 5 and settings.mode == "hybrid" and settings.llm == "none"
    assert not settings.uses_chroma_server
    assert str(settings.data_dir) == ".study"


def test_settings_read_study_prefixed_environment(monkeypatch):
    monkeypatch.setenv("STUDY_TOP_K", "7")
    monkeypatch.setenv("STUDY_MODE", "bm25")
    monkeypatch.setenv("STUDY_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("STUDY_CHROMA_PORT", "8123")
    settings = Settings()
    assert settings.top_k == 7 and settings.mode == "bm25"
    assert settings.uses_chroma_server and settings.chroma_port == 8123


def test_settings_honour_dotenv_file(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("STUDY_TOP_K=3\n")
    assert Settings().top_k == 3


@pytest.mark.parametrize(
    "env",
    [
        {"STUDY_CHROMA_HOST": "127.0.0.1"},
        {"STUDY_TOP_K": "0"},
        {"STUDY_MODE": "fuzzy"},
        {"STUDY_COLLECTION": "ab"},
    ],
)
def test_settings_reject_invalid_values(monkeypatch, env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError):
        Settings()


def test_settings_hide_api_key_from_repr(monkeypatch):
    monkeypatch.setenv("STUDY_LLM_API_KEY", "sk-secret-value")
    assert "sk-secret-value" not in repr(Settings())
