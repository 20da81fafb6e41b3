"""ndwrap.MemoryStream / ndwrap.FileStream (C streams as io.RawIOBase) and
Python file objects as C streams (Module IOStream).  The semantics are
checked against io.BytesIO / io.FileIO, operation by operation."""
import errno
import gc
import gzip
import io
import os
import signal
import sys
import threading
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ndwrap

if not hasattr(ndwrap, "MemoryStream"):
    pytest.skip("Module_IOStream is off in this build", allow_module_level=True)

from ndwrap import ndwcore  # noqa: E402
from ndwrap.stream import c_stream  # noqa: E402


def test_classes_are_raw_io():
    for s in (ndwrap.MemoryStream(b""), ndwrap.MemoryStream()):
        assert isinstance(s, io.RawIOBase) and isinstance(s, io.IOBase)
        assert s.readable() and s.writable() and s.seekable()


def test_readinto_writes_into_the_callers_buffer():
    data = bytes(range(256)) * 1024  # 256 KiB: the GIL-free path
    s = ndwrap.MemoryStream(data)
    arr = np.zeros(len(data) + 10, np.uint8)
    view = memoryview(arr)
    n = s.readinto(view)
    assert n == len(data)
    assert arr[:n].tobytes() == data and not arr[n:].any()
    # a second read at the end: 0 bytes (end of stream), the buffer untouched
    assert s.readinto(view) == 0
    # a short read: fewer bytes than asked, at the end only
    s.seek(-3, io.SEEK_END)
    buf = bytearray(8)
    assert s.readinto(buf) == 3 and bytes(buf[:3]) == data[-3:]
    with pytest.raises(TypeError):
        s.readinto(b"read-only bytes")


def test_buffered_and_text_wrappers():
    text = "line one\nline twö\nthird\n"
    s = ndwrap.MemoryStream(text.encode("utf-8"))
    t = io.TextIOWrapper(io.BufferedReader(s, buffer_size=4), encoding="utf-8")
    assert t.readlines() == text.splitlines(keepends=True)
    out = ndwrap.MemoryStream()
    w = io.TextIOWrapper(io.BufferedWriter(out), encoding="utf-8")
    w.write(text)
    w.flush()
    assert out.getvalue() == text.encode("utf-8")
    rnd = io.BufferedRandom(ndwrap.MemoryStream(b"abcdef"))
    rnd.seek(2)
    rnd.write(b"XY")
    rnd.seek(0)
    assert rnd.read() == b"abXYef"


def test_closed_state_checks():
    s = ndwrap.MemoryStream(b"abc")
    s.close()
    s.close()  # idempotent
    assert s.closed
    for call in (lambda: s.read(1), lambda: s.readinto(bytearray(1)), lambda: s.write(b"x"),
                 lambda: s.seek(0), s.tell, s.flush, s.readable, s.writable, s.seekable,
                 s.getvalue, s.readall):
        with pytest.raises(ValueError, match="closed"):
            call()
    with ndwrap.MemoryStream(b"x") as m:
        assert m.read() == b"x"
    assert m.closed


def test_seek_whence_and_errors_match_bytesio():
    s, ref = ndwrap.MemoryStream(b"0123456789"), io.BytesIO(b"0123456789")
    for off, whence in [(3, 0), (2, 1), (-4, 2), (0, 2), (5, 2), (0, 0)]:
        assert s.seek(off, whence) == ref.seek(off, whence)
        assert s.tell() == ref.tell()
    with pytest.raises(ValueError):
        s.seek(-1)
    with pytest.raises(ValueError):
        s.seek(0, 3)
    with pytest.raises(ValueError):
        s.seek(-100, io.SEEK_CUR)
    with pytest.raises(TypeError):
        s.seek(1.5)
    assert s.tell() == 0


OPS = st.lists(st.one_of(
    st.tuples(st.just("read"), st.integers(-1, 40)),
    st.tuples(st.just("readinto"), st.integers(0, 40)),
    st.tuples(st.just("write"), st.binary(max_size=30)),
    st.tuples(st.just("seek"), st.integers(-50, 60), st.sampled_from([0, 1, 2])),
    st.tuples(st.just("tell")),
    st.tuples(st.just("getvalue")),
), max_size=30)


def _apply(f, op):
    try:
        if op[0] == "read":
            return f.read(op[1])
        if op[0] == "readinto":
            b = bytearray(op[1])
            n = f.readinto(b)
            return n, bytes(b[:n])
        if op[0] == "write":
            return f.write(op[1])
        if op[0] == "seek":
            if isinstance(f, io.BytesIO):
                # the one documented difference: io.BytesIO clamps a negative
                # target of SEEK_CUR/SEEK_END to 0; ndwrap's streams refuse it
                # for every whence, as io.FileIO does
                base = (0, f.tell(), len(f.getvalue()))[op[2]]
                if base + op[1] < 0:
                    raise ValueError("negative seek position")
            return f.seek(op[1], op[2])
        if op[0] == "tell":
            return f.tell()
        return f.getvalue()
    except (ValueError, OSError) as e:
        return type(e).__mro__[1] if isinstance(e, OSError) else ValueError


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(initial=st.binary(max_size=40), ops=OPS)
def test_memory_stream_behaves_like_bytesio(initial, ops):
    s, ref = ndwrap.MemoryStream(initial), io.BytesIO(initial)
    for op in ops:
        assert _apply(s, op) == _apply(ref, op), op


