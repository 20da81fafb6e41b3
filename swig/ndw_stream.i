/* Module IOStream: the C stream handle of ndwrap.ndwcore (_Stream).
 *
 * A thin handle: every method forwards to swig/ndw_py_stream.c.  The public
 * Python classes are ndwrap.MemoryStream and ndwrap.FileStream
 * (Wrapping/Python/ndwrap/stream.py), io.RawIOBase subclasses holding one
 * _Stream each; _Stream.wrap(fileobj) makes a C stream over any Python
 * binary file object for C code that takes a stream. */

%{
#include "ndw_py_stream.h"
/* The handle's own opaque type (a cast of ndw_stream *), so that SWIG's
 * method functions (ndw_stream_h_read) do not collide with the C API. */
typedef struct ndw_stream_h ndw_stream_h;
#define NDW_S(h) ((ndw_stream *)(h))
%}

%init %{
  ndw_py_stream_init();
%}

%rename(_Stream) ndw_stream_h;
%nodefaultctor ndw_stream_h;
%newobject ndw_stream_h::open_file;
%newobject ndw_stream_h::memory;
%newobject ndw_stream_h::wrap;
typedef struct ndw_stream_h {} ndw_stream_h;
%extend ndw_stream_h {
  ~ndw_stream_h() { ndw_stream_free(NDW_S($self)); }
  static ndw_stream_h *open_file(PyObject *path, const char *mode) {
    return (ndw_stream_h *)ndw_py_stream_open_file(path, mode);
  }
  static ndw_stream_h *memory(PyObject *initial) { return (ndw_stream_h *)ndw_py_stream_memory(initial); }
  static ndw_stream_h *wrap(PyObject *fileobj) { return (ndw_stream_h *)ndw_py_stream_wrap(fileobj); }
  PyObject *readinto(PyObject *buffer) { return ndw_py_stream_readinto(NDW_S($self), buffer); }
  PyObject *readall() { return ndw_py_stream_readall(NDW_S($self)); }
  PyObject *write(PyObject *buffer) { return ndw_py_stream_write(NDW_S($self), buffer); }
  PyObject *seek(PyObject *offset, int whence) { return ndw_py_stream_seek(NDW_S($self), offset, whence); }
  PyObject *tell() { return ndw_py_stream_tell(NDW_S($self)); }
  PyObject *flush() { return ndw_py_stream_flush(NDW_S($self)); }
  PyObject *close() { return ndw_py_stream_close(NDW_S($self)); }
  PyObject *getvalue() { return ndw_py_stream_getvalue(NDW_S($self)); }
  bool closed() { return ndw_stream_closed(NDW_S($self)) != 0; }
  bool readable() { return (ndw_stream_flags(NDW_S($self)) & NDW_STREAM_READ) != 0; }
  bool writable() { return (ndw_stream_flags(NDW_S($self)) & NDW_STREAM_WRITE) != 0; }
  bool seekable() { return (ndw_stream_flags(NDW_S($self)) & NDW_STREAM_SEEK) != 0; }
  int fileno() { return ndw_file_stream_fd(NDW_S($self)); }
}
