"""The Prometheus alert rules file, checked for the structure Prometheus loads.

``promtool check rules`` (Debian's ``prometheus`` package) parses every expression where
it is installed; the structural check here always runs: groups with unique names,
rules with exactly the keys Prometheus knows, durations it can parse, a severity and
the annotations an on-call person reads::

    problems(Path("deploy/monitoring/alerts.yml"))  # [] when the file is sound
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

SEVERITIES = {"info", "warning", "critical"}
RULE_KEYS = {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
GROUP_KEYS = {"name", "rules", "interval", "limit", "query_offset", "labels"}
ANNOTATIONS = ("summary", "description")
_DURATION = re.compile(r"0|(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?")


def problems(path: Path) -> list[str]:
    """Structural problems of the rules file, then promtool's findings if it is installed."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, Mapping) or set(document) != {"groups"}:
        return ["the file must hold exactly one key, 'groups'"]
    found = _duplicates([group.get("name") for group in document["groups"]], "group")
    for group in document["groups"]:
        found += _group_problems(group)
    return found + promtool_problems(path)


def promtool_problems(path: Path) -> list[str]:
    """``promtool check rules`` findings, or nothing when promtool is not installed."""
    promtool = shutil.which("promtool")
    if promtool is None:
        return []
    answer = subprocess.run(
        [promtool, "check", "rules", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return [] if answer.returncode == 0 else [f"promtool: {answer.stderr or answer.stdout}"]


def _group_problems(group: Mapping[str, Any]) -> list[str]:
    name = group.get("name")
    unknown = set(group) - GROUP_KEYS
    found = [f"group {name}: unknown keys {sorted(unknown)}"] if unknown else []
    rules = group.get("rules")
    if not name or not isinstance(rules, list) or not rules:
        return [*found, f"group {name}: needs a name and a non-empty list of rules"]
    found += _duplicates([rule.get("alert") for rule in rules], "alert")
    return found + [p for rule in rules for p in _rule_problems(rule)]


def _rule_problems(rule: Mapping[str, Any]) -> list[str]:
    name = rule.get("alert")
    where = f"alert {name}"
    found = (
        [f"{where}: unknown keys {sorted(set(rule) - RULE_KEYS)}"] if set(rule) - RULE_KEYS else []
    )
    if not isinstance(name, str) or not isinstance(rule.get("expr"), str) or not rule["expr"]:
        found.append(f"{where}: needs 'alert' and a non-empty 'expr'")
    if not _DURATION.fullmatch(str(rule.get("for", "0"))):
        found.append(f"{where}: 'for' is not a Prometheus duration: {rule.get('for')!r}")
    if rule.get("labels", {}).get("severity") not in SEVERITIES:
        found.append(f"{where}: labels.severity must be one of {sorted(SEVERITIES)}")
    missing = [key for key in ANNOTATIONS if not rule.get("annotations", {}).get(key)]
    if missing:
        found.append(f"{where}: annotations {missing} are missing")
    return found


def _duplicates(names: list[Any], what: str) -> list[str]:
    return [
        f"{what} {name} is defined twice"
        for name in sorted(set(names), key=str)
        if names.count(name) > 1
    ]