def test_file_stream_modes_like_fileio(tmp_path):
    p = tmp_path / "f.bin"
    with ndwrap.FileStream(p, "wb") as f:
        assert f.writable() and not f.readable()
        assert f.write(b"hello") == 5
        with pytest.raises(io.UnsupportedOperation):
            f.read(1)
        assert f.fileno() >= 0 and not f.isatty()
    assert p.read_bytes() == b"hello"
    with ndwrap.FileStream(str(p), "ab") as f:
        f.write(b" world")
    with ndwrap.FileStream(os.fsencode(p)) as f:  # bytes path, default "rb"
        assert f.read() == b"hello world"
        with pytest.raises(io.UnsupportedOperation):
            f.write(b"x")
        assert f.seek(-5, io.SEEK_END) == 6 and f.read(2) == b"wo"
    with ndwrap.FileStream(p, "r+b") as f:
        f.write(b"J")
        f.seek(0)
        assert f.read(5) == b"Jello"
    with pytest.raises(FileExistsError) as e:
        ndwrap.FileStream(p, "xb")
    assert e.value.errno == errno.EEXIST and e.value.filename == p
    with pytest.raises(FileNotFoundError) as e:
        ndwrap.FileStream(tmp_path / "missing", "rb")
    assert e.value.filename == tmp_path / "missing"
    with pytest.raises(IsADirectoryError):
        ndwrap.FileStream(tmp_path, "rb")
    for bad in ("rt", "r+w", "", "q", "rr"):
        with pytest.raises(ValueError):
            ndwrap.FileStream(p, bad)
    with pytest.raises(TypeError):
        ndwrap.FileStream(p, 1)
    with ndwrap.FileStream(p, "wb") as f:  # "w" truncates
        pass
    assert p.read_bytes() == b""


def test_file_stream_readall_and_large_readinto(tmp_path):
    data = os.urandom(3 << 20)
    p = tmp_path / "big.bin"
    p.write_bytes(data)
    with ndwrap.FileStream(p) as f:
        assert f.readall() == data
        f.seek(0)
        buf = bytearray(len(data))
        got = 0
        while got < len(data):
            n = f.readinto(memoryview(buf)[got:])
            assert n > 0
            got += n
        assert buf == data
    with open(p, "rb", buffering=0) as ref, ndwrap.FileStream(p) as f:
        assert f.read(10) == ref.read(10)
        assert f.read() == ref.read()


