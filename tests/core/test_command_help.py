"""Every management command of the project answers ``--help`` in Chinese (issue 10). argparse
formats the help as a str, so a command translates it when its parser is built: a lazy
translation as the class's ``help`` made ``manage.py <command> --help`` crash."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import get_commands, load_command_class

BASE = Path(settings.BASE_DIR).resolve()
HAN = re.compile(r"[\u3400-\u9fff]")


def _project_commands() -> list[tuple[str, str]]:
    """(app, command) for the commands defined in the project's own apps."""
    ours = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(BASE)
        and ".venv" not in Path(config.path).resolve().relative_to(BASE).parts
    }
    return sorted((app, name) for name, app in get_commands().items() if app in ours)


PROJECT_COMMANDS = _project_commands()


def _squeezed(text: str) -> str:
    return "".join(text.split())  # argparse rewraps the help


def test_the_project_commands_are_found():
    names = {name for _app, name in PROJECT_COMMANDS}
    assert {"check_filings", "audit_verify", "load_demo", "sweep_orphan_files"} <= names


@pytest.mark.parametrize(("app", "name"), PROJECT_COMMANDS, ids=[n for _a, n in PROJECT_COMMANDS])
def test_a_project_command_answers_help_in_chinese(app, name, capsys):
    command = load_command_class(app, name)
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["manage.py", name, "--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    assert isinstance(command.help, str) and HAN.search(command.help)
    assert _squeezed(command.help) in _squeezed(shown)


def test_manage_py_help_of_a_command_exits_cleanly_in_chinese():
    done = subprocess.run(
        [sys.executable, str(BASE / "manage.py"), "check_filings", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=BASE,
    )
    assert done.returncode == 0, done.stderr
    assert "检查员工制家政企业备案" in done.stdout
