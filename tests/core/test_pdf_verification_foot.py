"""The verification code is printed in the foot of every page of a notice, so it is never left
alone on a page of its own after the record (seen on the demo's loan-interest approval notice:
one line of 核验码 on an otherwise empty page 2)."""

from __future__ import annotations

from kunqu_jiafu.documents import pdf
from tests.core.test_pdf import poppler, sample_context

CODE = "ABCD-EFGH-JKMN-PQRS"
URL = "http://testserver/verify/"


def _pages(data: bytes, tmp_path) -> list[str]:
    """The text of each page, spaces and line breaks removed (pdftotext ends a page with \\f)."""
    text = poppler("pdftotext", data, tmp_path)
    return ["".join(page.split()) for page in text.split("\f") if page.strip()]


def test_the_verification_code_is_in_the_foot_of_every_page_of_a_long_notice(tmp_path):
    steps = [f"第{n}步：12人 × 6个月 × 1,388.89元，以单项上限100,000.00元为限。" for n in range(60)]
    context = sample_context(trace=steps, verification_code=CODE, verify_url=URL)

    pages = _pages(pdf.render_pdf("documents/sample_notice.html", context), tmp_path)

    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"核验码：{CODE}" in page, number
        assert f"—{number}—" in page  # the page number stays, under the code
        assert page.count(CODE) == 1  # printed once, not also in the flow of the text
