/* C unit tests of Module_BridgeDLPack: data types both ways, describing
 * DLTensors (devices, overflow checks), exporting images (the export count,
 * the deleter), viewing tensors as images.  Without the module each case
 * only reports that it was skipped. */
#include <stdint.h>
#include <string.h>

#include "ndw/common.h"
#include "ndw_test.h"

#ifdef NDW_HAVE_MODULE_BridgeDLPack
#include "ndw/dlpack_bridge.h"

#define RUN(fn) fn()

static void count_release(void *context) { ++*(int *)context; }

static void dtype_cases(void) {
  for (int t = 0; t < NDW_PIXEL_COUNT; ++t) {
    DLDataType dt;
    ndw_pixel_type back;
    CHECK_OK(ndw_dlpack_dtype((ndw_pixel_type)t, &dt));
    CHECK(dt.lanes == 1 && dt.bits == 8 * ndw_pixel_type_size((ndw_pixel_type)t));
    CHECK_OK(ndw_dlpack_pixel_type(dt, &back));
    CHECK(back == (ndw_pixel_type)t);
  }
  {
    DLDataType half = {kDLFloat, 16, 1}, bf16 = {kDLBfloat, 16, 1}, lanes = {kDLInt, 32, 4};
    DLDataType odd = {kDLInt, 12, 1};
    ndw_pixel_type t;
    CHECK_STATUS(ndw_dlpack_pixel_type(half, &t), NDW_E_TYPE);
    CHECK(strstr(ndw_last_error(), "bits 16") != NULL);
    CHECK_STATUS(ndw_dlpack_pixel_type(bf16, &t), NDW_E_TYPE);
    CHECK_STATUS(ndw_dlpack_pixel_type(lanes, &t), NDW_E_TYPE);
    CHECK_STATUS(ndw_dlpack_pixel_type(odd, &t), NDW_E_TYPE);
  }
}

static DLTensor tensor_of(float *data, int ndim, int64_t *shape, int64_t *strides) {
  DLTensor t;
  memset(&t, 0, sizeof t);
  t.data = data;
  t.device.device_type = kDLCPU;
  t.ndim = ndim;
  t.dtype.code = kDLFloat;
  t.dtype.bits = 32;
  t.dtype.lanes = 1;
  t.shape = shape;
  t.strides = strides;
  return t;
}

static void describe_cases(void) {
  float data[24];
  int64_t shape[3] = {2, 3, 4}, strides[3] = {1, 8, 2};
  ndw_buffer_desc d;
  DLTensor t = tensor_of(data, 3, shape, NULL);
  CHECK_OK(ndw_dlpack_describe(&t, 0, &d));
  CHECK(d.ndim == 3 && d.itemsize == 4 && d.data == data && !d.readonly);
  CHECK(d.strides[0] == 48 && d.strides[1] == 16 && d.strides[2] == 4);
  CHECK(strcmp(d.format, "f") == 0);
  t.strides = strides;
  t.byte_offset = 8;
  CHECK_OK(ndw_dlpack_describe(&t, 1, &d));
  CHECK(d.strides[0] == 4 && d.strides[1] == 32 && d.strides[2] == 8 && d.readonly);
  CHECK((char *)d.data == (char *)data + 8);
  /* memory the CPU cannot read */
  t.device.device_type = kDLCUDA;
  CHECK_STATUS(ndw_dlpack_describe(&t, 0, &d), NDW_E_TYPE);
  t.device.device_type = kDLCUDAHost; /* pinned host memory is fine */
  CHECK_OK(ndw_dlpack_describe(&t, 0, &d));
  t.device.device_type = kDLCPU;
  /* sizes that would overflow, never trusted */
  {
    int64_t huge[3] = {INT64_C(1) << 40, INT64_C(1) << 40, 4};
    int64_t neg[3] = {2, -3, 4};
    int64_t big_stride[3] = {INT64_C(1) << 62, 1, 1};
    int64_t wide[3] = {INT64_C(1) << 60, INT64_C(1) << 60, 1};
    t.strides = NULL;
    t.shape = huge;
    CHECK_STATUS(ndw_dlpack_describe(&t, 0, &d), NDW_E_INVALID);
    t.shape = neg;
    CHECK_STATUS(ndw_dlpack_describe(&t, 0, &d), NDW_E_INVALID);
    t.shape = shape;
    t.strides = big_stride;
    CHECK_STATUS(ndw_dlpack_describe(&t, 0, &d), NDW_E_INVALID);
    t.strides = wide;
    CHECK_STATUS(ndw_dlpack_describe(&t, 0, &d), NDW_E_INVALID);
    t.strides = NULL;
    t.ndim = NDW_MAX_DIM + 2;
    CHECK_STATUS(ndw_dlpack_describe(&t, 0, &d), NDW_E_INVALID);
    t.ndim = 3;
    t.byte_offset = UINT64_MAX;
    CHECK_STATUS(ndw_dlpack_describe(&t, 0, &d), NDW_E_INVALID);
  }
}

