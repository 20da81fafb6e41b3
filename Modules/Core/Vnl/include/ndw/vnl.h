/* ndwrap Vnl: vnl-style dense vectors and row-major matrices.
 *
 * One generic `ndw_vnl` (a vector is a matrix with one column) does the
 * work; the typed facades ndw_vnl_vector_<tok> / ndw_vnl_matrix_<tok> are
 * generated for every wrapped element type.  Data is always contiguous
 * (vnl's data_block()); views of foreign memory must be contiguous too.
 */
#ifndef NDW_VNL_H
#define NDW_VNL_H

#include "ndw/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ndw_vnl ndw_vnl;
typedef void (*ndw_vnl_release_fn)(void *context);

/** New empty vector (`matrix` == 0) or matrix of element type `type`. */
NDW_API ndw_status ndw_vnl_new(ndw_pixel_type type, int matrix, ndw_vnl **out);
/** NDW_E_BUSY (nothing freed) while the data is exported; NULL accepted. */
NDW_API ndw_status ndw_vnl_free(ndw_vnl *v);
NDW_API ndw_pixel_type ndw_vnl_pixel_type(const ndw_vnl *v);
NDW_API int ndw_vnl_is_matrix(const ndw_vnl *v);
NDW_API int ndw_vnl_is_readonly(const ndw_vnl *v);
/** Resize to rows x cols (cols must be 1 for a vector), zero-filled;
 *  NDW_E_BUSY while exported. */
NDW_API ndw_status ndw_vnl_set_size(ndw_vnl *v, uint64_t rows, uint64_t cols);
NDW_API uint64_t ndw_vnl_rows(const ndw_vnl *v);
NDW_API uint64_t ndw_vnl_cols(const ndw_vnl *v);
/** Number of elements, rows * cols. */
NDW_API uint64_t ndw_vnl_size(const ndw_vnl *v);
/** Contiguous row-major elements (NULL when empty). */
NDW_API void *ndw_vnl_data(const ndw_vnl *v);
NDW_API ndw_status ndw_vnl_get(const ndw_vnl *v, uint64_t row, uint64_t col, void *out);
NDW_API ndw_status ndw_vnl_put(ndw_vnl *v, uint64_t row, uint64_t col, const void *value);
NDW_API ndw_status ndw_vnl_fill(ndw_vnl *v, const void *value);
/** View contiguous foreign memory of rows x cols elements; `release` is
 *  called once when the object stops using it (also when this fails). */
NDW_API ndw_status ndw_vnl_wrap(ndw_vnl *v, void *data, uint64_t rows, uint64_t cols,
                                int readonly, ndw_vnl_release_fn release, void *context);
NDW_API ndw_status ndw_vnl_export_acquire(ndw_vnl *v);
NDW_API void ndw_vnl_export_release(ndw_vnl *v);
NDW_API long ndw_vnl_exports(const ndw_vnl *v);

/* Typed facades, e.g. for tok = f32 (float):
 *   ndw_vnl_vector_f32_new(n, &v)  _free  _base  _set_size(v, n)  _size(v)
 *   _get(v, i, float *out)  _put(v, i, float)  _fill(v, float)  _data_block(v)
 *   ndw_vnl_matrix_f32_new(r, c, &m)  _free  _base  _set_size(m, r, c)
 *   _rows(m)  _cols(m)  _size(m)  _get(m, r, c, float *out)  _put(m, r, c, float)
 *   _fill(m, float)  _data_block(m)
 */
#define NDW_X_DECLARE_VNL(code, tok, ctype)                                            \
  typedef struct ndw_vnl_vector_##tok ndw_vnl_vector_##tok;                            \
  typedef struct ndw_vnl_matrix_##tok ndw_vnl_matrix_##tok;                            \
  NDW_API ndw_status ndw_vnl_vector_##tok##_new(uint64_t n, ndw_vnl_vector_##tok **out); \
  NDW_API ndw_status ndw_vnl_vector_##tok##_free(ndw_vnl_vector_##tok *v);             \
  NDW_API ndw_vnl *ndw_vnl_vector_##tok##_base(ndw_vnl_vector_##tok *v);               \
  NDW_API ndw_status ndw_vnl_vector_##tok##_set_size(ndw_vnl_vector_##tok *v, uint64_t n); \
  NDW_API uint64_t ndw_vnl_vector_##tok##_size(const ndw_vnl_vector_##tok *v);         \
  NDW_API ndw_status ndw_vnl_vector_##tok##_get(const ndw_vnl_vector_##tok *v, uint64_t i, \
                                                ctype *out);                           \
  NDW_API ndw_status ndw_vnl_vector_##tok##_put(ndw_vnl_vector_##tok *v, uint64_t i,   \
                                                ctype value);                          \
  NDW_API ndw_status ndw_vnl_vector_##tok##_fill(ndw_vnl_vector_##tok *v, ctype value); \
  NDW_API ctype *ndw_vnl_vector_##tok##_data_block(ndw_vnl_vector_##tok *v);           \
  NDW_API ndw_status ndw_vnl_matrix_##tok##_new(uint64_t rows, uint64_t cols,          \
                                                ndw_vnl_matrix_##tok **out);           \
  NDW_API ndw_status ndw_vnl_matrix_##tok##_free(ndw_vnl_matrix_##tok *m);             \
  NDW_API ndw_vnl *ndw_vnl_matrix_##tok##_base(ndw_vnl_matrix_##tok *m);               \
  NDW_API ndw_status ndw_vnl_matrix_##tok##_set_size(ndw_vnl_matrix_##tok *m,          \
                                                     uint64_t rows, uint64_t cols);    \
  NDW_API uint64_t ndw_vnl_matrix_##tok##_rows(const ndw_vnl_matrix_##tok *m);         \
  NDW_API uint64_t ndw_vnl_matrix_##tok##_cols(const ndw_vnl_matrix_##tok *m);         \
  NDW_API uint64_t ndw_vnl_matrix_##tok##_size(const ndw_vnl_matrix_##tok *m);         \
  NDW_API ndw_status ndw_vnl_matrix_##tok##_get(const ndw_vnl_matrix_##tok *m, uint64_t r, \
                                                uint64_t c, ctype *out);               \
  NDW_API ndw_status ndw_vnl_matrix_##tok##_put(ndw_vnl_matrix_##tok *m, uint64_t r,   \
                                                uint64_t c, ctype value);              \
  NDW_API ndw_status ndw_vnl_matrix_##tok##_fill(ndw_vnl_matrix_##tok *m, ctype value); \
  NDW_API ctype *ndw_vnl_matrix_##tok##_data_block(ndw_vnl_matrix_##tok *m);
NDW_FOR_EACH_PIXEL(NDW_X_DECLARE_VNL)
#undef NDW_X_DECLARE_VNL

#ifdef __cplusplus
}
#endif
#endif
