"""The zh_Hans catalogue is complete, current with the source, and what users see is Chinese."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Agency
from kunqu_jiafu.accounts.roles import AGENCY_USER
from subsidies import services
from subsidies.models import Notice
from tests import factories
from tests.import_jobs import post_and_run
from tests.subsidies import core_builders as claims

PO_PATH = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# Folders the catalogue is made without: makemessages -l zh_Hans --ignore=<each> --no-obsolete
IGNORED = (".venv", "staticfiles", "bench")
HAN = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[^{}]*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


# --- a small .po reader ---------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file (gettext writes one block per entry, blank-line separated);
    the header and obsolete (#~) entries are left out."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, target = Entry(), None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and target is not None:
                target.append(ast.literal_eval(line))
            elif line:
                keyword, _, rest = line.partition(" ")
                target = [ast.literal_eval(rest)]
                if keyword.startswith("msgstr"):
                    entry.msgstr.append(target)
                else:
                    setattr(entry, keyword, target)
        for name in ("msgid", "msgid_plural", "msgctxt"):
            if isinstance(getattr(entry, name), list):
                setattr(entry, name, "".join(getattr(entry, name)))
        entry.msgstr = ["".join(parts) for parts in entry.msgstr]
        if entry.msgid:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return read_po(PO_PATH)


# --- (a) the catalogue is complete and keeps every placeholder -----------------------------


def test_catalogue_header_declares_simplified_chinese_with_one_plural_form():
    header = PO_PATH.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert '"Language: zh_Hans\\n"' in header
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header
    assert "charset=UTF-8" in header
    assert "fuzzy" not in header


def test_catalogue_has_entries_and_every_one_is_translated_into_chinese(catalogue):
    assert len(catalogue) > 500
    untranslated = [e.msgid for e in catalogue if not e.msgstr or not all(e.msgstr)]
    assert untranslated == []
    # A translation that only copies the English is not a translation.
    not_chinese = [e.msgid for e in catalogue if not all(HAN.search(s) for s in e.msgstr)]
    assert not_chinese == []


def test_catalogue_has_no_fuzzy_entries(catalogue):
    assert [e.msgid for e in catalogue if "fuzzy" in e.flags] == []


def test_plural_entries_have_exactly_one_chinese_form(catalogue):
    plurals = [e for e in catalogue if e.msgid_plural is not None]
    assert plurals
    assert [e.msgid for e in plurals if len(e.msgstr) != 1] == []


def placeholder_problems(entries: list[Entry]) -> list[tuple[str, str]]:
    problems = []
    for e in entries:
        # Chinese has one form, so it must carry what the plural English form carries.
        source = e.msgid_plural if e.msgid_plural is not None else e.msgid
        for msgstr in e.msgstr:
            for pattern in (PLACEHOLDER, TAG):
                if sorted(set(pattern.findall(source))) != sorted(set(pattern.findall(msgstr))):
                    problems.append((e.msgid, msgstr))
    return problems


def test_placeholder_check_catches_a_lost_or_renamed_placeholder_or_tag():
    bad = [
        Entry("%(name)s was added.", msgstr=["已添加。"]),
        Entry("Page %(n)s of %(total)s", msgstr=["第 %(n)s 页，共 %(totl)s 页"]),
        Entry("Give it to <strong>%(o)s</strong>", msgstr=["交给 %(o)s"]),
        Entry("%(n)s worker", "%(n)s workers", msgstr=["从业人员"]),
    ]
    assert len(placeholder_problems(bad)) == 4
    assert placeholder_problems([Entry("%(n)s worker", "%(n)s workers", msgstr=["%(n)s 名"])]) == []


def test_every_translation_keeps_the_placeholders_and_tags_of_its_msgid(catalogue):
    assert placeholder_problems(catalogue) == []


def test_catalogue_is_compiled_and_passes_msgfmt_check():
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (gettext) is not installed")
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO_PATH)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    assert PO_PATH.with_suffix(".mo").exists()


# --- (b) the catalogue is up to date with the source ---------------------------------------


def _copy_sources(destination: Path) -> None:
    base = Path(settings.BASE_DIR)

    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n.startswith(".") or n == "__pycache__"}
        if Path(directory) == base:
            skipped |= {n for n in names if n in IGNORED or n in ("var", "test-artifacts")}
        return skipped | {
            n
            for n in names
            if (Path(directory) / n).is_file() and not n.endswith((".py", ".html", ".txt", ".po"))
        }

    shutil.copytree(base, destination, ignore=ignore)


def test_makemessages_finds_no_msgid_missing_from_the_catalogue(
    tmp_path, settings, monkeypatch, catalogue
):
    copy = tmp_path / "src"
    _copy_sources(copy)
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        ignore_patterns=list(IGNORED),
        no_obsolete=True,
        verbosity=0,
    )
    fresh = read_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    committed = {e.key for e in catalogue}
    found = {e.key for e in fresh}
    missing = sorted(found - committed, key=str)
    stale = sorted(committed - found, key=str)
    assert missing == [], "run makemessages and translate these msgids"
    assert stale == [], "run makemessages --no-obsolete: these msgids are gone from the source"


# --- (c) pages show Chinese, not our English labels ----------------------------------------


class _VisibleText(HTMLParser):
    """Text a user sees or hears: text outside script/style, and labelling attributes."""

    # Not "alt": Django's own admin search form hard-codes alt="Search" on its icon.
    ATTRIBUTES = ("title", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        values = dict(attrs)
        self.parts.extend(values[a] for a in self.ATTRIBUTES if values.get(a))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_fragments(catalogue: list[Entry]) -> set[str]:
    """Our msgids as a user could meet them untranslated: the literal runs between
    placeholders and tags that read as English (two words or more, or one long word)."""
    fragments = set()
    for e in catalogue:
        for source in filter(None, (e.msgid, e.msgid_plural)):
            for run in re.split(PLACEHOLDER.pattern + "|" + TAG.pattern, source):
                run = run.strip(" .,:;!?“”'\"()—–-/")
                if HAN.search(run) or not re.search(r"[A-Za-z]", run):
                    continue
                words = re.findall(r"[A-Za-z]+", run)
                if len(words) >= 2 or (len(words) == 1 and len(words[0]) >= 6):
                    fragments.add(run)
    return fragments


def leftover_english(html: str, catalogue: list[Entry]) -> list[str]:
    # snake_case tokens are codes and usernames (rate_of_amount, agency_a), not English prose.
    text = re.sub(r"[A-Za-z0-9]*_[A-Za-z0-9_]*", " ", visible_text(html))
    return sorted(
        fragment
        for fragment in english_fragments(catalogue)
        if re.search(r"(?<![A-Za-z])" + re.escape(fragment) + r"(?![A-Za-z])", text, re.I)
    )


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_english_fragment_finder_would_catch_an_untranslated_label(catalogue):
    html = "<p>Unified social credit code</p><input type='submit' value='Sign in'>"
    assert {"Sign in", "Unified social credit code"} <= set(leftover_english(html, catalogue))
    assert leftover_english("<p>统一社会信用代码</p>", catalogue) == []
    # Codes are skipped, the English beside them is not.
    found = {f.lower() for f in leftover_english("<p>rate_of_amount Bank reference</p>", catalogue)}
    assert "bank reference" in found and "amount" not in found
    assert found <= {"bank reference", "reference"}


def test_landing_and_login_pages_are_chinese(client, catalogue):
    landing = _page(client, reverse("home"))
    assert "包头市昆都仑区人力资源和社会保障局" in landing
    assert "机构登记" in landing and "登录" in landing
    login = _page(client, reverse("login"))
    assert "用户名" in login and "密码" in login
    for html in (landing, login):
        assert leftover_english(html, catalogue) == []


def test_agency_portal_dashboard_is_chinese(agency_a, org_a, client_for, catalogue):
    factories.make_worker(org_a, person=factories.make_person("王秀兰"))
    html = _page(client_for(agency_a), reverse("portal:dashboard"))
    for label in ("从业人员", "员工制家政企业备案", "统一社会信用代码", "法定代表人", "街镇"):
        assert label in html
    assert leftover_english(html, catalogue) == []


def test_admin_index_is_chinese_for_reviewer(reviewer, client_for, catalogue):
    html = _page(client_for(reviewer), reverse("admin:index"))
    for label in ("工作台", "年度目标", "待审核事项", "家政服务机构", "从业人员"):
        assert label in html
    assert leftover_english(html, catalogue) == []


def test_agency_changelist_is_chinese_for_reviewer(reviewer, org_a, client_for, catalogue):
    html = _page(client_for(reviewer), reverse("admin:agencies_agency_changelist"))
    assert "统一社会信用代码" in html and "已登记" in html and "导出 Excel" in html
    assert "unified social credit code" not in visible_text(html).lower()
    assert leftover_english(html, catalogue) == []


def test_agency_change_page_is_chinese_for_reviewer(reviewer, client_for, catalogue):
    applying = factories.make_agency("丙家政服务有限公司", status="applying")
    html = _page(client_for(reviewer), reverse("admin:agencies_agency_change", args=[applying.pk]))
    for label in ("机构信息", "法定代表人", "营业执照", "准予登记", "申请中"):
        assert label in html
    assert leftover_english(html, catalogue) == []


@pytest.mark.parametrize(
    "url_name",
    [
        "portal:workers",
        "portal:worker_add",
        "portal:agency_edit",
        "portal:workers_import",
        "portal:filing",
        "notifications",
    ],
)
def test_other_portal_pages_show_no_english_labels(
    url_name, agency_a, org_a, client_for, catalogue
):
    factories.make_worker(org_a, person=factories.make_person("王秀兰"))
    html = _page(client_for(agency_a), reverse(url_name))
    assert HAN.search(visible_text(html))
    assert leftover_english(html, catalogue) == []


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:agencies_worker_changelist",
        "admin:agencies_worker_add",
        "admin:agencies_recognition_changelist",
        "admin:agencies_recognition_add",
        "admin:agencies_employeesystemfiling_changelist",
        "admin:agencies_street_changelist",
        "admin:agencies_businessformat_changelist",
        "admin:agencies_agencypolicy_changelist",
        "admin:people_person_changelist",
        "admin:agencies_worker_import",
    ],
)
def test_other_admin_pages_show_no_english_labels(url_name, reviewer, org_a, client_for, catalogue):
    factories.make_worker(org_a, person=factories.make_person("王秀兰"))
    html = _page(client_for(reviewer), reverse(url_name))
    assert leftover_english(html, catalogue) == []


def test_apply_form_errors_are_chinese(db, client_for, catalogue):
    applicant = factories.make_user("applicant", AGENCY_USER)
    response = client_for(applicant).post(reverse("portal:apply"), {"uscc": "123"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请改正以下问题后重新提交" in html and "此项为必填项。" in html
    assert leftover_english(html, catalogue) == []


def test_review_page_asks_for_the_reason_in_chinese(reviewer, client_for, catalogue):
    applying = factories.make_agency("丙家政服务有限公司", status="applying")
    url = reverse("admin:agencies_agency_review", args=[applying.pk, "reject"])
    html = _page(client_for(reviewer), url)
    assert "驳回" in html and "必填：机构将看到该理由。" in html
    response = client_for(reviewer).post(url, {"reason": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写理由，机构将看到该理由。" in html
    assert leftover_english(html, catalogue) == []


# --- (d) subsidy claims: portal, admin and the notices are Chinese --------------------------


@pytest.fixture
def paid_claim(agency_a, org_a, reviewer, approver):
    """A loan-interest claim taken from draft to paid through the services, with its notice."""
    claims.fund(approver, "100000.00")
    return claims.paid(agency_a, org_a, reviewer, approver)


def test_claims_catalogue_is_chinese(agency_a, org_a, client_for, catalogue):
    html = _page(client_for(agency_a), reverse("claims:catalogue"))
    for label in (
        "可申报的补贴",
        "创业担保贷款贴息",
        "贴息",
        "补贴标准",
        "需申报的数据",
        "开始申报",
    ):
        assert label in html
    assert leftover_english(html, catalogue) == []


def test_claim_detail_is_chinese_through_to_payment(agency_a, paid_claim, client_for, catalogue):
    html = _page(client_for(agency_a), reverse("claims:detail", args=[paid_claim.pk]))
    for label in ("已拨付", "符合条件金额", "计算过程", "申报数据", "申报期间", "银行流水号"):
        assert label in html
    for label in ("审批通知书", "附件", "变更记录", "提交人社局", "初审通过", "登记拨付"):
        assert label in html
    assert leftover_english(html, catalogue) == []


def test_draft_claim_detail_and_claim_list_are_chinese(agency_a, org_a, client_for, catalogue):
    claim = claims.draft(agency_a, org_a, attach=False)
    client = client_for(agency_a)
    detail = _page(client, reverse("claims:detail", args=[claim.pk]))
    assert "草稿：尚未提交人社局" in detail and "尚需上传" in detail and "撤回此申请" in detail
    listing = _page(client, reverse("claims:list"))
    assert "草稿" in listing and "创业担保贷款贴息" in listing
    for html in (detail, listing):
        assert leftover_english(html, catalogue) == []


def test_claim_status_rejected_reads_as_not_approved_not_as_an_agency_rejection():
    from subsidies.models import Claim

    assert str(Claim.Status.REJECTED.label) == "不予通过"
    assert str(Agency.Status.REJECTED.label) == "已驳回"


def test_claim_admin_changelist_is_chinese(reviewer, paid_claim, client_for, catalogue):
    html = _page(client_for(reviewer), reverse("admin:subsidies_claim_changelist"))
    for label in ("补贴申请", "补贴项目", "政策类别", "符合条件金额", "核定金额", "已拨付"):
        assert label in html
    assert leftover_english(html, catalogue) == []


def test_claim_admin_change_page_is_chinese(reviewer, paid_claim, client_for, catalogue):
    url = reverse("admin:subsidies_claim_change", args=[paid_claim.pk])
    html = _page(client_for(reviewer), url)
    for label in ("申报数据", "计算过程", "附件", "专项发展资金", "拨付日期", "审批通知书"):
        assert label in html
    assert leftover_english(html, catalogue) == []


def test_claim_admin_review_page_is_chinese(reviewer, agency_a, org_a, client_for, catalogue):
    claim = claims.submitted(agency_a, org_a)
    url = reverse("admin:subsidies_claim_review", args=[claim.pk, "return"])
    html = _page(client_for(reviewer), url)
    assert "退回补正" in html and "计算过程" in html
    assert leftover_english(html, catalogue) == []


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:subsidies_claimtype_changelist",
        "admin:subsidies_specialfund_changelist",
        "admin:subsidies_notice_changelist",
        "admin:agencies_agencystanding_changelist",
    ],
)
def test_subsidy_admin_pages_show_no_english_labels(
    url_name, reviewer, paid_claim, client_for, catalogue
):
    html = _page(client_for(reviewer), reverse(url_name))
    assert HAN.search(visible_text(html))
    assert leftover_english(html, catalogue) == []


def _notice_text(notice: Notice, tmp_path: Path) -> str:
    """pdftotext of the notice's rendered PDF (poppler-utils), spaces kept."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install poppler-utils (scripts/ensure-system-deps.sh)")
    notice = services.notice_render(notice.pk)
    path = tmp_path / "notice.pdf"
    with notice.document.file.open("rb") as handle:
        path.write_bytes(handle.read())
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_approval_notice_pdf_reads_as_a_chinese_government_notice(
    paid_claim, org_a, tmp_path, catalogue
):
    text = _notice_text(Notice.objects.get(claim=paid_claim), tmp_path)
    flat = "".join(text.split())
    for phrase in (
        "审批通知书",
        "现予批准",
        "已经我局审核",
        "昆府办发〔2020〕28号",
        org_a.name,
        "核定金额",
        "核定金额（大写）人民币",
        "请妥善保管本通知书",
        "依法申请行政复议",
        "抄送：昆都仑区财政局",
    ):
        assert phrase in flat
    assert leftover_english(text, catalogue) == []