def test_file_stream_releases_the_gil(tmp_path):
    from conftest import ticks_during

    p = tmp_path / "gil.bin"
    p.write_bytes(b"\0" * (64 << 20))
    buf = bytearray(64 << 20)
    with ndwrap.FileStream(p) as f:
        ticks, seconds = ticks_during(lambda: f.readinto(buf))
    if seconds > 0.02:  # too quick to see ticks otherwise
        assert ticks > 0


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(signal, "setitimer"), reason="POSIX")
def test_eintr_runs_signal_handlers_and_retries(tmp_path):
    """PEP 475, as io.FileIO: a read blocked on a pipe runs Python's signal
    handlers when a signal interrupts it; a handler that raises ends the
    read with its exception, one that returns lets the read go on."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    seen = []

    class Stop(Exception):
        pass

    def writer(delay, payload):
        try:
            with open(fifo, "wb") as w:
                time.sleep(delay)
                w.write(payload)
        except BrokenPipeError:  # the reader gave up first (the raising handler)
            pass

    old = signal.getsignal(signal.SIGALRM)
    try:
        # a handler that returns: the read is retried and gets the data
        signal.signal(signal.SIGALRM, lambda *a: seen.append("tick"))
        t = threading.Thread(target=writer, args=(0.6, b"late data"))
        t.start()
        with ndwrap.FileStream(fifo, "rb") as f:
            signal.setitimer(signal.ITIMER_REAL, 0.1, 0.1)
            buf = bytearray(9)
            n = f.readinto(buf)
            signal.setitimer(signal.ITIMER_REAL, 0)
        t.join()
        assert n == 9 and bytes(buf) == b"late data" and seen
        # a handler that raises: the read stops with that exception
        def stop(*a):
            raise Stop("interrupted")

        signal.signal(signal.SIGALRM, stop)
        t = threading.Thread(target=writer, args=(1.0, b"x"))
        t.start()
        with ndwrap.FileStream(fifo, "rb") as f:
            signal.setitimer(signal.ITIMER_REAL, 0.1)
            with pytest.raises(Stop):
                f.readinto(bytearray(4))
        t.join()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_missing_handles_raise_type_error():
    with pytest.raises(TypeError):
        ndwcore._Stream()
    if hasattr(ndwcore, "_imageio_read_info"):
        with pytest.raises(TypeError):
            ndwcore._imageio_read_info(None)
        with pytest.raises(TypeError):
            ndwcore._imageio_write(None, None, None, None, 1, 0)


def test_streams_are_not_picklable():
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(ndwrap.MemoryStream(b"x"))


# ---- Python file objects as C streams ------------------------------------


def test_c_stream_of_python_files_roundtrips_through_c(tmp_path):
    # C copies through the stream table: write through one, read through another
    src = io.BytesIO(b"payload " * 1000)
    handle = c_stream(src)
    assert handle.readable() and handle.seekable()
    assert handle.readall() == src.getvalue()
    assert handle.seek(0, 0) == 0
    buf = bytearray(7)
    assert handle.readinto(buf) == 7 and bytes(buf) == b"payload"
    gz = tmp_path / "x.gz"
    with gzip.open(gz, "wb") as g:
        out = c_stream(g)
        assert out.write(b"compressed through C") == 20
        out.flush()
    with gzip.open(gz, "rb") as g:
        assert c_stream(g).readall() == b"compressed through C"
    # c_stream of ndwrap's own streams is their C stream (no Python round trip)
    m = ndwrap.MemoryStream(b"abc")
    assert c_stream(m) is m._stream


def test_c_stream_refuses_what_is_not_a_binary_file():
    for bad in (None, "path.mha", b"bytes", 3, object()):
        with pytest.raises(TypeError):
            c_stream(bad)
    with pytest.raises(TypeError, match="text"):
        c_stream(io.StringIO("text"))
    closed = io.BytesIO()
    closed.close()
    with pytest.raises(ValueError, match="closed"):
        c_stream(closed)


class Boom(Exception):
    pass


class Exploding(io.RawIOBase):
    def readable(self):
        return True

    def readinto(self, b):
        raise Boom("from readinto")


def test_python_exceptions_come_back_unchanged():
    h = c_stream(Exploding())
    with pytest.raises(Boom, match="from readinto"):
        h.readinto(bytearray(4))


class KeepsView(io.RawIOBase):
    """A misbehaving file object that keeps the memoryview C hands it."""

    kept = None

    def readable(self):
        return True

    def readinto(self, b):
        KeepsView.kept = np.frombuffer(b, np.uint8)  # a second view, outliving the call
        b[:3] = b"abc"
        return 3


def test_a_kept_view_never_sees_ndwraps_memory():
    """The Python file reads into a bounce buffer Python owns: a view it keeps
    cannot outlive (or write into) the caller's buffer."""
    h = c_stream(KeepsView())
    dest = np.zeros(8, np.uint8)
    assert h.readinto(memoryview(dest)) == 3
    assert dest[:3].tobytes() == b"abc" and not dest[3:].any()
    assert KeepsView.kept is not None and not np.shares_memory(KeepsView.kept, dest)
    del dest
    gc.collect()
    assert KeepsView.kept[:3].tobytes() == b"abc"  # still valid memory
    KeepsView.kept = None


def test_wrong_return_values_of_python_files():
    class TooMuch(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):
            return len(b) + 5

    with pytest.raises(OSError):
        c_stream(TooMuch()).readinto(bytearray(4))

    class NonBlocking(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):
            return None

    with pytest.raises(BlockingIOError):
        c_stream(NonBlocking()).readinto(bytearray(4))


def test_one_caller_at_a_time_per_stream():
    """A stream in use (locked for a C call) refuses a second call: here the
    Python file behind it calls back into the same C stream."""
    inner = io.BytesIO(b"data" * 100)
    state = {}

    class Reentrant(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):
            try:
                state["handle"].tell()
            except BufferError as e:
                state["error"] = e
            return inner.readinto(b)

    h = c_stream(Reentrant())
    state["handle"] = h
    assert h.readinto(bytearray(8)) == 8
    assert isinstance(state.get("error"), BufferError)


def test_c_stream_keeps_its_file_alive():
    b = io.BytesIO(b"alive")
    h = c_stream(b)
    refs = sys.getrefcount(b)
    del b
    gc.collect()
    assert h.readall() == b"alive"
    del h
    gc.collect()
    assert refs >= 3


def test_threads_reading_distinct_streams(tmp_path):
    p = tmp_path / "t.bin"
    p.write_bytes(os.urandom(1 << 20))
    results = []

    def work():
        with ndwrap.FileStream(p) as f:
            results.append(f.readall())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == p.read_bytes() for r in results) and len(results) == 4
