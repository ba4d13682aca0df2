"""Names with rare characters (CJK Extension A and B) print as themselves, never as boxes.

Issue 9: "Rare characters in names (䶮, 𠮷: CJK Extension A and B) print as boxes in notices.
Use a fallback font that covers them, keep the text extractable"."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from kunqu_jiafu.documents import fonts as notice_fonts
from kunqu_jiafu.documents import pdf
from tests.core.test_pdf import pdf_fonts, pdf_text, sample_context

EXT_A = "䶮"  # U+4DAE, CJK Unified Ideographs Extension A
EXT_B = "𠮷"  # U+20BB7, CJK Unified Ideographs Extension B (outside the BMP)


def test_the_two_characters_are_extension_a_and_b_and_outside_the_text_fonts():
    from fontTools.ttLib import TTFont

    assert 0x3400 <= ord(EXT_A) <= 0x4DBF
    assert 0x20000 <= ord(EXT_B) <= 0x2A6DF
    notice_fonts.ensure_pdf_ready()
    for path in (notice_fonts.subset_font_path(), notice_fonts.source_font_path()):
        cmap = TTFont(str(path), fontNumber=0, lazy=True).getBestCmap()
        assert ord(EXT_A) not in cmap and ord(EXT_B) not in cmap


def test_a_name_with_extension_a_and_b_characters_prints_and_extracts(tmp_path):
    addressee = f"包头市昆区刘{EXT_A}张{EXT_B}家政服务有限公司"
    person = f"王{EXT_B}{EXT_A}"
    context = sample_context(
        addressee=addressee, fields=[("申报单位", addressee), ("经办人", person)]
    )

    data = pdf.render_pdf("documents/sample_notice.html", context)

    text = pdf_text(data, tmp_path)
    assert f"{addressee}：" in text
    assert person in text
    fonts = pdf_fonts(data, tmp_path)
    names = {f["name"] for f in fonts}
    # The text font for the text, a HanaMin fallback for the two rare characters; all
    # embedded and subset (a font missing from the PDF is what prints as a box).
    assert "KJ-CJK" in names
    assert any(n.startswith("KJ-CJK-Ext") for n in names), names
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts)


def test_an_ordinary_notice_does_not_embed_the_rare_character_fonts(tmp_path):
    data = pdf.render_pdf("documents/sample_notice.html", sample_context())

    assert not any(f["name"].startswith("KJ-CJK-Ext") for f in pdf_fonts(data, tmp_path))


def test_the_rare_character_fonts_are_hanamin_cut_to_extension_a_and_b():
    """Issue 9: within 1.2x of a Latin notice (bench/bench_pdf.py) because WeasyPrint
    re-subsets the whole fallback file for every PDF that uses it: 5 MB instead of 22."""
    from fontTools.ttLib import TTFont

    notice_fonts.ensure_pdf_ready()
    ext_a, ext_b = notice_fonts.rare_subset_paths()
    assert [f.path for f in notice_fonts.notice_font_faces()[2:]] == [ext_a, ext_b]
    a = TTFont(str(ext_a), lazy=True).getBestCmap()
    b = TTFont(str(ext_b), lazy=True).getBestCmap()
    in_blocks = lambda c: 0x3400 <= c <= 0x4DBF or 0x20000 <= c <= 0x2A6DF  # noqa: E731
    assert all(map(in_blocks, a)) and all(map(in_blocks, b))
    assert ord(EXT_A) in a and ord(EXT_B) in a  # the common rare names need the small file
    assert ord(EXT_A) not in b and 0x2A6D6 in b and 0x2A6D6 not in a  # B: the rest of Ext B
    assert sum(0x3400 <= c <= 0x4DBF for c in a) > 6500  # Extension A whole
    originals = [path.stat().st_size for path in notice_fonts.rare_font_paths()]
    assert ext_a.stat().st_size < originals[0] / 3
    assert ext_b.stat().st_size < originals[1]


def test_a_character_only_in_hanamin_b_prints_from_the_extension_b_font(tmp_path):
    only_b = chr(0x2A6D6)  # the last character of Extension B
    context = sample_context(addressee=f"包头市昆区张{only_b}家政服务有限公司")

    data = pdf.render_pdf("documents/sample_notice.html", context)

    assert f"张{only_b}家政" in pdf_text(data, tmp_path)
    assert "KJ-CJK-Ext-B-Medium" in {f["name"] for f in pdf_fonts(data, tmp_path)}


def test_missing_rare_character_fonts_fail_loudly_naming_the_package(
    settings, tmp_path, monkeypatch
):
    monkeypatch.setattr(notice_fonts, "_ready", False)
    settings.PDF_CJK_RARE_FONTS = [str(tmp_path / "HanaMinA.ttf"), str(tmp_path / "HanaMinB.ttf")]

    with pytest.raises(ImproperlyConfigured) as error:
        pdf.render_pdf("documents/sample_notice.html", sample_context())

    message = str(error.value)
    assert "apt-get install fonts-hanazono" in message
    assert "方框" in message and "print as boxes" in message
