/* ndwrap IOStream: the stream table, memory streams, file streams and the
 * buffered reader (see ndw/stream.h for the contract). */
#if !defined(_WIN32)
#define _FILE_OFFSET_BITS 64
#define _POSIX_C_SOURCE 200809L
#endif
#include "ndw/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

struct ndw_stream {
  const ndw_stream_ops *ops;
  void *ctx;
  unsigned flags;
  int closed;
  int locked;
};

/* ---- the table ------------------------------------------------------------ */

ndw_status ndw_stream_new(const ndw_stream_ops *ops, void *ctx, unsigned flags,
                          ndw_stream **out) {
  ndw_stream *s;
  if (ops == NULL || out == NULL) {
    if (ops != NULL && ops->destroy != NULL) ops->destroy(ctx);
    return ndw_set_error(NDW_E_INVALID, "ndw_stream_new: NULL argument");
  }
  *out = NULL;
  if (((flags & NDW_STREAM_READ) && ops->read == NULL) ||
      ((flags & NDW_STREAM_WRITE) && ops->write == NULL) ||
      ((flags & NDW_STREAM_SEEK) && ops->seek == NULL)) {
    if (ops->destroy != NULL) ops->destroy(ctx);
    return ndw_set_error(NDW_E_INVALID, "ndw_stream_new: a flag names an operation the table lacks");
  }
  s = (ndw_stream *)calloc(1, sizeof *s);
  if (s == NULL) {
    if (ops->destroy != NULL) ops->destroy(ctx);
    return ndw_set_error(NDW_E_NOMEM, "out of memory for a stream");
  }
  s->ops = ops;
  s->ctx = ctx;
  s->flags = flags;
  *out = s;
  return NDW_OK;
}

void ndw_stream_free(ndw_stream *s) {
  if (s == NULL) return;
  if (!s->closed) {
    /* keep the caller's error text: a close failure here has no one to see it */
    char saved[512];
    ndw_status saved_status = ndw_last_status();
    int saved_errno = ndw_last_os_error();
    strncpy(saved, ndw_last_error(), sizeof saved - 1);
    saved[sizeof saved - 1] = '\0';
    (void)ndw_stream_close(s);
    if (saved_status == NDW_E_IO)
      ndw_set_os_error(saved_errno, "%s", saved);
    else if (saved_status != NDW_OK)
      ndw_set_error(saved_status, "%s", saved);
  }
  if (s->ops->destroy != NULL) s->ops->destroy(s->ctx);
  free(s);
}

static ndw_status ndw_stream_check(const ndw_stream *s, unsigned need, const char *what) {
  if (s == NULL) return ndw_set_error(NDW_E_INVALID, "%s: NULL stream", what);
  if (s->closed) return ndw_set_error(NDW_E_STATE, "I/O operation on a closed stream");
  if ((s->flags & need) != need)
    return ndw_set_error(NDW_E_STATE, "%s: the stream is not %s", what,
                         need == NDW_STREAM_READ    ? "readable"
                         : need == NDW_STREAM_WRITE ? "writable"
                                                    : "seekable");
  return NDW_OK;
}

ndw_status ndw_stream_read(ndw_stream *s, void *dst, size_t n, size_t *got) {
  ndw_status st;
  size_t k = 0;
  if (got == NULL || (dst == NULL && n > 0))
    return ndw_set_error(NDW_E_INVALID, "read: NULL argument");
  *got = 0;
  if ((st = ndw_stream_check(s, NDW_STREAM_READ, "read")) != NDW_OK) return st;
  if (n == 0) return NDW_OK;
  st = s->ops->read(s->ctx, dst, n, &k);
  if (st != NDW_OK) return st;
  if (k > n) return ndw_set_error(NDW_E_IO, "read: the stream returned %zu bytes for %zu", k, n);
  *got = k;
  return NDW_OK;
}

ndw_status ndw_stream_read_full(ndw_stream *s, void *dst, size_t n, size_t *got) {
  size_t total = 0;
  if (got == NULL) return ndw_set_error(NDW_E_INVALID, "read: NULL argument");
  *got = 0;
  do {
    size_t k = 0;
    ndw_status st = ndw_stream_read(s, (char *)dst + total, n - total, &k);
    if (st != NDW_OK) {
      *got = total;
      return st;
    }
    if (k == 0) break;
    total += k;
  } while (total < n);
  *got = total;
  return NDW_OK;
}

