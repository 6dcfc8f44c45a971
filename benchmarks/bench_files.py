"""Files the bench uploads."""

import os
from typing import BinaryIO

MB = 1024 * 1024


def padded_pdf(out: BinaryIO, size: int) -> None:
    """Write a `size`-byte file the evidence rules take for a PDF (header, %%EOF tail) whose body
    is random bytes, as incompressible as a scanned document, written in 1 MB pieces."""
    head, tail = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", b"\n%%EOF\n"
    out.write(head)
    left = size - len(head) - len(tail)
    while left > 0:
        piece = os.urandom(min(MB, left))
        out.write(piece)
        left -= len(piece)
    out.write(tail)
