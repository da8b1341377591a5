"""Reading and checking the YAML data files of the knowledge base.

Municipal staff edit these files by hand, so every error names the file and the field
(``counters.yaml: counters[3].name: required text is missing``) instead of failing later
somewhere inside the NLU or the dialogue.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent


# libyaml's safe loader when PyYAML was built with it: several times faster at start-up.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class KnowledgeError(ValueError):
    """A knowledge data file is missing, unreadable or does not match its schema."""


def load_yaml(path: Path) -> Any:
    """Load one UTF-8 YAML file; raise KnowledgeError naming the file on any failure."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{path}: cannot be read as UTF-8 text ({exc})") from exc
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - always a safe loader
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: is not valid YAML ({exc})") from exc


class Fields:
    """Typed access to one mapping of a data file, with errors that say where.

    ``where`` is the human path to the mapping, e.g. ``counters.yaml: counters[2]``.
    """

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise KnowledgeError(f"{where}: must be a mapping (key: value), got {type(data).__name__}")
        self.data = data
        self.where = where

    def at(self, key: str) -> str:
        """The human path to one field: ``counters.yaml: counters[2].name``."""
        sep = ": " if self.where.endswith(".yaml") else "."
        return f"{self.where}{sep}{key}"

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.data or self.data[key] is None:
            if required:
                raise KnowledgeError(f"{self.at(key)}: required field is missing")
            return None
        return self.data[key]

    def text(self, key: str, required: bool = True, default: str | None = None) -> str | None:
        value = self._get(key, required)
        if value is None:
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            raise KnowledgeError(f"{self.at(key)}: must be non-empty text")
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise KnowledgeError(f"{self.at(key)}: must be true or false")
        return value

    def integer(self, key: str, required: bool = True) -> int | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise KnowledgeError(f"{self.at(key)}: must be a whole number")
        return value

    def texts(self, key: str, required: bool = True) -> list[str]:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise KnowledgeError(f"{self.at(key)}: must be a list of non-empty texts")
        if required and not value:
            raise KnowledgeError(f"{self.at(key)}: must not be empty")
        return list(value)

    def items(self, key: str, required: bool = True) -> list[Fields]:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            raise KnowledgeError(f"{self.at(key)}: must be a list")
        return [Fields(v, f"{self.at(key)}[{i}]") for i, v in enumerate(value)]

    def mapping(self, key: str, required: bool = True) -> Fields | None:
        value = self._get(key, required)
        if value is None:
            return None
        return Fields(value, self.at(key))

    def one_of(self, key: str, allowed: set[str] | frozenset[str], required: bool = True) -> str | None:
        value = self.text(key, required)
        if value is not None and value not in allowed:
            raise KnowledgeError(f"{self.at(key)}: '{value}' is not one of {sorted(allowed)}")
        return value

    def iso_date(self, key: str, required: bool = True) -> date | None:
        """A date written as YYYY-MM-DD (YAML may already have parsed it)."""
        value = self._get(key, required)
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise KnowledgeError(f"{self.at(key)}: must be a date written as YYYY-MM-DD")

    def only(self, *allowed: str) -> Fields:
        """Reject unknown keys, so a misspelt optional field is not silently ignored."""
        unknown = sorted(str(k) for k in self.data if k not in allowed)
        if unknown:
            raise KnowledgeError(f"{self.where}: unknown field(s) {unknown}; allowed: {sorted(allowed)}")
        return self


def open_file(path: Path, label: str | None = None) -> Fields:
    """Load a data file whose top level is a mapping.

    ``label`` names the file in error messages (default: its file name); packs pass
    ``gifu/counters.yaml`` so two packs' files can be told apart.
    """
    return Fields(load_yaml(path), label or path.name)