ndw_status ndw_stream_write(ndw_stream *s, const void *src, size_t n, size_t *put) {
  ndw_status st;
  size_t k = 0;
  if (put == NULL || (src == NULL && n > 0))
    return ndw_set_error(NDW_E_INVALID, "write: NULL argument");
  *put = 0;
  if ((st = ndw_stream_check(s, NDW_STREAM_WRITE, "write")) != NDW_OK) return st;
  if (n == 0) return NDW_OK;
  st = s->ops->write(s->ctx, src, n, &k);
  if (st != NDW_OK) return st;
  if (k > n) return ndw_set_error(NDW_E_IO, "write: the stream took %zu bytes of %zu", k, n);
  *put = k;
  return NDW_OK;
}

ndw_status ndw_stream_write_all(ndw_stream *s, const void *src, size_t n) {
  size_t total = 0;
  while (total < n) {
    size_t k = 0;
    ndw_status st = ndw_stream_write(s, (const char *)src + total, n - total, &k);
    if (st != NDW_OK) return st;
    if (k == 0)
      return ndw_set_error(NDW_E_IO, "write: the stream stopped taking bytes after %zu of %zu",
                           total, n);
    total += k;
  }
  if (n == 0) return ndw_stream_check(s, NDW_STREAM_WRITE, "write");
  return NDW_OK;
}

ndw_status ndw_stream_seek(ndw_stream *s, int64_t offset, int whence, int64_t *pos) {
  ndw_status st;
  int64_t p = 0;
  if ((st = ndw_stream_check(s, NDW_STREAM_SEEK, "seek")) != NDW_OK) return st;
  if (whence != NDW_SEEK_SET && whence != NDW_SEEK_CUR && whence != NDW_SEEK_END)
    return ndw_set_error(NDW_E_INVALID, "seek: invalid whence (%d, should be 0, 1 or 2)", whence);
  if (whence == NDW_SEEK_SET && offset < 0)
    return ndw_set_error(NDW_E_INVALID, "seek: negative position %lld", (long long)offset);
  st = s->ops->seek(s->ctx, offset, whence, &p);
  if (st != NDW_OK) return st;
  if (pos != NULL) *pos = p;
  return NDW_OK;
}

ndw_status ndw_stream_tell(ndw_stream *s, int64_t *pos) {
  ndw_status st;
  if (pos == NULL) return ndw_set_error(NDW_E_INVALID, "tell: NULL argument");
  if (s == NULL) return ndw_set_error(NDW_E_INVALID, "tell: NULL stream");
  if (s->closed) return ndw_set_error(NDW_E_STATE, "I/O operation on a closed stream");
  if (s->ops->tell != NULL) return s->ops->tell(s->ctx, pos);
  if ((st = ndw_stream_check(s, NDW_STREAM_SEEK, "tell")) != NDW_OK) return st;
  return s->ops->seek(s->ctx, 0, NDW_SEEK_CUR, pos);
}

ndw_status ndw_stream_flush(ndw_stream *s) {
  if (s == NULL) return ndw_set_error(NDW_E_INVALID, "flush: NULL stream");
  if (s->closed) return ndw_set_error(NDW_E_STATE, "I/O operation on a closed stream");
  return s->ops->flush != NULL ? s->ops->flush(s->ctx) : NDW_OK;
}

ndw_status ndw_stream_close(ndw_stream *s) {
  ndw_status st = NDW_OK, st2 = NDW_OK;
  if (s == NULL) return ndw_set_error(NDW_E_INVALID, "close: NULL stream");
  if (s->closed) return NDW_OK;
  /* as io.IOBase.close: flush first, close even when the flush fails */
  if ((s->flags & NDW_STREAM_WRITE) && s->ops->flush != NULL) st = s->ops->flush(s->ctx);
  s->closed = 1;
  if (s->ops->close != NULL) st2 = s->ops->close(s->ctx);
  return st != NDW_OK ? st : st2;
}

int ndw_stream_closed(const ndw_stream *s) { return s == NULL || s->closed; }

unsigned ndw_stream_flags(const ndw_stream *s) { return s ? s->flags : 0u; }

ndw_status ndw_stream_lock(ndw_stream *s) {
  if (s == NULL) return ndw_set_error(NDW_E_INVALID, "lock: NULL stream");
  if (s->locked) return ndw_set_error(NDW_E_BUSY, "the stream is in use by another call or thread");
  s->locked = 1;
  return NDW_OK;
}

