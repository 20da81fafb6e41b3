/* ndwrap BridgeDLPack: images as DLPack tensors, DLPack tensors as image
 * views, in plain C (no Python needed).
 *
 * The DLPack structs come from the dlpack project's own header, vendored
 * verbatim as <ndw/dlpack/dlpack.h> with its licence.  Everything here goes
 * through the strided-buffer description of the NumPy bridge
 * (ndw_buffer_desc, array order: slowest axis first, byte strides), so an
 * image exported through DLPack has exactly the shape and strides of its
 * NumPy view: (z, y, x[, c]).
 *
 * Lifetime: a managed tensor made here owns one heap block (the struct,
 * shape and strides); its deleter calls the caller's `release(context)` once
 * and frees the block.  For ndw_image_to_dlpack the image also counts one
 * export (re-allocation gives NDW_E_BUSY) until the deleter runs. */
#ifndef NDW_DLPACK_BRIDGE_H
#define NDW_DLPACK_BRIDGE_H

#include "ndw/buffer.h"
#include "ndw/dlpack/dlpack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* dlpack.h names the versioned struct by its tag only (C11 allows the
 * typedef to be repeated, should a later dlpack.h add it). */
typedef struct DLManagedTensorVersioned DLManagedTensorVersioned;

/** The DLPack data type of a pixel component type (lanes 1; bool is
 *  kDLBool of 8 bits, complex is kDLComplex of 64/128 bits). */
NDW_API ndw_status ndw_dlpack_dtype(ndw_pixel_type type, DLDataType *out);
/** The pixel type of a DLPack data type; NDW_E_TYPE (message names code,
 *  bits and lanes) when none fits (float16, bfloat16, lanes != 1, ...). */
NDW_API ndw_status ndw_dlpack_pixel_type(DLDataType dtype, ndw_pixel_type *out);
/** Is memory on `device` readable by the CPU (kDLCPU, kDLCUDAHost,
 *  kDLROCMHost, kDLCUDAManaged)? */
NDW_API int ndw_dlpack_device_is_cpu(DLDevice device);

/** Describe a DLTensor as a strided buffer: data + byte_offset, shape,
 *  strides turned into bytes (NULL strides: C-contiguous), format of the
 *  pixel type, `readonly` as given.  Checks the device (NDW_E_TYPE for
 *  memory the CPU cannot read), the data type (NDW_E_TYPE), the rank
 *  (0..NDW_MAX_DIM + 1), negative shapes, and that the element count, the
 *  byte strides and the extent of the data stay representable
 *  (NDW_E_INVALID). */
NDW_API ndw_status ndw_dlpack_describe(const DLTensor *tensor, int readonly,
                                       ndw_buffer_desc *out);

/** A new DLManagedTensorVersioned (`versioned` != 0, with `flags`, version
 *  1.x) or DLManagedTensor describing `desc` (strides must be whole
 *  elements: NDW_E_TYPE otherwise) on the CPU.  Its deleter calls
 *  `release(context)` (if not NULL) then frees the tensor.  On failure
 *  nothing is allocated and `release` is not called.  `*out` points at the
 *  DLManagedTensorVersioned or the DLManagedTensor. */
NDW_API ndw_status ndw_dlpack_export_desc(const ndw_buffer_desc *desc, int versioned,
                                          uint64_t flags, ndw_release_fn release,
                                          void *context, void **out);

/** Export an allocated image (array order (z, y, x[, c]), as its NumPy view)
 *  as a managed tensor: the image counts one more export until the deleter
 *  runs (so it cannot be re-allocated or freed: NDW_E_BUSY); the deleter
 *  releases that export, then calls `release(context)`.  A read-only image
 *  sets DLPACK_FLAG_BITMASK_READ_ONLY when `versioned`, and gives
 *  NDW_E_READONLY without it (DLPack 0.x cannot say "read-only").  The
 *  deleter touches the image's export count: call it where no other thread
 *  uses the image at the same time. */
NDW_API ndw_status ndw_image_to_dlpack(ndw_image *image, int versioned, ndw_release_fn release,
                                       void *context, void **out);

/** Make `image` a view of a DLTensor (ndw_dlpack_describe, then
 *  ndw_image_view_buffer: pixel type, rank and alignment are checked there).
 *  `release(context)` is called once when the image lets go of the memory,
 *  and also when this call fails. */
NDW_API ndw_status ndw_image_view_dlpack(ndw_image *image, const DLTensor *tensor,
                                         int readonly, int is_vector, ndw_release_fn release,
                                         void *context);

#ifdef __cplusplus
}
#endif
#endif