def test_rejection_notice_pdf_reads_as_a_chinese_government_notice(
    agency_a, org_a, reviewer, tmp_path, catalogue
):
    claim = claims.move(
        reviewer, claims.submitted(agency_a, org_a), "reject", reason="贷款不属于创业担保贷款"
    )
    text = _notice_text(Notice.objects.get(claim=claim), tmp_path)
    flat = "".join(text.split())
    for phrase in (
        "不予通过告知书",
        "决定不予通过",
        "贷款不属于创业担保贷款",
        "自收到本告知书之日起",
    ):
        assert phrase in flat
    assert "本通知书" not in flat
    assert leftover_english(text, catalogue) == []


# --- (e) training: provider pages, the roster import, the public sign-up and the admin -----


@pytest.fixture
def training_course(agency_a, org_a):
    """A finished course of agency A with one trainee who completed it and holds a certificate."""
    from tests.training.test_portal_courses import make_course
    from training import services as training

    course = make_course(agency_a, org_a)
    enrolment = training.enrol(
        actor=agency_a, course=course, id_number=factories.id_number(), name="王秀兰"
    )
    training.enrolment_record(
        actor=agency_a,
        enrolment=enrolment,
        data={
            "attended_hours": 40,
            "completed": True,
            "completed_on": course.ends_on,
            "exam": "passed",
            "certificate_number": "S000015020300001",
        },
    )
    return course