void ndw_stream_unlock(ndw_stream *s) {
  if (s != NULL) s->locked = 0;
}

void *ndw_stream_context(const ndw_stream *s) { return s ? s->ctx : NULL; }

const ndw_stream_ops *ndw_stream_get_ops(const ndw_stream *s) { return s ? s->ops : NULL; }

ndw_status ndw_stream_remaining(ndw_stream *s, uint64_t *n) {
  int64_t here = 0, end = 0;
  ndw_status st;
  if (n == NULL) return ndw_set_error(NDW_E_INVALID, "remaining: NULL argument");
  if ((st = ndw_stream_check(s, NDW_STREAM_SEEK, "remaining")) != NDW_OK) return st;
  if (ndw_stream_tell(s, &here) != NDW_OK || ndw_stream_seek(s, 0, NDW_SEEK_END, &end) != NDW_OK)
    return ndw_set_error(NDW_E_STATE, "the size of the stream is unknown");
  if ((st = ndw_stream_seek(s, here, NDW_SEEK_SET, NULL)) != NDW_OK) return st;
  *n = end > here ? (uint64_t)(end - here) : 0u;
  return NDW_OK;
}

/* ---- memory streams --------------------------------------------------------- */

typedef struct ndw_memory {
  unsigned char *data;
  size_t size, cap, pos;
} ndw_memory;

/* Room for `need` bytes; grows by half again, bounded by PTRDIFF_MAX. */
static ndw_status ndw_memory_reserve(ndw_memory *m, size_t need) {
  size_t cap;
  unsigned char *p;
  if (need <= m->cap) return NDW_OK;
  if (need > (size_t)PTRDIFF_MAX)
    return ndw_set_error(NDW_E_NOMEM, "memory stream: %zu bytes is too large", need);
  cap = m->cap < 64 ? 64 : m->cap;
  while (cap < need) cap = cap > (size_t)PTRDIFF_MAX / 3 * 2 ? (size_t)PTRDIFF_MAX : cap + cap / 2;
  p = (unsigned char *)realloc(m->data, cap);
  if (p == NULL)
    return ndw_set_error(NDW_E_NOMEM, "memory stream: out of memory for %zu bytes", cap);
  m->data = p;
  m->cap = cap;
  return NDW_OK;
}

static ndw_status ndw_memory_read(void *ctx, void *dst, size_t n, size_t *got) {
  ndw_memory *m = (ndw_memory *)ctx;
  size_t k = m->pos < m->size ? m->size - m->pos : 0;
  if (k > n) k = n;
  if (k) memcpy(dst, m->data + m->pos, k);
  m->pos += k;
  *got = k;
  return NDW_OK;
}

static ndw_status ndw_memory_write(void *ctx, const void *src, size_t n, size_t *put) {
  ndw_memory *m = (ndw_memory *)ctx;
  ndw_status st;
  if (n > (size_t)PTRDIFF_MAX - m->pos)
    return ndw_set_error(NDW_E_NOMEM, "memory stream: the write would exceed the largest size");
  if ((st = ndw_memory_reserve(m, m->pos + n)) != NDW_OK) return st;
  if (m->pos > m->size) memset(m->data + m->size, 0, m->pos - m->size); /* the gap reads as zeros */
  memcpy(m->data + m->pos, src, n);
  m->pos += n;
  if (m->pos > m->size) m->size = m->pos;
  *put = n;
  return NDW_OK;
}

static ndw_status ndw_memory_seek(void *ctx, int64_t offset, int whence, int64_t *pos) {
  ndw_memory *m = (ndw_memory *)ctx;
  int64_t base = whence == NDW_SEEK_SET ? 0 : whence == NDW_SEEK_CUR ? (int64_t)m->pos : (int64_t)m->size;
  if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
    return ndw_set_error(NDW_E_INVALID, "seek: position out of range (%lld %+lld)", (long long)base,
                         (long long)offset);
  if ((uint64_t)(base + offset) > (uint64_t)PTRDIFF_MAX)
    return ndw_set_error(NDW_E_INVALID, "seek: position %lld is too large", (long long)(base + offset));
  m->pos = (size_t)(base + offset);
  *pos = (int64_t)m->pos;
  return NDW_OK;
}

