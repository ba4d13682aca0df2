"""PDF notices: Chinese text that can be extracted exactly, the GB2312 subset font embedded,
and loud failures when the system lacks what makes Chinese PDFs fast."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import threading
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone
from fontTools.ttLib import TTFont

from kunqu_jiafu.documents import fonts as notice_fonts
from kunqu_jiafu.documents import pdf

AGENCY = "包头市昆区安心家政服务有限公司"
NOTICE_NUMBER = "昆人社家补〔2026〕0001号"


def sample_context(**overrides) -> dict:
    context = {
        "title": "审批通知书",
        "notice_number": NOTICE_NUMBER,
        "addressee": AGENCY,
        "paragraphs": [
            "你单位申报的员工制家政企业社会保险补贴，经审核，符合《昆都仑区促进家庭服务业"
            "发展扶持办法》的规定，现予批准。",
        ],
        "fields": [("申报单位", AGENCY), ("统一社会信用代码", "91150203MA0N2X7Q3K")],
        "amount_rows": [("社会保险补贴（12人 × 6个月）", Decimal("100000.00"))],
        "total": Decimal("100000.00"),
        "trace": ["计算过程：12人 × 6个月 × 1,388.89元，以单项上限100,000.00元为限。"],
        "issue_date": dt.date(2026, 11, 29),
    }
    context.update(overrides)
    return context


def poppler(tool: str, data: bytes, tmp_path: Path) -> str:
    """Run pdftotext, pdffonts or pdfinfo (Debian poppler-utils) on the PDF."""
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: install poppler-utils (scripts/ensure-system-deps.sh)")
    path = tmp_path / "notice.pdf"
    path.write_bytes(data)
    command = [tool, str(path), "-"] if tool == "pdftotext" else [tool, str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The text of the PDF with line breaks and spaces removed (pdftotext wraps lines)."""
    return "".join(poppler("pdftotext", data, tmp_path).split())


def pdf_fonts(data: bytes, tmp_path: Path) -> list[dict]:
    fonts = []
    for line in poppler("pdffonts", data, tmp_path).splitlines()[2:]:
        parts = line.split()
        # name type… encoding emb sub uni object-id generation
        fonts.append({"name": parts[0].split("+")[-1], "emb": parts[-5], "sub": parts[-4]})
    return fonts


@pytest.fixture
def fresh_pdf_state(monkeypatch):
    """Forget that this process already checked the system, so the checks run again."""
    monkeypatch.setattr(notice_fonts, "_ready", False)


def test_notice_pdf_text_contains_the_chinese_words_and_the_amount_in_capitals(tmp_path):
    data = pdf.render_pdf("documents/sample_notice.html", sample_context())

    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    for words in (
        "昆都仑区人力资源和社会保障局",
        "审批通知书",
        NOTICE_NUMBER,
        f"{AGENCY}：",
        "统一社会信用代码",
        "《昆都仑区促进家庭服务业发展扶持办法》",
        "壹拾万元整",
        "100,000.00",
        "二〇二六年十一月二十九日",
    ):
        assert words in text, words


def test_notice_embeds_only_the_gb2312_subset_font(tmp_path):
    data = pdf.render_pdf("documents/sample_notice.html", sample_context())

    fonts = pdf_fonts(data, tmp_path)
    assert fonts, "no font in the PDF"
    # Our @font-face family once (no "bold" copy of it): nothing chosen by fontconfig, not
    # the full-font fallback, and embedded as a subset.
    assert [f["name"] for f in fonts] == ["KJ-CJK"]
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts)


def test_a_name_outside_gb2312_uses_the_full_font_instead_of_a_box(tmp_path):
    name = "包头市昆区王赟玥家政服务有限公司"
    with pytest.raises(UnicodeEncodeError):
        "赟玥".encode("gb2312")

    data = pdf.render_pdf("documents/sample_notice.html", sample_context(addressee=name))

    assert f"{name}：" in pdf_text(data, tmp_path)
    assert "KJ-CJK-Full" in {f["name"] for f in pdf_fonts(data, tmp_path)}


def test_subset_font_covers_what_notices_print_and_nothing_beyond_gb2312():
    notice_fonts.ensure_pdf_ready()
    cmap = TTFont(notice_fonts.subset_font_path(), lazy=True).getBestCmap()
    needed = (
        "〔〕【】《》“”、。，：；（）０１２３４５６７８９零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整〇"
    )
    needed += "昆都仑区人力资源和社会保障局审批通知书不予通过告知书ABCxyz0123456789.,:;%"
    assert [c for c in needed if ord(c) not in cmap] == []
    assert ord("赟") not in cmap
    assert 7000 < len(cmap) < 8000
    assert notice_fonts.subset_font_path().stat().st_size < 2 * 1024 * 1024


def test_missing_harfbuzz_subset_library_fails_loudly(monkeypatch, fresh_pdf_state):
    monkeypatch.setattr(notice_fonts.ctypes.util, "find_library", lambda name: None)

    with pytest.raises(ImproperlyConfigured) as error:
        pdf.render_pdf("documents/sample_notice.html", sample_context())

    message = str(error.value)
    assert "libharfbuzz-subset0" in message
    assert "缺少" in message and "apt-get install libharfbuzz-subset0" in message
    assert "silently falls back" in message


