"""pyproject.toml packages every app of ours and the folders the settings read (templates,
static, locale, fixtures) as package data (issue 9: "pyproject.toml packages only two of the
apps")."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from importlib import import_module
from pathlib import Path

from django.conf import settings
from setuptools import find_namespace_packages

BASE = Path(settings.BASE_DIR)
DATA_DIRS = ("templates", "static", "locale", "fixtures")


def _config() -> dict:
    with open(BASE / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["tool"]["setuptools"]


def _packages() -> set[str]:
    find = _config()["packages"]["find"]
    assert find.get("namespaces") is True  # folders without __init__.py are packages too
    return set(
        find_namespace_packages(where=str(BASE), include=find["include"], exclude=find["exclude"])
    )


def _our_apps() -> list[str]:
    apps = []
    for entry in settings.INSTALLED_APPS:
        module = entry.split(".apps.")[0] if ".apps." in entry else entry
        top = import_module(module.split(".")[0])
        if Path(top.__file__).resolve().parent.parent == BASE:
            apps.append(module)
    return apps


def test_every_app_of_ours_in_installed_apps_is_packaged():
    apps = _our_apps()
    assert {"agencies", "subsidies", "training", "vouchers", "kunqu_jiafu.accounts"} <= set(apps)
    packages = _packages()
    missing = [app for app in apps if app not in packages]
    assert not missing, missing
    for app in apps:  # and its migrations, admin, management commands…
        folder = BASE / app.replace(".", "/")
        for sub in folder.rglob("*.py"):
            package = ".".join(sub.parent.relative_to(BASE).parts)
            if "__pycache__" not in package:
                assert package in packages, package


def test_templates_static_locale_and_fixtures_are_package_data():
    packages = _packages()
    patterns = _config()["package-data"]["*"]
    for name in DATA_DIRS:
        root = BASE / name
        files = [p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        assert files, name
        for path in files:
            package = ".".join(path.parent.relative_to(BASE).parts)
            assert package in packages, package
            assert any(fnmatch(path.name, pattern) for pattern in patterns), path
    assert not any(p.startswith("tests") for p in packages)
