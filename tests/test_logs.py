"""Logging: levels from --verbose / STUDY_LOG_LEVEL, swallowed failures logged with their cause, and no
question text in the log."""

import logging

import pytest
from typer.testing import CliRunner

from assistant.bert_numpy import export_onnx
from assistant.cli import app
from assistant.logs import configure_logging, log_level


def test_the_level_comes_from_verbose_then_the_environment_then_warning(monkeypatch):
    monkeypatch.delenv("STUDY_LOG_LEVEL", raising=False)
    assert log_level() == logging.WARNING
    monkeypatch.setenv("STUDY_LOG_LEVEL", "debug")
    assert log_level() == logging.DEBUG
    assert log_level(verbose=True) == logging.INFO
    monkeypatch.setenv("STUDY_LOG_LEVEL", "chatty")
    with pytest.raises(ValueError, match="STUDY_LOG_LEVEL='CHATTY' is not a level"):
        log_level()


def test_configuring_twice_adds_one_handler(monkeypatch):
    monkeypatch.delenv("STUDY_LOG_LEVEL", raising=False)
    configure_logging(verbose=True)
    configure_logging(verbose=True)
    package = logging.getLogger("assistant")
    assert package.level == logging.INFO
    assert sum(getattr(h, "_study", False) for h in package.handlers) == 1
    configure_logging()
    assert package.level == logging.WARNING


def test_a_bad_level_is_a_clear_usage_error(monkeypatch):
    monkeypatch.setenv("STUDY_LOG_LEVEL", "loud")
    result = CliRunner().invoke(app, ["sources"])
    assert result.exit_code == 2
    assert "STUDY_LOG_LEVEL='LOUD' is not a level" in result.output
    assert "Traceback" not in result.output


def test_a_failed_onnx_export_is_logged_with_its_cause(tmp_path, caplog):
    not_a_model = tmp_path / "empty-model"
    not_a_model.mkdir()
    with caplog.at_level(logging.WARNING, logger="assistant"):
        assert export_onnx(not_a_model, tmp_path / "out.onnx") is False
    assert not (tmp_path / "out.onnx").exists()
    [record] = [r for r in caplog.records if r.name == "assistant.bert_numpy"]
    assert "ONNX export of the query encoder failed" in record.getMessage()
    assert "empty-model" in record.getMessage() or "Error" in record.getMessage()


def test_asking_at_debug_never_logs_the_question_text(course, caplog):
    question = "Which service finds credit card numbers in my S3 buckets, zebra-marker-7?"
    with caplog.at_level(logging.DEBUG):
        course.ask(question)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "zebra-marker-7" not in logged
