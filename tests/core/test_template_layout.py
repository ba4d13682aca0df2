"""Templates live in their app (``<app>/templates/<app>/…``); the project-level templates/
keeps only the base layouts, the admin's overrides and the error pages (issue 10)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import get_template

BASE = Path(settings.BASE_DIR)
APP_TEMPLATE_DIRS = {
    "agencies": BASE / "agencies/templates/agencies",
    "subsidies": BASE / "subsidies/templates/subsidies",
    "training": BASE / "training/templates/training",
    "vouchers": BASE / "vouchers/templates/vouchers",
    "documents": BASE / "kunqu_jiafu/documents/templates/documents",
    "web": BASE / "kunqu_jiafu/web/templates/web",
}


def test_project_templates_folder_keeps_only_layouts_admin_overrides_and_error_pages():
    project = BASE / "templates"
    folders = sorted(p.name for p in project.iterdir() if p.is_dir())
    assert folders == ["admin"]
    pages = sorted(p.name for p in project.iterdir() if p.is_file())
    assert "base.html" in pages
    assert set(pages) - {"base.html"} <= {
        "400.html",
        "403.html",
        "403_csrf.html",
        "404.html",
        "500.html",
    }


def test_each_app_template_is_found_under_its_own_name_in_its_app():
    for prefix, folder in APP_TEMPLATE_DIRS.items():
        files = [p for p in folder.rglob("*") if p.is_file()]
        assert files, prefix
        for path in files:
            name = f"{prefix}/{path.relative_to(folder).as_posix()}"
            assert Path(get_template(name).origin.name) == path, name
