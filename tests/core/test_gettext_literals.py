"""Chinese text in the code of every app and the core goes through gettext (issue 10): English
msgids, zh_Hans translations, so the catalogue is the one place wording is edited. What stays
outside gettext is not interface text: data (role names that are group keys, demo records, the
issuing authority's name, official number and date formats, the import files' headers and cell
words, regular expressions and parsing words), joining punctuation, and the bilingual setup
errors raised before translations may be compiled. A management command's help is translated
when its parser is built (argparse wants a str): tests/core/test_command_help.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps
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
# Every app and the core; an app folder that does not exist yet is skipped until it does.
SCANNED = (
    "agencies",
    "subsidies",
    "vouchers",
    "training",
    "inspections",
    "reports",
    "kunqu_jiafu",
)
# Literals that are data, not interface text, by file (a literal counts if it starts so).
ALLOWED: dict[str, tuple[str, ...]] = {
    # Group names: the keys the permission groups are looked up by.
    "training/apps.py": ("业务经办", "审批领导", "统计查询", "机构用户"),
    "kunqu_jiafu/accounts/roles.py": (
        "业务经办",
        "审批领导",
        "统计查询",
        "机构用户",
        "系统管理员",
        "安全管理员",
        "审计管理员",
    ),
    "kunqu_jiafu/audit/apps.py": ("业务经办", "审批领导"),
    "kunqu_jiafu/people/apps.py": ("业务经办", "审批领导", "统计查询"),
    # The default evaluation criteria, as the bureau words them (data; 0050 keeps a copy).
    "inspections/services/evaluations.py": (
        "服务质量与满意度",
        "回访满意率、服务规范执行情况",
        "规范经营",
        "按照“五统一”要求规范运作",
        "员工制与社会保险",
        "签订劳动合同并缴纳社会保险的从业人员比例",
        "培训与就业带动",
        "组织培训人次、吸纳就业人数",
        "诚信与投诉处理",
        "投诉及时处理，无查实的违规",
        "创新与品牌建设",
        "服务创新、品牌创建与宣传",
    ),
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
        "李领导",
        "吴系统",
        "郑安全",
        "王审计",
        "超级管理员（应急）",
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
    # Agencies. Job titles offered as suggestions: the value stored is the title itself.
    "agencies/forms.py": (
        "家政服务员",
        "养老护理员",
        "育婴员",
        "母婴护理员",
        "病患陪护员",
        "家务管理员",
    ),
    # The worker import's file format: header row, sheet and file names, the contract-kind
    # words read from the cells, and the template's example row.
    "agencies/imports.py": (
        "姓名",
        "身份证号",
        "联系电话",
        "岗位",
        "入职日期",
        "合同",
        "是否参加社保",
        "参保日期",
        "最近体检日期",
        "意外险有效期至",
        "培训及证书",
        "就业困难人员",
        "高校毕业生",
        "从业人员",
        "说明",
        "劳动合同",
        "服务协议",
        "王芳",
        "家政服务员",
    ),
    # The worker template's file name, as in agencies/imports.py (the admin's tests stand a stub
    # in for that module, so the admin names the file itself).
    "agencies/admin/worker.py": ("从业人员导入模板.xlsx",),
    # The stored purpose of the uploaded licence (a record value, as existing rows hold it).
    "agencies/services/registration.py": ("营业执照",),
    # Demo records: people, agencies, addresses, jobs.
    "agencies/demo.py": (
        "王秀兰",
        "李桂英",
        "张玉梅",
        "刘淑珍",
        "陈红霞",
        "杨丽娟",
        "赵春燕",
        "黄美玲",
        "周海燕",
        "吴建华",
        "徐志强",
        "孙晓东",
        "马丽萍",
        "朱彩云",
        "胡秀珍",
        "郭凤英",
        "何玉兰",
        "高淑华",
        "林秀英",
        "罗桂兰",
        "郑丽华",
        "梁红梅",
        "谢金凤",
        "宋春梅",
        "刘建国",
        "马玉珍",
        "甲公司管理员",
        "乙公司管理员",
        "包头市昆区安心家政",
        "包头市昆区康寿养老",
        "经理",
        "昆都仑区",
        "钢铁大街",
        "阿尔丁大街",
        "号",
        "家政服务员",
        "养老护理员",
        "育婴员",
        "病患陪护员",
        "服务时长与服务户数不匹配",
    ),
    # The survey's units: stored values (the seeded form and the ledger headers write them so).
    "agencies/survey_models.py": ("元", "万元", "人", "户", "小时", "次", "元/小时", "元/月"),
    # Subsidies. Dates and amounts as people type them; the notices' official number prefixes.
    "subsidies/exemptions.py": ("^(\\d{4})[-/.年]",),
    "subsidies/insured_months.py": ("^(\\d{4})(?:[-./年]", "元"),
    "subsidies/services/notices.py": ("昆人社家补",),
    # Demo records: fund, recognition and bank names, addresses, services, a review note.
    "subsidies/demo.py": (
        "2026年度家庭服务业专项发展资金",
        "2026年度年检复核合格",
        "2026年度绩效考评良好",
        "中国银行包头昆都仑支行",
        "昆都仑区社区家庭服务站认定",
        "昆区",
        "少先路街道",
        "阿尔丁大街街道",
        "友谊大街街道",
        "家庭保洁",
        "家电清洗",
        "居家养老照料",
        "材料齐全，数字核对无误",
    ),
    # Vouchers. File name prefixes: the documents' fixed official names (progress_xlsx in this
    # file is being split out by another engineer; its prefix moves with it).
    "vouchers/documents.py": ("就业券", "结算单"),
    "vouchers/services/settlement.py": ("昆人社家券结",),  # official number prefix
    # Demo records: residents, addresses, groups, notes and remarks as staff would type them.
    "vouchers/demo.py": (
        "促进就业券",
        "王李张刘陈",
        "淑芬",
        "桂香",
        "建军",
        "玉兰",
        "志刚",
        "秀梅",
        "国强",
        "凤琴",
        "海军",
        "丽华",
        "春生",
        "钢铁大街",
        "阿尔丁大街",
        "少先路",
        "林荫路",
        "团结大街",
        "白云路",
        "昆工路",
        "市府东路",
        "昆都仑区",
        "号",
        "单元",
        "室",
        "高校毕业生",
        "退役军人",
        "（演示数据，示意）",
        "毕业证书及未就业登记证明",
        "退役军人证或退出现役证明",
        "证明材料",
        "社区窗口代为申报",
        "演示：首批签约机构",
        "上传的材料不是失业登记证明",
        "经核实，申请人已",
        "申请人户籍及居住地",
        "服务人员准时上门",
        "服务不错",
        "基本满意",
        "持券人已迁出本区",
        "上门服务，持券人签字确认",
        "电话无人接听",
        "回访中持券人表示",
        "回访核实",
    ),
    # Training. The roster's file format (shared with the export): header row and the other
    # spellings providers use, sheet and file names, exam words, the template's example row,
    # and the hours suffix read from cells.
    "training/roster_columns.py": (
        "姓名",
        "身份证",
        "公民身份号码",
        "报名编号",
        "联系电话",
        "联系方式",
        "手机号",
        "电话",
        "所属街",
        "所在街道",
        "街道",
        "街镇",
        "就业困难人员",
        "失业人员",
        "高校毕业生",
        "低收入",
        "出勤学时",
        "是否结业",
        "结业日期",
        "考核结果",
        "证书编号",
        "鉴定等级",
        "发证日期",
        "培训项目",
        "培训班名称",
        "课程名称",
        "开班",
        "开课日期",
        "学员姓名",
        "培训花名册",
        "说明",
        "合格",
        "不合格",
        "未考核",
        "通过",
        "未通过",
        "李娜",
        "昆北街道",
        "四级",
        "学时",
    ),
    # Street names as providers write them (suffixes dropped when matching) and an example name.
    "training/imports.py": ("街道", "昆北街道"),
    # Deployment settings: names, addresses and the operator's message before Django is up.
    "kunqu_jiafu/settings.py": (
        "昆区家服",
        "昆都仑区家庭服务业管理平台接口",
        "简体中文",
        "包头市昆都仑区",
        "生产环境缺少",
        "（见 .env.example）",
        # The audit alert's groups, looked up by name (created by the roles' migration).
        "审计管理员",
        "安全管理员",
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
            if "migrations" in relative.parts:
                continue
            yield relative.as_posix(), path


def test_the_scan_finds_chinese_outside_gettext_and_not_inside_it():
    source = (
        '"""文档。"""\nfrom django.utils.translation import gettext as _\n'
        'A = _("Saved")\nB = "已保存"\nC = "（"\n'
    )
    assert chinese_outside_gettext(source) == [(4, "已保存")]


def test_the_apps_and_core_have_no_chinese_text_outside_gettext():
    leftovers = []
    for name, path in _files():
        allowed = ALLOWED.get(name, ())
        for line, text in chinese_outside_gettext(path.read_text(encoding="utf-8")):
            if not text.startswith(allowed):
                leftovers.append(f"{name}:{line}: {text[:40]!r}")
    assert leftovers == [], "put these through gettext (English msgid, zh_Hans msgstr)"


def test_every_app_of_the_project_is_scanned():
    tops = {
        Path(config.path).resolve().relative_to(BASE.resolve()).parts[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(BASE.resolve())
    }
    assert tops - {".venv"} <= set(SCANNED)
