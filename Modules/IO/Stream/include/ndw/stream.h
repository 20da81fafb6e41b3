/* ndwrap IOStream: byte streams as a small function table.
 *
 * A stream is a table of six operations (read, write, seek, tell, flush,
 * close) over a context pointer, with the semantics of Python's
 * io.RawIOBase, so that C code, C++ code and Python file objects can all
 * stand behind the same `ndw_stream *`:
 *
 *   - read may return fewer bytes than asked (a short read); 0 bytes from a
 *     request of n > 0 means end of stream.  ndw_stream_read_full() loops.
 *   - write may take fewer bytes than offered; ndw_stream_write_all() loops.
 *   - seek takes NDW_SEEK_SET / _CUR / _END and returns the new absolute
 *     position; a negative target is NDW_E_INVALID and leaves the position.
 *   - every operation on a closed stream is NDW_E_STATE ("I/O operation on a
 *     closed stream"); close is idempotent; an operation the stream does not
 *     have (reading a write-only file, seeking a pipe) is NDW_E_STATE too.
 *   - failures of the operating system are NDW_E_IO with the errno in
 *     ndw_last_os_error(); interrupted system calls (EINTR) are retried.
 *
 * Implementations here: memory streams (a growable buffer, as io.BytesIO)
 * and file streams (a POSIX file descriptor, as io.FileIO).  The Python
 * glue adds a stream over any Python binary file object.
 */
#ifndef NDW_STREAM_H
#define NDW_STREAM_H

#include "ndw/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ndw_stream ndw_stream;

/** `whence` of ndw_stream_seek (the values of SEEK_SET/CUR/END and io's). */
enum { NDW_SEEK_SET = 0, NDW_SEEK_CUR = 1, NDW_SEEK_END = 2 };

/** Capability flags of a stream. */
enum { NDW_STREAM_READ = 1u, NDW_STREAM_WRITE = 2u, NDW_STREAM_SEEK = 4u };

/** The function table of a stream implementation.  Every entry may be NULL
 *  when the stream does not support the operation (tell falls back to
 *  seek(0, NDW_SEEK_CUR), flush and close to doing nothing).  The stream
 *  layer checks the closed state, the capability flags and the arguments
 *  before calling an entry, so implementations see only valid calls:
 *  `n` > 0, `whence` one of the three values. */
typedef struct ndw_stream_ops {
  /** Read up to `n` bytes into `dst`; `*got` = bytes read, 0 at the end. */
  ndw_status (*read)(void *ctx, void *dst, size_t n, size_t *got);
  /** Write up to `n` bytes of `src`; `*put` = bytes written (> 0 on OK). */
  ndw_status (*write)(void *ctx, const void *src, size_t n, size_t *put);
  /** Move to `offset` relative to `whence`; `*pos` = the new position. */
  ndw_status (*seek)(void *ctx, int64_t offset, int whence, int64_t *pos);
  ndw_status (*tell)(void *ctx, int64_t *pos);
  ndw_status (*flush)(void *ctx);
  /** Release what the stream holds (file descriptor, ...); called once. */
  ndw_status (*close)(void *ctx);
  /** Free `ctx` itself; called once, by ndw_stream_free (after close). */
  void (*destroy)(void *ctx);
} ndw_stream_ops;

/** A stream over `ops` and `ctx` with capabilities `flags`.  `ops` must
 *  outlive the stream.  On failure `ops->destroy(ctx)` has been called. */
NDW_API ndw_status ndw_stream_new(const ndw_stream_ops *ops, void *ctx, unsigned flags,
                                  ndw_stream **out);
/** Close (errors of close are dropped; call ndw_stream_close first to see
 *  them), destroy the context and free the stream.  NULL is accepted. */
NDW_API void ndw_stream_free(ndw_stream *s);

NDW_API ndw_status ndw_stream_read(ndw_stream *s, void *dst, size_t n, size_t *got);
/** Read until `n` bytes or the end of the stream; `*got` < n only at the end. */
NDW_API ndw_status ndw_stream_read_full(ndw_stream *s, void *dst, size_t n, size_t *got);
NDW_API ndw_status ndw_stream_write(ndw_stream *s, const void *src, size_t n, size_t *put);
/** Write all `n` bytes (NDW_E_IO when the stream stops taking them). */
NDW_API ndw_status ndw_stream_write_all(ndw_stream *s, const void *src, size_t n);
NDW_API ndw_status ndw_stream_seek(ndw_stream *s, int64_t offset, int whence, int64_t *pos);
NDW_API ndw_status ndw_stream_tell(ndw_stream *s, int64_t *pos);
NDW_API ndw_status ndw_stream_flush(ndw_stream *s);
/** Flush (when writable) and close; later calls do nothing and return OK. */
NDW_API ndw_status ndw_stream_close(ndw_stream *s);
NDW_API int ndw_stream_closed(const ndw_stream *s);
NDW_API unsigned ndw_stream_flags(const ndw_stream *s);
/** Bytes from the current position to the end, for seekable streams whose
 *  end can be found (the position is restored).  NDW_E_STATE when unknown. */