def test_missing_source_font_fails_loudly(settings, tmp_path, fresh_pdf_state):
    settings.PDF_FONT_DIR = tmp_path / "fonts"
    settings.PDF_CJK_SOURCE_FONT = str(tmp_path / "no-such-font.ttc")

    with pytest.raises(ImproperlyConfigured) as error:
        pdf.render_pdf("documents/sample_notice.html", sample_context())

    message = str(error.value)
    assert "fonts-wqy-microhei" in message
    assert "找不到" in message and "is missing" in message
    assert not (tmp_path / "fonts" / "kj-cjk.ttf").exists()


def test_first_render_builds_the_subset_font_and_the_command_skips_it_unless_forced(
    settings, tmp_path, fresh_pdf_state
):
    settings.PDF_FONT_DIR = tmp_path / "fonts"
    target = tmp_path / "fonts" / "kj-cjk.ttf"

    data = pdf.render_pdf("documents/sample_notice.html", sample_context())

    assert target.is_file() and target.with_suffix(".json").is_file()
    for rare in ("kj-cjk-ext-a.ttf", "kj-cjk-ext-b.ttf"):  # the rare-character fonts too
        assert (tmp_path / "fonts" / rare).is_file()
    assert "壹拾万元整" in pdf_text(data, tmp_path)
    built_at = target.stat().st_mtime_ns
    out = StringIO()
    call_command("build_pdf_font", stdout=out)
    assert "跳过" in out.getvalue()
    assert target.stat().st_mtime_ns == built_at

    call_command("build_pdf_font", "--force", stdout=out)
    assert "已生成" in out.getvalue()
    assert target.stat().st_mtime_ns != built_at


def test_two_workers_starting_together_build_the_font_once(settings, tmp_path):
    settings.PDF_FONT_DIR = tmp_path / "fonts"
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def build() -> None:
        barrier.wait(timeout=10)
        results.append(notice_fonts.build_subset_font())

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == [False, True]
    assert not list((tmp_path / "fonts").glob("*.part"))


def test_pdfs_never_fetch_from_the_network_or_outside_the_allowed_folders():
    fetcher = pdf._url_fetcher(notice_fonts.notice_font_faces())
    for url in (
        "http://127.0.0.1:9/seal.png",
        "https://cdn.example.com/x.css",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch(notice_fonts.subset_font_path().resolve().as_uri())
    assert response.read(4) in (b"\x00\x01\x00\x00", b"true")
    response.close()


def test_an_image_from_the_network_is_not_fetched_and_the_notice_still_renders(tmp_path):
    html = '<html><body><p>审批通知书</p><img src="http://127.0.0.1:9/seal.png"></body></html>'
    data = pdf.html_to_pdf(html)
    assert "审批通知书" in pdf_text(data, tmp_path)


def test_renders_in_another_thread_use_their_own_fonts_and_stay_correct(tmp_path):
    results: dict[str, bytes] = {}

    def render(key: str) -> None:
        results[key] = pdf.render_pdf("documents/sample_notice.html", sample_context())

    render("main")
    thread = threading.Thread(target=render, args=("thread",))
    thread.start()
    thread.join(timeout=60)
    render("main again")  # the kept fonts of this thread are reused

    for data in results.values():
        assert "壹拾万元整" in pdf_text(data, tmp_path)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 11, 29), "二〇二六年十一月二十九日"),
        (dt.date(2026, 1, 1), "二〇二六年一月一日"),
        (dt.date(2030, 10, 10), "二〇三〇年十月十日"),
        (dt.date(2026, 12, 20), "二〇二六年十二月二十日"),
        (dt.date(2027, 3, 31), "二〇二七年三月三十一日"),
        (dt.date(2000, 2, 15), "二〇〇〇年二月十五日"),
    ],
)
def test_chinese_date_as_on_official_notices(day, expected):
    assert pdf.chinese_date(day) == expected


def test_chinese_date_of_a_moment_is_the_bureaus_calendar_day():
    moment = dt.datetime(2026, 11, 29, 17, 30, tzinfo=dt.UTC)  # 01:30 on the 30th in Baotou
    assert pdf.chinese_date(moment) == "二〇二六年十一月三十日"
    assert pdf.chinese_date(timezone.make_naive(moment)) == "二〇二六年十一月三十日"


def test_notice_pdf_carries_title_and_issuer_as_metadata(tmp_path):
    data = pdf.render_pdf("documents/sample_notice.html", sample_context())
    info = poppler("pdfinfo", data, tmp_path)
    assert re.search(r"^Title:\s+审批通知书 昆人社家补〔2026〕0001号$", info, re.M)
    assert re.search(r"^Author:\s+包头市昆都仑区人力资源和社会保障局$", info, re.M)
    assert re.search(r"^Pages:\s+1$", info, re.M)
