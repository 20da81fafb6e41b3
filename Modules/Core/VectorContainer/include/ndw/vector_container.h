/* ndwrap VectorContainer: ITK's itk::VectorContainer, a resizable,
 * contiguous array of elements.  An element is `components` values of one
 * pixel type: 1 for a scalar container (VectorContainer<IdentifierType,
 * float>), N for points (VectorContainer<IdentifierType, Point<float, N>>).
 *
 * The data can be exported (a NumPy view, counted with
 * ndw_vector_container_export_acquire/release); while any export is live,
 * every call that would change the size or move the data fails with
 * NDW_E_BUSY and changes nothing, so no view can dangle.  Element writes are
 * allowed (views see them).
 */
#ifndef NDW_VECTOR_CONTAINER_H
#define NDW_VECTOR_CONTAINER_H

#include "ndw/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ndw_vector_container ndw_vector_container;

/** New empty container of elements of `components` (1..64) values of `type`. */
NDW_API ndw_status ndw_vector_container_new(ndw_pixel_type type, unsigned components,
                                            ndw_vector_container **out);
/** NDW_E_BUSY (nothing freed) while exported; NULL accepted. */
NDW_API ndw_status ndw_vector_container_free(ndw_vector_container *c);
NDW_API ndw_pixel_type ndw_vector_container_pixel_type(const ndw_vector_container *c);
NDW_API unsigned ndw_vector_container_components(const ndw_vector_container *c);
/** Number of elements (ITK's Size()). */
NDW_API uint64_t ndw_vector_container_size(const ndw_vector_container *c);
/** Contiguous elements, components innermost (NULL when nothing was ever allocated). */
NDW_API void *ndw_vector_container_data(const ndw_vector_container *c);
/** Exactly `n` elements: kept ones keep their values, new ones are zero.
 *  NDW_E_BUSY while exported (unless n is the size already). */
NDW_API ndw_status ndw_vector_container_resize(ndw_vector_container *c, uint64_t n);
/** Copy element `i` (components values) to `out`; NDW_E_RANGE outside. */
NDW_API ndw_status ndw_vector_container_get(const ndw_vector_container *c, uint64_t i,
                                            void *out);
/** Set element `i` from `value` (components values); NDW_E_RANGE outside. */
NDW_API ndw_status ndw_vector_container_set(ndw_vector_container *c, uint64_t i,
                                            const void *value);
/** ITK's InsertElement: set element `i`, growing the container to i + 1
 *  elements first when needed (NDW_E_BUSY while exported). */
NDW_API ndw_status ndw_vector_container_insert(ndw_vector_container *c, uint64_t i,
                                               const void *value);
/** Replace the contents by `n` elements copied from contiguous `data`
 *  (NDW_E_BUSY while exported). */
NDW_API ndw_status ndw_vector_container_assign(ndw_vector_container *c, const void *data,
                                               uint64_t n);
NDW_API void ndw_vector_container_export_acquire(ndw_vector_container *c);
NDW_API void ndw_vector_container_export_release(ndw_vector_container *c);
NDW_API long ndw_vector_container_exports(const ndw_vector_container *c);

/* Typed facades of scalar containers, e.g. for tok = f32 (float):
 *   ndw_vector_container_f32_new(&c)  _free  _base  _size(c)  _resize(c, n)
 *   _get(c, i, float *out)  _set(c, i, float)  _insert(c, i, float)  _data(c)
 */
#define NDW_X_DECLARE_VECTOR_CONTAINER(code, tok, ctype)                                   \
  typedef struct ndw_vector_container_##tok ndw_vector_container_##tok;                    \
  NDW_API ndw_status ndw_vector_container_##tok##_new(ndw_vector_container_##tok **out);   \
  NDW_API ndw_status ndw_vector_container_##tok##_free(ndw_vector_container_##tok *c);     \
  NDW_API ndw_vector_container *ndw_vector_container_##tok##_base(                         \
      ndw_vector_container_##tok *c);                                                      \
  NDW_API uint64_t ndw_vector_container_##tok##_size(const ndw_vector_container_##tok *c); \
  NDW_API ndw_status ndw_vector_container_##tok##_resize(ndw_vector_container_##tok *c,    \
                                                         uint64_t n);                      \
  NDW_API ndw_status ndw_vector_container_##tok##_get(const ndw_vector_container_##tok *c, \
                                                      uint64_t i, ctype *out);             \
  NDW_API ndw_status ndw_vector_container_##tok##_set(ndw_vector_container_##tok *c,       \
                                                      uint64_t i, ctype value);            \
  NDW_API ndw_status ndw_vector_container_##tok##_insert(ndw_vector_container_##tok *c,    \
                                                         uint64_t i, ctype value);         \
  NDW_API ctype *ndw_vector_container_##tok##_data(ndw_vector_container_##tok *c);
NDW_FOR_EACH_PIXEL(NDW_X_DECLARE_VECTOR_CONTAINER)
#undef NDW_X_DECLARE_VECTOR_CONTAINER

#ifdef __cplusplus
}
#endif
#endif
