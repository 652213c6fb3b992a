"""``onewindow connector new``: a working connector package to start a department from.

The package has a config model, a source or sink class, a conformance test that passes
as generated, a ``pyproject.toml`` with the ``onewindow.connectors`` entry point and a
README; its code passes ``ruff`` and ``mypy --strict``::

    >>> import tempfile
    >>> folder = new_connector("tax-ledger", "source", Path(tempfile.mkdtemp()))
    >>> sorted(p.name for p in folder.iterdir())
    ['README.md', 'onewindow_tax_ledger', 'pyproject.toml', 'tests']
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from string import Template

from connectors.base import Kind
from connectors.scaffold import project_template, sink_template, source_template
from hub.errors import SettingsError

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# The summary is a class docstring's one line in the generated code; longer would wrap.
MAX_SUMMARY = 72
_SUMMARIES = {
    "source": "Brings a department system's records into the hub as events.",
    "sink": "Delivers the hub's events to a department system.",
}
_KIND_SETTINGS = {
    "source": "`poll_interval`",
    "sink": "`topics`, `event_types`, `group_id`, `batch_size`",
}


def new_connector(name: str, kind: Kind, directory: Path, summary: str = "") -> Path:
    """Write package ``onewindow-NAME`` under ``directory``; returns its folder."""
    if len(summary) > MAX_SUMMARY:
        raise SettingsError(f"--summary: at most {MAX_SUMMARY} characters (got {len(summary)})")
    if not NAME_PATTERN.match(name):
        raise SettingsError(f"connector name {name!r}: use lower-case words joined by '-'")
    root = directory / f"onewindow-{name}"
    if root.exists():
        raise SettingsError(f"{root} already exists; choose another --dir or name")
    values = _values(name, kind, summary or _SUMMARIES[kind])
    for relative, text in _files(kind, values["package"]).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(text).substitute(values), encoding="utf-8")
    return root


def _values(name: str, kind: Kind, summary: str) -> dict[str, str]:
    return {
        "name": name,
        "kind": kind,
        "kind_class": kind.capitalize(),
        "kind_settings": _KIND_SETTINGS[kind],
        "package": "onewindow_" + name.replace("-", "_"),
        "camel": "".join(part.capitalize() for part in name.split("-")),
        "summary": summary,
        "namespace": str(uuid.uuid4()),
    }


def _files(kind: Kind, package: str) -> dict[str, str]:
    template = source_template if kind == "source" else sink_template
    return {
        "pyproject.toml": project_template.PYPROJECT,
        "README.md": project_template.README,
        f"{package}/__init__.py": project_template.INIT,
        f"{package}/py.typed": "",
        f"{package}/connector.py": template.CONNECTOR,
        "tests/test_connector.py": template.TEST,
    }
