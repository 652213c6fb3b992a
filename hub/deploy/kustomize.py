"""A kustomize build in Python, for the features the hub's kustomizations use.

The ``kustomize`` and ``kubectl`` binaries are not on the package registries CI can reach
(Debian's ``kubernetes-client`` is 1.20 with a kustomize of 2019), so validation builds the
overlay here: ``resources`` (files and folders with their own kustomization), ``namespace``,
``labels`` (metadata only), ``images`` and ``patches`` that name their target by kind and
name. Lists in a patch are merged by ``name`` on built-in kinds (strategic merge) and
replaced on custom resources (JSON merge), as kustomize does. Anything else is refused,
and a test compares the result with ``kubectl kustomize`` where that binary exists::

    manifests = build(Path("deploy/k8s/overlays/production"))
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from hub.errors import SettingsError

Manifest = dict[str, Any]

KUSTOMIZATION = "kustomization.yaml"
SUPPORTED = {"apiVersion", "kind", "resources", "namespace", "labels", "images", "patches"}
BUILT_IN_GROUPS = {"v1", "apps/v1", "autoscaling/v2", "policy/v1", "batch/v1"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding"}


def build(folder: Path) -> list[Manifest]:
    """The manifests ``kustomize build folder`` would print (in file order)."""
    spec = _kustomization(folder)
    manifests = [m for entry in spec.get("resources", []) for m in _resource(folder / entry)]
    for patch in spec.get("patches", []):
        _apply_patch(manifests, load_documents(folder / patch["path"]))
    for image in spec.get("images", []):
        _set_image(manifests, image)
    for label in spec.get("labels", []):
        for manifest in manifests:
            manifest["metadata"].setdefault("labels", {}).update(label["pairs"])
    if "namespace" in spec:
        for manifest in manifests:
            if manifest["kind"] not in CLUSTER_SCOPED:
                manifest["metadata"]["namespace"] = spec["namespace"]
    return manifests


def load_documents(path: Path) -> list[Manifest]:
    """Every non-empty YAML document in ``path``."""
    with path.open(encoding="utf-8") as stream:
        return [document for document in yaml.safe_load_all(stream) if document]


def _kustomization(folder: Path) -> Manifest:
    spec: Manifest = load_documents(folder / KUSTOMIZATION)[0]
    unsupported = set(spec) - SUPPORTED
    if unsupported:
        raise SettingsError(f"{folder / KUSTOMIZATION}: unsupported fields {sorted(unsupported)}")
    return spec


def _resource(path: Path) -> list[Manifest]:
    return build(path) if path.is_dir() else load_documents(path)


def _apply_patch(manifests: list[Manifest], patches: list[Manifest]) -> None:
    for patch in patches:
        target = [m for m in manifests if _same_object(m, patch)]
        if len(target) != 1:
            name = patch["metadata"]["name"]
            raise SettingsError(f"patch for {patch['kind']} {name}: no single target")
        merged = _merge(target[0], patch, patch["apiVersion"] in BUILT_IN_GROUPS)
        manifests[manifests.index(target[0])] = merged


def _same_object(manifest: Manifest, patch: Manifest) -> bool:
    keys = ("apiVersion", "kind")
    same_name = manifest["metadata"]["name"] == patch["metadata"]["name"]
    return same_name and all(manifest[key] == patch[key] for key in keys)


def _merge(base: Any, patch: Any, strategic: bool) -> Any:
    if isinstance(base, Mapping) and isinstance(patch, Mapping):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = _merge(base[key], value, strategic) if key in base else value
        return merged
    if strategic and _named_list(base) and _named_list(patch):
        return _merge_by_name(base, patch)
    return patch


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, Mapping) and "name" in i for i in value)


def _merge_by_name(base: list[Manifest], patch: list[Manifest]) -> list[Manifest]:
    patched = {item["name"]: item for item in patch}
    merged = [
        _merge(item, patched.pop(item["name"]), True) if item["name"] in patched else item
        for item in base
    ]
    return merged + list(patched.values())


def _set_image(manifests: list[Manifest], image: Mapping[str, str]) -> None:
    for manifest in manifests:
        pod = manifest.get("spec", {}).get("template", {}).get("spec", {})
        for container in pod.get("containers", []) + pod.get("initContainers", []):
            name = container["image"].split("@")[0].rsplit(":", 1)[0]
            if name == image["name"]:
                container["image"] = f"{image.get('newName', name)}:{image['newTag']}"
