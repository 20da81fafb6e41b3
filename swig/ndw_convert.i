/* The conversion fast paths (swig/ndw_py_convert.c): the hooks that know
 * SWIG's object layout, and the factory the Python layer calls
 * (ndwrap/pybuffer.py, pyvnl.py) to put a fast callable in front of a
 * spelling. */
%{
#include <stdio.h>
#include "ndw_py_convert.h"

static void *ndw_swig_fast_ptr(PyObject *obj) { return ((SwigPyObject *)obj)->ptr; }

static void *ndw_swig_fast_image_type(ndw_pixel_type t, unsigned dim, int vector) {
  static swig_type_info *cache[NDW_PIXEL_COUNT][NDW_MAX_DIM + 1][2];
  static char known[NDW_PIXEL_COUNT][NDW_MAX_DIM + 1][2];
  char name[64];
  if ((int)t < 0 || t >= NDW_PIXEL_COUNT || dim < 1 || dim > NDW_MAX_DIM) return NULL;
  vector = vector != 0;
  if (!known[t][dim][vector]) {
    swig_type_info *ty;
    snprintf(name, sizeof name, "_p_ndw_%simage_%s_%u", vector ? "vector_" : "",
             ndw_pixel_type_info(t)->token, dim);
    ty = SWIG_MangledTypeQuery(name);
    /* wrapped means: a Python class exists for it */
    if (ty != NULL && (ty->clientdata == NULL ||
                       ((SwigPyClientData *)ty->clientdata)->pytype == NULL))
      ty = NULL;
    cache[t][dim][vector] = ty;
    known[t][dim][vector] = 1;
  }
  return cache[t][dim][vector];
}

static PyObject *ndw_swig_fast_wrap_image(ndw_image *im, void *type) {
  PyObject *r = type ? SWIG_Python_NewPointerObj(NULL, im, (swig_type_info *)type,
                                                 SWIG_POINTER_OWN)
                     : NULL;
  if (r == NULL) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_SystemError, "ndwrap: no class for the image");
    ndw_image_free(im);
  }
  return r;
}

static PyObject *ndw_swig_fast_wrap_vnl(ndw_vnl *v, void *type) {
  PyObject *r = SWIG_Python_NewPointerObj(NULL, v, (swig_type_info *)type, SWIG_POINTER_OWN);
  if (r == NULL) ndw_vnl_free(v);
  return r;
}

/* Images of fixed-size pixel types (NDW_COMPOUND_TABLE, ndw/config.h): their
 * SWIG names ("_p_ndw_image_vf3_3") and layouts. */
