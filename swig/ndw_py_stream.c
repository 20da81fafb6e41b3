/* ndwrap's Python glue for streams (see ndw_py_stream.h). */
#include "ndw_py_stream.h"

#include <string.h>

/* readall's first step when the size is unknown. */
#define NDW_PY_READALL_FIRST ((size_t)1 << 16)

/* ---- C streams over Python file objects ---------------------------------- */

typedef struct ndw_pyfile {
  PyObject *obj;        /* the file object (strong reference) */
  int has_readinto;
  PyObject *bounce;     /* bytearray of NDW_PYFILE_CHUNK bytes, see below */
  PyObject *exc_type, *exc_value, *exc_tb; /* the exception it raised, kept */
} ndw_pyfile;

/* Keep the pending Python exception for ndw_py_stream_raise (the first one
 * wins) and turn it into an NDW_E_IO status for the C caller. */
static ndw_status ndw_pyfile_fail(ndw_pyfile *f, const char *what) {
  PyObject *t, *v, *tb;
  PyErr_Fetch(&t, &v, &tb);
  if (f->exc_type == NULL) {
    f->exc_type = t;
    f->exc_value = v;
    f->exc_tb = tb;
  } else {
    Py_XDECREF(t);
    Py_XDECREF(v);
    Py_XDECREF(tb);
  }
  return ndw_set_error(NDW_E_IO, "the Python file object failed in %s", what);
}

/* An integer result of a file method in [0, limit]. */
static int ndw_pyfile_count(PyObject *res, size_t limit, size_t *out, const char *what) {
  size_t k;
  if (!PyLong_Check(res)) {
    PyErr_Format(PyExc_TypeError, "%s() should return an int, not %.100s", what,
                 Py_TYPE(res)->tp_name);
    return -1;
  }
  k = PyLong_AsSize_t(res);
  if (k == (size_t)-1 && PyErr_Occurred()) return -1;
  if (k > limit) {
    PyErr_Format(PyExc_OSError, "%s() returned %zu, outside 0..%zu", what, k, limit);
    return -1;
  }
  *out = k;
  return 0;
}

/* The Python file never sees ndwrap's memory: it reads into and writes
 * from a bounce buffer that Python owns (a bytearray of the stream, reused),
 * and C copies.  A file object that keeps the memoryview it was given (as a
 * NumPy array, say) then keeps a view of that bytearray, never of an image
 * buffer that C may free. */
#define NDW_PYFILE_CHUNK ((size_t)1 << 20)

/* A memoryview of the first `n` bytes of the stream's bounce buffer. */
static PyObject *ndw_pyfile_bounce(ndw_pyfile *f, size_t n) {
  PyObject *mv, *part;
  if (f->bounce == NULL) {
    f->bounce = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)NDW_PYFILE_CHUNK);
    if (f->bounce == NULL) return NULL;
  }
  if (PyByteArray_GET_SIZE(f->bounce) != (Py_ssize_t)NDW_PYFILE_CHUNK) {
    /* a callee resized it (it had no view then): make a fresh one */
    Py_CLEAR(f->bounce);
    return ndw_pyfile_bounce(f, n);
  }
  mv = PyMemoryView_FromObject(f->bounce);
  if (mv == NULL || n == NDW_PYFILE_CHUNK) return mv;
  part = PySequence_GetSlice(mv, 0, (Py_ssize_t)n);
  Py_DECREF(mv);
  return part;
}

