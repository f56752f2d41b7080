"""What an upload expands to, measured rather than believed.

A zip's headers declare each member's inflated size, but the deflate stream decides what a
reader that trusts the stream (Word, Excel, a desktop unzipper) gets: a 306 KB DOCX whose
headers claimed 1 KB inflated to 300 MB. So each member is inflated here, streamed through a
byte budget (its declared size plus one byte: a member that goes past what it declares is
refused at that byte, never inflated further), and an archive whose members are larger than
they say is refused. PNG pixel data and PDF streams are deflate streams too and get the same
budget; a JPEG is judged by the pixels its frame header declares.

Used by the one upload checker (common.uploads: request and appeal attachments, verification
evidence) and by the counts import (facilities.imports). Raises ValidationError with
a message a person can act on; reads only, writes nothing.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHUNK = 64 * 1024
# A JPEG's frame header declares its pixels: 100 million is twice a 48-megapixel camera's
# and three times a 600 dpi colour scan of a letter-size page.
MAX_IMAGE_PIXELS = 100_000_000
_LOCAL_HEADER = b"PK\x03\x04"


def _too_large(limit: int) -> ValidationError:
    return ValidationError(
        _("This file would expand to more than %(mb)s MB; it cannot be accepted.")
        % {"mb": limit // (1024 * 1024)},
        code="expands_too_far",
    )


def _lies() -> ValidationError:
    return ValidationError(
        _("This file's contents are larger than it says; it cannot be accepted."),
        code="lies_about_size",
    )


def _damaged() -> ValidationError:
    return ValidationError(
        _("This file is damaged (part of it cannot be unpacked). Save it again and upload it."),
        code="damaged",
    )


def _too_many_parts() -> ValidationError:
    return ValidationError(
        _("This file holds too many parts to be a real document."), code="too_many_parts"
    )


def inflated_size(chunks: Iterable[bytes], *, limit: int, wbits: int = -zlib.MAX_WBITS) -> int:
    """Bytes the deflate stream in `chunks` inflates to, or `limit` + 1 once it passes `limit`
    (inflating stops there). Raises zlib.error for data that is not a deflate stream, and
    EOFError for a stream that ends early. `wbits` as for zlib: raw deflate by default (zip
    members), zlib.MAX_WBITS for the zlib-wrapped streams of PNG and PDF."""
    inflater = zlib.decompressobj(wbits)
    produced = 0
    for chunk in chunks:
        data = chunk
        while data and produced <= limit:
            # max_length bounds the output of one call; 0 would mean "no bound", never passed.
            produced += len(inflater.decompress(data, min(CHUNK, limit + 1 - produced)))
            data = inflater.unconsumed_tail
        if produced > limit:
            return limit + 1
        if inflater.eof:
            return produced
    # Output zlib may still hold once every input byte is in, drained within the same bound.
    while not inflater.eof and produced <= limit:
        out = inflater.decompress(b"", min(CHUNK, limit + 1 - produced))
        if not out:
            raise EOFError("the deflate stream ends early")
        produced += len(out)
    return min(produced, limit + 1)


def _member_data(file: IO[bytes], member: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's compressed bytes, read from the file itself (the central directory's
    offset and compressed size, the local header's own name and extra lengths)."""
    file.seek(member.header_offset)
    local = file.read(30)
    if len(local) != 30 or local[:4] != _LOCAL_HEADER:
        raise _damaged()
    name_length = int.from_bytes(local[26:28], "little")
    extra_length = int.from_bytes(local[28:30], "little")
    file.seek(member.header_offset + 30 + name_length + extra_length)
    left = member.compress_size
    while left > 0:
        chunk = file.read(min(CHUNK, left))
        if not chunk:
            raise _damaged()
        left -= len(chunk)
        yield chunk


def _real_size(file: IO[bytes], member: zipfile.ZipInfo) -> int:
    if member.flag_bits & 0x1:
        raise ValidationError(
            _("This file is protected by a password; save it again without one."), code="encrypted"
        )
    if member.compress_type == zipfile.ZIP_STORED:
        return member.compress_size
    if member.compress_type != zipfile.ZIP_DEFLATED:
        # Word and Excel write deflate only; anything else is not one of their files.
        raise _damaged()
    try:
        return inflated_size(_member_data(file, member), limit=member.file_size)
    except (zlib.error, EOFError):
        raise _damaged() from None


def check_zip(file: IO[bytes], *, max_expanded: int, max_members: int) -> list[zipfile.ZipInfo]:
    """The members of the zip in `file` once each is known to inflate to what it declares and
    all of them together to at most `max_expanded` bytes. Raises zipfile.BadZipFile when
    `file` is no zip at all, ValidationError when it is one that must be refused."""
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
    if len(members) > max_members:
        raise _too_many_parts()
    if sum(member.file_size for member in members) > max_expanded:
        raise _too_large(max_expanded)
    for member in members:
        real = _real_size(file, member)
        if real > member.file_size:
            raise _lies()
        if real < member.file_size:
            raise _damaged()
    file.seek(0)
    return members


# --- images and PDFs ----------------------------------------------------------------------

