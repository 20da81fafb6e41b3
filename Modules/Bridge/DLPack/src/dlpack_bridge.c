/* ndwrap BridgeDLPack: DLPack tensors over strided-buffer descriptions. */
#include "ndw/dlpack_bridge.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

ndw_status ndw_dlpack_dtype(ndw_pixel_type type, DLDataType *out) {
  const ndw_pixel_info *info = ndw_pixel_type_info(type);
  if (info == NULL) return ndw_set_error(NDW_E_TYPE, "DLPack: unknown pixel type %d", (int)type);
  switch (info->kind) {
  case 'b': out->code = kDLBool; break;
  case 'i': out->code = kDLInt; break;
  case 'u': out->code = kDLUInt; break;
  case 'f': out->code = kDLFloat; break;
  case 'c': out->code = kDLComplex; break;
  default: return ndw_set_error(NDW_E_TYPE, "DLPack: pixel type %s has no DLPack type", info->code);
  }
  out->bits = (uint8_t)(8 * info->size);
  out->lanes = 1;
  return NDW_OK;
}

/* (DLPack code, bytes) -> pixel type + 1 (0: none), built once from the table */
static signed char ndw_dlpack_types[7][17];
static int ndw_dlpack_types_ready;

static void ndw_dlpack_build_types(void) {
  for (int t = 0; t < NDW_PIXEL_COUNT; ++t) {
    const ndw_pixel_info *info = ndw_pixel_type_info((ndw_pixel_type)t);
    int code = -1;
    switch (info->kind) {
    case 'b': code = kDLBool; break;
    case 'i': code = kDLInt; break;
    case 'u': code = kDLUInt; break;
    case 'f': code = kDLFloat; break;
    case 'c': code = kDLComplex; break;
    default: break;
    }
    if (code >= 0 && info->size <= 16) ndw_dlpack_types[code][info->size] = (signed char)(t + 1);
  }
  ndw_dlpack_types_ready = 1;
}

ndw_status ndw_dlpack_pixel_type(DLDataType dtype, ndw_pixel_type *out) {
  if (!ndw_dlpack_types_ready) ndw_dlpack_build_types();
  if (dtype.lanes == 1 && dtype.code <= kDLBool && dtype.bits % 8 == 0 && dtype.bits <= 128 &&
      ndw_dlpack_types[dtype.code][dtype.bits / 8] > 0) {
    *out = (ndw_pixel_type)(ndw_dlpack_types[dtype.code][dtype.bits / 8] - 1);
    return NDW_OK;
  }
  return ndw_set_error(NDW_E_TYPE,
                       "DLPack data type (code %u, bits %u, lanes %u) has no ndwrap pixel type "
                       "(bool, integers of 8-64 bits, float32/64, complex64/128; lanes 1)",
                       (unsigned)dtype.code, (unsigned)dtype.bits, (unsigned)dtype.lanes);
}

/* a * b, 0 on overflow of uint64 */
static int ndw_dlpack_mul(uint64_t a, uint64_t b, uint64_t *out) {
#if defined(__GNUC__) || defined(__clang__)
  return !__builtin_mul_overflow(a, b, out);
#else
  if (a != 0 && b > UINT64_MAX / a) return 0;
  *out = a * b;
  return 1;
#endif
}

int ndw_dlpack_device_is_cpu(DLDevice device) {
  return device.device_type == kDLCPU || device.device_type == kDLCUDAHost ||
         device.device_type == kDLROCMHost || device.device_type == kDLCUDAManaged;
}

