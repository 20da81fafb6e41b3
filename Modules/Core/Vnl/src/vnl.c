/* ndwrap Vnl: the generic vector/matrix; typed facades forward here. */
#include "ndw/vnl.h"

#include <stdlib.h>
#include <string.h>

struct ndw_vnl {
  ndw_pixel_type type;
  size_t itemsize;
  int matrix;
  uint64_t rows, cols;
  char *data;
  void *owned;
  int readonly;
  long exports;
  ndw_vnl_release_fn release;
  void *release_context;
};

ndw_status ndw_vnl_new(ndw_pixel_type type, int matrix, ndw_vnl **out) {
  ndw_vnl *v;
  if (out == NULL) return ndw_set_error(NDW_E_INVALID, "ndw_vnl_new: out is NULL");
  *out = NULL;
  if (ndw_pixel_type_info(type) == NULL)
    return ndw_set_error(NDW_E_TYPE, "ndw_vnl_new: unknown element type %d", (int)type);
  v = calloc(1, sizeof *v);
  if (v == NULL) return ndw_set_error(NDW_E_NOMEM, "ndw_vnl_new: out of memory");
  v->type = type;
  v->itemsize = ndw_pixel_type_size(type);
  v->matrix = matrix != 0;
  v->cols = matrix ? 0 : 1;
  *out = v;
  return NDW_OK;
}

static ndw_status ndw_vnl_check_not_exported(const ndw_vnl *v, const char *what) {
  if (v->exports > 0)
    return ndw_set_error(NDW_E_BUSY,
                         "%s: the data is exported (%ld live view(s)); release the views "
                         "(e.g. delete the NumPy arrays) first",
                         what, v->exports);
  return NDW_OK;
}

static void ndw_vnl_drop(ndw_vnl *v) {
  free(v->owned);
  if (v->release) v->release(v->release_context);
  v->owned = NULL;
  v->data = NULL;
  v->release = NULL;
  v->release_context = NULL;
  v->readonly = 0;
}

ndw_status ndw_vnl_free(ndw_vnl *v) {
  if (v == NULL) return NDW_OK;
  if (ndw_vnl_check_not_exported(v, "free") != NDW_OK) return NDW_E_BUSY;
  ndw_vnl_drop(v);
  free(v);
  return NDW_OK;
}

ndw_pixel_type ndw_vnl_pixel_type(const ndw_vnl *v) { return v->type; }
int ndw_vnl_is_matrix(const ndw_vnl *v) { return v->matrix; }
int ndw_vnl_is_readonly(const ndw_vnl *v) { return v->readonly; }
uint64_t ndw_vnl_rows(const ndw_vnl *v) { return v->rows; }
uint64_t ndw_vnl_cols(const ndw_vnl *v) { return v->cols; }
uint64_t ndw_vnl_size(const ndw_vnl *v) { return v->rows * v->cols; }
void *ndw_vnl_data(const ndw_vnl *v) { return v->data; }
long ndw_vnl_exports(const ndw_vnl *v) { return v->exports; }

static ndw_status ndw_vnl_check_shape(const ndw_vnl *v, uint64_t rows, uint64_t cols,
                                      uint64_t *bytes) {
  uint64_t dims[2] = {rows, cols};
  if (!v->matrix && cols != 1)
    return ndw_set_error(NDW_E_INVALID, "a vnl_vector has one column, not %llu",
                         (unsigned long long)cols);
  return ndw_checked_count(dims, 2, v->itemsize, bytes);
}

ndw_status ndw_vnl_set_size(ndw_vnl *v, uint64_t rows, uint64_t cols) {
  uint64_t bytes;
  ndw_status st;
  void *mem;
  if ((st = ndw_vnl_check_not_exported(v, "set_size")) != NDW_OK) return st;
  if ((st = ndw_vnl_check_shape(v, rows, cols, &bytes)) != NDW_OK) return st;
  mem = bytes ? calloc(1, (size_t)bytes) : NULL;
  if (bytes && mem == NULL)
    return ndw_set_error(NDW_E_NOMEM, "set_size: cannot allocate %llu bytes",
                         (unsigned long long)bytes);
  ndw_vnl_drop(v);
  v->owned = mem;
  v->data = mem;
  v->rows = rows;
  v->cols = cols;
  return NDW_OK;
}

ndw_status ndw_vnl_wrap(ndw_vnl *v, void *data, uint64_t rows, uint64_t cols, int readonly,
                        ndw_vnl_release_fn release, void *context) {
  uint64_t bytes;
  ndw_status st;
  if ((st = ndw_vnl_check_not_exported(v, "wrap")) != NDW_OK ||
      (st = ndw_vnl_check_shape(v, rows, cols, &bytes)) != NDW_OK) {
    if (release) release(context);
    return st;
  }
  if (data == NULL && bytes != 0) {
    if (release) release(context);
    return ndw_set_error(NDW_E_INVALID, "wrap: NULL data for %llu x %llu elements",
                         (unsigned long long)rows, (unsigned long long)cols);
  }
  ndw_vnl_drop(v);
  v->data = data;
  v->rows = rows;
  v->cols = cols;
  v->readonly = readonly != 0;
  v->release = release;
  v->release_context = context;
  return NDW_OK;
}

ndw_status ndw_vnl_export_acquire(ndw_vnl *v) {
  v->exports++;
  return NDW_OK;
}

void ndw_vnl_export_release(ndw_vnl *v) {
  if (v->exports > 0) v->exports--;
}

static ndw_status ndw_vnl_at(const ndw_vnl *v, uint64_t r, uint64_t c, char **p) {
  if (r >= v->rows || c >= v->cols) {
    if (v->matrix)
      return ndw_set_error(NDW_E_RANGE, "element (%llu, %llu) is outside the %llux%llu matrix",
                           (unsigned long long)r, (unsigned long long)c,
                           (unsigned long long)v->rows, (unsigned long long)v->cols);
    return ndw_set_error(NDW_E_RANGE, "element %llu is outside the vector of size %llu",
                         (unsigned long long)r, (unsigned long long)v->rows);
  }
  *p = v->data + (size_t)(r * v->cols + c) * v->itemsize;
  return NDW_OK;
}

ndw_status ndw_vnl_get(const ndw_vnl *v, uint64_t r, uint64_t c, void *out) {
  char *p = NULL;
  ndw_status st = ndw_vnl_at(v, r, c, &p);
  if (st == NDW_OK) memcpy(out, p, v->itemsize);
  return st;
}

ndw_status ndw_vnl_put(ndw_vnl *v, uint64_t r, uint64_t c, const void *value) {
  char *p = NULL;
  ndw_status st;
  if (v->readonly) return ndw_set_error(NDW_E_READONLY, "put: the data is read-only");
  if ((st = ndw_vnl_at(v, r, c, &p)) == NDW_OK) memcpy(p, value, v->itemsize);
  return st;
}

ndw_status ndw_vnl_fill(ndw_vnl *v, const void *value) {
  uint64_t n = v->rows * v->cols;
  if (v->readonly) return ndw_set_error(NDW_E_READONLY, "fill: the data is read-only");
  for (uint64_t i = 0; i < n; ++i) memcpy(v->data + i * v->itemsize, value, v->itemsize);
  return NDW_OK;
}