static ndw_status ndw_pyfile_read(void *ctx, void *dst, size_t n, size_t *got) {
  ndw_pyfile *f = (ndw_pyfile *)ctx;
  ndw_status st = NDW_OK;
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *res;
  if (n > (size_t)PY_SSIZE_T_MAX) n = (size_t)PY_SSIZE_T_MAX;
  if (f->has_readinto) {
    PyObject *mv;
    if (n > NDW_PYFILE_CHUNK) n = NDW_PYFILE_CHUNK; /* a short read */
    mv = ndw_pyfile_bounce(f, n);
    res = mv ? PyObject_CallMethod(f->obj, "readinto", "O", mv) : NULL;
    Py_XDECREF(mv);
    if (res == NULL) {
      st = ndw_pyfile_fail(f, "readinto");
    } else if (res == Py_None) {
      PyErr_SetString(PyExc_BlockingIOError, "readinto() returned None (non-blocking file)");
      st = ndw_pyfile_fail(f, "readinto");
    } else if (ndw_pyfile_count(res, n, got, "readinto") < 0) {
      st = ndw_pyfile_fail(f, "readinto");
    } else {
      memcpy(dst, PyByteArray_AS_STRING(f->bounce), *got);
    }
    Py_XDECREF(res);
  } else {
    res = PyObject_CallMethod(f->obj, "read", "n", (Py_ssize_t)n);
    if (res == NULL) {
      st = ndw_pyfile_fail(f, "read");
    } else {
      Py_buffer b;
      if (PyObject_GetBuffer(res, &b, PyBUF_SIMPLE) < 0) {
        st = ndw_pyfile_fail(f, "read");
      } else {
        if ((size_t)b.len > n) {
          PyErr_Format(PyExc_OSError, "read(%zu) returned %zd bytes", n, b.len);
          st = ndw_pyfile_fail(f, "read");
        } else {
          memcpy(dst, b.buf, (size_t)b.len);
          *got = (size_t)b.len;
        }
        PyBuffer_Release(&b);
      }
      Py_DECREF(res);
    }
  }
  PyGILState_Release(g);
  return st;
}

static ndw_status ndw_pyfile_write(void *ctx, const void *src, size_t n, size_t *put) {
  ndw_pyfile *f = (ndw_pyfile *)ctx;
  ndw_status st = NDW_OK;
  PyGILState_STATE g = PyGILState_Ensure();
  PyObject *res;
  if (n > (size_t)PY_SSIZE_T_MAX) n = (size_t)PY_SSIZE_T_MAX;
  PyObject *mv;
  if (n > NDW_PYFILE_CHUNK) n = NDW_PYFILE_CHUNK; /* a short write */
  mv = ndw_pyfile_bounce(f, n);
  if (mv != NULL) memcpy(PyByteArray_AS_STRING(f->bounce), src, n);
  res = mv ? PyObject_CallMethod(f->obj, "write", "O", mv) : NULL;
  Py_XDECREF(mv);
  if (res == NULL) {
    st = ndw_pyfile_fail(f, "write");
  } else if (res == Py_None) {
    *put = n; /* some writers return None after writing everything */
  } else if (ndw_pyfile_count(res, n, put, "write") < 0) {
    st = ndw_pyfile_fail(f, "write");
  }
  Py_XDECREF(res);
  PyGILState_Release(g);
  return st;
}

static ndw_status ndw_pyfile_position(ndw_pyfile *f, PyObject *res, int64_t *pos, const char *what) {
  long long v;
  if (res == NULL) return ndw_pyfile_fail(f, what);
  v = PyLong_AsLongLong(res);
  Py_DECREF(res);
  if (v == -1 && PyErr_Occurred()) return ndw_pyfile_fail(f, what);
  if (v < 0) {
    PyErr_Format(PyExc_OSError, "%s() returned a negative position %lld", what, v);
    return ndw_pyfile_fail(f, what);
  }
  *pos = (int64_t)v;
  return NDW_OK;
}

static ndw_status ndw_pyfile_seek(void *ctx, int64_t offset, int whence, int64_t *pos) {
  ndw_pyfile *f = (ndw_pyfile *)ctx;
  PyGILState_STATE g = PyGILState_Ensure();
  ndw_status st = ndw_pyfile_position(
      f, PyObject_CallMethod(f->obj, "seek", "Li", (long long)offset, whence), pos, "seek");
  PyGILState_Release(g);
  return st;
}

