"""Reading a PDF's text with pypdf, in this process or, bounded, in a child process.

pypdf is pure Python and a PDF is a program of sorts: a small file can inflate to gigabytes
(a "PDF bomb": nested FlateDecode streams) or send the parser round a pathological structure for
minutes. :func:`read_pdf_bounded` therefore runs :func:`read_pdf` in a fresh ``python -I`` child
that caps its own address space (``RLIMIT_AS``) and CPU time (``RLIMIT_CPU``) before it reads a
byte, and the parent kills it at a wall-clock timeout. Whatever happens in the child, the
parent gets the text, or :class:`PdfRefused` with a message fit to show the editor.

This file imports only the standard library and pypdf, so that the child runs it by its path
(``python -I pdfread.py``) without importing the project (or Django) first.
"""

from __future__ import annotations

import io
import json
import logging
import os
import resource
import signal

# Our own interpreter on our own module, no shell (bandit B404).
import subprocess  # nosec B404
import sys
import time
import unicodedata
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# Exit codes of the child, besides 0 (a JSON answer on stdout).
EXIT_MEMORY = 3
# Isolated: no PYTHON* variables, no working folder or user site-packages on sys.path.
_CHILD_FLAGS = ["-I", "-X", "utf8"]
# How a child that ran out of address space inside C code may end instead of a MemoryError.
_MEMORY_SIGNALS = (
    signal.SIGKILL,
    signal.SIGSEGV,
    signal.SIGABRT,
    signal.SIGBUS,
)  # isolated: no PYTHON* variables, no cwd on sys.path


class PdfRefused(Exception):
    """A PDF we cannot read; ``str(exc)`` is a message fit to show the user."""


@dataclass(frozen=True)
class PdfLimits:
    """The bounds of one reading: pages and characters of text (checked by the reader), and the
    child's memory (bytes of address space) and time (seconds, wall clock and CPU)."""

    max_pages: int
    max_chars: int
    memory_bytes: int = 768 * 1024 * 1024
    timeout: float = 60.0


# --- Reading (in any process) -------------------------------------------------------------------


def read_pdf(display: str, data: bytes, *, max_pages: int, max_chars: int) -> tuple[str, str]:
    """The text of the PDF ``data`` (its pages' texts, a blank line between them) and its
    metadata title. ``display`` names the file in messages (“report.pdf”)."""
    import pypdf  # here, so that the child imports it only once its limits are set

    check_header(display, data)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _unlock(display, reader)
        pages = len(reader.pages)
    except PdfRefused:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        logger.info("Refused a damaged PDF %s: %r", display, exc)
        raise PdfRefused(
            f"{display} could not be read: it is damaged or not a valid PDF ({_reason(exc)})."
        ) from exc
    if pages > max_pages:
        raise PdfRefused(
            f"{display} has {pages:,} pages; the limit is {max_pages:,}. "
            "Split it into smaller documents."
        )
    texts: list[str] = []
    total = 0
    for number in range(1, pages + 1):
        try:
            page_text = reader.pages[number - 1].extract_text() or ""
        except MemoryError:
            raise
        except Exception as exc:
            raise PdfRefused(
                f"The text of page {number} of {display} could not be read ({_reason(exc)})."
            ) from exc
        page_text = _printable(page_text).strip()
        total += len(page_text)
        if total > max_chars:
            raise PdfRefused(
                f"{display} holds more than {max_chars:,} characters of text. "
                "Split it into smaller documents."
            )
        if page_text:
            texts.append(page_text)
    if not texts:
        raise PdfRefused(
            f"{display} has no text layer: its pages are probably scanned images. "
            "Run it through OCR and upload the result."
        )
    return "\n\n".join(texts), _pdf_title(reader)


def check_header(display: str, data: bytes) -> None:
    if b"%PDF-" not in data[:1024]:
        raise PdfRefused(f"{display} is not a PDF document (it lacks the PDF header).")


