/* Module IOImageFile: the C halves of ndwrap.imread / ndwrap.imwrite
 * (Wrapping/Python/ndwrap/imageio.py); the glue is swig/ndw_py_imageio.c.
 * Streams arrive as _Stream handles (ndw_stream.i); images as any wrapped
 * Image / VectorImage object. */

%{
#include "ndw_py_imageio.h"

/* Any wrapped image object -> its ndw_image (TypeError otherwise). */
static ndw_image *ndw_swig_any_image(PyObject *obj) {
  SwigPyObject *sobj = obj ? SWIG_Python_GetSwigThis(obj) : NULL;
  const char *name = sobj && sobj->ty ? sobj->ty->name : NULL;
  if (name == NULL || (strncmp(name, "_p_ndw_image_", 13) != 0 &&
                       strncmp(name, "_p_ndw_vector_image_", 20) != 0)) {
    PyErr_Format(PyExc_TypeError, "an ndwrap Image or VectorImage is required, not %.100s",
                 obj ? Py_TYPE(obj)->tp_name : "NULL");
    return NULL;
  }
  if (sobj->ptr == NULL) {
    PyErr_SetString(PyExc_TypeError, "the image object is not initialised");
    return NULL;
  }
  return (ndw_image *)sobj->ptr;
}

static PyObject *ndw_imageio_read(ndw_stream_h *s, PyObject *dir, PyObject *factory, int map_mode,
                                  PyObject *path) {
  return ndw_py_imread((ndw_stream *)s, dir, factory, ndw_swig_any_image, map_mode, path);
}
static PyObject *ndw_imageio_read_info(ndw_stream_h *s) {
  return ndw_py_imread_info((ndw_stream *)s);
}
static PyObject *ndw_imageio_write(PyObject *image, ndw_stream_h *header, ndw_stream_h *data,
                                   PyObject *data_file, int format, int compress) {
  ndw_image *im = ndw_swig_any_image(image);
  if (im == NULL) return NULL;
  return ndw_py_imwrite(im, (ndw_stream *)header, (ndw_stream *)data, data_file, format, compress);
}
/* The formats of this build: ("metaimage", "nrrd") with both modules on. */
static PyObject *ndw_imageio_formats(void) {
  PyObject *t = PyTuple_New(0);
#ifdef NDW_HAVE_MODULE_IOMetaImage
  if (t != NULL && _PyTuple_Resize(&t, PyTuple_GET_SIZE(t) + 1) == 0)
    PyTuple_SET_ITEM(t, PyTuple_GET_SIZE(t) - 1, PyUnicode_FromString("metaimage"));
#endif
#ifdef NDW_HAVE_MODULE_IONRRD
  if (t != NULL && _PyTuple_Resize(&t, PyTuple_GET_SIZE(t) + 1) == 0)
    PyTuple_SET_ITEM(t, PyTuple_GET_SIZE(t) - 1, PyUnicode_FromString("nrrd"));
#endif
  return t;
}
%}

%rename(_imageio_formats) ndw_imageio_formats;
PyObject *ndw_imageio_formats(void);
%rename(_imageio_read) ndw_imageio_read;
%rename(_imageio_read_info) ndw_imageio_read_info;
%rename(_imageio_write) ndw_imageio_write;
PyObject *ndw_imageio_read(ndw_stream_h *s, PyObject *dir, PyObject *factory, int map_mode,
                           PyObject *path);
PyObject *ndw_imageio_read_info(ndw_stream_h *s);
/* `data` is optional (None: pixels follow the header); the glue handles NULL
 * (the exception to ndw_args.i's rule, by type and name) */
%typemap(check) ndw_stream_h *data "";
PyObject *ndw_imageio_write(PyObject *image, ndw_stream_h *header, ndw_stream_h *data,
                            PyObject *data_file, int format, int compress);