def test_provider_course_list_is_chinese(agency_a, training_course, client_for, catalogue):
    html = _page(client_for(agency_a), reverse("training:courses"))
    assert training_course.name in html
    for label in ("培训课程", "岗前培训", "课时", "已报名 / 名额", "已结业"):
        assert label in html
    assert leftover_english(html, catalogue) == []


def test_provider_course_detail_is_chinese(agency_a, training_course, client_for, catalogue):
    html = _page(client_for(agency_a), reverse("training:course", args=[training_course.pk]))
    for label in ("花名册", "出勤课时", "结业", "考核", "证书", "王秀兰", "S000015020300001"):
        assert label in html
    assert leftover_english(html, catalogue) == []


def test_roster_import_page_is_chinese(agency_a, training_course, client_for, catalogue):
    url = reverse("training:roster_import", args=[training_course.pk])
    html = _page(client_for(agency_a), url)
    for label in ("从 Excel 导入花名册", "花名册文件", "检查文件", "预览", "学员"):
        assert label in html
    assert leftover_english(html, catalogue) == []


@pytest.mark.parametrize(
    "url_name, user",
    [("training:roster_import", "agency_a"), ("admin:training_course_import_roster", "reviewer")],
)
def test_roster_import_preview_and_errors_are_chinese(
    url_name, user, agency_a, org_a, client_for, catalogue, request
):
    from tests.training import test_roster_import as roster
    from training import roster_columns as col

    NAME = "花名册.xlsx"  # noqa: N806 - the file name is shown on the job's page
    course = roster._course(agency_a, org_a, capacity=50)
    client = client_for(request.getfixturevalue(user))
    url = reverse(url_name, args=[course.pk])
    preview = post_and_run(
        client, url, {"file": roster._xlsx([roster._row(), roster._row()], name=NAME)}
    )
    assert preview.job.status == "checked"
    html = preview.content.decode()
    for label in ("预览", "新报名", "确认导入"):
        assert label in html
    assert leftover_english(html, catalogue) == []

    bad = roster._row(**{col.CERTIFICATE_NUMBER: "S1", col.EXAM: "不合格"})
    errors = post_and_run(client, url, {"file": roster._xlsx([bad], name=NAME)})
    html = errors.content.decode()
    assert "考核合格后才能登记证书" in html
    assert leftover_english(html, catalogue) == []
    # A job still waiting for its task shows its progress, in Chinese too.
    waiting = client.post(
        url, {"file": roster._xlsx([roster._row()], name=NAME)}
    )  # on_commit never runs
    html = client.get(waiting["Location"]).content.decode()
    assert "等待开始" in html and "刷新" in html
    assert leftover_english(html, catalogue) == []


