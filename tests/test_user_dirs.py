"""Per-user folders: XDG on Linux (as always); the platform's own on macOS and Windows."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs.windows
import pytest

from casework.config import default_config_path, default_database_path


def test_linux_keeps_its_xdg_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    env = {"XDG_DATA_HOME": "/x/data", "XDG_CONFIG_HOME": "/x/config"}
    assert default_database_path(env) == Path("/x/data/casework/casework.db")
    assert default_config_path(env) == Path("/x/config/casework/casework.toml")
    assert default_database_path({}) == Path.home() / ".local/share/casework/casework.db"


def test_macos_uses_application_support(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.delenv("XDG_DATA_HOME")  # set by the suite; platformdirs honours it there too
    monkeypatch.delenv("XDG_CONFIG_HOME")
    support = Path.home() / "Library" / "Application Support" / "casework"
    assert default_database_path({}) == support / "casework.db"
    assert default_config_path({}) == support / "casework.toml"


def test_windows_uses_local_and_roaming_app_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    folders = {"CSIDL_LOCAL_APPDATA": "/w/Local", "CSIDL_APPDATA": "/w/Roaming"}
    # Windows' known folders, as its shell would answer (here there is no Windows to ask)
    monkeypatch.setattr(platformdirs.windows, "_RESOLVE_WIN_FOLDER", folders.__getitem__)
    assert default_database_path({}) == Path("/w/Local/casework/casework.db")
    assert default_config_path({}) == Path("/w/Roaming/casework/casework.toml")
