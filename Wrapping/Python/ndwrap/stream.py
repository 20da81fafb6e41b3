"""C streams as Python files, and Python files as C streams (Module IOStream).

``MemoryStream`` and ``FileStream`` are :class:`io.RawIOBase` subclasses whose
bytes live behind ndwrap's C stream table (``Modules/IO/Stream``): the same
stream object a C or C++ program gets from ``ndw_memory_stream_new`` or
``ndw_file_stream_open``.  ``readinto`` reads straight into the caller's
buffer (with the GIL released for large reads), so :class:`io.BufferedReader`,
:class:`io.TextIOWrapper` and ``shutil.copyfileobj`` work over them at the
speed of the C stream.  :func:`c_stream` goes the other way: any Python
binary file object (``io.BytesIO``, ``open(..., "rb")``, ``gzip.GzipFile``)
becomes a C stream whose operations call back into it, which is how
``ndwrap.imread`` reads from a file object.
"""
from __future__ import annotations

import io
import os

from . import ndwcore

TYPE_CHECKING = False  # typing is not imported at run time (import ndwrap stays fast)
if TYPE_CHECKING:
    from typing import Optional, Union

__all__ = ["MemoryStream", "FileStream", "c_stream"]

class _CStreamIO(io.RawIOBase):
    """An io.RawIOBase over one ndwrap C stream (``self._stream``)."""

    _stream: ndwcore._Stream

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file.")

    def readable(self) -> bool:
        self._check_open()
        return self._stream.readable()

    def writable(self) -> bool:
        self._check_open()
        return self._stream.writable()

    def seekable(self) -> bool:
        self._check_open()
        return self._stream.seekable()

    def readinto(self, buffer) -> int:
        self._check_open()
        if not self._stream.readable():
            raise io.UnsupportedOperation("File not open for reading")
        return self._stream.readinto(buffer)

    def readall(self) -> bytes:
        self._check_open()
        if not self._stream.readable():
            raise io.UnsupportedOperation("File not open for reading")
        return self._stream.readall()

    def write(self, data) -> int:
        self._check_open()
        if not self._stream.writable():
            raise io.UnsupportedOperation("File not open for writing")
        return self._stream.write(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._check_open()
        if not self._stream.seekable():
            raise io.UnsupportedOperation("seek")
        if whence not in (io.SEEK_SET, io.SEEK_CUR, io.SEEK_END):
            raise ValueError(f"invalid whence ({whence!r}, should be 0, 1 or 2)")
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        self._check_open()
        return self._stream.tell()

    def flush(self) -> None:
        self._check_open()
        self._stream.flush()

    def close(self) -> None:
        if self.closed:
            return
        try:
            super().close()  # flushes
        finally:
            self._stream.close()

    def __getstate__(self):
        raise TypeError(f"cannot pickle '{type(self).__name__}' object")


class MemoryStream(_CStreamIO):
    """A readable, writable, seekable stream over a growable C buffer, as
    :class:`io.BytesIO`: ``MemoryStream(b"...")`` starts with a copy of the
    bytes at position 0; ``getvalue()`` returns the contents."""

    def __init__(self, initial: Optional[Union[bytes, bytearray, memoryview]] = b"") -> None:
        super().__init__()
        self._stream = ndwcore._Stream.memory(initial)

    def getvalue(self) -> bytes:
        self._check_open()
        return self._stream.getvalue()

    def __repr__(self) -> str:
        return f"<ndwrap.MemoryStream{' closed' if self.closed else ''}>"


class FileStream(_CStreamIO):
    """An unbuffered file, as :class:`io.FileIO`: ``FileStream(path, "rb")``
    with a binary mode of ``r``, ``w``, ``x`` or ``a``, optionally ``+`` (and
    ``b``).  Errors of the system are :class:`OSError` with ``errno`` and
    ``filename`` (``FileNotFoundError``, ``IsADirectoryError``, ...)."""

    def __init__(self, path: Union[str, bytes, os.PathLike[str]], mode: str = "rb") -> None:
        super().__init__()
        if not isinstance(mode, str):
            raise TypeError(f"mode must be a str, not {type(mode).__name__}")
        if "t" in mode or "U" in mode:
            raise ValueError(f"FileStream is binary: invalid mode {mode!r}")
        self.name = path
        self.mode = mode
        self._stream = ndwcore._Stream.open_file(path, mode)

    def fileno(self) -> int:
        self._check_open()
        return self._stream.fileno()

    def isatty(self) -> bool:
        self._check_open()
        return os.isatty(self._stream.fileno())

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<ndwrap.FileStream{state} name={self.name!r} mode={self.mode!r}>"


def c_stream(fileobj) -> ndwcore._Stream:
    """The C stream of ``fileobj``: its own for ``MemoryStream`` and
    ``FileStream``, else a new C stream that calls ``fileobj``'s
    ``readinto``/``read``, ``write``, ``seek``, ``tell`` and ``flush`` (with
    the GIL) and never closes it.  A Python exception raised by ``fileobj``
    inside C code comes back unchanged."""
    if isinstance(fileobj, _CStreamIO):
        fileobj._check_open()
        return fileobj._stream
    return ndwcore._Stream.wrap(fileobj)
