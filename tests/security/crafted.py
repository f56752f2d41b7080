"""Files that lie about what they expand to, written byte by byte for the upload tests.

`lying_zip` writes a member, then patches its declared uncompressed size in both the local
header and the central directory, as a hand-made bomb does; the PNG and PDF builders put a
deflate stream that inflates far past anything their headers declare behind a real header.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

ZEROS_MB = 1024 * 1024


def deflated_zeros(size: int, *, wrapped: bool = False) -> bytes:
    """`size` zero bytes deflated at level 9 (about 1,000 : 1), written a megabyte at a time;
    `wrapped` adds the zlib header and checksum PNG and PDF use."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
    chunk = b"\0" * ZEROS_MB
    parts = [packer.compress(chunk) for _ in range(size // ZEROS_MB)]
    parts.append(packer.compress(b"\0" * (size % ZEROS_MB)))
    parts.append(packer.flush())
    return b"".join(parts)


def ooxml(kind: str = "word", members: dict[str, bytes] | None = None) -> bytes:
    """A small DOCX (`word`) or XLSX (`xl`) with honest headers."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{kind}/document.xml", "<x/>")
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def lying_zip(kind: str = "word", *, inflates_to: int, claims: int = 1024) -> bytes:
    """An OOXML file whose `{kind}/media/blob.bin` inflates to `inflates_to` bytes while its
    local header and the central directory both say `claims`.

    The member's deflate stream is written as a stored member (so zipfile copies it as it
    is), then its method, checksum and uncompressed size are patched in both headers.
    """
    name = f"{kind}/media/blob.bin"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{kind}/document.xml", "<x/>")
        archive.writestr(zipfile.ZipInfo(name), deflated_zeros(inflates_to), zipfile.ZIP_STORED)
    raw = bytearray(buffer.getvalue())
    crc = zlib.crc32(b"\0" * min(inflates_to, claims))  # what a reader of `claims` bytes sees
    offset = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo(name).header_offset
    # Local header: method at 8, CRC-32 at 14, uncompressed size at 22.
    struct.pack_into("<H", raw, offset + 8, zipfile.ZIP_DEFLATED)
    struct.pack_into("<I", raw, offset + 14, crc)
    struct.pack_into("<I", raw, offset + 22, claims)
    # Its central directory entry: method at 10, CRC-32 at 16, uncompressed size at 24.
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + name_length] == name.encode():
            struct.pack_into("<H", raw, at + 10, zipfile.ZIP_DEFLATED)
            struct.pack_into("<I", raw, at + 16, crc)
            struct.pack_into("<I", raw, at + 24, claims)
        at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int, height: int, pixel_data: bytes) -> bytes:
    """An 8-bit RGB PNG declaring `width` × `height`, with `pixel_data` as its IDAT stream."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixel_data)
        + _png_chunk(b"IEND", b"")
    )


def honest_png(width: int = 4, height: int = 3) -> bytes:
    rows = b"".join(b"\0" + b"\x80" * (3 * width) for _ in range(height))
    return png(width, height, zlib.compress(rows))


def jpeg(width: int, height: int) -> bytes:
    """The markers of a baseline JPEG declaring `width` × `height` (no real scan data)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return (
        b"\xff\xd8"
        + app0
        + frame
        + b"\xff\xda"
        + struct.pack(">H", 8)
        + b"\x01\x01\x00\x00\x3f\x00"
        + b"\xff\xd9"
    )


def pdf(stream: bytes, *, flate: bool = True) -> bytes:
    """A one-object PDF whose stream holds `stream` (declared /FlateDecode when `flate`)."""
    filters = b" /Filter /FlateDecode" if flate else b""
    body = (
        b"1 0 obj\n<< /Length "
        + str(len(stream)).encode()
        + filters
        + b" >>\nstream\n"
        + stream
        + b"\nendstream\nendobj\n"
    )
    return b"%PDF-1.7\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