ndw_status ndw_dlpack_describe(const DLTensor *t, int readonly, ndw_buffer_desc *out) {
  ndw_pixel_type type;
  ndw_status st;
  const ndw_pixel_info *info;
  uint64_t dims[NDW_MAX_DIM + 1], count, extent_lo = 0, extent_hi = 0;
  int64_t step;
  if (t == NULL || out == NULL) return ndw_set_error(NDW_E_INVALID, "DLPack: NULL tensor");
  if (!ndw_dlpack_device_is_cpu(t->device))
    return ndw_set_error(NDW_E_TYPE,
                         "DLPack: the tensor is on device type %d (id %d), not in CPU memory; "
                         "copy it to the CPU first (e.g. tensor.cpu())",
                         (int)t->device.device_type, (int)t->device.device_id);
  if ((st = ndw_dlpack_pixel_type(t->dtype, &type)) != NDW_OK) return st;
  if (t->ndim < 0 || t->ndim > NDW_MAX_DIM + 1)
    return ndw_set_error(NDW_E_INVALID, "DLPack: a tensor of %d dimensions is not supported (0..%d)",
                         (int)t->ndim, NDW_MAX_DIM + 1);
  if (t->ndim > 0 && t->shape == NULL)
    return ndw_set_error(NDW_E_INVALID, "DLPack: the tensor has no shape");
  if (t->data == NULL && t->ndim > 0)
    return ndw_set_error(NDW_E_INVALID, "DLPack: the tensor has no data");
  info = ndw_pixel_type_info(type);
  count = info->size;
  for (int i = 0; i < t->ndim; ++i) {
    if (t->shape[i] < 0)
      return ndw_set_error(NDW_E_INVALID, "DLPack: shape[%d] = %lld is negative", i,
                           (long long)t->shape[i]);
    dims[i] = t->shape[i] > 0 ? (uint64_t)t->shape[i] : 1;
    /* the tensor in bytes (empty axes counted as 1, so that no stride below
     * can overflow) must be representable and fit an address space */
    if (!ndw_dlpack_mul(count, dims[i], &count) || count > (uint64_t)PTRDIFF_MAX)
      return ndw_set_error(NDW_E_INVALID, "DLPack: the tensor's size overflows (too many bytes)");
  }
  memset(out, 0, sizeof *out);
  out->ndim = t->ndim;
  out->itemsize = info->size;
  out->format = info->format;
  out->readonly = readonly != 0;
  step = (int64_t)info->size;
  for (int i = t->ndim - 1; i >= 0; --i) {
    int64_t s;
    out->shape[i] = t->shape[i];
    if (t->strides == NULL) {
      s = step; /* compact row-major */
      step *= (int64_t)dims[i];
    } else {
      int64_t e = t->strides[i];
      /* |e| * itemsize, then |stride| * (shape - 1), bounded by PTRDIFF_MAX */
      uint64_t mag = e < 0 ? (uint64_t)0 - (uint64_t)e : (uint64_t)e;
      if (!ndw_dlpack_mul(mag, info->size, &mag) || mag > (uint64_t)PTRDIFF_MAX)
        return ndw_set_error(NDW_E_INVALID, "DLPack: stride[%d] = %lld overflows", i,
                             (long long)e);
      s = e * (int64_t)info->size;
    }
    if (t->shape[i] > 1) {
      uint64_t mag = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s, span;
      uint64_t *side = s < 0 ? &extent_lo : &extent_hi;
      if (!ndw_dlpack_mul(mag, (uint64_t)(t->shape[i] - 1), &span) || span > (uint64_t)PTRDIFF_MAX)
        return ndw_set_error(NDW_E_INVALID, "DLPack: axis %d spans more memory than addressable", i);
      if (*side > (uint64_t)PTRDIFF_MAX - span)
        return ndw_set_error(NDW_E_INVALID, "DLPack: the tensor spans more memory than addressable");
      *side += span;
    }
    out->strides[i] = (ptrdiff_t)s;
  }
  if (t->byte_offset > (uint64_t)PTRDIFF_MAX)
    return ndw_set_error(NDW_E_INVALID, "DLPack: byte_offset %llu is too large",
                         (unsigned long long)t->byte_offset);
  out->data = (char *)t->data + t->byte_offset;
  return NDW_OK;
}

/* One heap block: the managed struct first (so the deleter's argument is the
 * block), then our bookkeeping, then shape and strides. */
typedef struct ndw_dlpack_block {
  union {
    DLManagedTensorVersioned v;
    DLManagedTensor u;
  } m;
  ndw_image *image; /* export to release (ndw_image_to_dlpack), or NULL */
  ndw_release_fn release;
  void *context;
  int64_t dims[2 * (NDW_MAX_DIM + 1)]; /* shape, then strides */
} ndw_dlpack_block;

static void ndw_dlpack_finish(ndw_dlpack_block *b) {
  if (b->image != NULL) ndw_image_export_release(b->image);
  if (b->release != NULL) b->release(b->context);
  free(b);
}

static void ndw_dlpack_delete_versioned(DLManagedTensorVersioned *self) {
  ndw_dlpack_finish((ndw_dlpack_block *)(void *)self);
}

static void ndw_dlpack_delete_unversioned(DLManagedTensor *self) {
  ndw_dlpack_finish((ndw_dlpack_block *)(void *)self);
}

