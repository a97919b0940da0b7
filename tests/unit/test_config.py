"""Settings: traitlets with help text, each also read from JUPYTER_WOPI_<NAME>."""

from __future__ import annotations

import pytest
from traitlets import TraitError
from traitlets.config import Config

from jupyter_wopi.app import JupyterWopi


def test_every_setting_has_help_and_an_environment_variable() -> None:
    traits = JupyterWopi.setting_traits()
    assert {"token_ttl", "save_grace", "max_file_size", "base_url", "state_dir"} <= set(traits)
    for name, trait in traits.items():
        assert trait.help and len(trait.help) > 20, name
        assert f"JUPYTER_WOPI_{name.upper()}" in trait.help, name


def test_environment_sets_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_WOPI_TOKEN_TTL", "60")
    monkeypatch.setenv("JUPYTER_WOPI_MAX_FILE_SIZE", "1000")
    monkeypatch.setenv("JUPYTER_WOPI_BASE_URL", "http://jupyter.internal:8888/user/a/")
    app = JupyterWopi()
    app.read_environment()
    assert (app.token_ttl, app.max_file_size) == (60, 1000)
    assert app.base_url == "http://jupyter.internal:8888/user/a/"


def test_jupyter_config_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_WOPI_TOKEN_TTL", "60")
    app = JupyterWopi(config=Config({"JupyterWopi": {"token_ttl": 120}}))
    app.read_environment()
    assert app.token_ttl == 120


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TOKEN_TTL", "soon"),
        ("STATE_DIR", " "),
    ],
)
def test_bad_environment_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(f"JUPYTER_WOPI_{name}", value)
    with pytest.raises(TraitError, match=f"JUPYTER_WOPI_{name}"):
        JupyterWopi().read_environment()


@pytest.mark.parametrize(
    ("public_url", "base_url", "warns"),
    [("", "", True), ("http://hub.example/", "", False), ("", "http://j.internal/", False)],
)
def test_a_hub_server_without_public_url_is_called_out(
    monkeypatch: pytest.MonkeyPatch, public_url: str, base_url: str, warns: bool
) -> None:
    # JupyterHub sets JUPYTERHUB_PUBLIC_URL to "" when c.JupyterHub.public_url is unset.
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")
    monkeypatch.setenv("JUPYTERHUB_PUBLIC_URL", public_url)
    app = JupyterWopi(config=Config({"JupyterWopi": {"base_url": base_url}}))
    assert app.hub_without_public_url() is warns
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX")
    assert app.hub_without_public_url() is False  # not under a hub: a laptop's own URL is fine