def test_public_training_signup_page_is_chinese_for_anonymous_visitors(db, client, catalogue):
    html = _page(client, reverse("training_signup:signup"))
    for label in ("免费职业技能培训报名", "姓名", "身份证号码", "意向培训项目", "提交报名"):
        assert label in html
    assert leftover_english(html, catalogue) == []


def test_training_admin_course_changelist_is_chinese(
    reviewer, training_course, client_for, catalogue
):
    html = _page(client_for(reviewer), reverse("admin:training_course_changelist"))
    assert training_course.name in html
    for label in ("培训课程", "培训机构", "培训类别", "已报名 / 名额"):
        assert label in html
    assert leftover_english(html, catalogue) == []


def test_admin_index_training_progress_panel_is_chinese(
    reviewer, training_course, client_for, catalogue
):
    from training.models import TrainingTarget

    TrainingTarget.objects.update_or_create(
        year=training_course.policy_year, defaults={"people": 50}
    )
    html = _page(client_for(reviewer), reverse("admin:index"))
    assert 'data-testid="training-trained"' in html
    for label in ("年度培训目标", "培训"):
        assert label in html
    assert leftover_english(html, catalogue) == []


# --- (f) employment vouchers: public pages, agency portal, admin and the PDFs ----------------


@pytest.fixture
def voucher_programme(reviewer, org_a, agency_a):
    """The seeded batch with agency A taking part: one household has chosen agency A and waits
    for the service; another was served by agency A, checked and put on a settlement statement."""
    from django.utils import timezone

    from tests.vouchers import core_builders as vb
    from vouchers.services.choice import voucher_choose_agency
    from vouchers.services.settlement import settlement_create
    from vouchers.services.verification import voucher_verify

    batch = factories.keep_seeded_batch_current()
    vb.join(batch, org_a, reviewer)
    household = vb.household_id()
    waiting = vb.issued(batch, reviewer, id_number=household, name="刘志强")
    voucher_choose_agency(voucher=waiting, agency=org_a)
    served = vb.issued(batch, reviewer, name="王秀英")
    vb.redeem(
        served, agency_a, factories.make_worker(org_a, person=factories.make_person("王秀兰"))
    )
    voucher_verify(actor=reviewer, voucher=served, passed=True)
    settlement = settlement_create(
        actor=reviewer, batch=batch, agency=org_a, month=timezone.localdate()
    )
    waiting.refresh_from_db()
    return {"waiting": waiting, "household": household, "settlement": settlement}


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install poppler-utils (scripts/ensure-system-deps.sh)")
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_public_voucher_application_page_is_chinese(db, client, catalogue):
    factories.keep_seeded_batch_current()
    html = _page(client, reverse("vouchers_public:apply"))
    for label in ("申领促进就业券", "申请人信息", "目标人群", "证明材料", "提交申报"):
        assert label in html
    assert leftover_english(html, catalogue) == []
    lookup = _page(client, reverse("vouchers_public:status"))
    assert "申报编号" in lookup and "申请人身份证号码" in lookup
    assert leftover_english(lookup, catalogue) == []


