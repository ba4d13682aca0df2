"""Subset a font file with HarfBuzz (``libharfbuzz-subset0``, which WeasyPrint needs anyway).

fontTools takes about a minute and a half to cut HanaMin's 30 MB down to CJK Extension B;
HarfBuzz does it in well under a second, so ``build_pdf_font`` can build the rare-character
fonts on first use without holding up the first PDF."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef unsigned int hb_codepoint_t;
hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
void hb_face_destroy(hb_face_t *face);
void hb_set_add(hb_set_t *set, hb_codepoint_t codepoint);
void hb_set_add_range(hb_set_t *set, hb_codepoint_t first, hb_codepoint_t last);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""
_SETS_UNICODE = 1
_SETS_DROP_TABLE_TAG = 3
_FLAGS_NO_HINTING = 0x1  # PDF viewers do not use TrueType hints
_FLAGS_NOTDEF_OUTLINE = 0x40


@functools.cache
def _libraries():
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(_CDEF)
    return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")


def _tag(name: str) -> int:
    return int.from_bytes(name.ljust(4).encode("ascii"), "big")


def subset_font_file(
    source: Path,
    ranges: Iterable[tuple[int, int]],
    *,
    drop_tables: Iterable[str] = (),
    face_index: int = 0,
) -> bytes:
    """The font file ``source`` reduced to the characters of ``ranges`` (inclusive code point
    ranges), without hinting and without the tables named in ``drop_tables``."""
    ffi, hb, hb_subset = _libraries()
    blob = hb.hb_blob_create_from_file_or_fail(str(source).encode())
    if blob == ffi.NULL:
        raise OSError(f"HarfBuzz cannot read the font {source}")
    face = hb.hb_face_create(blob, face_index)
    subset_input = hb_subset.hb_subset_input_create_or_fail()
    result = result_blob = ffi.NULL
    try:
        unicodes = hb_subset.hb_subset_input_set(subset_input, _SETS_UNICODE)
        for first, last in ranges:
            hb.hb_set_add_range(unicodes, first, last)
        dropped = hb_subset.hb_subset_input_set(subset_input, _SETS_DROP_TABLE_TAG)
        for table in drop_tables:
            hb.hb_set_add(dropped, _tag(table))
        hb_subset.hb_subset_input_set_flags(subset_input, _FLAGS_NO_HINTING | _FLAGS_NOTDEF_OUTLINE)
        result = hb_subset.hb_subset_or_fail(face, subset_input)
        if result == ffi.NULL:
            raise OSError(f"HarfBuzz could not subset the font {source}")
        result_blob = hb.hb_face_reference_blob(result)
        length = ffi.new("unsigned int *")
        data = hb.hb_blob_get_data(result_blob, length)
        return bytes(ffi.buffer(data, length[0]))
    finally:
        if result_blob != ffi.NULL:
            hb.hb_blob_destroy(result_blob)
        if result != ffi.NULL:
            hb.hb_face_destroy(result)
        hb_subset.hb_subset_input_destroy(subset_input)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)
