/* DLPack on images and vnl objects (Module_BridgeDLPack): __dlpack__,
 * __dlpack_device__, the importers, forwarding to swig/ndw_py_dlpack.c.
 * The C half is Modules/Bridge/DLPack; the Python half
 * Wrapping/Python/ndwrap/dlpack.py.  Without the module the macros expand
 * to nothing.
 *
 * __dlpack__ and ndwrap.from_dlpack are vectorcall functions (NumPy and
 * PyTorch pass keywords, and SWIG's keyword parsing would cost more than
 * the whole export): _dlpack_setup(), called once by ndwrap/dlpack.py when
 * every class exists, installs __dlpack__ into every image and vnl class and
 * returns the from_dlpack function.  This file is the only part of the DLPack
 * glue that knows SWIG's object layout. */
#ifdef NDW_HAVE_MODULE_BridgeDLPack
%{
#include <stdio.h>
#include "ndw_py_dlpack.h"

/* -builtin instances are SwigPyObjects: ptr is the ndw_image / ndw_vnl
 * (NULL for an object made with T.__new__(T)). */
static PyObject *ndw_swig_image_dlpack(PyObject *self, PyObject *const *args, Py_ssize_t nargsf,
                                       PyObject *kwnames) {
  return ndw_py_image_dlpack_fast((ndw_image *)((SwigPyObject *)self)->ptr, self, args,
                                  PyVectorcall_NARGS(nargsf), kwnames);
}
static PyObject *ndw_swig_vnl_dlpack(PyObject *self, PyObject *const *args, Py_ssize_t nargsf,
                                     PyObject *kwnames) {
  return ndw_py_vnl_dlpack_fast((ndw_vnl *)((SwigPyObject *)self)->ptr, self, args,
                                PyVectorcall_NARGS(nargsf), kwnames);
}
#define NDW_SWIG_DLPACK_DOC                                                                  \
  "__dlpack__($self, /, *, stream=None, max_version=None, dl_device=None, copy=None)\n--\n\n" \
  "A DLPack capsule viewing the pixels in NumPy order (z, y, x[, c]): \"dltensor_versioned\" " \
  "when max_version >= (1, 0) (read-only flag set for read-only data), else \"dltensor\". " \
  "The capsule, then its consumer, keeps the object alive and its buffer locked against " \
  "re-allocation (BufferError) until the consumer lets go.  copy=True exports a copy."
static PyMethodDef ndw_swig_dlpack_methods[2] = {
  {"__dlpack__", (PyCFunction)(void (*)(void))ndw_swig_image_dlpack,
   METH_FASTCALL | METH_KEYWORDS, NDW_SWIG_DLPACK_DOC},
  {"__dlpack__", (PyCFunction)(void (*)(void))ndw_swig_vnl_dlpack,
   METH_FASTCALL | METH_KEYWORDS, NDW_SWIG_DLPACK_DOC},
};
static PyMethodDef ndw_swig_from_dlpack_def = {
  "from_dlpack", (PyCFunction)(void (*)(void))ndw_py_from_dlpack_fast,
  METH_FASTCALL | METH_KEYWORDS,
  "from_dlpack(obj, pixel_type=None, *, is_vector=False, copy=None)\n--\n\n"
  "An image viewing the memory of a DLPack producer, without a copy.\n"
  "\n"
  "``obj`` is anything with ``__dlpack__`` in CPU memory: a NumPy array, a\n"
  "PyTorch CPU tensor, an ndwrap image.  The image type follows the tensor's\n"
  "dtype and number of dimensions (``Image[F, 3]`` for a float32 tensor of\n"
  "shape (z, y, x)); with ``is_vector=True`` the last axis holds the components\n"
  "of a ``VectorImage``.  The image keeps the producer's memory alive; it is\n"
  "read-only when the producer says so, and for a DLPack 0.x producer, which\n"
  "cannot say (as NumPy does).  Spacing 1, origin 0, identity direction.\n"
  "\n"
  "``pixel_type`` (``ndwrap.F``, ``'float'``, a NumPy dtype, ...) states the\n"
  "expected pixel type: a tensor of another dtype raises\n"
  "``ndwrap.DTypeMismatchError`` (a view cannot convert; use\n"
  "``ndwrap.CastImage``).  ``copy=True`` returns an image owning a copy;\n"
  "``copy=None``/``False`` always view.\n"
  "\n"
  "A tensor on a GPU raises ``BufferError``; a dtype ndwrap does not wrap\n"
  "(float16, bfloat16, ...) raises ``TypeError``.  The capsule is consumed only\n"
  "when the import succeeds.\n"};

/* The wrapped type of an image kind, from SWIG's type table (cached). */
static void *ndw_swig_dlpack_lookup(ndw_pixel_type t, unsigned dim, int vector) {
  static swig_type_info *cache[NDW_PIXEL_COUNT][NDW_MAX_DIM + 1][2];
  char name[64];
  if ((int)t < 0 || t >= NDW_PIXEL_COUNT || dim < 1 || dim > NDW_MAX_DIM) return NULL;
  if (cache[t][dim][vector != 0] == NULL) {
    snprintf(name, sizeof name, "_p_ndw_%simage_%s_%u", vector ? "vector_" : "",
             ndw_pixel_type_info(t)->token, dim);
    cache[t][dim][vector != 0] = SWIG_MangledTypeQuery(name);
  }
  return cache[t][dim][vector != 0];
}
static PyObject *ndw_swig_dlpack_wrap(ndw_image *im, void *type) {
  PyObject *r = SWIG_Python_NewPointerObj(NULL, im, (swig_type_info *)type, SWIG_POINTER_OWN);
  if (r == NULL) ndw_image_free(im);
  return r;
}

/* __dlpack__ into each image and vnl class (their SWIG type names say
 * which); returns the vectorcall from_dlpack. */
static PyObject *ndw_swig_dlpack_setup(void) {
  for (size_t i = 0; i < swig_module.size; ++i) {
    swig_type_info *ty = swig_module.types[i];
    SwigPyClientData *cd = ty ? (SwigPyClientData *)ty->clientdata : NULL;
    PyMethodDef *def = NULL;
    PyObject *descr;
    if (cd == NULL || cd->pytype == NULL) continue;
    if (strncmp(ty->name, "_p_ndw_image_", 13) == 0 ||
        strncmp(ty->name, "_p_ndw_vector_image_", 20) == 0)
      def = &ndw_swig_dlpack_methods[0];
    else if (strncmp(ty->name, "_p_ndw_vnl_vector_", 18) == 0 ||
             strncmp(ty->name, "_p_ndw_vnl_matrix_", 18) == 0)
      def = &ndw_swig_dlpack_methods[1];
    if (def == NULL) continue;
    if ((descr = PyDescr_NewMethod(cd->pytype, def)) == NULL) return NULL;
    if (PyDict_SetItemString(cd->pytype->tp_dict, "__dlpack__", descr) < 0) {
      Py_DECREF(descr);
      return NULL;
    }
    Py_DECREF(descr);
    PyType_Modified(cd->pytype);
  }
  ndw_py_dlpack_set_hooks(ndw_swig_dlpack_lookup, ndw_swig_dlpack_wrap);
  return PyCFunction_NewEx(&ndw_swig_from_dlpack_def, NULL, NULL);
}
%}

