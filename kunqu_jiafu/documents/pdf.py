"""PDF notices: a Django template rendered to HTML, then to PDF by WeasyPrint, with the fonts of
``fonts.py`` (a GB2312 subset of WenQuanYi Micro Hei, the full font and HanaMin cut to CJK
Extension A and B, all referenced by ``@font-face`` with absolute file URLs) and never a file
from outside static/ and the fonts' folders.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import threading
import weakref
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

from .fonts import FontFace, ensure_pdf_ready, notice_font_faces

# The bureau that issues every notice (a fixed domain name, not a translatable string).
ISSUING_AUTHORITY = "包头市昆都仑区人力资源和社会保障局"


# --- rendering -----------------------------------------------------------------------------


@functools.cache
def _local_only_fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def __init__(self, roots: tuple[Path, ...]):
            super().__init__(allowed_protocols={"file", "data"})
            self.roots = roots

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not any(path.is_relative_to(root) for root in self.roots):
                    raise ValueError(f"PDF: file outside the allowed folders: {url}")
            elif parts.scheme != "data":
                raise ValueError(f"PDF: only local files may be used, not {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


def _url_fetcher(faces: Sequence[FontFace] = ()):
    """Files under static/ and the fonts' folders, and data: URLs. Never the network:
    notices use no external asset, and a name in a notice can never make the server fetch."""
    roots = [Path(settings.BASE_DIR) / "static", *map(Path, settings.STATICFILES_DIRS)]
    roots += [face.path.parent for face in faces]
    return _local_only_fetcher_class()(tuple(dict.fromkeys(r.resolve() for r in roots)))


def font_face_css(faces: Sequence[FontFace]) -> str:
    """``@font-face`` rules with absolute file URLs, and those families as the default."""
    rules = [
        f'@font-face {{ font-family: "{face.family}"; src: url("{face.path.resolve().as_uri()}"); }}'
        for face in faces
    ]
    families = ", ".join(f'"{face.family}"' for face in faces)
    rules.append(f"html {{ font-family: {families}; }}")
    return "\n".join(rules)


class _FontCache:
    """One thread's FontConfigurations and @font-face stylesheets, kept between PDFs:
    WeasyPrint copies each @font-face file into a temporary folder when it first meets
    it, and doing that for every PDF costs more than laying out a one-page notice.
    Pango font maps are not shared between threads, hence one cache per thread. Holds a
    few sets of faces (the notice fonts, and the bench's Latin and full-font variants)."""

    __slots__ = ("entries", "__weakref__")
    SIZE = 4

    def __init__(self) -> None:
        self.entries: dict[tuple, tuple] = {}

    def clear(self) -> None:
        self.entries.clear()


_local = threading.local()
_caches: weakref.WeakSet[_FontCache] = weakref.WeakSet()


@atexit.register
def _drop_font_caches() -> None:
    # Remove the temporary font folders while the interpreter can still do it.
    for cache in list(_caches):
        cache.clear()


def _fonts_for(faces: tuple[FontFace, ...]):
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    cache = getattr(_local, "fonts", None)
    if cache is None:
        cache = _local.fonts = _FontCache()
        _caches.add(cache)
    key = tuple((face.family, str(face.path), face.path.stat().st_mtime_ns) for face in faces)
    if key not in cache.entries:
        while len(cache.entries) >= cache.SIZE:
            del cache.entries[next(iter(cache.entries))]
        font_config = FontConfiguration()
        stylesheet = CSS(
            string=font_face_css(faces), font_config=font_config, url_fetcher=_url_fetcher(faces)
        )
        cache.entries[key] = (font_config, stylesheet)
    return cache.entries[key]


def html_to_pdf(html: str, *, font_faces: Sequence[FontFace] | None = None) -> bytes:
    """PDF bytes of an HTML string. ``font_faces`` defaults to the notice fonts; the bench
    passes DejaVu Sans to compare Latin with Chinese in the same engine."""
    ensure_pdf_ready()
    from weasyprint import HTML

    faces = tuple(font_faces) if font_faces is not None else notice_font_faces()
    font_config, font_stylesheet = _fonts_for(faces)
    document = HTML(
        string=html,
        base_url=(Path(settings.BASE_DIR) / "static").as_uri() + "/",
        url_fetcher=_url_fetcher(),
    )
    return document.write_pdf(stylesheets=[font_stylesheet], font_config=font_config)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``template_name`` (usually extending ``documents/notice_base.html``) with
    ``context`` and return the PDF as bytes.

    ``issuer`` defaults to 包头市昆都仑区人力资源和社会保障局 (the full name). Raises ImproperlyConfigured when
    ``libharfbuzz-subset0`` or the Chinese font is missing."""
    ensure_pdf_ready()
    context = {"issuer": ISSUING_AUTHORITY, **context}
    return html_to_pdf(render_to_string(template_name, context))


# --- dates ---------------------------------------------------------------------------------

_DIGITS = "〇一二三四五六七八九"


def _chinese_count(n: int) -> str:
    """1-31 as written in dates: 十, 十一, 二十, 二十九, 三十一."""
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[units] if units or not tens else "")


def chinese_date(value: dt.date | dt.datetime) -> str:
    """``date(2026, 11, 29)`` → ``"二〇二六年十一月二十九日"``, as dated on official notices.

    A datetime is taken in the project's time zone (the bureau's calendar day)."""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    year = "".join(_DIGITS[int(d)] for d in f"{value.year:04d}")
    return f"{year}年{_chinese_count(value.month)}月{_chinese_count(value.day)}日"