static ndw_status ndw_pyfile_tell(void *ctx, int64_t *pos) {
  ndw_pyfile *f = (ndw_pyfile *)ctx;
  PyGILState_STATE g = PyGILState_Ensure();
  ndw_status st = ndw_pyfile_position(f, PyObject_CallMethod(f->obj, "tell", NULL), pos, "tell");
  PyGILState_Release(g);
  return st;
}

static ndw_status ndw_pyfile_flush(void *ctx) {
  ndw_pyfile *f = (ndw_pyfile *)ctx;
  ndw_status st = NDW_OK;
  PyGILState_STATE g = PyGILState_Ensure();
  if (PyObject_HasAttrString(f->obj, "flush")) {
    PyObject *res = PyObject_CallMethod(f->obj, "flush", NULL);
    if (res == NULL)
      st = ndw_pyfile_fail(f, "flush");
    else
      Py_DECREF(res);
  }
  PyGILState_Release(g);
  return st;
}

static void ndw_pyfile_destroy(void *ctx) {
  ndw_pyfile *f = (ndw_pyfile *)ctx;
  PyGILState_STATE g;
  if (f == NULL) return;
  g = PyGILState_Ensure();
  Py_XDECREF(f->obj);
  Py_XDECREF(f->bounce);
  Py_XDECREF(f->exc_type);
  Py_XDECREF(f->exc_value);
  Py_XDECREF(f->exc_tb);
  PyGILState_Release(g);
  PyMem_RawFree(f);
}

/* close: the caller owns the file object; the C stream only lets go of it. */
static const ndw_stream_ops ndw_pyfile_ops = {ndw_pyfile_read,  ndw_pyfile_write, ndw_pyfile_seek,
                                              ndw_pyfile_tell,  ndw_pyfile_flush, NULL,
                                              ndw_pyfile_destroy};

/* obj.<name>() is true; a missing method or one that raises counts as false. */
static int ndw_pyfile_can(PyObject *obj, const char *name) {
  PyObject *res;
  int yes;
  if (!PyObject_HasAttrString(obj, name)) return 0;
  res = PyObject_CallMethod(obj, name, NULL);
  if (res == NULL) {
    PyErr_Clear();
    return 0;
  }
  yes = PyObject_IsTrue(res);
  Py_DECREF(res);
  if (yes < 0) {
    PyErr_Clear();
    return 0;
  }
  return yes;
}

int ndw_py_stream_is_python(const ndw_stream *s) { return ndw_stream_get_ops(s) == &ndw_pyfile_ops; }

