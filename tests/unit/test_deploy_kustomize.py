"""The Python kustomize build: the overlay's namespace, image, patches; same as kubectl's."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from hub.deploy import kustomize
from hub.errors import SettingsError

ROOT = Path(__file__).resolve().parents[2]
OVERLAY = ROOT / "deploy/k8s/overlays/production"


def built() -> list[dict[str, Any]]:
    return kustomize.build(OVERLAY)


def find(manifests: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name)


def test_overlay_puts_everything_but_the_namespace_in_the_namespace() -> None:
    manifests = built()
    namespaced = [m for m in manifests if m["kind"] != "Namespace"]
    assert {m["metadata"].get("namespace") for m in namespaced} == {"onewindow"}
    assert "namespace" not in find(manifests, "Namespace", "onewindow")["metadata"]
    labels = [m["metadata"]["labels"].get("app.kubernetes.io/part-of") for m in namespaced]
    assert set(labels) == {"onewindow"}  # the base's labels; the overlay's Namespace has none


def test_overlay_patches_merge_containers_by_name_and_replace_custom_lists() -> None:
    manifests = built()
    worker = find(manifests, "Deployment", "onewindow-worker")["spec"]["template"]["spec"]
    container = worker["containers"][0]
    assert container["resources"]["limits"] == {"cpu": "2", "memory": "2Gi"}
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"  # kept from the base
    volumes = find(manifests, "KafkaNodePool", "dual-role")["spec"]["storage"]["volumes"]
    assert volumes == [
        {
            "id": 0,
            "type": "persistent-claim",
            "size": "500Gi",
            "class": "fast-ssd",
            "deleteClaim": False,
            "kraftMetadata": "shared",
        }
    ]
    settings = find(manifests, "ConfigMap", "onewindow-settings")["data"]
    assert settings["schema-registry-url"].startswith("http://karapace.schema-registry.svc")


def test_overlay_sets_the_image_tag() -> None:
    api = find(built(), "Deployment", "onewindow-api")["spec"]["template"]["spec"]
    assert api["containers"][0]["image"] == "ghcr.io/onewindow/onewindow:0.1.0"


def test_a_field_this_build_does_not_implement_is_refused(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(
        "resources: []\nconfigMapGenerator: []\n", encoding="utf-8"
    )
    with pytest.raises(SettingsError, match="configMapGenerator"):
        kustomize.build(tmp_path)


def test_a_patch_without_its_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("patches:\n  - path: p.yaml\n", encoding="utf-8")
    (tmp_path / "p.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nowhere\n", encoding="utf-8"
    )
    with pytest.raises(SettingsError, match="ConfigMap nowhere"):
        kustomize.build(tmp_path)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed here")
def test_same_manifests_as_kubectl_kustomize() -> None:
    answer = subprocess.run(
        ["kubectl", "kustomize", str(OVERLAY)], capture_output=True, text=True, check=True
    )
    theirs = [m for m in yaml.safe_load_all(answer.stdout) if m]

    def keyed(manifests: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
        return {(m["kind"], m["metadata"]["name"]): m for m in manifests}

    assert keyed(built()) == keyed(theirs)