static ndw_status ndw_dlpack_make(const ndw_buffer_desc *d, int versioned, uint64_t flags,
                                  ndw_dlpack_block **out) {
  ndw_pixel_type type;
  int native;
  ndw_status st;
  DLTensor *t;
  ndw_dlpack_block *b;
  *out = NULL;
  if (d == NULL || d->ndim < 0 || d->ndim > NDW_MAX_DIM + 1 || d->itemsize == 0)
    return ndw_set_error(NDW_E_INVALID, "DLPack: bad buffer description");
  if ((st = ndw_buffer_parse_format(d->format, d->itemsize, &type, &native)) != NDW_OK) return st;
  if (!native) return ndw_set_error(NDW_E_TYPE, "DLPack: only native byte order can be exported");
  for (int i = 0; i < d->ndim; ++i)
    if (d->shape[i] > 1 && d->strides[i] % (ptrdiff_t)d->itemsize != 0)
      return ndw_set_error(NDW_E_TYPE,
                           "DLPack: stride %td of axis %d is not a whole number of %zu-byte "
                           "elements (DLPack counts strides in elements)",
                           d->strides[i], i, d->itemsize);
  if ((b = calloc(1, sizeof *b)) == NULL)
    return ndw_set_error(NDW_E_NOMEM, "DLPack: out of memory");
  if (versioned) {
    b->m.v.version.major = DLPACK_MAJOR_VERSION;
    b->m.v.version.minor = DLPACK_MINOR_VERSION;
    b->m.v.manager_ctx = b;
    b->m.v.deleter = ndw_dlpack_delete_versioned;
    b->m.v.flags = flags;
    t = &b->m.v.dl_tensor;
  } else {
    b->m.u.manager_ctx = b;
    b->m.u.deleter = ndw_dlpack_delete_unversioned;
    t = &b->m.u.dl_tensor;
  }
  (void)ndw_dlpack_dtype(type, &t->dtype);
  t->data = d->data;
  t->byte_offset = 0;
  t->device.device_type = kDLCPU;
  t->device.device_id = 0;
  t->ndim = d->ndim;
  t->shape = d->ndim > 0 ? b->dims : NULL;
  t->strides = d->ndim > 0 ? b->dims + d->ndim : NULL;
  for (int i = 0; i < d->ndim; ++i) {
    b->dims[i] = d->shape[i];
    b->dims[d->ndim + i] = d->shape[i] > 1 ? (int64_t)(d->strides[i] / (ptrdiff_t)d->itemsize)
                                           : 1; /* any value is valid for length 0/1 */
  }
  *out = b;
  return NDW_OK;
}

ndw_status ndw_dlpack_export_desc(const ndw_buffer_desc *desc, int versioned, uint64_t flags,
                                  ndw_release_fn release, void *context, void **out) {
  ndw_dlpack_block *b;
  ndw_status st = ndw_dlpack_make(desc, versioned, flags, &b);
  if (st != NDW_OK) return st;
  b->release = release;
  b->context = context;
  *out = b;
  return NDW_OK;
}

ndw_status ndw_image_to_dlpack(ndw_image *image, int versioned, ndw_release_fn release,
                               void *context, void **out) {
  ndw_buffer_desc d;
  ndw_dlpack_block *b;
  ndw_status st;
  uint64_t flags = 0;
  if (image == NULL) return ndw_set_error(NDW_E_INVALID, "DLPack: NULL image");
  if ((st = ndw_image_describe_buffer(image, 0, &d)) != NDW_OK) return st;
  if (d.readonly) {
    if (!versioned)
      return ndw_set_error(NDW_E_READONLY,
                           "DLPack: a read-only image can only be exported as a versioned "
                           "tensor (DLPack >= 1.0 carries the read-only flag)");
    flags |= DLPACK_FLAG_BITMASK_READ_ONLY;
  }
  if ((st = ndw_dlpack_make(&d, versioned, flags, &b)) != NDW_OK) return st;
  if ((st = ndw_image_export_acquire(image)) != NDW_OK) {
    free(b);
    return st;
  }
  b->image = image;
  b->release = release;
  b->context = context;
  *out = b;
  return NDW_OK;
}

ndw_status ndw_image_view_dlpack(ndw_image *image, const DLTensor *tensor, int readonly,
                                 int is_vector, ndw_release_fn release, void *context) {
  ndw_buffer_desc d;
  ndw_status st = ndw_dlpack_describe(tensor, readonly, &d);
  if (st != NDW_OK) {
    if (release) release(context);
    return st;
  }
  return ndw_image_view_buffer(image, &d, is_vector, release, context);
}