ndw_stream *ndw_py_stream_wrap(PyObject *obj) {
  ndw_pyfile *f;
  ndw_stream *s = NULL;
  unsigned flags = 0;
  if (obj == NULL || obj == Py_None) {
    PyErr_SetString(PyExc_TypeError, "a binary file object is required, not None");
    return NULL;
  }
  if (PyUnicode_Check(obj) || PyBytes_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "a binary file object is required, not %.100s",
                 Py_TYPE(obj)->tp_name);
    return NULL;
  }
  if (PyObject_HasAttrString(obj, "closed")) {
    PyObject *c = PyObject_GetAttrString(obj, "closed");
    int closed = c ? PyObject_IsTrue(c) : -1;
    Py_XDECREF(c);
    if (closed < 0) return NULL;
    if (closed) {
      PyErr_SetString(PyExc_ValueError, "I/O operation on closed file.");
      return NULL;
    }
  }
  if (PyObject_HasAttrString(obj, "read") &&
      (!PyObject_HasAttrString(obj, "readable") || ndw_pyfile_can(obj, "readable")))
    flags |= NDW_STREAM_READ;
  if (PyObject_HasAttrString(obj, "write") &&
      (!PyObject_HasAttrString(obj, "writable") || ndw_pyfile_can(obj, "writable")))
    flags |= NDW_STREAM_WRITE;
  if (PyObject_HasAttrString(obj, "seek") && ndw_pyfile_can(obj, "seekable"))
    flags |= NDW_STREAM_SEEK;
  if (!(flags & (NDW_STREAM_READ | NDW_STREAM_WRITE))) {
    PyErr_Format(PyExc_TypeError, "%.100s is not a readable or writable binary file object",
                 Py_TYPE(obj)->tp_name);
    return NULL;
  }
  {
    /* a text file would hand str to readinto/write: refuse it up front */
    PyObject *io = PyImport_ImportModule("io");
    if (io != NULL) {
      PyObject *text = PyObject_GetAttrString(io, "TextIOBase");
      int is_text = text ? PyObject_IsInstance(obj, text) : -1;
      Py_XDECREF(text);
      Py_DECREF(io);
      if (is_text < 0) return NULL;
      if (is_text) {
        PyErr_Format(PyExc_TypeError, "a binary file object is required, not a text file (%.100s)",
                     Py_TYPE(obj)->tp_name);
        return NULL;
      }
    } else {
      return NULL;
    }
  }
  f = (ndw_pyfile *)PyMem_RawCalloc(1, sizeof *f);
  if (f == NULL) return PyErr_NoMemory(), NULL;
  Py_INCREF(obj);
  f->obj = obj;
  f->has_readinto = PyObject_HasAttrString(obj, "readinto");
  if (ndw_py_check(ndw_stream_new(&ndw_pyfile_ops, f, flags, &s)) < 0) return NULL;
  return s;
}

int ndw_py_stream_restore(ndw_stream *s) {
  if (ndw_py_stream_is_python(s)) {
    ndw_pyfile *f = (ndw_pyfile *)ndw_stream_context(s);
    if (f->exc_type != NULL) {
      PyErr_Restore(f->exc_type, f->exc_value, f->exc_tb);
      f->exc_type = f->exc_value = f->exc_tb = NULL;
      return 1;
    }
  }
  return 0;
}

PyObject *ndw_py_stream_raise(ndw_stream *s, ndw_status status) {
  if (ndw_py_stream_restore(s) || PyErr_Occurred()) return NULL;
  return ndw_py_raise(status);
}

/* ---- EINTR: Python's signal handlers run, as in io.FileIO (PEP 475) ------ */

/* Called by C file streams after EINTR, with or without the GIL: run the
 * signal handlers; an exception they raise stays pending on this thread
 * and the interrupted call fails (the glue then returns NULL with it). */
static int ndw_py_interrupt_hook(void) {
  PyGILState_STATE g = PyGILState_Ensure();
  int stop = PyErr_CheckSignals() < 0;
  PyGILState_Release(g);
  return stop;
}

void ndw_py_stream_init(void) { ndw_stream_set_interrupt_hook(ndw_py_interrupt_hook); }

/* ---- the methods of MemoryStream / FileStream ---------------------------- */

ndw_stream *ndw_py_stream_open_file(PyObject *path, const char *mode) {
  PyObject *bytes = NULL;
  ndw_stream *s = NULL;
  ndw_status st;
  if (!PyUnicode_FSConverter(path, &bytes)) return NULL;
  Py_BEGIN_ALLOW_THREADS
  st = ndw_file_stream_open(PyBytes_AS_STRING(bytes), mode, &s);
  Py_END_ALLOW_THREADS
  if (st != NDW_OK) {
    if (PyErr_Occurred()) { /* a signal handler raised while open() was interrupted */
      Py_DECREF(bytes);
      return NULL;
    }
    if (st == NDW_E_IO && ndw_last_os_error() != 0) {
      /* OSError(errno, strerror, filename): FileNotFoundError & co. */
      int err = ndw_last_os_error();
      PyObject *args = Py_BuildValue("(isO)", err, strerror(err), path);
      if (args != NULL) {
        PyErr_SetObject(PyExc_OSError, args);
        Py_DECREF(args);
      }
    } else {
      ndw_py_raise(st);
    }
    Py_DECREF(bytes);
    return NULL;
  }
  Py_DECREF(bytes);
  return s;
}

