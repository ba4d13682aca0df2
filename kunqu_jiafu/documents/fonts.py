"""The fonts of the PDF notices, and the check that the system can render them.

Chinese is fast and never depends on fontconfig's guess:

* The text font is WenQuanYi Micro Hei (Debian ``fonts-wqy-microhei``) subset ONCE to
  GB2312 + ASCII + Chinese punctuation + the capital numerals into ``var/fonts/kj-cjk.ttf``
  (``manage.py build_pdf_font``; built on first use if missing). WeasyPrint subsets every
  font it embeds on every PDF; a 1.2 MB font instead of the 5 MB original keeps a Chinese
  notice within ~1.1x of a Latin one (bench/bench_pdf.py).
* All fonts are referenced by ``@font-face`` with absolute file URLs; the full font is
  the fallback for the rare characters outside GB2312 (some personal and company names),
  and HanaMin A/B (Debian ``fonts-hanazono``) the last fallback for CJK Extension A and B
  (䶮, 𠮷), which WenQuanYi lacks, so a name never prints as a box. HanaMin is cut down to
  those two blocks (``var/fonts/kj-cjk-ext-a.ttf``, 5 MB of 22, and ``kj-cjk-ext-b.ttf``) by
  HarfBuzz in a fraction of a second: WeasyPrint embeds a font only when a notice uses one
  of its characters, but then re-subsets the whole file, and a notice addressed to such a
  name took 1.4x a Latin one with the 22 MB original instead of 1.1x.
* WeasyPrint subsets with HarfBuzz when ``libharfbuzz-subset0`` is installed and silently
  falls back to fontTools, 10-50x slower, when it is not. We refuse to render instead.
"""

from __future__ import annotations

import ctypes.util
import fcntl
import functools
import hashlib
import json
import logging
import os
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SOURCE_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SOURCE_FONT_PACKAGE = "fonts-wqy-microhei"
HARFBUZZ_SUBSET_PACKAGE = "libharfbuzz-subset0"
RARE_FONTS_PACKAGE = "fonts-hanazono"
RARE_FONTS = (
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",  # CJK Extension A (and some of B)
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",  # CJK Extension B to F
)
SUBSET_FONT_NAME = "kj-cjk.ttf"
# The rare-character fonts: each HanaMin file cut to CJK Extension A (U+3400-4DBF) and B
# (U+20000-2A6DF). HanaMin A holds Extension A and the ~2,900 commonest characters of B (𠮷
# among them), so most rare names need only its 5 MB file; HanaMin B holds all of B.
CJK_EXT_A = (0x3400, 0x4DBF)
CJK_EXT_B = (0x20000, 0x2A6DF)
RARE_SUBSETS = (
    ("kj-cjk-ext-a.ttf", (CJK_EXT_A, CJK_EXT_B)),  # from HanaMinA.ttf
    ("kj-cjk-ext-b.ttf", (CJK_EXT_B,)),  # from HanaMinB.ttf
)
# Vertical metrics and OpenType layout (HanaMin's are vertical and Japanese forms).
_RARE_DROP_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG")
# Families the notice stylesheet may name; render_pdf defines them by @font-face.
CJK_FAMILY = "KJ CJK"
CJK_FALLBACK_FAMILY = "KJ CJK Full"
CJK_RARE_FAMILIES = ("KJ CJK Ext A", "KJ CJK Ext B")
# Bump when the recipe below changes, so existing builds are redone.
_RECIPE_VERSION = 2

CAPITAL_NUMERALS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整"
NOTICE_PUNCTUATION = "〔〕【】《》“”‘’、。，：；（）？！…—·￥〇"


@dataclass(frozen=True)
class FontFace:
    """One ``@font-face``: a family name and the font file it is read from."""

    family: str
    path: Path


# --- the subset font ---------------------------------------------------------------------


def font_dir() -> Path:
    return Path(getattr(settings, "PDF_FONT_DIR", Path(settings.BASE_DIR) / "var" / "fonts"))


def source_font_path() -> Path:
    return Path(getattr(settings, "PDF_CJK_SOURCE_FONT", SOURCE_FONT))


def rare_font_paths() -> tuple[Path, ...]:
    """The last fallbacks, for CJK Extension A and B (setting ``PDF_CJK_RARE_FONTS``)."""
    return tuple(Path(p) for p in getattr(settings, "PDF_CJK_RARE_FONTS", RARE_FONTS))


def subset_font_path() -> Path:
    return font_dir() / SUBSET_FONT_NAME


def rare_subset_paths() -> tuple[Path, ...]:
    """``var/fonts/kj-cjk-ext-a.ttf`` and ``kj-cjk-ext-b.ttf``, built from ``rare_font_paths``."""
    return tuple(font_dir() / name for name, _ranges in RARE_SUBSETS)


def built_font_paths() -> tuple[Path, ...]:
    return (subset_font_path(), *rare_subset_paths())


