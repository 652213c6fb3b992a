"""Strimzi resources checked against the Strimzi CRD schemas, offline.

The schemas come from the npm package ``@kubernetes-models/strimzi-kafka-operator``
(installed under ``deploy/validate`` by ``make deploy-tools``), generated from Strimzi's
CustomResourceDefinitions, in two forms that are both used here:

- ajv validators compiled from each CRD's OpenAPI schema: types, required fields, enums,
  ranges (``deploy/validate/strimzi.mjs`` runs them under Node);
- TypeScript interfaces of the same schemas, checked by ``tsc``: an object literal with a
  field the CRD does not declare is an error, which the CRD schemas themselves (with no
  ``additionalProperties: false``) let through, and the operator would silently drop::

    problems = strimzi_problems(manifests, Path("deploy/validate"))
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hub.errors import SettingsError

Manifest = dict[str, Any]

PACKAGE = "@kubernetes-models/strimzi-kafka-operator"
STRIMZI_GROUP = "kafka.strimzi.io/"
NO_SCHEMA = "no Strimzi schema"  # strimzi.mjs's words for a kind the package lacks
TSC_ARGS = ("--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext")
_TSC_ERROR = re.compile(r"resources\.ts\((\d+),\d+\): error (TS\d+: .*)")


def is_strimzi(manifest: Manifest) -> bool:
    """True for resources of the Strimzi operator's API group."""
    return str(manifest.get("apiVersion", "")).startswith(STRIMZI_GROUP)


def strimzi_problems(manifests: Sequence[Manifest], tools: Path) -> list[str]:
    """Every schema problem of ``manifests``, each naming its resource."""
    node = _tool("node")
    _require_package(tools)
    script = str((tools / "strimzi.mjs").resolve())
    answer = _run([node, script], tools, json.dumps(list(manifests)))
    if answer.returncode:
        raise SettingsError(f"{script} failed: {answer.stderr[-2000:]}")
    answers = json.loads(answer.stdout)
    found = [_named(manifests, p["index"], p["message"]) for p in answers]
    unknown = {p["index"] for p in answers if p["message"].startswith(NO_SCHEMA)}
    known = [m for index, m in enumerate(manifests) if index not in unknown]
    return found + (_unknown_fields(known, tools) if known else [])


def _unknown_fields(manifests: Sequence[Manifest], tools: Path) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="onewindow-tsc-") as scratch:
        folder = Path(scratch)
        (folder / "node_modules").symlink_to((tools / "node_modules").resolve())
        (folder / "resources.ts").write_text(_typescript(manifests), encoding="utf-8")
        tsc = str((tools / "node_modules/.bin/tsc").resolve())
        answer = _run([tsc, *TSC_ARGS, "resources.ts"], folder)
    problems = []
    for line in answer.stdout.splitlines():
        match = _TSC_ERROR.match(line)
        if match:
            problems.append(_named(manifests, int(match[1]) - 3, match[2]))
    if answer.returncode and not problems:
        raise SettingsError(f"tsc failed without naming a resource: {answer.stdout[-2000:]}")
    return problems


def _typescript(manifests: Sequence[Manifest]) -> str:
    imports = sorted({(m["apiVersion"], m["kind"]) for m in manifests})
    lines = [
        "".join(_import(version, kind) for version, kind in imports),
        "// one resource per line: a tsc error's line number is the resource's index + 3",
    ]
    lines += [
        f"export const r{index}: {_alias(m['apiVersion'], m['kind'])} = {json.dumps(m)};"
        for index, m in enumerate(manifests)
    ]
    return "\n".join(lines) + "\n"


def _import(version: str, kind: str) -> str:
    return (
        f'import type {{ I{kind} as {_alias(version, kind)} }} from "{PACKAGE}/{version}/{kind}";'
    )


def _alias(version: str, kind: str) -> str:
    return f"{kind}_{re.sub(r'[^A-Za-z0-9]', '_', version)}"


def _named(manifests: Sequence[Manifest], index: int, message: str) -> str:
    manifest = manifests[index]
    return f"{manifest['kind']} {manifest['metadata']['name']}: {message}"


def _run(command: list[str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, input=stdin, capture_output=True, text=True, check=False, timeout=120
    )


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SettingsError(f"{name} is not installed: 'apt-get install nodejs npm'")
    return found


def _require_package(tools: Path) -> None:
    if not (tools / "node_modules" / PACKAGE).is_dir():
        raise SettingsError(
            f"the Strimzi schemas are not installed under {tools}: run 'make deploy-tools'"
        )