ndw_stream *ndw_py_stream_memory(PyObject *initial) {
  Py_buffer b;
  ndw_stream *s = NULL;
  ndw_status st;
  if (initial == NULL || initial == Py_None) {
    st = ndw_memory_stream_new(NULL, 0, &s);
  } else {
    if (PyUnicode_Check(initial)) {
      PyErr_SetString(PyExc_TypeError, "initial must be a bytes-like object, not str");
      return NULL;
    }
    if (PyObject_GetBuffer(initial, &b, PyBUF_C_CONTIGUOUS) < 0) return NULL;
    st = ndw_memory_stream_new(b.buf, (size_t)b.len, &s);
    PyBuffer_Release(&b);
  }
  if (ndw_py_check(st) < 0) return NULL;
  return s;
}

/* Lock the stream for one call of the glue (BufferError when another thread
 * is inside a call on the same stream). */
static int ndw_py_stream_enter(ndw_stream *s) {
  if (s == NULL) {
    PyErr_SetString(PyExc_TypeError, "an initialised ndwrap stream is required");
    return -1;
  }
  return ndw_py_check(ndw_stream_lock(s));
}

PyObject *ndw_py_stream_readinto(ndw_stream *s, PyObject *buffer) {
  Py_buffer b;
  size_t got = 0;
  ndw_status st;
  if (ndw_py_stream_enter(s) < 0) return NULL;
  if (PyObject_GetBuffer(buffer, &b, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) {
    ndw_stream_unlock(s);
    if (PyErr_ExceptionMatches(PyExc_BufferError) || PyErr_ExceptionMatches(PyExc_TypeError)) {
      /* as io's readinto: a TypeError for anything but a writable contiguous buffer */
      PyErr_Clear();
      PyErr_Format(PyExc_TypeError,
                   "readinto() argument must be a writable contiguous bytes-like object, not %.100s",
                   Py_TYPE(buffer)->tp_name);
    }
    return NULL;
  }
  if (!ndw_py_stream_is_python(s)) { /* as io.FileIO: a read may block (a pipe) */
    Py_BEGIN_ALLOW_THREADS
    st = ndw_stream_read(s, b.buf, (size_t)b.len, &got);
    Py_END_ALLOW_THREADS
  } else {
    st = ndw_stream_read(s, b.buf, (size_t)b.len, &got);
  }
  PyBuffer_Release(&b);
  ndw_stream_unlock(s);
  if (st != NDW_OK) return ndw_py_stream_raise(s, st);
  return PyLong_FromSize_t(got);
}

PyObject *ndw_py_stream_readall(ndw_stream *s) {
  uint64_t left = 0;
  size_t cap, len = 0;
  PyObject *out;
  ndw_status st = NDW_OK;
  if (ndw_py_stream_enter(s) < 0) return NULL;
  /* the size when it is known (plus one byte to see the end), else 64 KiB */
  cap = ndw_stream_remaining(s, &left) == NDW_OK && left < (uint64_t)PY_SSIZE_T_MAX - 1
            ? (size_t)left + 1
            : NDW_PY_READALL_FIRST;
  ndw_clear_error();
  out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)cap);
  while (out != NULL) {
    size_t got = 0;
    char *p = PyBytes_AS_STRING(out) + len;
    if (!ndw_py_stream_is_python(s)) {
      Py_BEGIN_ALLOW_THREADS
      st = ndw_stream_read_full(s, p, cap - len, &got);
      Py_END_ALLOW_THREADS
    } else {
      st = ndw_stream_read_full(s, p, cap - len, &got);
    }
    len += got;
    if (st != NDW_OK || len < cap) break;
    if (cap > (size_t)PY_SSIZE_T_MAX / 2) {
      PyErr_NoMemory();
      Py_CLEAR(out);
      break;
    }
    cap *= 2;
    if (_PyBytes_Resize(&out, (Py_ssize_t)cap) < 0) break;
  }
  ndw_stream_unlock(s);
  if (out == NULL) return NULL;
  if (st != NDW_OK) {
    Py_DECREF(out);
    return ndw_py_stream_raise(s, st);
  }
  if ((size_t)PyBytes_GET_SIZE(out) != len && _PyBytes_Resize(&out, (Py_ssize_t)len) < 0)
    return NULL;
  return out;
}