def _unlock(display: str, reader: object) -> None:
    """Many PDFs are encrypted only to restrict printing or copying: they open without a
    password, and so can we. A password to open it is where we stop."""
    save_copy = (
        "Save an unprotected copy (in your PDF reader: print to PDF, or remove the security) "
        "and upload that."
    )
    try:
        opened = reader.decrypt("")  # type: ignore[attr-defined]
    except Exception as exc:  # e.g. AES, which needs the optional cryptography package
        raise PdfRefused(
            f"{display} is encrypted in a way that cannot be opened here ({_reason(exc)}). "
            + save_copy
        ) from exc
    if not opened:
        raise PdfRefused(f"{display} is protected by a password. {save_copy}")


def _pdf_title(reader: object) -> str:
    try:
        metadata = reader.metadata  # type: ignore[attr-defined]
        title = metadata.title if metadata else None
    except Exception:
        return ""
    return _printable(str(title or "")).strip()


def _printable(text: str) -> str:
    """Text without control characters (PDFs hold NULs, which PostgreSQL refuses), keeping
    line breaks and tabs."""
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )


def _reason(exc: BaseException) -> str:
    """One bounded line about ``exc`` (a KeyError's key without its quotes)."""
    single = len(exc.args) == 1 and isinstance(exc.args[0], str)
    text = " ".join((exc.args[0] if single else str(exc)).split()) or type(exc).__name__
    return text[:159] + "…" if len(text) > 160 else text.rstrip(".")


# --- Bounded: in a child process ----------------------------------------------------------------


@dataclass(frozen=True)
class BoundedRead:
    text: str
    title: str
    seconds: float  # wall clock, child start to answer


def read_pdf_bounded(display: str, data: bytes, limits: PdfLimits) -> BoundedRead:
    """:func:`read_pdf` in a child process within ``limits``; PdfRefused with a clear message
    when the PDF cannot be read, is too large to read in the memory allowed, or takes too long.
    The child is killed (and reaped) on every path."""
    command = [
        sys.executable,
        *_CHILD_FLAGS,
        __file__,
        str(limits.memory_bytes),
        str(max(1, int(limits.timeout) + 1)),  # CPU seconds: a backstop to the wall clock
        str(limits.max_pages),
        str(limits.max_chars),
        display,
    ]
    started = time.monotonic()
    # Our own interpreter and file, no shell (bandit B603).
    with subprocess.Popen(  # noqa: S603  # nosec B603
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a signal to the worker's group does not reach it, nor back
    ) as child:
        try:
            out, err = child.communicate(data, timeout=limits.timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise PdfRefused(
                f"{display} could not be read: reading it took longer than "
                f"{limits.timeout:g} seconds (too slow). Split it into smaller documents, or "
                "save it again from a PDF reader and upload that."
            ) from None
    seconds = time.monotonic() - started
    if child.returncode == 0:
        answer = json.loads(out)
        if "refused" in answer:
            raise PdfRefused(str(answer["refused"]))
        return BoundedRead(text=str(answer["text"]), title=str(answer["title"]), seconds=seconds)
    if child.returncode == EXIT_MEMORY or -child.returncode in _MEMORY_SIGNALS:
        # MemoryError, or killed on the way (SIGKILL/SIGSEGV/SIGABRT when malloc failed in C).
        raise PdfRefused(
            f"{display} could not be read: reading it needed more than "
            f"{limits.memory_bytes // (1024 * 1024)} MB of memory (too large). Split it into "
            "smaller documents, or save it again from a PDF reader and upload that."
        )
    if child.returncode == -signal.SIGXCPU:
        raise PdfRefused(
            f"{display} could not be read: reading it used more than its time (too slow)."
        )
    logger.warning("The PDF reader for %s ended with %s: %s", display, child.returncode, err[-500:])
    raise PdfRefused(f"{display} could not be read: the reader stopped unexpectedly.")


def _child(argv: list[str]) -> int:
    """The child: limits first, then the PDF from stdin, the answer as JSON on stdout."""
    memory, cpu, max_pages, max_chars = (int(v) for v in argv[:4])
    display = argv[4]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    data = sys.stdin.buffer.read()
    try:
        text, title = read_pdf(display, data, max_pages=max_pages, max_chars=max_chars)
        answer: dict[str, str] = {"text": text, "title": title}
    except PdfRefused as exc:
        answer = {"refused": str(exc)}
    except MemoryError:
        os._exit(EXIT_MEMORY)  # nothing more can be allocated: no clean-up, no traceback
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