def test_public_voucher_status_page_is_chinese(client, voucher_programme, catalogue):
    waiting = voucher_programme["waiting"]
    response = client.post(
        reverse("vouchers_public:status"),
        {"number": waiting.application.number, "id_number": voucher_programme["household"]},
    )
    assert response.status_code == 302
    html = _page(client, response["Location"])
    for label in ("申报编号", "您的就业券", "上门服务", "更换服务机构", "关闭并退出", "已发放"):
        assert label in html
    assert leftover_english(html, catalogue) == []


@pytest.mark.parametrize("url_name", ["vouchers:list", "vouchers:redeem", "vouchers:settlements"])
def test_agency_voucher_pages_are_chinese(
    url_name, agency_a, voucher_programme, client_for, catalogue
):
    html = _page(client_for(agency_a), reverse(url_name))
    assert "促进就业券" in html
    assert leftover_english(html, catalogue) == []


def test_agency_voucher_record_is_chinese(agency_a, voucher_programme, client_for, catalogue):
    waiting = voucher_programme["waiting"]
    html = _page(client_for(agency_a), reverse("vouchers:detail", args=[waiting.pk]))
    for label in ("持券人", "待上门服务", "登记服务并核销", "跟踪回访", "人社局核查"):
        assert label in html
    assert leftover_english(html, catalogue) == []


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:vouchers_voucher_changelist",
        "admin:vouchers_application_changelist",
        "admin:vouchers_settlement_changelist",
        "admin:vouchers_voucherbatch_changelist",
        "admin:vouchers_participation_changelist",
        "admin:vouchers_settlement_draw",
    ],
)
def test_voucher_admin_pages_are_chinese(
    url_name, reviewer, voucher_programme, client_for, catalogue
):
    html = _page(client_for(reviewer), reverse(url_name))
    assert HAN.search(visible_text(html))
    assert leftover_english(html, catalogue) == []


