/* ndwrap Common: status codes, errors, pixel types, Size/Index/Region.
 *
 * C11; also compiles as C++17 (the C++ layer is ndw/ndw.hpp).
 */
#ifndef NDW_COMMON_H
#define NDW_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ndw/config.h" /* generated: wrapped types and dimensions */
#include "ndw/pixel_types.h"

#ifdef __cplusplus
#include <complex>
typedef bool ndw_bool;
typedef std::complex<float> ndw_c64;
typedef std::complex<double> ndw_c128;
extern "C" {
#else
#include <stdbool.h>
typedef bool ndw_bool;
typedef float _Complex ndw_c64;
typedef double _Complex ndw_c128;
#endif

/* Symbol visibility: the shared library exports only what NDW_API marks. */
#if defined(NDW_STATIC_DEFINE)
#define NDW_API
#elif defined(_WIN32)
#ifdef NDW_BUILDING
#define NDW_API __declspec(dllexport)
#else
#define NDW_API __declspec(dllimport)
#endif
#else
#define NDW_API __attribute__((visibility("default")))
#endif

/** Largest image dimension the generic core handles. */
#define NDW_MAX_DIM 8

/** Status of every fallible call; NDW_OK is 0. */
typedef enum ndw_status {
  NDW_OK = 0,
  NDW_E_NOMEM,    /**< allocation failed */
  NDW_E_INVALID,  /**< bad argument (size, length, rank) */
  NDW_E_TYPE,     /**< pixel type or layout not supported */
  NDW_E_RANGE,    /**< index outside the buffered region */
  NDW_E_BUSY,     /**< memory is exported; cannot reallocate or free */
  NDW_E_READONLY, /**< write to read-only memory */
  NDW_E_STATE,    /**< e.g. pixel access before allocation */
  NDW_E_IO,       /**< the operating system or a stream failed (ndw_last_os_error) */
  NDW_E_FORMAT    /**< malformed, truncated or unsupported file content */
} ndw_status;

/** Message of the last failed call on this thread ("" if none). */
NDW_API const char *ndw_last_error(void);
/** Status of the last failed call on this thread (NDW_OK if none). */
NDW_API ndw_status ndw_last_status(void);
/** Name of a status code, e.g. "NDW_E_RANGE". */
NDW_API const char *ndw_status_name(ndw_status status);
/** Record an error for this thread and return `status` (printf format). */
NDW_API ndw_status ndw_set_error(ndw_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/** Record an NDW_E_IO error with the operating system's error number
 *  `errnum` (an errno value, 0 when none) and return NDW_E_IO. */
NDW_API ndw_status ndw_set_os_error(int errnum, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/** errno of the last NDW_E_IO error on this thread (0 if none or unknown). */
NDW_API int ndw_last_os_error(void);
/** Forget the recorded error of this thread. */
NDW_API void ndw_clear_error(void);

/** Pixel component types, one per row of NDW_PIXEL_TABLE. */
typedef enum ndw_pixel_type {
#define NDW_X_ENUM(code, tok, ctype, fmt, kind, size, np, names) NDW_PIXEL_##code,
  NDW_PIXEL_TABLE(NDW_X_ENUM)
#undef NDW_X_ENUM
  NDW_PIXEL_COUNT
} ndw_pixel_type;

/** Static facts about one pixel component type (one table row). */
typedef struct ndw_pixel_info {
  const char *code;   /**< "F" */
  const char *token;  /**< "f32" */
  const char *format; /**< buffer-protocol format, "f" */
  char kind;          /**< 'b', 'i', 'u', 'f' or 'c' */
  size_t size;        /**< bytes per component */
  const char *numpy;  /**< "float32" */
  const char *names;  /**< ITK names, '|'-separated */
} ndw_pixel_info;

/** Row of the table for `type`, or NULL when out of range. */
NDW_API const ndw_pixel_info *ndw_pixel_type_info(ndw_pixel_type type);
/** Bytes per component of `type` (0 when out of range). */
NDW_API size_t ndw_pixel_type_size(ndw_pixel_type type);
/** Look up a pixel type by code ("UC") or any ITK name ("unsigned char").
 *  Whitespace is tolerated.  NDW_E_TYPE when unknown. */
NDW_API ndw_status ndw_pixel_type_from_name(const char *name, ndw_pixel_type *out);
/** Is `type` wrapped in this build (NDW_WRAP_<code>)? */
NDW_API int ndw_pixel_type_is_wrapped(ndw_pixel_type type);
/** Is dimension `dim` wrapped in this build (NDW_WRAP_DIMS)? */
NDW_API int ndw_dim_is_wrapped(unsigned dim);

/* Size, Index, ImageRegion and Vector (D doubles: a spacing, an offset, a
 * direction of physical space) per wrapped dimension: plain value types. */
#define NDW_X_GEOMETRY(D)                                                   \
  typedef struct ndw_size_##D { uint64_t v[D]; } ndw_size_##D;              \
  typedef struct ndw_index_##D { int64_t v[D]; } ndw_index_##D;             \
  typedef struct ndw_vector_##D { double v[D]; } ndw_vector_##D;            \
  typedef struct ndw_region_##D {                                           \
    ndw_index_##D index;                                                    \
    ndw_size_##D size;                                                      \
  } ndw_region_##D;
NDW_FOR_EACH_DIM(NDW_X_GEOMETRY)
#undef NDW_X_GEOMETRY

/* Load one component from image memory, for typed code written over images
 * (module templates read pixels with NDW_IN_LOAD(p), which is one of
 * these): ndw_load_f32(p), ndw_load_u8(p), ...  Bool components load as a
 * byte and any non-zero byte is true: memory viewed from elsewhere (a NumPy
 * array) may hold bytes other than 0 and 1, which C must not read as bool. */
#define NDW_LOAD_BODY_b(ctype, p) return (ctype)(*(const unsigned char *)(p) != 0);
#define NDW_LOAD_BODY_i(ctype, p) ctype v; memcpy(&v, (p), sizeof v); return v;
#define NDW_LOAD_BODY_u NDW_LOAD_BODY_i
#define NDW_LOAD_BODY_f NDW_LOAD_BODY_i
#define NDW_LOAD_BODY_c NDW_LOAD_BODY_i
#define NDW_X_LOAD(code, tok, ctype, fmt, kind, size, np, names) \
  static inline ctype ndw_load_##tok(const void *p) { NDW_LOAD_BODY_##kind(ctype, p) }
NDW_PIXEL_TABLE(NDW_X_LOAD)
#undef NDW_X_LOAD

/** Product of `n` sizes times `unit`, overflow-checked (NDW_E_INVALID): the
 *  product of the non-zero sizes times `unit` must fit a ptrdiff_t, so that
 *  strides stay representable even for an empty region. */
NDW_API ndw_status ndw_checked_count(const uint64_t *sizes, unsigned n,
                                     uint64_t unit, uint64_t *out);

#ifdef __cplusplus
}
#endif
#endif
