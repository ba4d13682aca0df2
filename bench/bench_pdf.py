"""Chinese PDF notices against Latin ones: the same one-page notice, the same engine.

    .venv/bin/python bench/bench_pdf.py [--repeat 50]

Renders ``documents/sample_notice.html`` (which extends the official notice layout) through
WeasyPrint in one process, taking turns:

* Latin    English text in DejaVu Sans (@font-face, absolute file URL): the baseline;
* CJK      Chinese text through ``render_pdf``: the GB2312 subset ``var/fonts/kj-cjk.ttf``;
* CJK full Chinese text in the full WenQuanYi Micro Hei (.ttc, 5 MB), not subset first;
* CJK rare the same Chinese notice addressed to a name with CJK Extension A and B characters
  (䶮, 𠮷), which come from the HanaMin fallback fonts (Debian ``fonts-hanazono``) cut to
  Extension A and B (``var/fonts/kj-cjk-ext-a.ttf``, ``kj-cjk-ext-b.ttf``, render_pdf);
  "HanaMin uncut" is the same with the 22 and 30 MB originals, for comparison.

Reports the median seconds per PDF and each median as a ratio of the Latin one. Target for
CJK: at most 1.2x. Each variant keeps its fonts loaded between PDFs, as render_pdf does in
a worker; the "fonts reloaded" rows make a new FontConfiguration for every PDF, as plain
WeasyPrint use does, to show what that costs. No database is used. Timings are never
asserted in tests; they are measured here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunqu_jiafu.settings")

import django  # noqa: E402

django.setup()

from django.template import engines  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import translation  # noqa: E402

from kunqu_jiafu.documents import fonts as notice_fonts  # noqa: E402
from kunqu_jiafu.documents import pdf  # noqa: E402

TEMPLATE = "documents/sample_notice.html"
LATIN_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

CJK = {
    "issuer": pdf.ISSUING_AUTHORITY,
    "title": "审批通知书",
    "notice_number": "昆人社家补〔2026〕0001号",
    "addressee": "包头市昆区安心家政服务有限公司",
    "paragraphs": [
        "你单位于二〇二六年十一月三日通过昆区家服平台申报的家庭服务业发展专项资金补贴"
        "（员工制家政企业社会保险补贴），经我局初审、审批，符合《昆都仑区促进家庭服务业"
        "发展扶持办法》的规定，现予批准。核定情况如下：",
    ],
    "fields": [
        ("申报单位", "包头市昆区安心家政服务有限公司"),
        ("统一社会信用代码", "91150203MA0N2X7Q3K"),
        ("补贴项目", "员工制家政企业社会保险补贴"),
        ("申报期间", "2026年1月至2026年6月"),
    ],
    "amount_rows": [
        ("社会保险补贴（12人 × 6个月）", Decimal("86400.00")),
        ("意外伤害保险补贴（50%）", Decimal("13600.00")),
    ],
    "total": Decimal("100000.00"),
    "trace": [
        "计算过程：12人 × 6个月 × 1,200.00元 = 86,400.00元；意外伤害保险实缴27,200.00元"
        " × 50% = 13,600.00元；",
        "合计100,000.00元，未超过单项上限100,000.00元。",
    ],
    "closing": [
        "补贴资金将由专项发展资金拨付至你单位基本存款账户，请注意查收。如对本通知有异议，"
        "可自收到之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。",
    ],
    "issue_date": dt.date(2026, 11, 29),
}

LATIN = {
    "issuer": "Kundulun HR and Social Security Bureau",
    "title": "Notice of Approval",
    "notice_number": "KRS-JB (2026) No. 0001",
    "addressee": "Baotou Kunqu Anxin Household Services Co., Ltd.",
    "paragraphs": [
        "Your application of 3 November 2026 for a household-services subsidy was reviewed "
        "and approved under the district's support measures. The approved amounts are:",
    ],
    "fields": [
        ("Applicant", "Baotou Kunqu Anxin Household Services Co., Ltd."),
        ("Credit code", "91150203MA0N2X7Q3K"),
        ("Subsidy", "Social insurance subsidy"),
        ("Period", "January 2026 to June 2026"),
    ],
    "amount_rows": [
        ("Social insurance (12 people x 6 months)", Decimal("86400.00")),
        ("Accident insurance subsidy (50%)", Decimal("13600.00")),
    ],
    "total": Decimal("100000.00"),
    "total_words": "One hundred thousand yuan only",
    "trace": [
        "Calculation: 12 x 6 months x 1,200.00 = 86,400.00 yuan; accident insurance "
        "27,200.00 x 50% = 13,600.00 yuan;",
        "total 100,000.00 yuan, within the cap of 100,000.00 yuan.",
    ],
    "closing": [
        "The subsidy will be paid into your account. You may apply for a review within sixty days.",
    ],
    "issue_date": "29 November 2026",
}


# The notice layout puts a full-width colon after the addressee; DejaVu Sans has none, and
# fontconfig would quietly pull in a Chinese system font for that one character.
LATIN_TEMPLATE = engines["django"].from_string(
    '{% extends "documents/sample_notice.html" %}{% block addressee_colon %}:{% endblock %}'
)


def latin_html() -> str:
    with translation.override("en"):
        return LATIN_TEMPLATE.render(LATIN)


def cjk_html() -> str:
    with translation.override("zh-hans"):
        return render_to_string(TEMPLATE, {"issuer": pdf.ISSUING_AUTHORITY, **CJK})


LATIN_FACES = (notice_fonts.FontFace("KJ Latin", LATIN_FONT),)
FULL_FACES = (notice_fonts.FontFace(notice_fonts.CJK_FAMILY, notice_fonts.source_font_path()),)


def latin() -> bytes:
    return pdf.html_to_pdf(latin_html(), font_faces=LATIN_FACES)


def cjk() -> bytes:
    with translation.override("zh-hans"):
        return pdf.render_pdf(TEMPLATE, CJK)


RARE_NAME = "包头市昆区刘䶮张𠮷家政服务有限公司"


def cjk_rare() -> bytes:
    with translation.override("zh-hans"):
        return pdf.render_pdf(TEMPLATE, {**CJK, "addressee": RARE_NAME})


def rare_html() -> str:
    with translation.override("zh-hans"):
        return render_to_string(
            TEMPLATE, {"issuer": pdf.ISSUING_AUTHORITY, **CJK, "addressee": RARE_NAME}
        )


UNCUT_RARE_FACES = (
    *notice_fonts.notice_font_faces()[:2],
    *(
        notice_fonts.FontFace(f, p)
        for f, p in zip(notice_fonts.CJK_RARE_FAMILIES, notice_fonts.rare_font_paths(), strict=True)
    ),
)


def cjk_rare_uncut() -> bytes:
    return pdf.html_to_pdf(rare_html(), font_faces=UNCUT_RARE_FACES)


def cjk_full() -> bytes:
    return pdf.html_to_pdf(cjk_html(), font_faces=FULL_FACES)


def reloaded(make_html, faces):
    """Plain WeasyPrint use: a new FontConfiguration for every PDF, so each @font-face
    file is copied to a temporary folder and loaded again (render_pdf keeps them)."""

    def run() -> bytes:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
        fetcher = pdf._url_fetcher(faces)
        stylesheet = CSS(
            string=pdf.font_face_css(faces), font_config=font_config, url_fetcher=fetcher
        )
        return HTML(string=make_html(), url_fetcher=fetcher).write_pdf(
            stylesheets=[stylesheet], font_config=font_config
        )

    return run


KEPT = {
    "Latin (DejaVu Sans)": latin,
    "CJK (GB2312 subset, render_pdf)": cjk,
    "CJK (full WenQuanYi Micro Hei)": cjk_full,
    "Rare: CJK name with Extension A/B (HanaMin)": cjk_rare,
    "Rare: CJK name with Extension A/B (HanaMin uncut)": cjk_rare_uncut,
}
VARIANTS = {
    **KEPT,
    "Latin (DejaVu Sans), fonts reloaded": reloaded(latin_html, LATIN_FACES),
    "CJK (GB2312 subset, render_pdf), fonts reloaded": reloaded(
        cjk_html, notice_fonts.notice_font_faces()
    ),
    "CJK (full WenQuanYi Micro Hei), fonts reloaded": reloaded(cjk_html, FULL_FACES),
}


def check_one_page_and_fonts(name: str, data: bytes) -> list[str]:
    """The variants must be the same one-page notice, each in its own font only."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True).stdout
        listing = subprocess.run(["pdffonts", file.name], capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    if pages != 1:
        sys.exit(f"{name}: {pages} pages; the notice must fit on one page for a fair comparison")
    names = [line.split()[0].split("+")[-1] for line in listing.splitlines()[2:] if line]
    if name.startswith("Latin") and any(not n.startswith("KJ-Latin") for n in names):
        sys.exit(f"{name}: a fallback font was used ({names}); the Latin notice needs no CJK")
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=50, help="PDFs per variant (default 50)")
    args = parser.parse_args()

    started = time.perf_counter()
    notice_fonts.ensure_pdf_ready()  # the HarfBuzz check and, if needed, building the subset font
    print(f"set-up (checks, subset font): {time.perf_counter() - started:.2f} s")

    sizes, fonts = {}, {}
    for name, render in VARIANTS.items():  # warm-up: fonts loaded, templates compiled
        for _ in range(3):
            data = render()
        sizes[name] = len(data)
        fonts[name] = check_one_page_and_fonts(name, data)
    samples: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(args.repeat):  # taking turns, so drift hits every variant alike
        for name, render in VARIANTS.items():
            start = time.perf_counter()
            render()
            samples[name].append(time.perf_counter() - start)

    print("\nfonts embedded:")
    for name in KEPT:
        print(f"  {name:34} {', '.join(fonts[name])}")
    baseline = statistics.median(samples["Latin (DejaVu Sans)"])
    print(f"\nmedian of {args.repeat} PDFs each, same notice, same process:\n")
    print(f"{'variant':50} {'s/PDF':>7} {'ratio':>7} {'PDF size':>9}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:50} {median:7.4f} {median / baseline:6.2f}x {sizes[name] / 1024:6.1f} KB")
    ratio = statistics.median(samples["CJK (GB2312 subset, render_pdf)"]) / baseline
    verdict = "within" if ratio <= 1.2 else "OVER"
    print(f"\nCJK / Latin = {ratio:.2f}x ({verdict} the 1.2x target)")
    rare = statistics.median(samples["Rare: CJK name with Extension A/B (HanaMin)"])
    verdict = "within" if rare / baseline <= 1.2 else "OVER"
    print(f"CJK with rare characters / Latin = {rare / baseline:.2f}x ({verdict} the 1.2x target)")
    reloaded = statistics.median(samples["Latin (DejaVu Sans), fonts reloaded"])
    for name in KEPT:
        if name.startswith("CJK") and f"{name}, fonts reloaded" in samples:
            value = statistics.median(samples[f"{name}, fonts reloaded"]) / reloaded
            print(f"with fonts reloaded for every PDF, {name} / Latin = {value:.2f}x")


if __name__ == "__main__":
    main()
