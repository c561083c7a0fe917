"""Hostile PDFs made here, for the limits on reading library PDFs: small files that make pypdf
need gigabytes of memory or minutes of time."""

from __future__ import annotations

import zlib


def bomb_pdf(*, inflated_mb: int, copies: int) -> bytes:
    """A one-page PDF whose page content is the same FlateDecode stream ``copies`` times; the
    stream inflates to ``inflated_mb`` MB of blanks after one line of text. pypdf inflates each
    stream (within its 75 MB a stream cap) and joins the copies before it reads the operators,
    one byte at a time in Python: ``copies`` × ``inflated_mb`` MB of memory, and minutes."""
    content = b"BT /F1 11 Tf 72 740 Td (Flood figures) Tj ET\n" + b" " * (inflated_mb << 20)
    packed = zlib.compress(content, 9)
    refs = " ".join("5 0 R" for _ in range(copies))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents [{refs}] >>"
        ).encode(),
        f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode()
        + packed
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