def test_voucher_admin_change_and_action_pages_are_chinese(
    reviewer, voucher_programme, client_for, catalogue
):
    waiting = voucher_programme["waiting"]
    client = client_for(reviewer)
    page = _page(client, reverse("admin:vouchers_voucher_change", args=[waiting.pk]))
    assert "券号" in page and "持券人" in page and "作废" in page
    void = _page(client, reverse("admin:vouchers_voucher_review", args=[waiting.pk, "void"]))
    assert "确认作废" in void
    for html in (page, void):
        assert leftover_english(html, catalogue) == []


def test_voucher_progress_page_and_home_panel_are_chinese(
    reviewer, voucher_programme, client_for, catalogue
):
    client = client_for(reviewer)
    progress = _page(client, reverse("admin:vouchers_progress"))
    for label in ("发放进度", "已发放就业券（不含已作废）", "按目标人群", "按街镇", "核查通过"):
        assert label in progress
    index = _page(client, reverse("admin:index"))
    assert 'data-testid="vouchers-panel"' in index and "应发尽发" in index
    for html in (progress, index):
        assert leftover_english(html, catalogue) == []


def test_voucher_and_settlement_pdfs_are_chinese(voucher_programme, tmp_path, catalogue):
    from vouchers import documents

    voucher = _pdf_text(documents.voucher_pdf(voucher_programme["waiting"]), tmp_path)
    statement = _pdf_text(documents.settlement_pdf(voucher_programme["settlement"]), tmp_path)
    for text, phrases in (
        (voucher, ("促进就业券", "持券人", "券号", "使用说明", "不得兑换现金")),
        (statement, ("促进就业券结算单", "结算月份", "就业券张数", "机构确认（盖章）")),
    ):
        flat = "".join(text.split())
        for phrase in phrases:
            assert phrase in flat
        assert leftover_english(text, catalogue) == []
