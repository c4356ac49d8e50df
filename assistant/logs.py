"""Logging set-up for the command line and the UI: the package's own loggers, one level, stderr.

Modules log through `logging.getLogger(__name__)`; this only decides what is shown. Questions, answers and
API keys are never logged at INFO or above (DEBUG may show a question's length, never its text).
"""

from __future__ import annotations

import logging
import os

#: Environment variable that sets the level (DEBUG, INFO, WARNING, ERROR) when --verbose is not given.
LEVEL_VARIABLE = "STUDY_LOG_LEVEL"
_PACKAGES = ("assistant", "ui")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_level(verbose: bool = False) -> int:
    """INFO with --verbose; otherwise STUDY_LOG_LEVEL; otherwise WARNING (failures the user should know of)."""
    if verbose:
        return logging.INFO
    name = os.environ.get(LEVEL_VARIABLE, "").strip().upper()
    if not name:
        return logging.WARNING
    level = logging.getLevelName(name)
    if not isinstance(level, int):
        raise ValueError(f"{LEVEL_VARIABLE}={name!r} is not a level: use DEBUG, INFO, WARNING or ERROR")
    return level


def configure_logging(verbose: bool = False) -> int:
    """Send the package's log records at the chosen level to stderr (once; later calls only set the level).
    Third-party libraries keep their own settings, so --verbose is not drowned in their chatter."""
    level = log_level(verbose)
    for package in _PACKAGES:
        logger = logging.getLogger(package)
        logger.setLevel(level)
        if not any(getattr(handler, "_study", False) for handler in logger.handlers):
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter(_FORMAT))
            handler._study = True  # type: ignore[attr-defined]  # marks our handler, so a second call adds none
            logger.addHandler(handler)
        logger.propagate = False
    return level