static ndw_status ndw_memory_tell(void *ctx, int64_t *pos) {
  *pos = (int64_t)((ndw_memory *)ctx)->pos;
  return NDW_OK;
}

static ndw_status ndw_memory_close(void *ctx) {
  ndw_memory *m = (ndw_memory *)ctx;
  free(m->data);
  m->data = NULL;
  m->size = m->cap = m->pos = 0;
  return NDW_OK;
}

static void ndw_memory_destroy(void *ctx) {
  ndw_memory *m = (ndw_memory *)ctx;
  if (m) free(m->data);
  free(m);
}

static const ndw_stream_ops ndw_memory_ops = {
    ndw_memory_read, ndw_memory_write, ndw_memory_seek, ndw_memory_tell,
    NULL,            ndw_memory_close, ndw_memory_destroy};

ndw_status ndw_memory_stream_new(const void *initial, size_t n, ndw_stream **out) {
  ndw_memory *m;
  ndw_status st;
  if (out == NULL || (initial == NULL && n > 0))
    return ndw_set_error(NDW_E_INVALID, "ndw_memory_stream_new: NULL argument");
  *out = NULL;
  m = (ndw_memory *)calloc(1, sizeof *m);
  if (m == NULL) return ndw_set_error(NDW_E_NOMEM, "out of memory for a memory stream");
  if (n > 0) {
    if ((st = ndw_memory_reserve(m, n)) != NDW_OK) {
      ndw_memory_destroy(m);
      return st;
    }
    memcpy(m->data, initial, n);
    m->size = n;
  }
  return ndw_stream_new(&ndw_memory_ops, m, NDW_STREAM_READ | NDW_STREAM_WRITE | NDW_STREAM_SEEK,
                        out);
}

ndw_status ndw_memory_stream_data(ndw_stream *s, const void **data, size_t *size) {
  ndw_memory *m;
  if (s == NULL || data == NULL || size == NULL)
    return ndw_set_error(NDW_E_INVALID, "ndw_memory_stream_data: NULL argument");
  if (s->ops != &ndw_memory_ops) return ndw_set_error(NDW_E_TYPE, "not a memory stream");
  if (s->closed) return ndw_set_error(NDW_E_STATE, "I/O operation on a closed stream");
  m = (ndw_memory *)s->ctx;
  *data = m->data;
  *size = m->size;
  return NDW_OK;
}

/* ---- file streams ------------------------------------------------------------ */

typedef struct ndw_file {
  int fd;
  int closefd;
} ndw_file;

static ndw_interrupt_hook ndw_stream_interrupt_hook = NULL;

void ndw_stream_set_interrupt_hook(ndw_interrupt_hook hook) { ndw_stream_interrupt_hook = hook; }

/* After EINTR: 1 to retry, 0 when the hook says stop. */
static int ndw_file_retry(void) {
  int saved = errno, retry = ndw_stream_interrupt_hook == NULL || ndw_stream_interrupt_hook() == 0;
  errno = saved;
  return retry;
}

/* One read(2)/write(2) moves at most this much (Linux's own limit). */
#define NDW_FILE_CHUNK ((size_t)0x7ffff000)

static ndw_status ndw_file_read(void *ctx, void *dst, size_t n, size_t *got) {
  ndw_file *f = (ndw_file *)ctx;
  ssize_t k;
  if (n > NDW_FILE_CHUNK) n = NDW_FILE_CHUNK;
  do {
    k = read(f->fd, dst, n);
  } while (k < 0 && errno == EINTR && ndw_file_retry());
  if (k < 0) return ndw_set_os_error(errno, "read failed: %s", strerror(errno));
  *got = (size_t)k;
  return NDW_OK;
}

static ndw_status ndw_file_write(void *ctx, const void *src, size_t n, size_t *put) {
  ndw_file *f = (ndw_file *)ctx;
  ssize_t k;
  if (n > NDW_FILE_CHUNK) n = NDW_FILE_CHUNK;
  do {
    k = write(f->fd, src, n);
  } while (k < 0 && errno == EINTR && ndw_file_retry());
  if (k < 0) return ndw_set_os_error(errno, "write failed: %s", strerror(errno));
  *put = (size_t)k;
  return NDW_OK;
}

