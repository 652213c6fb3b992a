from pathlib import Path

import pytest

from hub.errors import SettingsError
from hub.settings import load_settings


def test_defaults_are_the_embedded_single_machine_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).parent)
    settings = load_settings()
    assert settings.kafka.embedded
    assert settings.api.port == 8600
    assert settings.effective_database_url == "sqlite:///var/onewindow.db"


def test_environment_nests_with_double_underscore(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS", "k1:9092,k2:9092")
    monkeypatch.setenv("ONEWINDOW_DATABASE_URL", "postgresql+psycopg://db/hub")
    settings = load_settings()
    assert not settings.kafka.embedded
    assert settings.kafka.librdkafka_config()["bootstrap.servers"] == "k1:9092,k2:9092"
    assert settings.effective_database_url == "postgresql+psycopg://db/hub"


def test_toml_file_is_read_and_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "onewindow.toml"
    config.write_text('data_dir = "/srv/hub"\n[api]\nport = 9000\nhost = "0.0.0.0"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ONEWINDOW_API__PORT", "9100")
    settings = load_settings()
    assert settings.data_dir == Path("/srv/hub")
    assert settings.api.host == "0.0.0.0"
    assert settings.api.port == 9100


def test_invalid_value_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEWINDOW_API__PORT", "eighty")
    with pytest.raises(SettingsError, match="ONEWINDOW_API__PORT"):
        load_settings()


def test_secrets_do_not_leak_into_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEWINDOW_KAFKA__SASL_PASSWORD", "hunter2")
    settings = load_settings()
    assert "hunter2" not in repr(settings)
    assert settings.kafka.librdkafka_config()["sasl.password"] == "hunter2"
