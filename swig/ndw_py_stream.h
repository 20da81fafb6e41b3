/* ndwrap's Python glue for streams (Module IOStream).
 *
 * Both directions between C streams and Python file objects:
 *   - the methods of ndwrap.MemoryStream / ndwrap.FileStream (io.RawIOBase
 *     subclasses in ndwrap/stream.py) call the functions below on their C
 *     stream; readinto() reads straight into the caller's buffer with the
 *     GIL released;
 *   - ndw_py_stream_wrap() turns any Python binary file object into a C
 *     stream whose operations call back into it (taking the GIL), so that C
 *     code that takes an ndw_stream * reads a gzip.GzipFile or a BytesIO.
 * Functions returning PyObject* return a new reference or NULL with an
 * exception set; a Python exception raised by a wrapped file object inside
 * C code is kept and re-raised unchanged by ndw_py_stream_raise().
 */
#ifndef NDW_PY_STREAM_H
#define NDW_PY_STREAM_H

#include "ndw_py.h"
#include "ndw/stream.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Install the EINTR hook that runs Python's signal handlers (module init). */
void ndw_py_stream_init(void);
ndw_stream *ndw_py_stream_open_file(PyObject *path, const char *mode);
ndw_stream *ndw_py_stream_memory(PyObject *initial);
/** A C stream over a Python binary file object (holds a reference). */
ndw_stream *ndw_py_stream_wrap(PyObject *fileobj);
/** Is `s` a stream made by ndw_py_stream_wrap (its calls need the GIL)? */
int ndw_py_stream_is_python(const ndw_stream *s);
/** Raise for a failed C call on `s`: the wrapped object's own exception if
 *  it raised one, else the status mapping (ndw_py_raise).  Returns NULL. */
PyObject *ndw_py_stream_raise(ndw_stream *s, ndw_status status);
/** Re-raise the exception the wrapped object of `s` raised, if any (1). */
int ndw_py_stream_restore(ndw_stream *s);

PyObject *ndw_py_stream_readinto(ndw_stream *s, PyObject *buffer);
PyObject *ndw_py_stream_readall(ndw_stream *s);
PyObject *ndw_py_stream_write(ndw_stream *s, PyObject *buffer);
PyObject *ndw_py_stream_seek(ndw_stream *s, PyObject *offset, int whence);
PyObject *ndw_py_stream_tell(ndw_stream *s);
PyObject *ndw_py_stream_flush(ndw_stream *s);
PyObject *ndw_py_stream_close(ndw_stream *s);
PyObject *ndw_py_stream_getvalue(ndw_stream *s);

#ifdef __cplusplus
}
#endif
#endif