static ndw_status ndw_file_seek(void *ctx, int64_t offset, int whence, int64_t *pos) {
  ndw_file *f = (ndw_file *)ctx;
  int w = whence == NDW_SEEK_SET ? SEEK_SET : whence == NDW_SEEK_CUR ? SEEK_CUR : SEEK_END;
  off_t r;
  if ((int64_t)(off_t)offset != offset)
    return ndw_set_error(NDW_E_INVALID, "seek: offset %lld is out of range", (long long)offset);
  r = lseek(f->fd, (off_t)offset, w);
  if (r < 0) {
    if (errno == EINVAL)
      return ndw_set_error(NDW_E_INVALID, "seek: position out of range (%lld, whence %d)",
                           (long long)offset, whence);
    return ndw_set_os_error(errno, "seek failed: %s", strerror(errno));
  }
  *pos = (int64_t)r;
  return NDW_OK;
}

static ndw_status ndw_file_flush(void *ctx) {
  (void)ctx; /* unbuffered: write(2) already handed the bytes to the system */
  return NDW_OK;
}

static ndw_status ndw_file_close(void *ctx) {
  ndw_file *f = (ndw_file *)ctx;
  int fd = f->fd;
  f->fd = -1;
  /* close(2) is not retried on EINTR: on Linux the descriptor is gone anyway */
  if (f->closefd && fd >= 0 && close(fd) < 0 && errno != EINTR)
    return ndw_set_os_error(errno, "close failed: %s", strerror(errno));
  return NDW_OK;
}

static void ndw_file_destroy(void *ctx) { free(ctx); }

static const ndw_stream_ops ndw_file_ops = {ndw_file_read,  ndw_file_write, ndw_file_seek, NULL,
                                            ndw_file_flush, ndw_file_close, ndw_file_destroy};

/* Parse a binary mode: one of r/w/x/a, optional '+', optional 'b'. */
static ndw_status ndw_file_mode(const char *mode, int *oflags, unsigned *sflags) {
  int rwxa = 0, plus = 0, b = 0;
  const char *p;
  if (mode == NULL) return ndw_set_error(NDW_E_INVALID, "file mode: NULL");
  for (p = mode; *p; ++p) {
    switch (*p) {
    case 'r': case 'w': case 'x': case 'a':
      if (rwxa) goto bad;
      rwxa = *p;
      break;
    case '+':
      if (plus) goto bad;
      plus = 1;
      break;
    case 'b':
      if (b) goto bad;
      b = 1;
      break;
    default: goto bad;
    }
  }
  if (!rwxa) goto bad;
  switch (rwxa) {
  case 'r': *oflags = plus ? O_RDWR : O_RDONLY; break;
  case 'w': *oflags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC; break;
  case 'x': *oflags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_EXCL; break;
  default: *oflags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND; break;
  }
  *sflags = (rwxa == 'r' || plus ? NDW_STREAM_READ : 0u) | (rwxa != 'r' || plus ? NDW_STREAM_WRITE : 0u);
  return NDW_OK;
bad:
  return ndw_set_error(NDW_E_INVALID,
                       "invalid file mode '%.20s' (one of r, w, x, a, then optional + and b)", mode);
}

static ndw_status ndw_file_wrap(int fd, unsigned sflags, int closefd, ndw_stream **out) {
  ndw_file *f;
  struct stat sb;
  if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
    if (closefd) close(fd);
    return ndw_set_os_error(EISDIR, "is a directory");
  }
  if (lseek(fd, 0, SEEK_CUR) >= 0) sflags |= NDW_STREAM_SEEK;
  f = (ndw_file *)malloc(sizeof *f);
  if (f == NULL) {
    if (closefd) close(fd);
    return ndw_set_error(NDW_E_NOMEM, "out of memory for a file stream");
  }
  f->fd = fd;
  f->closefd = closefd;
  return ndw_stream_new(&ndw_file_ops, f, sflags, out);
}

ndw_status ndw_file_stream_open(const char *path, const char *mode, ndw_stream **out) {
  int oflags = 0, fd;
  unsigned sflags = 0;
  ndw_status st;
  if (path == NULL || out == NULL)
    return ndw_set_error(NDW_E_INVALID, "ndw_file_stream_open: NULL argument");
  *out = NULL;
  if ((st = ndw_file_mode(mode, &oflags, &sflags)) != NDW_OK) return st;
  do {
    fd = open(path, oflags | O_CLOEXEC, 0666);
  } while (fd < 0 && errno == EINTR && ndw_file_retry());
  if (fd < 0) return ndw_set_os_error(errno, "%s: '%.400s'", strerror(errno), path);
  st = ndw_file_wrap(fd, sflags, 1, out);
  if (st == NDW_E_IO && ndw_last_os_error() == EISDIR)
    return ndw_set_os_error(EISDIR, "is a directory: '%.400s'", path);
  return st;
}

