"""Health, readiness hooks and Prometheus metrics of the API, over a live uvicorn server."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from hub.api import Hooks, create_app
from hub.api.metrics import GaugeSource
from hub.api.testing import fill, running_server
from hub.settings import load_settings

pytestmark = pytest.mark.integration


def test_readiness_names_each_failing_check(tmp_path: Path) -> None:
    hooks = Hooks(
        readiness={
            "broker": lambda: "no broker at 127.0.0.1:1",
            "processors": lambda: None,
        }
    )
    app = create_app(load_settings(database_url=f"sqlite:///{tmp_path / 'r.db'}"), hooks=hooks)
    with running_server(app) as url:
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
        ready = httpx.get(f"{url}/readyz")
    assert ready.status_code == 503
    assert ready.json() == {
        "ready": False,
        "checks": {"database": "ok", "broker": "no broker at 127.0.0.1:1", "processors": "ok"},
    }


def test_an_unreachable_database_is_not_ready() -> None:
    nowhere = "postgresql://hub@127.0.0.1:1/onewindow?connect_timeout=1"
    with running_server(create_app(load_settings(database_url=nowhere))) as url:
        ready = httpx.get(f"{url}/readyz")
        case = httpx.get(f"{url}/api/v1/cases/C-1")
    assert case.status_code == 503
    assert case.json()["error"] == "database_unavailable"
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"].startswith("unreachable:")


def test_metrics_parse_as_prometheus_text_with_latency_per_route(tmp_path: Path) -> None:
    url_db = f"sqlite:///{tmp_path / 'm.db'}"
    fill(url_db, 20)
    hooks = Hooks(gauges={"onewindow_dead_letters": GaugeSource("Letters", lambda: {(): 42.0})})
    app = create_app(load_settings(database_url=url_db), hooks=hooks)
    with running_server(app) as url, httpx.Client(base_url=url) as client:
        for _ in range(3):
            assert client.get("/api/v1/cases/C-0000001").status_code == 200
        assert client.get("/api/v1/cases/C-9999999").status_code == 404
        text = client.get("/metrics").text
    families = {family.name: family for family in text_string_to_metric_families(text)}
    latency = families["onewindow_api_request_seconds"]
    counts = {
        sample.labels["route"]: sample.value
        for sample in latency.samples
        if sample.name.endswith("_count")
    }
    assert counts["/api/v1/cases/{case_id}"] == 4
    requests = families["onewindow_api_requests"].samples
    assert any(s.labels["status"] == "404" and s.value == 1 for s in requests)
    assert families["onewindow_dead_letters"].samples[0].value == 42.0
