"""The checks behind ``onewindow schemas check``: a schema tree, and what it was at a git ref.

Within the tree, every version of an event must be compatible with the earlier ones in
the chosen mode, every file must parse, and its ``version`` attribute must match its
name. Against a git ref, a version published there may be neither deleted nor changed
(documentation aside): data is already written with it, so a change needs a new version.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub.compatibility import Mode, check
from hub.errors import SchemaError
from hub.registry.files import (
    VERSION_FILE,
    FileProblem,
    SchemaFile,
    by_event,
    parse_files,
    version_gaps,
)


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the schemas: which event, version, field or file, and rule."""

    event: str
    version: int | None
    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        version = "" if self.version is None else f" v{self.version}"
        return f"{self.event}{version}: {self.path}: {self.rule}: {self.message}"


def audit_tree(files: list[SchemaFile], problems: list[FileProblem], mode: Mode) -> list[Finding]:
    """Bad files, missing versions and incompatible versions of one schema tree."""
    findings = [_file_finding(problem) for problem in problems]
    # Bad files count as present: their version is not missing, it is broken.
    numbers: dict[str, list[int]] = {}
    for relpath in [*(p.relpath for p in problems), *(f.relpath for f in files)]:
        event, version = _event_version(relpath)
        numbers.setdefault(event, []).append(version or 0)
    for event, present in numbers.items():
        findings += [
            Finding(event, gap, f"{event}/v{gap}.avsc", "MISSING_VERSION", "no such file")
            for gap in version_gaps(present)
        ]
    for event, versions in by_event(files).items():
        findings += _compatibility(event, versions, mode)
    return findings


def audit_published(
    files: list[SchemaFile], published: list[SchemaFile], ref: str
) -> list[Finding]:
    """Versions published at ``ref`` that were since deleted or changed."""
    now = {f.relpath: f for f in files}
    findings = []
    for old in published:
        new = now.get(old.relpath)
        if new is None:
            message = f"published at {ref} and deleted; data written with it can no longer be read"
            findings.append(Finding(old.event_name, old.version, old.relpath, "DELETED", message))
        elif _without_docs(new.schema) != _without_docs(old.schema):
            message = f"changed since {ref}; publish the change as a new version instead"
            findings.append(Finding(old.event_name, old.version, old.relpath, "EDITED", message))
    return findings


def published_tree(schema_dir: Path, ref: str) -> list[SchemaFile]:
    """The schema files of ``schema_dir`` as they were at git ``ref`` (bad ones skipped)."""
    top = Path(_git(schema_dir, "rev-parse", "--show-toplevel").strip())
    prefix = schema_dir.resolve().relative_to(top.resolve()).as_posix()
    _git(top, "rev-parse", "--verify", f"{ref}^{{commit}}")
    listed = _git(top, "ls-tree", "-r", "--name-only", ref, "--", prefix).splitlines()
    texts = [
        (name.removeprefix(f"{prefix}/"), _git(top, "show", f"{ref}:{name}"))
        for name in listed
        if VERSION_FILE.match(name.rsplit("/", 1)[-1])
    ]
    files, _ = parse_files(texts)
    return files


def _compatibility(event: str, versions: list[SchemaFile], mode: Mode) -> Iterator[Finding]:
    for index, new in enumerate(versions[1:], start=1):
        earlier = versions[:index]
        problems = check(
            new.schema, [f.schema for f in earlier], mode, [f.version for f in earlier]
        )
        for problem in problems:
            message = f"{problem.message} (against v{problem.against_version}, {mode})"
            yield Finding(event, new.version, problem.path, problem.rule, message)


def _file_finding(problem: FileProblem) -> Finding:
    event, version = _event_version(problem.relpath)
    return Finding(event, version, problem.relpath, problem.rule, problem.message)


def _event_version(relpath: str) -> tuple[str, int | None]:
    event, _, filename = relpath.rpartition("/")
    match = VERSION_FILE.match(filename)
    return event or filename, int(match.group(1)) if match else None


def _without_docs(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _without_docs(v) for k, v in schema.items() if k != "doc"}
    if isinstance(schema, list):
        return [_without_docs(item) for item in schema]
    return schema


def _git(where: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(where), *args], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise SchemaError(f"git {' '.join(args)} failed: {detail.strip()}") from exc
    return done.stdout