ndw_status ndw_file_stream_from_fd(int fd, const char *mode, int closefd, ndw_stream **out) {
  int oflags = 0;
  unsigned sflags = 0;
  ndw_status st;
  if (out == NULL) return ndw_set_error(NDW_E_INVALID, "ndw_file_stream_from_fd: NULL argument");
  *out = NULL;
  if (fd < 0) return ndw_set_error(NDW_E_INVALID, "negative file descriptor %d", fd);
  if ((st = ndw_file_mode(mode, &oflags, &sflags)) != NDW_OK) return st;
  return ndw_file_wrap(fd, sflags, closefd, out);
}

int ndw_file_stream_fd(const ndw_stream *s) {
  if (s == NULL || s->ops != &ndw_file_ops || s->closed) return -1;
  return ((const ndw_file *)s->ctx)->fd;
}

/* ---- buffered reader -------------------------------------------------------- */

void ndw_stream_reader_init(ndw_stream_reader *r, ndw_stream *s) {
  r->stream = s;
  r->pos = r->len = 0;
  r->consumed = 0;
  r->eof = 0;
}

static ndw_status ndw_reader_fill(ndw_stream_reader *r) {
  size_t got = 0;
  ndw_status st;
  r->pos = r->len = 0;
  if (r->eof) return NDW_OK;
  st = ndw_stream_read(r->stream, r->buf, sizeof r->buf, &got);
  if (st != NDW_OK) return st;
  if (got == 0) r->eof = 1;
  r->len = got;
  return NDW_OK;
}

ndw_status ndw_stream_reader_line(ndw_stream_reader *r, char *line, size_t cap, size_t *len,
                                  int *at_end) {
  size_t n = 0;
  int any = 0;
  if (r == NULL || line == NULL || cap == 0 || len == NULL || at_end == NULL)
    return ndw_set_error(NDW_E_INVALID, "reader_line: bad argument");
  *len = 0;
  *at_end = 0;
  line[0] = '\0';
  for (;;) {
    unsigned char c;
    if (r->pos == r->len) {
      ndw_status st = ndw_reader_fill(r);
      if (st != NDW_OK) return st;
      if (r->len == 0) {
        *at_end = !any;
        break;
      }
    }
    c = r->buf[r->pos++];
    r->consumed++;
    any = 1;
    if (c == '\n') break;
    if (c == '\0') return ndw_set_error(NDW_E_FORMAT, "a NUL byte in a header line");
    if (n + 1 >= cap)
      return ndw_set_error(NDW_E_FORMAT, "a header line is longer than %zu bytes", cap - 1);
    line[n++] = (char)c;
  }
  if (n > 0 && line[n - 1] == '\r') --n;
  line[n] = '\0';
  *len = n;
  return NDW_OK;
}

ndw_status ndw_stream_reader_read(ndw_stream_reader *r, void *dst, size_t n, size_t *got) {
  size_t have, k = 0;
  ndw_status st = NDW_OK;
  if (r == NULL || got == NULL || (dst == NULL && n > 0))
    return ndw_set_error(NDW_E_INVALID, "reader_read: bad argument");
  have = r->len - r->pos;
  if (have > n) have = n;
  if (have) memcpy(dst, r->buf + r->pos, have);
  r->pos += have;
  if (have < n && !r->eof) {
    st = ndw_stream_read_full(r->stream, (char *)dst + have, n - have, &k);
    if (st == NDW_OK && k < n - have) r->eof = 1;
  }
  *got = have + k;
  r->consumed += have + k;
  return st;
}

ndw_status ndw_stream_reader_finish(ndw_stream_reader *r) {
  size_t left = r->len - r->pos;
  if (left == 0 || !(ndw_stream_flags(r->stream) & NDW_STREAM_SEEK) || ndw_stream_closed(r->stream))
    return NDW_OK;
  r->pos = r->len = 0;
  return ndw_stream_seek(r->stream, -(int64_t)left, NDW_SEEK_CUR, NULL);
}
