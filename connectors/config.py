"""Reading a connector's config from TOML or JSON and validating it before anything starts.

Every problem is reported at once, each naming its field as written in the file::

    >>> from connectors.base import SourceConfig
    >>> load_config(SourceConfig, {"poll_interval": -1, "pol_interval": 2})
    Traceback (most recent call last):
    ...
    hub.errors.SettingsError: invalid connector config: poll_interval: Input should be \
greater than or equal to 0 (got -1); pol_interval: Extra inputs are not permitted (got 2)
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import pydantic

from connectors.base import ConnectorConfig
from hub.errors import SettingsError

C = TypeVar("C", bound=ConnectorConfig)


def read_config_file(path: Path) -> dict[str, Any]:
    """The raw mapping of a ``.toml`` or ``.json`` file, or a SettingsError saying why not."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"cannot read connector config {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"connector config {path} is not valid {_format(path)}: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"connector config {path} must be a table of settings")
    return data


def load_config(model: type[C], raw: Mapping[str, Any] | Path, where: str = "") -> C:
    """``raw`` (a mapping or a file) validated as ``model``; errors name every bad field."""
    if isinstance(raw, Path):
        where = str(raw)
        raw = read_config_file(raw)
    try:
        return model.model_validate(dict(raw))
    except pydantic.ValidationError as exc:
        prefix = f"invalid connector config{f' {where}' if where else ''}"
        raise SettingsError(f"{prefix}: {describe(exc)}") from exc


def describe(exc: pydantic.ValidationError) -> str:
    """Each problem as ``dotted.field: message (got value)``."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'config'}: {error['msg']}"
        f" (got {error.get('input')!r})"
        for error in exc.errors()
    )


def _format(path: Path) -> str:
    return "JSON" if path.suffix == ".json" else "TOML"