@functools.cache
def subset_codepoints() -> frozenset[int]:
    """Every character a notice needs: GB2312 (the 6,763 common hanzi and its symbols),
    ASCII, Latin-1, general and CJK punctuation, full-width forms (digits, （），：；)."""
    codepoints = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    codepoints |= set(range(0x2000, 0x2070))  # general punctuation: “” ‘’ — …
    codepoints |= set(range(0x3000, 0x3040))  # CJK symbols and punctuation: 、。〔〕【】《》〇
    codepoints |= set(range(0xFF01, 0xFF5F)) | set(range(0xFFE0, 0xFFE7))  # full-width forms
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                codepoints.add(ord(bytes((first, second)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    codepoints |= {ord(c) for c in CAPITAL_NUMERALS + NOTICE_PUNCTUATION}
    return frozenset(codepoints)


def _stamp_for(source: Path) -> dict:
    stat = source.stat()
    recipe = hashlib.sha256(
        ",".join(map(str, sorted(subset_codepoints()))).encode() + b"|%d" % _RECIPE_VERSION
    ).hexdigest()
    return {
        "source": str(source),
        "source_size": stat.st_size,
        "source_mtime_ns": stat.st_mtime_ns,
        "recipe": recipe,
    }


def _stamp_path() -> Path:
    return subset_font_path().with_suffix(".json")


def subset_font_is_current() -> bool:
    target, stamp = subset_font_path(), _stamp_path()
    if not target.is_file() or not stamp.is_file():
        return False
    try:
        return json.loads(stamp.read_text()) == _stamp_for(source_font_path())
    except (OSError, ValueError):
        return False


def _missing_source_font_error(source: Path) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"找不到生成 PDF 通知书所需的中文字体 {source}。请安装 Debian 软件包 "
        f"{SOURCE_FONT_PACKAGE}（apt-get install {SOURCE_FONT_PACKAGE}，或运行 "
        f"scripts/ensure-system-deps.sh），然后执行 python manage.py build_pdf_font。\n"
        f"The Chinese font for PDF notices, {source}, is missing. Install the Debian package "
        f"{SOURCE_FONT_PACKAGE} (apt-get install {SOURCE_FONT_PACKAGE}, or run "
        f"scripts/ensure-system-deps.sh), then run python manage.py build_pdf_font."
    )


@contextmanager
def _quiet(logger_name: str):
    logger = logging.getLogger(logger_name)
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(previous)


@functools.cache
def _quiet_progress_log() -> None:
    # WeasyPrint reports each layout step at INFO; keep worker logs for what matters,
    # unless LOGGING configures this logger explicitly.
    progress = logging.getLogger("weasyprint.progress")
    if progress.level == logging.NOTSET:
        progress.setLevel(logging.WARNING)


@contextmanager
def _build_lock():
    directory = font_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".kj-cjk.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two workers starting together build it once
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_subset_font(*, force: bool = False) -> bool:
    """Write ``var/fonts/kj-cjk.ttf`` unless it is up to date. Returns True if it was built.

    Safe to call from several processes at once: they take a file lock, and the font is
    written to a temporary file and renamed into place, so nobody reads half a font."""
    source = source_font_path()
    if not source.is_file():
        raise _missing_source_font_error(source)
    if not force and subset_font_is_current():
        return False
    with _build_lock():
        if not force and subset_font_is_current():  # built while we waited for the lock
            return False
        from fontTools import subset  # the engine of fontTools' pyftsubset
        from fontTools.ttLib import TTFont

        font = TTFont(str(source), fontNumber=0, lazy=True)  # face 0 of the .ttc
        wanted = subset_codepoints() & font.getBestCmap().keys()
        options = subset.Options()
        options.hinting = False  # PDF viewers do not use TrueType hints
        options.notdef_outline = True
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        # Horizontal text without OpenType features (WenQuanYi's are vertical forms and
        # Latin kerning): the smaller the font, the less WeasyPrint re-subsets per PDF.
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "vhea", "vmtx"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted)
        with _quiet("fontTools"):  # it lists every glyph, and warns of the tables it drops
            subsetter.subset(font)
        _write_font(subset_font_path(), font.save)
        _stamp_path().write_text(json.dumps(_stamp_for(source), indent=2) + "\n")
    return True


def _write_font(target: Path, write) -> None:
    """Write through a temporary file renamed into place, so nobody reads half a font."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".ttf.part")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _rare_stamp(source: Path, ranges) -> dict:
    stat = source.stat()
    return {
        "source": str(source),
        "source_size": stat.st_size,
        "source_mtime_ns": stat.st_mtime_ns,
        "ranges": [list(r) for r in ranges],
        "dropped_tables": list(_RARE_DROP_TABLES),
        "recipe": _RECIPE_VERSION,
    }


def _rare_recipes() -> list[tuple[Path, Path, tuple]]:
    """(target, source, code point ranges) of each rare-character font."""
    return [
        (target, source, ranges)
        for target, source, (_name, ranges) in zip(
            rare_subset_paths(), rare_font_paths(), RARE_SUBSETS, strict=True
        )
    ]


def rare_fonts_are_current() -> bool:
    for target, source, ranges in _rare_recipes():
        stamp = target.with_suffix(".json")
        if not target.is_file() or not stamp.is_file():
            return False
        try:
            if json.loads(stamp.read_text()) != _rare_stamp(source, ranges):
                return False
        except (OSError, ValueError):
            return False
    return True


def _missing_rare_fonts_error(missing: list[Path]) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"找不到生僻字（CJK 扩展 A、B 区，如“䶮”“𠮷”）所需的字体 "
        f"{', '.join(map(str, missing))}：没有它，姓名中的生僻字在通知书上印成方框。"
        f"请执行 apt-get install {RARE_FONTS_PACKAGE}（或运行 "
        f"scripts/ensure-system-deps.sh）。\n"
        f"The fonts for rare characters (CJK Extension A and B, e.g. 䶮 and 𠮷), "
        f"{', '.join(map(str, missing))}, are missing: without them such names print "
        f"as boxes. Install the Debian package {RARE_FONTS_PACKAGE} (apt-get install "
        f"{RARE_FONTS_PACKAGE}, or run scripts/ensure-system-deps.sh)."
    )


def build_rare_fonts(*, force: bool = False) -> bool:
    """Write the HanaMin fonts cut to CJK Extension A and B under ``var/fonts/`` unless they
    are up to date. Returns True if they were built. Needs HarfBuzz's subsetter (checked by
    ``ensure_pdf_ready``); safe to call from several processes at once."""
    missing = [path for path in rare_font_paths() if not path.is_file()]
    if missing:
        raise _missing_rare_fonts_error(missing)
    if not force and rare_fonts_are_current():
        return False
    with _build_lock():
        if not force and rare_fonts_are_current():
            return False
        from .hb_subset import subset_font_file

        for target, source, ranges in _rare_recipes():
            data = subset_font_file(source, ranges, drop_tables=_RARE_DROP_TABLES)
            _write_font(target, lambda out, data=data: out.write(data))
            stamp = _rare_stamp(source, ranges)
            target.with_suffix(".json").write_text(json.dumps(stamp, indent=2) + "\n")
    return True


# --- the environment check ---------------------------------------------------------------


def harfbuzz_subset_available() -> bool:
    """True when WeasyPrint can subset fonts with HarfBuzz (``libharfbuzz-subset0``)."""
    if ctypes.util.find_library("harfbuzz-subset") is None:
        return False
    _quiet_progress_log()  # before WeasyPrint is imported: it parses its own CSS then
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is not None and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))


_ready_lock = threading.Lock()
_ready = False


def ensure_pdf_ready() -> None:
    """Check the system libraries and build the subset font if needed; raise
    ImproperlyConfigured, in Chinese and English, naming the Debian package, if something is
    missing. Checked once per process, then free."""
    global _ready
    if _ready and all(path.is_file() for path in built_font_paths()):  # rebuilt if var/ was wiped
        return
    with _ready_lock:
        if _ready and all(path.is_file() for path in built_font_paths()):
            return
        if not harfbuzz_subset_available():
            raise ImproperlyConfigured(
                f"缺少 HarfBuzz 字体子集库（Debian 软件包 {HARFBUZZ_SUBSET_PACKAGE}）："
                f"没有它，WeasyPrint 会悄悄改用 fontTools，中文 PDF 通知书慢 10 到 50 倍。"
                f"请执行 apt-get install {HARFBUZZ_SUBSET_PACKAGE}（或运行 "
                f"scripts/ensure-system-deps.sh）。\n"
                f"The HarfBuzz subset library (Debian package {HARFBUZZ_SUBSET_PACKAGE}) is "
                f"missing: without it WeasyPrint silently falls back to fontTools and Chinese "
                f"PDF notices take 10-50x longer. Install it: apt-get install "
                f"{HARFBUZZ_SUBSET_PACKAGE} (or run scripts/ensure-system-deps.sh)."
            )
        missing = [path for path in rare_font_paths() if not path.is_file()]
        if missing:
            raise _missing_rare_fonts_error(missing)
        build_subset_font()
        build_rare_fonts()
        _ready = True


def notice_font_faces() -> tuple[FontFace, ...]:
    """The GB2312 subset for the text, the full font for the characters outside it, and
    HanaMin A/B cut to CJK Extension A and B, in that order of preference."""
    return (
        FontFace(CJK_FAMILY, subset_font_path()),
        FontFace(CJK_FALLBACK_FAMILY, source_font_path()),
        *(FontFace(f, p) for f, p in zip(CJK_RARE_FAMILIES, rare_subset_paths(), strict=True)),
    )