static const struct {
  const char *name;
  ndw_pixel_type t;
  unsigned dim;
  int layout;
} ndw_swig_fast_compound[] = {
#define NDW_X_FAST_COMPOUND(code, itk, tok, ctype, comp, n, D, layout) \
  {"_p_ndw_image_" #tok "_" #D, NDW_PIXEL_##comp, D, layout},
    NDW_FOR_EACH_COMPOUND_IMAGE(NDW_X_FAST_COMPOUND)
#undef NDW_X_FAST_COMPOUND
    {NULL, NDW_PIXEL_F, 0, 0}};

/* (pixel type, dim, vector or matrix) of a SWIG name "_p_ndw_image_f32_3",
 * "_p_ndw_vector_image_f32_3", "_p_ndw_vnl_vector_f32", "_p_ndw_vnl_matrix_f32". */
static int ndw_swig_fast_parse(const char *name, int want_image, ndw_pixel_type *t,
                               unsigned *dim, int *vector) {
  const char *rest = NULL;
  size_t len;
  if (want_image) {
    for (size_t i = 0; ndw_swig_fast_compound[i].name != NULL; ++i)
      if (strcmp(name, ndw_swig_fast_compound[i].name) == 0) {
        *t = ndw_swig_fast_compound[i].t;
        *dim = ndw_swig_fast_compound[i].dim;
        *vector = ndw_swig_fast_compound[i].layout;
        return 1;
      }
    if (strncmp(name, "_p_ndw_image_", 13) == 0) {
      rest = name + 13;
      *vector = 0;
    } else if (strncmp(name, "_p_ndw_vector_image_", 20) == 0) {
      rest = name + 20;
      *vector = 1;
    } else {
      return 0;
    }
  } else {
    if (strncmp(name, "_p_ndw_vnl_vector_", 18) == 0) {
      rest = name + 18;
      *vector = 0;
    } else if (strncmp(name, "_p_ndw_vnl_matrix_", 18) == 0) {
      rest = name + 18;
      *vector = 1;
    } else {
      return 0;
    }
  }
  for (int i = 0; i < NDW_PIXEL_COUNT; ++i) {
    const char *tok = ndw_pixel_type_info((ndw_pixel_type)i)->token;
    len = strlen(tok);
    if (strncmp(rest, tok, len) != 0) continue;
    if (!want_image && rest[len] == '\0') {
      *t = (ndw_pixel_type)i;
      *dim = 0;
      return 1;
    }
    if (want_image && rest[len] == '_') {
      char *end = NULL;
      unsigned long d = strtoul(rest + len + 1, &end, 10);
      if (end == NULL || *end != '\0' || d < 1 || d > NDW_MAX_DIM) return 0;
      *t = (ndw_pixel_type)i;
      *dim = (unsigned)d;
      return 1;
    }
  }
  return 0;
}

/* _fast_conversion(kind, cls, fallback, image_types, doc): a fast callable
 * in front of `fallback`; cls None (image kinds only) means any image class
 * (the keys of the dict image_types); `doc` (a str, or None for the
 * fallback's) may start with a text signature "name(...)\n--\n\n". */
static PyObject *ndw_swig_fast_conversion(PyObject *kind_obj, PyObject *cls, PyObject *fallback,
                                          PyObject *image_types, PyObject *doc) {
  static int hooked;
  long kind = PyLong_AsLong(kind_obj);
  int want_image;
  if (kind == -1 && PyErr_Occurred()) return NULL;
  if (kind < NDW_FAST_IMAGE_VIEW || kind > NDW_FAST_IMAGE_EXPORT_COPY) {
    PyErr_SetString(PyExc_ValueError, "unknown fast conversion kind");
    return NULL;
  }
  if (!hooked) {
    ndw_py_convert_hooks h = {ndw_swig_fast_ptr, ndw_swig_fast_image_type, ndw_swig_fast_wrap_image,
                              ndw_swig_fast_wrap_vnl};
    ndw_py_convert_set_hooks(&h);
    hooked = 1;
  }
  want_image = kind == NDW_FAST_IMAGE_VIEW || kind == NDW_FAST_IMAGE_IMPORT ||
               kind == NDW_FAST_IMAGE_IMPORT_COPY || kind == NDW_FAST_IMAGE_EXPORT_COPY;
  if (cls == Py_None) {
    if (!want_image) {
      PyErr_SetString(PyExc_TypeError, "a vnl fast conversion needs its class");
      return NULL;
    }
    return ndw_py_convert_new((int)kind, NULL, NULL, NDW_PIXEL_F, 0, 0, fallback, image_types,
                              doc);
  }
  for (size_t i = 0; i < swig_module.size; ++i) {
    swig_type_info *ty = swig_module.types[i];
    SwigPyClientData *cd = ty ? (SwigPyClientData *)ty->clientdata : NULL;
    ndw_pixel_type t;
    unsigned dim;
    int vector;
    if (cd == NULL || (PyObject *)cd->pytype != cls) continue;
    if (!ndw_swig_fast_parse(ty->name, want_image, &t, &dim, &vector)) break;
    return ndw_py_convert_new((int)kind, cls, ty, t, dim, vector, fallback, NULL, doc);
  }
  PyErr_Format(PyExc_TypeError, "%R is not a wrapped %s class", cls,
               want_image ? "image" : "vnl");
  return NULL;
}
%}

%rename(_fast_conversion) ndw_swig_fast_conversion;
PyObject *ndw_swig_fast_conversion(PyObject *kind_obj, PyObject *cls, PyObject *fallback,
                                   PyObject *image_types, PyObject *doc);

/* _axes_order(axes, dim, vector): the one axes= parser (ndw_py.c) for the
 * Python spellings: (perm, with_c), or TypeError / ValueError. */
%{
static PyObject *ndw_swig_axes_order(PyObject *axes, PyObject *dim_obj, PyObject *vector_obj) {
  unsigned long dim = PyLong_AsUnsignedLong(dim_obj);
  int vector;
  if (dim == (unsigned long)-1 && PyErr_Occurred()) return NULL;
  if (dim < 1 || dim > NDW_MAX_DIM) {
    PyErr_Format(PyExc_ValueError, "dimension %lu is not in 1..%d", dim, NDW_MAX_DIM);
    return NULL;
  }
  if ((vector = PyObject_IsTrue(vector_obj)) < 0) return NULL;
  return ndw_py_axes_order_tuple(axes, (unsigned)dim, vector);
}
%}

%rename(_axes_order) ndw_swig_axes_order;
PyObject *ndw_swig_axes_order(PyObject *axes, PyObject *dim_obj, PyObject *vector_obj);