_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type → samples per pixel
# Adam7 interlacing: (first column, first row, column step, row step) of each pass.
_ADAM7: tuple[tuple[int, int, int, int], ...] = (
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
)
_ADAM7 += ((0, 1, 1, 2),)


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, memoryview]]:
    view, at = memoryview(data), 8
    while at + 8 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = bytes(data[at + 4 : at + 8])
        yield kind, view[at + 8 : at + 8 + length]
        at += 12 + length


def _png_raw_size(header: memoryview) -> int:
    """The bytes a PNG's pixel data inflates to, as its header declares (a filter byte per
    row of each interlace pass)."""
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    bits = header[8] * _PNG_CHANNELS.get(header[9], 4)
    passes = _ADAM7 if header[12] == 1 else ((0, 0, 1, 1),)
    total = 0
    for x0, y0, dx, dy in passes:
        columns, rows = -(-(width - x0) // dx), -(-(height - y0) // dy)
        if columns > 0 and rows > 0:
            total += rows * (1 + -(-columns * bits // 8))
    return total


def check_png(data: bytes, *, max_expanded: int) -> None:
    """A PNG whose pixel data inflates to more than its header declares, or whose header
    declares more than `max_expanded` bytes of pixels, is refused."""
    chunks = _png_chunks(data)
    kind, header = next(chunks, (b"", memoryview(b"")))
    if kind != b"IHDR" or len(header) < 13:
        raise _damaged()
    declared = _png_raw_size(header)
    if declared > max_expanded:
        raise _too_large(max_expanded)
    pixels = (bytes(chunk) for kind, chunk in chunks if kind == b"IDAT")
    try:
        real = inflated_size(pixels, limit=declared, wbits=zlib.MAX_WBITS)
    except (zlib.error, EOFError):
        return  # short or damaged pixel data expands to less, not more: a viewer shows less
    if real > declared:
        raise _lies()


_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def jpeg_pixels(data: bytes) -> int | None:
    """Width × height from a JPEG's frame header, or None when there is none before the scan."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # a fill byte
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            at += 2
            continue
        if marker in _JPEG_FRAMES and at + 9 <= len(data):
            height = int.from_bytes(data[at + 5 : at + 7], "big")
            width = int.from_bytes(data[at + 7 : at + 9], "big")
            return width * height
        if marker in (0xD9, 0xDA):  # the end, or the scan, before any frame header
            return None
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return None


def check_jpeg(data: bytes, *, max_pixels: int = MAX_IMAGE_PIXELS) -> None:
    pixels = jpeg_pixels(data) or 0
    if pixels > max_pixels:
        raise ValidationError(
            _("This image has %(n)s million pixels; the limit is %(max)s million.")
            % {"n": f"{pixels // 1_000_000:,}", "max": f"{max_pixels // 1_000_000:,}"},
            code="too_many_pixels",
        )


# A stream keyword (not "endstream") and the end of its line; its data runs to "endstream".
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PDF_DICTIONARY_BEFORE = 4096  # how far back a stream's dictionary is looked for
# Each stream costs tens of microseconds to measure: 20,000 (a second or so) is several
# thousand pages of a scanned document, far more than any letter or chart.
MAX_PDF_STREAMS = 20_000


def _flate_streams(data: bytes) -> Iterator[memoryview]:
    """The data of each stream whose dictionary names /FlateDecode. Each search starts after
    the stream before it, and a dictionary is looked for no further back than that stream's
    end, so no byte of the file is read more than a few times, whatever it holds."""
    view, at = memoryview(data), 0
    while (match := _PDF_STREAM.search(data, at)) is not None:
        end = data.find(b"endstream", match.end())
        end = len(data) if end == -1 else end
        before = data[max(at, match.start() - _PDF_DICTIONARY_BEFORE) : match.start()]
        if b"/FlateDecode" in before[before.rfind(b"obj") + 1 :]:
            yield view[match.end() : end]
        at = end + len(b"endstream")


def check_pdf(data: bytes, *, max_expanded: int) -> None:
    """A PDF whose deflate-compressed streams inflate to more than `max_expanded` bytes in
    all is refused (the other filters, such as JPEG images, do not multiply their size)."""
    budget = max_expanded
    for number, stream in enumerate(_flate_streams(data), start=1):
        if number > MAX_PDF_STREAMS:
            raise _too_many_parts()
        chunks = (bytes(stream[at : at + CHUNK]) for at in range(0, len(stream), CHUNK))
        try:
            budget -= inflated_size(chunks, limit=budget, wbits=zlib.MAX_WBITS)
        except (zlib.error, EOFError):
            continue  # damaged or not deflate after all: a reader gets less, not more
        if budget < 0:
            raise _too_large(max_expanded)


def check_expansion(file: IO[bytes], content_type: str, *, max_expanded: int) -> None:
    """The check for a file whose content (judged before) is `content_type`."""
    if content_type in ("application/pdf", "image/png", "image/jpeg"):
        file.seek(0)
        data = file.read()
        file.seek(0)
        if content_type == "application/pdf":
            check_pdf(data, max_expanded=max_expanded)
        elif content_type == "image/png":
            check_png(data, max_expanded=max_expanded)
        else:
            check_jpeg(data)
