"""Chinese text in the code of training/ and the core goes through gettext (issue 10): English
msgids, zh_Hans translations. What stays outside gettext is not interface text: data (role
names that are group keys, demo records, the issuing authority's name, official number and date
formats, regular expressions and parsing words), joining punctuation, and the bilingual setup
errors raised before translations may be compiled."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
}
SCANNED = ("training", "kunqu_jiafu")
# The roster import's files (another engineer's work), checked when that work settles.
NOT_YET = {"imports.py", "importers.py", "import_views.py", "admin_import.py"}
# Literals that are data, not interface text, by file (a literal counts if it starts so).
ALLOWED: dict[str, tuple[str, ...]] = {
    # Group names: the keys the permission groups are looked up by.
    "training/apps.py": ("业务经办", "审批领导", "统计查询", "机构用户"),
    "kunqu_jiafu/accounts/roles.py": ("业务经办", "审批领导", "统计查询", "机构用户"),
    "kunqu_jiafu/audit/apps.py": ("业务经办", "审批领导"),
    "kunqu_jiafu/people/apps.py": ("业务经办", "审批领导", "统计查询"),
    # Demo records, as the bureau or a provider would type them.
    "training/demo.py": (
        "王李张刘陈",
        "秀英",
        "桂兰",
        "玉梅",
        "淑珍",
        "红霞",
        "丽娟",
        "春燕",
        "美玲",
        "海燕",
        "建华",
        "2026年",
        "五级",
    ),
    "kunqu_jiafu/web/management/commands/load_demo.py": (
        "赵经办",
        "孙领导",
        "周统计",
        "系统管理员",
    ),
    # The issuing authority, amounts in capitals, official number and date formats; setup
    # errors that say the same in both languages (raised before anything else is ready).
    "kunqu_jiafu/documents/pdf.py": (
        "包头市昆都仑区人力资源和社会保障局",
        "〇一二三",
        "年",
        "月",
        "日",
        "十",
    ),
    "kunqu_jiafu/documents/fonts.py": (
        "零壹贰叁",
        "找不到",
        "缺少 HarfBuzz",
        "。请安装",
        "，或运行",
        "（或运行",
        "）：没有它",
        "：没有它",
    ),
    "kunqu_jiafu/documents/numbering.py": ("号", "next_number() must be called"),
    # Words read from spreadsheets (yes/no cells, header markers, dates) and from typed
    # phone numbers and addresses.
    "kunqu_jiafu/documents/spreadsheets.py": (
        "是",
        "否",
        "有",
        "无",
        "(必填)",
        "(选填)",
        "(可选)",
        "^(\\d{4})",
    ),
    "kunqu_jiafu/imports/reading.py": ("(必填)", "(选填)", "(可选)"),
    "kunqu_jiafu/imports/widgets.py": ("是", "否", "有", "无", "^(\\d{4})"),
    "kunqu_jiafu/imports/spec.py": ("说明",),  # the template's help sheet, named as in the file
    "kunqu_jiafu/people/phone.py": ("^(.*?)(?:转|分机",),
    "kunqu_jiafu/people/household.py": ("[\\s",),
    # Deployment settings: names, addresses and the operator's message before Django is up.
    "kunqu_jiafu/settings.py": (
        "昆区家服",
        "昆都仑区家庭服务业管理平台接口",
        "简体中文",
        "包头市昆都仑区",
        "生产环境缺少",
        "（见 .env.example）",
    ),
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _translated(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name in GETTEXT:
                for arg in node.args:
                    found.update(id(sub) for sub in ast.walk(arg))
    return found


def chinese_outside_gettext(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    skipped = _docstrings(tree) | _translated(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and HAN.search(node.value)  # punctuation alone (（）、：) is not text
    ]


def _files():
    for folder in SCANNED:
        for path in sorted((BASE / folder).rglob("*.py")):
            relative = path.relative_to(BASE)
            if "migrations" in relative.parts or path.name in NOT_YET:
                continue
            if path.name.startswith("roster_"):
                continue
            yield relative.as_posix(), path


def test_the_scan_finds_chinese_outside_gettext_and_not_inside_it():
    source = (
        '"""文档。"""\nfrom django.utils.translation import gettext as _\n'
        'A = _("Saved")\nB = "已保存"\nC = "（"\n'
    )
    assert chinese_outside_gettext(source) == [(4, "已保存")]


def test_training_and_core_code_has_no_chinese_text_outside_gettext():
    leftovers = []
    for name, path in _files():
        allowed = ALLOWED.get(name, ())
        for line, text in chinese_outside_gettext(path.read_text(encoding="utf-8")):
            if not text.startswith(allowed):
                leftovers.append(f"{name}:{line}: {text[:40]!r}")
    assert leftovers == [], "put these through gettext (English msgid, zh_Hans msgstr)"