NDW_API ndw_status ndw_stream_remaining(ndw_stream *s, uint64_t *n);
/** Take the stream for exclusive use by one caller (the Python glue takes
 *  it around every call it makes with the GIL released, so another thread
 *  cannot close or move the stream under it); NDW_E_BUSY when taken. */
NDW_API ndw_status ndw_stream_lock(ndw_stream *s);
NDW_API void ndw_stream_unlock(ndw_stream *s);
/** The implementation's context (for code that made the stream). */
NDW_API void *ndw_stream_context(const ndw_stream *s);
NDW_API const ndw_stream_ops *ndw_stream_get_ops(const ndw_stream *s);

/** Interrupted system calls (EINTR) of file streams are retried, as
 *  Python's PEP 475 does, after asking `hook` (when set) whether to stop:
 *  a non-zero answer fails the call with NDW_E_IO and errno EINTR.  The
 *  Python glue installs a hook that runs Python's signal handlers, so that
 *  Ctrl-C (KeyboardInterrupt) stops a read blocked on a pipe.  Process-wide;
 *  NULL (the default) retries silently. */
typedef int (*ndw_interrupt_hook)(void);
NDW_API void ndw_stream_set_interrupt_hook(ndw_interrupt_hook hook);

/* ---- memory streams ------------------------------------------------------ */

/** A readable, writable, seekable stream over a growable buffer holding a
 *  copy of `initial` (`n` bytes; NULL for empty), positioned at 0. */
NDW_API ndw_status ndw_memory_stream_new(const void *initial, size_t n, ndw_stream **out);
/** The current contents (valid until the next write or close). */
NDW_API ndw_status ndw_memory_stream_data(ndw_stream *s, const void **data, size_t *size);

/* ---- file streams -------------------------------------------------------- */

/** Open `path` with a Python-style binary `mode`: one of "r", "w", "x", "a",
 *  optionally "+", optionally "b" ("rb", "w+b", "ab", "xb", ...).  "w"
 *  truncates, "x" fails when the file exists, "a" writes at the end.
 *  NDW_E_IO (errno kept) when the operating system refuses, NDW_E_INVALID
 *  for a bad mode. */
NDW_API ndw_status ndw_file_stream_open(const char *path, const char *mode, ndw_stream **out);
/** A stream over an open file descriptor (mode as above, "+" for both
 *  directions); `closefd` != 0 closes `fd` with the stream. */
NDW_API ndw_status ndw_file_stream_from_fd(int fd, const char *mode, int closefd,
                                           ndw_stream **out);
/** The file descriptor of a file stream; -1 for other or closed streams. */
NDW_API int ndw_file_stream_fd(const ndw_stream *s);

/* ---- a buffered reader for parsers ---------------------------------------- */

#define NDW_STREAM_READER_BUFFER 4096

/** Reads lines (headers) and then bytes (data) from a stream through one
 *  small buffer, so that a stream whose calls are expensive (a Python file
 *  object) is called once per 4 KiB, and data right after a header is not
 *  lost.  `consumed` counts the bytes handed out so far. */
typedef struct ndw_stream_reader {
  ndw_stream *stream;
  size_t pos, len;
  uint64_t consumed;
  int eof;
  unsigned char buf[NDW_STREAM_READER_BUFFER];
} ndw_stream_reader;

NDW_API void ndw_stream_reader_init(ndw_stream_reader *r, ndw_stream *s);
/** Next line without its "\n" or "\r\n", NUL-terminated in `line` (`cap`
 *  bytes).  `*len` = its length; `*at_end` != 0 when the stream ended before
 *  any byte of a line.  NDW_E_FORMAT for a line longer than cap - 1 or a
 *  NUL byte in it. */
NDW_API ndw_status ndw_stream_reader_line(ndw_stream_reader *r, char *line, size_t cap,
                                          size_t *len, int *at_end);
/** Up to `n` bytes: the buffered ones first, then straight from the stream
 *  (read_full semantics: `*got` < n only at the end). */
NDW_API ndw_status ndw_stream_reader_read(ndw_stream_reader *r, void *dst, size_t n,
                                          size_t *got);
/** Give back the read-ahead: seek the stream back by the bytes still
 *  buffered (when seekable), so that it stands right after what was used. */
NDW_API ndw_status ndw_stream_reader_finish(ndw_stream_reader *r);

#ifdef __cplusplus
}
#endif
#endif
