"""Study assistant: grounded, cited answers from your course notes, offline by default.

`from assistant import Assistant` is the entry point; heavy modules load only when used.
"""

from __future__ import annotations

__all__ = ["Assistant", "Answer", "Citation", "Settings"]


def __getattr__(name: str):
    if name == "Assistant":
        from .core import Assistant

        return Assistant
    if name in ("Answer", "Citation"):
        from . import answer

        return getattr(answer, name)
    if name == "Settings":
        from .config import Settings

        return Settings
    raise AttributeError(name)