%rename(_dlpack_setup) ndw_swig_dlpack_setup;
PyObject *ndw_swig_dlpack_setup(void);

%define NDW_IMAGE_DLPACK(T, PTYPE, NDW_D_, VECTOR)
%feature("kwargs") T::_from_dlpack;
%newobject T::_from_dlpack;
%extend T {
  PyObject *__dlpack_device__() { return ndw_py_dlpack_device(); }
  /* the import for this class (ndwrap.from_dlpack picks the class itself) */
  static T *_from_dlpack(PyObject *capsule, int is_vector = 0) {
    return (T *)ndw_py_image_from_dlpack(PTYPE, NDW_D_, VECTOR, capsule, is_vector);
  }
}
%enddef

%define NDW_VNL_DLPACK(T)
%extend T {
  PyObject *__dlpack_device__() { return ndw_py_dlpack_device(); }
}
%enddef

/* (pixel code, ndim, versioned, readonly) of an unconsumed DLPack capsule */
%rename(_dlpack_info) ndw_py_dlpack_info;
PyObject *ndw_py_dlpack_info(PyObject *capsule);
/* the image viewing a capsule, of the class its dtype and rank pick */
%rename(_dlpack_image) ndw_py_image_from_capsule;
PyObject *ndw_py_image_from_capsule(PyObject *capsule, int is_vector = 0);
#else
%define NDW_IMAGE_DLPACK(T, PTYPE, NDW_D_, VECTOR)
%enddef
%define NDW_VNL_DLPACK(T)
%enddef
#endif