PyObject *ndw_py_stream_write(ndw_stream *s, PyObject *buffer) {
  Py_buffer b;
  size_t put = 0;
  ndw_status st;
  if (ndw_py_stream_enter(s) < 0) return NULL;
  if (PyUnicode_Check(buffer)) {
    ndw_stream_unlock(s);
    PyErr_SetString(PyExc_TypeError, "a bytes-like object is required, not 'str'");
    return NULL;
  }
  if (PyObject_GetBuffer(buffer, &b, PyBUF_C_CONTIGUOUS) < 0) {
    ndw_stream_unlock(s);
    return NULL;
  }
  if (!ndw_py_stream_is_python(s)) {
    Py_BEGIN_ALLOW_THREADS
    st = ndw_stream_write(s, b.buf, (size_t)b.len, &put);
    Py_END_ALLOW_THREADS
  } else {
    st = ndw_stream_write(s, b.buf, (size_t)b.len, &put);
  }
  PyBuffer_Release(&b);
  ndw_stream_unlock(s);
  if (st != NDW_OK) return ndw_py_stream_raise(s, st);
  return PyLong_FromSize_t(put);
}

PyObject *ndw_py_stream_seek(ndw_stream *s, PyObject *offset, int whence) {
  long long off;
  int64_t pos = 0;
  ndw_status st;
  PyObject *idx = PyNumber_Index(offset);
  if (idx == NULL) return NULL;
  off = PyLong_AsLongLong(idx);
  Py_DECREF(idx);
  if (off == -1 && PyErr_Occurred()) return NULL;
  if (ndw_py_stream_enter(s) < 0) return NULL;
  st = ndw_stream_seek(s, (int64_t)off, whence, &pos);
  ndw_stream_unlock(s);
  if (st != NDW_OK) return ndw_py_stream_raise(s, st);
  return PyLong_FromLongLong((long long)pos);
}

PyObject *ndw_py_stream_tell(ndw_stream *s) {
  int64_t pos = 0;
  ndw_status st;
  if (ndw_py_stream_enter(s) < 0) return NULL;
  st = ndw_stream_tell(s, &pos);
  ndw_stream_unlock(s);
  if (st != NDW_OK) return ndw_py_stream_raise(s, st);
  return PyLong_FromLongLong((long long)pos);
}

PyObject *ndw_py_stream_flush(ndw_stream *s) {
  ndw_status st;
  if (ndw_py_stream_enter(s) < 0) return NULL;
  st = ndw_stream_flush(s);
  ndw_stream_unlock(s);
  if (st != NDW_OK) return ndw_py_stream_raise(s, st);
  Py_RETURN_NONE;
}

PyObject *ndw_py_stream_close(ndw_stream *s) {
  ndw_status st;
  if (ndw_py_stream_enter(s) < 0) return NULL;
  st = ndw_stream_close(s);
  ndw_stream_unlock(s);
  if (st != NDW_OK) return ndw_py_stream_raise(s, st);
  Py_RETURN_NONE;
}

PyObject *ndw_py_stream_getvalue(ndw_stream *s) {
  const void *data = NULL;
  size_t n = 0;
  ndw_status st;
  if (ndw_py_stream_enter(s) < 0) return NULL;
  st = ndw_memory_stream_data(s, &data, &n);
  ndw_stream_unlock(s);
  if (st != NDW_OK) return ndw_py_stream_raise(s, st);
  return PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)n);
}