#if NDW_WRAP_DIM_3
static void export_cases(void) {
  ndw_image *im = NULL;
  uint64_t size[3] = {4, 3, 2};
  int released = 0;
  DLManagedTensorVersioned *v = NULL;
  DLManagedTensor *u = NULL;
  CHECK_OK(ndw_image_new(NDW_PIXEL_F, 3, 0, &im));
  CHECK_OK(ndw_image_set_regions(im, NULL, size));
  CHECK_STATUS(ndw_image_to_dlpack(im, 1, count_release, &released, (void **)&v), NDW_E_STATE);
  CHECK_OK(ndw_image_allocate(im, 1));
  CHECK_OK(ndw_image_to_dlpack(im, 1, count_release, &released, (void **)&v));
  CHECK(v->version.major == DLPACK_MAJOR_VERSION && v->flags == 0);
  CHECK(v->dl_tensor.ndim == 3 && v->dl_tensor.shape[0] == 2 && v->dl_tensor.shape[2] == 4);
  CHECK(v->dl_tensor.strides[0] == 12 && v->dl_tensor.strides[1] == 4 &&
        v->dl_tensor.strides[2] == 1);
  CHECK(v->dl_tensor.data == ndw_image_buffer(im));
  CHECK(ndw_image_exports(im) == 1);
  CHECK_STATUS(ndw_image_allocate(im, 0), NDW_E_BUSY); /* locked while exported */
  CHECK_OK(ndw_image_to_dlpack(im, 0, count_release, &released, (void **)&u));
  CHECK(ndw_image_exports(im) == 2);
  v->deleter(v);
  CHECK(released == 1 && ndw_image_exports(im) == 1);
  u->deleter(u);
  CHECK(released == 2 && ndw_image_exports(im) == 0);
  CHECK_OK(ndw_image_allocate(im, 0));
  CHECK_OK(ndw_image_free(im));
}

static void import_cases(void) {
  float data[24];
  int64_t shape[3] = {2, 3, 4}, strides[3] = {-12, 4, 1};
  DLTensor t = tensor_of(data + 12, 3, shape, strides);
  ndw_image *im = NULL;
  int released = 0;
  int64_t idx[3] = {3, 2, 1};
  float px;
  for (int i = 0; i < 24; ++i) data[i] = (float)i;
  CHECK_OK(ndw_image_new(NDW_PIXEL_F, 3, 0, &im));
  CHECK_OK(ndw_image_view_dlpack(im, &t, 0, 0, count_release, &released));
  CHECK_OK(ndw_image_get_pixel(im, idx, &px));
  CHECK(px == (float)(12 - 12 + 2 * 4 + 3)); /* z = 1 is the row 12 floats back */
  CHECK(released == 0);
  CHECK_OK(ndw_image_free(im));
  CHECK(released == 1);
  /* a failing view releases once, too */
  t.dtype.bits = 64;
  CHECK_OK(ndw_image_new(NDW_PIXEL_F, 3, 0, &im));
  CHECK_STATUS(ndw_image_view_dlpack(im, &t, 0, 0, count_release, &released), NDW_E_TYPE);
  CHECK(released == 2);
  t.dtype.bits = 32;
  t.device.device_type = kDLCUDA;
  CHECK_STATUS(ndw_image_view_dlpack(im, &t, 0, 0, count_release, &released), NDW_E_TYPE);
  CHECK(released == 3);
  CHECK_OK(ndw_image_free(im));
}

static void readonly_cases(void) {
  float data[6] = {0};
  int64_t shape[3] = {1, 2, 3};
  DLTensor t = tensor_of(data, 3, shape, NULL);
  ndw_image *im = NULL, *view = NULL;
  DLManagedTensorVersioned *v = NULL;
  DLManagedTensor *u = NULL;
  CHECK_OK(ndw_image_new(NDW_PIXEL_F, 3, 0, &im));
  CHECK_OK(ndw_image_view_dlpack(im, &t, 1, 0, NULL, NULL));
  CHECK(ndw_image_is_readonly(im));
  CHECK_STATUS(ndw_image_to_dlpack(im, 0, NULL, NULL, (void **)&u), NDW_E_READONLY);
  CHECK(ndw_image_exports(im) == 0);
  CHECK_OK(ndw_image_to_dlpack(im, 1, NULL, NULL, (void **)&v));
  CHECK(v->flags & DLPACK_FLAG_BITMASK_READ_ONLY);
  /* a view of the export is read-only too */
  CHECK_OK(ndw_image_new(NDW_PIXEL_F, 3, 0, &view));
  CHECK_OK(ndw_image_view_dlpack(view, &v->dl_tensor, 1, 0, NULL, NULL));
  CHECK(ndw_image_buffer(view) == data);
  CHECK_OK(ndw_image_free(view));
  v->deleter(v);
  CHECK_OK(ndw_image_free(im));
}
#else
static void export_cases(void) { printf("skipped: needs dimension 3\n"); }
static void import_cases(void) { printf("skipped: needs dimension 3\n"); }
static void readonly_cases(void) { printf("skipped: needs dimension 3\n"); }
#endif

#else /* !NDW_HAVE_MODULE_BridgeDLPack */

#define RUN(fn) printf("skipped: %s needs Module_BridgeDLPack=ON\n", #fn)

#endif

NDW_TEST(dlpack_dtypes) { RUN(dtype_cases); }
NDW_TEST(dlpack_describe) { RUN(describe_cases); }
NDW_TEST(dlpack_export_image) { RUN(export_cases); }
NDW_TEST(dlpack_import_image) { RUN(import_cases); }
NDW_TEST(dlpack_readonly) { RUN(readonly_cases); }
