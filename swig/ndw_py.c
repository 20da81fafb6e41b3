/* ndwrap's Python glue over the runtime-typed core (see ndw_py.h). */
#include "ndw_py.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Copies at least this large run with the GIL released. */
#define NDW_PY_NOGIL_BYTES (1u << 16)

/* ---- errors ------------------------------------------------------------ */

PyObject *ndw_py_raise(ndw_status status) {
  PyObject *type;
  const char *msg = ndw_last_error();
  switch (status) {
  case NDW_E_NOMEM: type = PyExc_MemoryError; break;
  case NDW_E_INVALID: type = PyExc_ValueError; break;
  case NDW_E_TYPE: type = PyExc_TypeError; break;
  case NDW_E_RANGE: type = PyExc_IndexError; break;
  case NDW_E_BUSY: type = PyExc_BufferError; break;
  case NDW_E_READONLY: type = PyExc_ValueError; break;
  case NDW_E_STATE: type = PyExc_RuntimeError; break;
  case NDW_E_FORMAT: type = PyExc_ValueError; break;
  case NDW_E_IO: {
    /* OSError(errno, message): Python picks FileNotFoundError & co. */
    int err = ndw_last_os_error();
    PyObject *text = PyUnicode_DecodeUTF8(msg[0] ? msg : "I/O error",
                                          (Py_ssize_t)strlen(msg[0] ? msg : "I/O error"),
                                          "backslashreplace");
    PyObject *args = text == NULL ? NULL
                     : err        ? Py_BuildValue("(iN)", err, text)
                                  : Py_BuildValue("(N)", text);
    if (args != NULL) {
      PyErr_SetObject(PyExc_OSError, args);
      Py_DECREF(args);
    }
    return NULL;
  }
  default: type = PyExc_RuntimeError; break;
  }
  {
    /* messages may quote bytes of a file: never fail on non-UTF-8 */
    const char *text = msg[0] ? msg : ndw_status_name(status);
    PyObject *u = PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "backslashreplace");
    if (u != NULL) {
      PyErr_SetObject(type, u);
      Py_DECREF(u);
    }
  }
  return NULL;
}

int ndw_py_check(ndw_status status) {
  if (status == NDW_OK) return 0;
  ndw_py_raise(status);
  return -1;
}

PyObject *ndw_py_status(ndw_status status) {
  if (status != NDW_OK) return ndw_py_raise(status);
  Py_RETURN_NONE;
}

void ndw_py_null_arg(const char *symname, int argnum, const char *cls) {
  const char *dot = strrchr(cls, '.');
  const char *name = dot ? dot + 1 : cls;
  size_t n = strlen(name);
  /* a method of `name`: SWIG's symbol is "<Class>_<method>" and self is 1 */
  if (argnum == 1 && strncmp(symname, name, n) == 0 && symname[n] == '_') {
    PyErr_Format(PyExc_TypeError,
                 "%s.%s(): this %s object is not initialised (made without __init__, e.g. by "
                 "%s.__new__, or by a subclass whose __init__ does not call super().__init__())",
                 name, symname + n + 1, name, name);
    return;
  }
  PyErr_Format(PyExc_TypeError,
               "%s(): argument %d must be an initialised %s object, not None or an object "
               "made without __init__",
               symname, argnum, name);
}

/* ---- conversions ------------------------------------------------------- */

/* A fast sequence of exactly n items, or NULL with TypeError/ValueError. */
static PyObject *ndw_py_fast(PyObject *seq, unsigned n, const char *what) {
  PyObject *fast;
  if (PyUnicode_Check(seq) || PyBytes_Check(seq) || !PySequence_Check(seq)) {
    PyErr_Format(PyExc_TypeError, "%s must be a sequence of %u numbers, not %.100s", what, n,
                 Py_TYPE(seq)->tp_name);
    return NULL;
  }
  fast = PySequence_Fast(seq, what);
  if (fast == NULL) return NULL;
  if (PySequence_Fast_GET_SIZE(fast) != (Py_ssize_t)n) {
    PyErr_Format(PyExc_ValueError, "%s must have %u elements, got %zd", what, n,
                 PySequence_Fast_GET_SIZE(fast));
    Py_DECREF(fast);
    return NULL;
  }
  return fast;
}

/* All-or-nothing: `out` is written only when every item converted. */
int ndw_py_to_int64s(PyObject *seq, unsigned n, int64_t *out, const char *what) {
  int64_t v[NDW_MAX_DIM + 1];
  PyObject *fast;
  if (n > NDW_MAX_DIM + 1) {
    PyErr_Format(PyExc_ValueError, "%s: at most %d values", what, NDW_MAX_DIM + 1);
    return -1;
  }
  if ((fast = ndw_py_fast(seq, n, what)) == NULL) return -1;
  for (unsigned i = 0; i < n; ++i) {
    PyObject *num = PyNumber_Index(PySequence_Fast_GET_ITEM(fast, i));
    long long x;
    int overflow = 0;
    if (num == NULL) goto fail;
    x = PyLong_AsLongLongAndOverflow(num, &overflow);
    Py_DECREF(num);
    if (overflow) {
      PyErr_Format(PyExc_OverflowError, "%s[%u] does not fit a 64-bit integer", what, i);
      goto fail;
    }
    if (x == -1 && PyErr_Occurred()) goto fail;
    v[i] = x;
  }
  Py_DECREF(fast);
  memcpy(out, v, n * sizeof *out);
  return 0;
fail:
  Py_DECREF(fast);
  return -1;
}

int ndw_py_to_sizes(PyObject *seq, unsigned n, uint64_t *out, const char *what) {
  int64_t v[NDW_MAX_DIM + 1];
  if (ndw_py_to_int64s(seq, n, v, what) < 0) return -1;
  for (unsigned i = 0; i < n; ++i)
    if (v[i] < 0) {
      PyErr_Format(PyExc_ValueError, "%s[%u] = %lld is negative", what, i, (long long)v[i]);
      return -1;
    }
  for (unsigned i = 0; i < n; ++i) out[i] = (uint64_t)v[i];
  return 0;
}

/* A single number (not a sequence): a Python or NumPy scalar, anything with
 * __float__ or __index__. */
static int ndw_py_is_number(PyObject *obj) {
  return PyFloat_Check(obj) || PyLong_Check(obj) ||
         (!PySequence_Check(obj) && PyNumber_Check(obj) && !PyComplex_Check(obj));
}

int ndw_py_to_doubles(PyObject *obj, unsigned n, double *out, int allow_scalar,
                      const char *what) {
  double v[NDW_MAX_DIM * NDW_MAX_DIM];
  PyObject *fast;
  if (n > NDW_MAX_DIM * NDW_MAX_DIM) {
    PyErr_Format(PyExc_ValueError, "%s: too many values", what);
    return -1;
  }
  if (allow_scalar && ndw_py_is_number(obj)) {
    double x = PyFloat_AsDouble(obj);
    if (x == -1.0 && PyErr_Occurred()) return -1;
    for (unsigned i = 0; i < n; ++i) out[i] = x;
    return 0;
  }
  if ((fast = ndw_py_fast(obj, n, what)) == NULL) return -1;
  for (unsigned i = 0; i < n; ++i) {
    v[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(fast, i));
    if (v[i] == -1.0 && PyErr_Occurred()) {
      Py_DECREF(fast);
      return -1;
    }
  }
  Py_DECREF(fast);
  memcpy(out, v, n * sizeof *out);
  return 0;
}

/* A tuple of n values converted one by one. */
static PyObject *ndw_py_tuple_of(const void *v, unsigned n, size_t step,
                                 PyObject *(*convert)(const void *)) {
  PyObject *t = PyTuple_New(n);
  for (unsigned i = 0; t && i < n; ++i) {
    PyObject *x = convert((const char *)v + i * step);
    if (x == NULL) {
      Py_CLEAR(t);
      break;
    }
    PyTuple_SET_ITEM(t, i, x);
  }
  return t;
}

static PyObject *ndw_py_from_int64(const void *p) { return PyLong_FromLongLong(*(const int64_t *)p); }
static PyObject *ndw_py_from_uint64(const void *p) {
  return PyLong_FromUnsignedLongLong(*(const uint64_t *)p);
}
static PyObject *ndw_py_from_double(const void *p) { return PyFloat_FromDouble(*(const double *)p); }

PyObject *ndw_py_tuple_int64(const int64_t *v, unsigned n) {
  return ndw_py_tuple_of(v, n, sizeof *v, ndw_py_from_int64);
}

PyObject *ndw_py_tuple_uint64(const uint64_t *v, unsigned n) {
  return ndw_py_tuple_of(v, n, sizeof *v, ndw_py_from_uint64);
}

PyObject *ndw_py_tuple_double(const double *v, unsigned n) {
  return ndw_py_tuple_of(v, n, sizeof *v, ndw_py_from_double);
}

static int ndw_py_is_numpy_bool(PyObject *obj) {
  const char *name = Py_TYPE(obj)->tp_name;
  return strcmp(name, "numpy.bool") == 0 || strcmp(name, "numpy.bool_") == 0;
}

int ndw_py_to_component(ndw_pixel_type t, PyObject *obj, void *out) {
  const ndw_pixel_info *info = ndw_pixel_type_info(t);
  switch (info->kind) {
  case 'b': {
    if (PyBool_Check(obj) || ndw_py_is_numpy_bool(obj)) {
      int v = PyObject_IsTrue(obj);
      if (v < 0) return -1;
      *(ndw_bool *)out = v != 0;
      return 0;
    }
    PyObject *num = PyNumber_Index(obj);
    long long v;
    if (num == NULL) return -1;
    v = PyLong_AsLongLong(num);
    Py_DECREF(num);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (v != 0 && v != 1) {
      PyErr_Format(PyExc_ValueError, "%lld is not a bool pixel value (use True/False, 0/1)", v);
      return -1;
    }
    *(ndw_bool *)out = v != 0;
    return 0;
  }
  case 'i': case 'u': {
    PyObject *num = PyNumber_Index(obj);
    if (num == NULL) return -1;
    if (info->kind == 'i') {
      long long v = PyLong_AsLongLong(num);
      long long lo = info->size == 8 ? INT64_MIN : -(1LL << (8 * info->size - 1));
      long long hi = info->size == 8 ? INT64_MAX : (1LL << (8 * info->size - 1)) - 1;
      int overflow = v == -1 && PyErr_Occurred();
      Py_DECREF(num);
      if (overflow || v < lo || v > hi) {
        PyErr_Clear();
        PyErr_Format(PyExc_OverflowError, "value %R is out of range for pixel type %s (%s)", obj,
                     info->code, info->numpy);
        return -1;
      }
      switch (info->size) {
      case 1: *(int8_t *)out = (int8_t)v; break;
      case 2: *(int16_t *)out = (int16_t)v; break;
      case 4: *(int32_t *)out = (int32_t)v; break;
      default: *(int64_t *)out = (int64_t)v; break;
      }
    } else {
      unsigned long long v = PyLong_AsUnsignedLongLong(num);
      unsigned long long hi = info->size == 8 ? UINT64_MAX : (1ULL << (8 * info->size)) - 1;
      int overflow = v == (unsigned long long)-1 && PyErr_Occurred();
      Py_DECREF(num);
      if (overflow || v > hi) {
        PyErr_Clear();
        PyErr_Format(PyExc_OverflowError, "value %R is out of range for pixel type %s (%s)", obj,
                     info->code, info->numpy);
        return -1;
      }
      switch (info->size) {
      case 1: *(uint8_t *)out = (uint8_t)v; break;
      case 2: *(uint16_t *)out = (uint16_t)v; break;
      case 4: *(uint32_t *)out = (uint32_t)v; break;
      default: *(uint64_t *)out = (uint64_t)v; break;
      }
    }
    return 0;
  }
  case 'f': {
    double v;
    if (PyComplex_Check(obj)) {
      PyErr_Format(PyExc_TypeError, "a complex value cannot be stored in a %s pixel",
                   info->numpy);
      return -1;
    }
    v = PyFloat_AsDouble(obj);
    if (v == -1.0 && PyErr_Occurred()) return -1;
    if (info->size == 4 && isfinite(v) && (v > FLT_MAX || v < -FLT_MAX)) {
      /* C leaves this conversion undefined; NumPy gives inf with a warning */
      PyErr_Format(PyExc_OverflowError, "value %R is out of range for pixel type %s (%s)", obj,
                   info->code, info->numpy);
      return -1;
    }
    if (info->size == 4)
      *(float *)out = (float)v;
    else
      *(double *)out = v;
    return 0;
  }
  case 'c': {
    Py_complex c = PyComplex_AsCComplex(obj);
    if (c.real == -1.0 && PyErr_Occurred()) return -1;
    if (info->size == 8) {
      float parts[2] = {(float)c.real, (float)c.imag};
      memcpy(out, parts, sizeof parts);
    } else {
      double parts[2] = {c.real, c.imag};
      memcpy(out, parts, sizeof parts);
    }
    return 0;
  }
  default: break;
  }
  PyErr_SetString(PyExc_TypeError, "unsupported pixel type");
  return -1;
}

PyObject *ndw_py_from_component(ndw_pixel_type t, const void *p) {
  const ndw_pixel_info *info = ndw_pixel_type_info(t);
  switch (info->kind) {
  case 'b': /* any non-zero byte is true: foreign memory may hold 2 (reading it as bool is UB) */
    return PyBool_FromLong(*(const unsigned char *)p != 0);
  case 'i':
    switch (info->size) {
    case 1: return PyLong_FromLong(*(const int8_t *)p);
    case 2: return PyLong_FromLong(*(const int16_t *)p);
    case 4: return PyLong_FromLong(*(const int32_t *)p);
    default: return PyLong_FromLongLong(*(const int64_t *)p);
    }
  case 'u':
    switch (info->size) {
    case 1: return PyLong_FromUnsignedLong(*(const uint8_t *)p);
    case 2: return PyLong_FromUnsignedLong(*(const uint16_t *)p);
    case 4: return PyLong_FromUnsignedLong(*(const uint32_t *)p);
    default: return PyLong_FromUnsignedLongLong(*(const uint64_t *)p);
    }
  case 'f':
    return PyFloat_FromDouble(info->size == 4 ? (double)*(const float *)p : *(const double *)p);
  case 'c':
    if (info->size == 8) {
      float parts[2];
      memcpy(parts, p, sizeof parts);
      return PyComplex_FromDoubles(parts[0], parts[1]);
    } else {
      double parts[2];
      memcpy(parts, p, sizeof parts);
      return PyComplex_FromDoubles(parts[0], parts[1]);
    }
  default: break;
  }
  PyErr_SetString(PyExc_TypeError, "unsupported pixel type");
  return NULL;
}

/* A whole pixel: one component, or a sequence of `n` for vector images
 * (a scalar repeats when `broadcast`).  `out` has room for n components. */
static int ndw_py_to_pixel(const ndw_image *im, PyObject *value, void *out, int broadcast) {
  ndw_pixel_type t = ndw_image_pixel_type(im);
  unsigned n = ndw_image_components(im);
  size_t size = ndw_pixel_type_size(t);
  PyObject *fast;
  if (!ndw_image_is_vector(im)) return ndw_py_to_component(t, value, out);
  if (broadcast && !PySequence_Check(value)) {
    if (ndw_py_to_component(t, value, out) < 0) return -1;
    for (unsigned c = 1; c < n; ++c) memcpy((char *)out + c * size, out, size);
    return 0;
  }
  if ((fast = ndw_py_fast(value, n, "vector pixel")) == NULL) return -1;
  for (unsigned c = 0; c < n; ++c)
    if (ndw_py_to_component(t, PySequence_Fast_GET_ITEM(fast, c), (char *)out + c * size) < 0) {
      Py_DECREF(fast);
      return -1;
    }
  Py_DECREF(fast);
  return 0;
}

/* Pixel value classes of the fixed-size pixel types (NDW_COMPOUND_TABLE):
 * {layout: class}, registered once by ndwrap._registry at import; a pixel of
 * such an image is returned as class(tuple of components). */
static PyObject *ndw_py_pixel_classes = NULL;

PyObject *ndw_py_set_pixel_classes(PyObject *classes) {
  if (!PyDict_Check(classes)) {
    PyErr_SetString(PyExc_TypeError, "_set_pixel_classes() takes a dict {layout: class}");
    return NULL;
  }
  Py_INCREF(classes);
  Py_XSETREF(ndw_py_pixel_classes, classes);
  Py_RETURN_NONE;
}

static PyObject *ndw_py_pixel_value(const ndw_image *im, PyObject *tuple) {
  PyObject *key, *cls, *value;
  if (ndw_image_layout(im) <= NDW_LAYOUT_VECTOR || ndw_py_pixel_classes == NULL) return tuple;
  if ((key = PyLong_FromLong(ndw_image_layout(im))) == NULL) goto fail;
  cls = PyDict_GetItemWithError(ndw_py_pixel_classes, key); /* borrowed */
  Py_DECREF(key);
  if (cls == NULL) {
    if (PyErr_Occurred()) goto fail;
    return tuple;
  }
  Py_INCREF(cls); /* the call may run code that replaces the dict */
  value = PyObject_CallOneArg(cls, tuple);
  Py_DECREF(cls);
  Py_DECREF(tuple);
  return value;
fail:
  Py_DECREF(tuple);
  return NULL;
}

static PyObject *ndw_py_from_pixel(const ndw_image *im, const void *p) {
  ndw_pixel_type t = ndw_image_pixel_type(im);
  unsigned n = ndw_image_components(im);
  size_t size = ndw_pixel_type_size(t);
  PyObject *tuple;
  if (!ndw_image_is_vector(im)) return ndw_py_from_component(t, p);
  if ((tuple = PyTuple_New(n)) == NULL) return NULL;
  for (unsigned c = 0; c < n; ++c) {
    PyObject *x = ndw_py_from_component(t, (const char *)p + c * size);
    if (x == NULL) {
      Py_DECREF(tuple);
      return NULL;
    }
    PyTuple_SET_ITEM(tuple, c, x);
  }
  return ndw_py_pixel_value(im, tuple);
}

/* Room for one pixel, on the stack when small.  Callers check first that
 * the image holds at least one pixel of this size (allocated, index inside
 * the region), so the size is bounded by memory the image already has. */
typedef struct ndw_py_pixel_buf {
  char small[256];
  void *p;
  unsigned components; /* the layout the pixel was converted for */
} ndw_py_pixel_buf;

static void *ndw_py_pixel_alloc(ndw_py_pixel_buf *b, const ndw_image *im) {
  size_t bytes = ndw_image_components(im) * ndw_pixel_type_size(ndw_image_pixel_type(im));
  b->components = ndw_image_components(im);
  b->p = bytes <= sizeof b->small ? b->small : PyMem_Malloc(bytes);
  if (b->p == NULL) PyErr_NoMemory();
  return b->p;
}

static void ndw_py_pixel_free(ndw_py_pixel_buf *b) {
  if (b->p != NULL && b->p != b->small) PyMem_Free(b->p);
}

/* Converting a Python value may run Python code (__float__, __index__,
 * __iter__) that changes the image: re-check the layout the pixel was
 * converted for before any C code copies it into the image. */
static int ndw_py_pixel_still_fits(const ndw_py_pixel_buf *b, const ndw_image *im) {
  if (ndw_image_components(im) == b->components) return 0;
  PyErr_Format(PyExc_RuntimeError,
               "the image changed while the pixel value was converted (components per pixel "
               "%u -> %u); nothing was written",
               b->components, ndw_image_components(im));
  return -1;
}

/* ---- the one locking rule ------------------------------------------------ */

int ndw_py_lock(ndw_image *a, ndw_image *b) {
  if (ndw_py_check(ndw_image_export_acquire(a)) < 0) return -1;
  if (b != NULL && b != a && ndw_py_check(ndw_image_export_acquire(b)) < 0) {
    ndw_image_export_release(a);
    return -1;
  }
  return 0;
}

int ndw_py_check_radius(const ndw_image *input, const uint64_t *radius, const char *what) {
  uint64_t size[NDW_MAX_DIM];
  static const char axes[] = "xyzt";
  ndw_image_get_size(input, size);
  for (unsigned i = 0; i < ndw_image_dimension(input); ++i)
    if (radius[i] > size[i]) {
      PyErr_Format(PyExc_ValueError,
                   "%s[%u] = %llu is larger than the input image along %c (size %llu)", what, i,
                   (unsigned long long)radius[i], i < 4 ? axes[i] : '?',
                   (unsigned long long)size[i]);
      return -1;
    }
  return 0;
}

void ndw_py_unlock(ndw_image *a, ndw_image *b) {
  ndw_image_export_release(a);
  if (b != NULL && b != a) ndw_image_export_release(b);
}

/* ---- images -------------------------------------------------------------- */

ndw_image *ndw_py_image_new(ndw_pixel_type t, unsigned dim, int vector) {
  ndw_image *im = NULL;
  if (ndw_py_check(ndw_image_new(t, dim, vector, &im)) < 0) return NULL;
  return im;
}

static void ndw_py_release_pybuffer(void *context);

void ndw_py_image_free(ndw_image *im) {
  /* Python frees an image only when no view holds it, so this succeeds.
   * The caller holds the GIL (a SWIG object going away): a Py_buffer the
   * image holds is released here directly, without the release callback's
   * PyGILState_Ensure/Release (issue 16); any other owner's callback runs
   * as ndw_image_free would run it. */
  ndw_release_fn release;
  void *context;
  if (im == NULL) return;
  if (ndw_image_take_release(im, &release, &context) == NDW_OK && release != NULL) {
    if (release == ndw_py_release_pybuffer) {
      PyBuffer_Release((Py_buffer *)context);
      PyMem_Free(context);
    } else {
      release(context);
    }
  }
  (void)ndw_image_free(im);
}

PyObject *ndw_py_image_set_regions(ndw_image *im, PyObject *region) {
  unsigned dim = ndw_image_dimension(im);
  int64_t index[NDW_MAX_DIM] = {0};
  uint64_t size[NDW_MAX_DIM];
  if (PyObject_HasAttrString(region, "GetSize") && PyObject_HasAttrString(region, "GetIndex")) {
    PyObject *s = PyObject_CallMethod(region, "GetSize", NULL), *i;
    if (s == NULL) return NULL;
    i = PyObject_CallMethod(region, "GetIndex", NULL);
    if (i == NULL || ndw_py_to_sizes(s, dim, size, "region size") < 0 ||
        ndw_py_to_int64s(i, dim, index, "region index") < 0) {
      Py_DECREF(s);
      Py_XDECREF(i);
      return NULL;
    }
    Py_DECREF(s);
    Py_DECREF(i);
  } else if (ndw_py_to_sizes(region, dim, size, "size") < 0) {
    return NULL;
  }
  return ndw_py_status(ndw_image_set_regions(im, index, size));
}

PyObject *ndw_py_image_allocate(ndw_image *im, int initialize) {
  return ndw_py_status(ndw_image_allocate(im, initialize));
}

/* Fail early, before a pixel is built, when the image cannot be written. */
static int ndw_py_image_writable(const ndw_image *im, const char *what) {
  if (!ndw_image_is_allocated(im)) {
    PyErr_Format(PyExc_RuntimeError, "%s: the image is not allocated: call Allocate() first",
                 what);
    return -1;
  }
  if (ndw_image_is_readonly(im)) {
    PyErr_Format(PyExc_ValueError, "%s: the image views read-only memory", what);
    return -1;
  }
  return 0;
}

PyObject *ndw_py_image_fill(ndw_image *im, PyObject *value) {
  ndw_py_pixel_buf b;
  ndw_status st;
  uint64_t bytes;
  if (ndw_py_image_writable(im, "FillBuffer") < 0) return NULL;
  if (ndw_image_number_of_pixels(im) == 0) {
    /* nothing to write: check the value, but build no pixel (the component
     * count of an empty vector image is not bounded by any memory) */
    char one[16];
    if (!ndw_image_is_vector(im) || !PySequence_Check(value))
      return ndw_py_to_component(ndw_image_pixel_type(im), value, one) < 0 ? NULL
                                                                           : ndw_py_status(NDW_OK);
    Py_RETURN_NONE;
  }
  if (ndw_py_pixel_alloc(&b, im) == NULL) return NULL;
  if (ndw_py_to_pixel(im, value, b.p, 1) < 0 || ndw_py_pixel_still_fits(&b, im) < 0) {
    ndw_py_pixel_free(&b);
    return NULL;
  }
  bytes = ndw_image_number_of_pixels(im) * ndw_image_components(im) *
          ndw_pixel_type_size(ndw_image_pixel_type(im));
  if (bytes >= NDW_PY_NOGIL_BYTES) {
    if (ndw_py_lock(im, NULL) < 0) { /* converting the value may have dropped the buffer */
      ndw_py_pixel_free(&b);
      return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    st = ndw_image_fill(im, b.p);
    Py_END_ALLOW_THREADS
    ndw_py_unlock(im, NULL);
  } else {
    st = ndw_image_fill(im, b.p);
  }
  ndw_py_pixel_free(&b);
  return ndw_py_status(st);
}

PyObject *ndw_py_image_get_pixel(ndw_image *im, PyObject *index) {
  int64_t idx[NDW_MAX_DIM];
  ndw_py_pixel_buf b;
  void *where;
  PyObject *result = NULL;
  if (ndw_py_to_int64s(index, ndw_image_dimension(im), idx, "index") < 0) return NULL;
  if (ndw_py_check(ndw_image_pixel_pointer(im, idx, &where)) < 0) return NULL;
  if (ndw_py_pixel_alloc(&b, im) == NULL) return NULL;
  if (ndw_py_check(ndw_image_get_pixel(im, idx, b.p)) == 0) result = ndw_py_from_pixel(im, b.p);
  ndw_py_pixel_free(&b);
  return result;
}

PyObject *ndw_py_image_set_pixel(ndw_image *im, PyObject *index, PyObject *value) {
  int64_t idx[NDW_MAX_DIM];
  ndw_py_pixel_buf b;
  void *where;
  PyObject *result = NULL;
  if (ndw_py_to_int64s(index, ndw_image_dimension(im), idx, "index") < 0) return NULL;
  if (ndw_py_image_writable(im, "SetPixel") < 0) return NULL;
  if (ndw_py_check(ndw_image_pixel_pointer(im, idx, &where)) < 0) return NULL;
  if (ndw_py_pixel_alloc(&b, im) == NULL) return NULL;
  /* the C call re-checks the index against the region after the conversion */
  if (ndw_py_to_pixel(im, value, b.p, 0) == 0 && ndw_py_pixel_still_fits(&b, im) == 0)
    result = ndw_py_status(ndw_image_set_pixel(im, idx, b.p));
  ndw_py_pixel_free(&b);
  return result;
}

PyObject *ndw_py_image_set_spacing(ndw_image *im, PyObject *value) {
  double v[NDW_MAX_DIM];
  if (ndw_py_to_doubles(value, ndw_image_dimension(im), v, 1, "spacing") < 0) return NULL;
  return ndw_py_status(ndw_image_set_spacing(im, v));
}

PyObject *ndw_py_image_get_spacing(ndw_image *im) {
  double v[NDW_MAX_DIM];
  ndw_image_get_spacing(im, v);
  return ndw_py_tuple_double(v, ndw_image_dimension(im));
}

PyObject *ndw_py_image_set_origin(ndw_image *im, PyObject *value) {
  double v[NDW_MAX_DIM];
  if (ndw_py_to_doubles(value, ndw_image_dimension(im), v, 1, "origin") < 0) return NULL;
  return ndw_py_status(ndw_image_set_origin(im, v));
}

PyObject *ndw_py_image_get_origin(ndw_image *im) {
  double v[NDW_MAX_DIM];
  ndw_image_get_origin(im, v);
  return ndw_py_tuple_double(v, ndw_image_dimension(im));
}

PyObject *ndw_py_image_set_direction(ndw_image *im, PyObject *value) {
  unsigned n = ndw_image_dimension(im);
  double m[NDW_MAX_DIM * NDW_MAX_DIM];
  PyObject *rows = ndw_py_fast(value, n, "direction");
  if (rows == NULL) return NULL;
  for (unsigned r = 0; r < n; ++r)
    if (ndw_py_to_doubles(PySequence_Fast_GET_ITEM(rows, r), n, m + r * n, 0,
                          "direction row") < 0) {
      Py_DECREF(rows);
      return NULL;
    }
  Py_DECREF(rows);
  return ndw_py_status(ndw_image_set_direction(im, m));
}

PyObject *ndw_py_image_get_direction(ndw_image *im) {
  unsigned n = ndw_image_dimension(im);
  double m[NDW_MAX_DIM * NDW_MAX_DIM];
  PyObject *rows;
  ndw_image_get_direction(im, m);
  if ((rows = PyTuple_New(n)) == NULL) return NULL;
  for (unsigned r = 0; r < n; ++r) {
    PyObject *row = ndw_py_tuple_double(m + r * n, n);
    if (row == NULL) {
      Py_DECREF(rows);
      return NULL;
    }
    PyTuple_SET_ITEM(rows, r, row);
  }
  return rows;
}

PyObject *ndw_py_image_set_components(ndw_image *im, PyObject *value) {
  long long n;
  PyObject *num = PyNumber_Index(value);
  if (num == NULL) return NULL;
  n = PyLong_AsLongLong(num);
  Py_DECREF(num);
  if (n == -1 && PyErr_Occurred()) return NULL;
  if (n < 1 || n > UINT32_MAX) {
    PyErr_Format(PyExc_ValueError, "components per pixel must be in 1..%u, got %lld",
                 (unsigned)UINT32_MAX, n);
    return NULL;
  }
  return ndw_py_status(ndw_image_set_components(im, (unsigned)n));
}

PyObject *ndw_py_image_repr(ndw_image *im, const char *pyname) {
  unsigned n = ndw_image_dimension(im);
  uint64_t size[NDW_MAX_DIM];
  int64_t index[NDW_MAX_DIM];
  PyObject *s, *i, *sp, *o, *r = NULL;
  const char *state = !ndw_image_is_allocated(im) ? "unallocated"
                      : ndw_image_is_readonly(im) ? "read-only view"
                                                  : "allocated";
  ndw_image_get_size(im, size);
  ndw_image_get_index(im, index);
  s = ndw_py_tuple_uint64(size, n);
  i = ndw_py_tuple_int64(index, n);
  sp = ndw_py_image_get_spacing(im);
  o = ndw_py_image_get_origin(im);
  if (s && i && sp && o)
    r = PyUnicode_FromFormat("<ndwrap.%s size=%R index=%R spacing=%R origin=%R components=%u %s>",
                             pyname, s, i, sp, o, ndw_image_components(im), state);
  Py_XDECREF(s);
  Py_XDECREF(i);
  Py_XDECREF(sp);
  Py_XDECREF(o);
  return r;
}

/* Release a Py_buffer held by an image or vnl object; may run without the
 * GIL held (a C caller freeing the image), so take it. */
static void ndw_py_release_pybuffer(void *context) {
  PyGILState_STATE g = PyGILState_Ensure();
  PyBuffer_Release((Py_buffer *)context);
  PyMem_Free(context);
  PyGILState_Release(g);
}

/* The one acquisition path (DESIGN.md "Safety rules"): every Python object
 * that reaches C as pixels comes through here.  It asks for strides and the
 * format (and writability when `writable`), then checks what the exporter
 * gave before anything reads through it:
 *   - an exporter that refuses a dtype (NumPy's datetime64, ...) is a
 *     TypeError, like every other unsupported element type;
 *   - no suboffsets; len == product(shape) * itemsize, without overflow;
 *   - no strides means C-contiguous (the buffer protocol's rule; ctypes
 *     arrays give none): they are filled in here;
 *   - an empty buffer may have a NULL pointer: it gets a harmless one;
 *   - then ndw_buffer_check (C): rank, item size, shapes >= 0, and a byte
 *     extent that fits a ptrdiff_t, so no stride arithmetic can overflow.
 * The Py_buffer lives on the heap, for as long as the view that holds it;
 * on every error it is released here. */
static char ndw_py_empty_buffer[16];

/* *out = a * b; 1 (and *out unset) when the product exceeds `limit`.  No
 * division where the compiler has the builtin: this runs per axis of every
 * acquisition (issue 16). */
static int ndw_py_mul_sat(uint64_t a, uint64_t b, uint64_t limit, uint64_t *out) {
#if defined(__GNUC__) || defined(__clang__)
  uint64_t r;
  if (__builtin_mul_overflow(a, b, &r) || r > limit) return 1;
  *out = r;
  return 0;
#else
  if (b != 0 && a > limit / b) return 1;
  *out = a * b;
  return *out > limit;
#endif
}

Py_buffer *ndw_py_acquire(PyObject *obj, int writable, ndw_buffer_desc *d) {
  Py_buffer *pb = PyMem_Malloc(sizeof *pb);
  const uint64_t limit = (uint64_t)PTRDIFF_MAX;
  uint64_t count = 1, bytes;
  if (pb == NULL) {
    PyErr_NoMemory();
    return NULL;
  }
  if (PyObject_GetBuffer(obj, pb, writable ? PyBUF_RECORDS : PyBUF_RECORDS_RO) < 0) {
    PyMem_Free(pb);
    if (PyErr_ExceptionMatches(PyExc_ValueError)) { /* NumPy: "cannot include dtype 'M'" */
      PyObject *type, *value, *tb;
      PyErr_Fetch(&type, &value, &tb);
      PyErr_NormalizeException(&type, &value, &tb);
      PyErr_Format(PyExc_TypeError, "a %.100s cannot be used as pixels: %S",
                   Py_TYPE(obj)->tp_name, value);
      Py_XDECREF(type);
      Py_XDECREF(value);
      Py_XDECREF(tb);
    }
    return NULL;
  }
  /* field by field: one memset of the description became `rep stos`, ~2 %
   * of an array -> image view (issue 16) */
  d->data = NULL;
  d->ndim = 0;
  d->itemsize = 0;
  d->readonly = 0;
  d->format = NULL;
  memset(d->shape, 0, sizeof d->shape);
  memset(d->strides, 0, sizeof d->strides);
  if (pb->ndim < 0 || pb->ndim > NDW_MAX_DIM + 1) {
    PyErr_Format(PyExc_ValueError, "arrays of %d dimensions are not supported (0..%d)", pb->ndim,
                 NDW_MAX_DIM + 1);
    goto fail;
  }
  if (pb->suboffsets != NULL) {
    PyErr_SetString(PyExc_TypeError, "indirect (PIL-style) buffers are not supported");
    goto fail;
  }
  if (pb->itemsize <= 0 || pb->len < 0) {
    PyErr_Format(PyExc_ValueError, "the %.100s exporter reports itemsize %zd, len %zd",
                 Py_TYPE(obj)->tp_name, pb->itemsize, pb->len);
    goto fail;
  }
  d->ndim = pb->ndim;
  d->itemsize = (size_t)pb->itemsize;
  d->readonly = pb->readonly;
  d->format = pb->format != NULL ? pb->format : "B";
  for (int i = 0; i < pb->ndim; ++i) {
    Py_ssize_t n = pb->shape != NULL ? pb->shape[i] : pb->len / pb->itemsize;
    if (n < 0) {
      PyErr_Format(PyExc_ValueError, "the %.100s exporter reports shape[%d] = %zd",
                   Py_TYPE(obj)->tp_name, i, n);
      goto fail;
    }
    d->shape[i] = n;
    /* count saturates at limit + 1 (no division: issue 16) */
    if (count != 0 && ndw_py_mul_sat(count, (uint64_t)n, limit, &count)) count = limit + 1;
  }
  if (ndw_py_mul_sat(count, (uint64_t)pb->itemsize, limit, &bytes) ||
      bytes != (uint64_t)pb->len) {
    PyErr_Format(PyExc_ValueError,
                 "the %.100s exporter is inconsistent: len %zd is not product(shape) * itemsize",
                 Py_TYPE(obj)->tp_name, pb->len);
    goto fail;
  }
  /* the exporter's strides, or C-contiguous ones */
  {
    uint64_t next = (uint64_t)pb->itemsize;
    for (int i = pb->ndim - 1; i >= 0; --i) {
      uint64_t n = d->shape[i] > 0 ? (uint64_t)d->shape[i] : 1;
      if (pb->strides != NULL) {
        d->strides[i] = pb->strides[i];
      } else if (next > limit) {
        PyErr_SetString(PyExc_ValueError, "the buffer's byte extent overflows");
        goto fail;
      } else {
        d->strides[i] = (ptrdiff_t)next;
      }
      if (ndw_py_mul_sat(next, n, limit, &next)) next = limit + 1;
    }
  }
  d->data = pb->buf;
  if (d->data == NULL && count == 0)
    d->data = ndw_py_empty_buffer; /* nothing is ever read from an empty buffer */
  if (ndw_py_check(ndw_buffer_check(d)) < 0) goto fail;
  return pb;
fail:
  PyBuffer_Release(pb);
  PyMem_Free(pb);
  return NULL;
}

ndw_image *ndw_py_image_view(ndw_pixel_type t, unsigned dim, int vector, PyObject *obj,
                             int is_vector, int writable) {
  ndw_py_view_opts opts = {0};
  opts.writable = writable;
  return ndw_py_image_view_ex(&t, dim, vector, obj, is_vector, &opts);
}

/* ---- axes="..." (issue 12): the one parser ------------------------------ */

static const char ndw_axis_letters[] = "XYZT"; /* image dimensions 0..3 */

/* ValueError "axes='..': <why>; a 3-d vector image expects ...". */
static int ndw_py_axes_error(PyObject *axes, unsigned dim, int vector, PyObject *why) {
  char spatial[16] = "", def[8] = "";
  unsigned k = 0, m = 0;
  for (unsigned i = 0; i < dim; ++i) { /* dim <= 4 here */
    if (i) {
      spatial[m++] = ',';
      spatial[m++] = ' ';
    }
    spatial[m++] = ndw_axis_letters[i];
    def[k++] = ndw_axis_letters[dim - 1 - i];
  }
  spatial[m] = '\0';
  if (vector) def[k++] = 'C';
  def[k] = '\0';
  if (why != NULL)
    PyErr_Format(PyExc_ValueError,
                 "axes=%R: %U; a %u-d %simage expects each of the letters %s%s exactly once, "
                 "e.g. '%s'",
                 axes, why, dim, vector ? "vector " : "", spatial,
                 vector ? " and C" : " (and C, a component axis of length 1, if wanted)", def);
  Py_XDECREF(why);
  return -1;
}

/* The slot of an (upper-cased) letter: 0..3 for X, Y, Z, T below `dim`,
 * 4 for C, -1 for anything else. */
static int ndw_py_axis_slot(Py_UCS4 ch, unsigned dim) {
  if (ch == 'C') return 4;
  for (unsigned j = 0; j < dim; ++j)
    if (ch == (Py_UCS4)ndw_axis_letters[j]) return (int)j;
  return -1;
}

/* The last successful parse, by the identity of an exact str (kept alive
 * here, so the identity stays valid; a str never changes): a spelling
 * called in a loop with the same literal parses once (issue 16).  The GIL
 * guards it. */
static struct {
  PyObject *axes;
  unsigned dim;
  int vector;
  ndw_py_axes out;
} ndw_py_axes_last;

static int ndw_py_axes_parse(PyObject *axes, unsigned dim, int vector, ndw_py_axes *out);

int ndw_py_axes_order(PyObject *axes, unsigned dim, int vector, ndw_py_axes *out) {
  vector = vector != 0;
  if (axes == ndw_py_axes_last.axes && dim == ndw_py_axes_last.dim &&
      vector == ndw_py_axes_last.vector) {
    *out = ndw_py_axes_last.out;
    return 0;
  }
  if (ndw_py_axes_parse(axes, dim, vector, out) < 0) return -1;
  if (PyUnicode_CheckExact(axes)) {
    PyObject *old = ndw_py_axes_last.axes;
    Py_INCREF(axes);
    ndw_py_axes_last.axes = axes;
    ndw_py_axes_last.dim = dim;
    ndw_py_axes_last.vector = vector;
    ndw_py_axes_last.out = *out;
    Py_XDECREF(old);
  }
  return 0;
}

static int ndw_py_axes_parse(PyObject *axes, unsigned dim, int vector, ndw_py_axes *out) {
  /* where[slot]: the position of that letter in the default array (z, y, x, c) */
  int where[5], count[5] = {0};
  PyObject *up, *c;
  Py_ssize_t len;
  if (!PyUnicode_Check(axes)) {
    PyObject *name = PyObject_GetAttrString((PyObject *)Py_TYPE(axes), "__name__");
    if (name != NULL)
      PyErr_Format(PyExc_TypeError,
                   "axes must be a string of axis letters such as 'ZYXC', not %S", name);
    Py_XDECREF(name);
    return -1;
  }
  if (dim > 4) {
    PyErr_Format(PyExc_ValueError,
                 "axes=%R: axis letters name at most 4 image dimensions (X, Y, Z, T); this "
                 "image has %u (use keepAxes or the default order)",
                 axes, dim);
    return -1;
  }
  for (unsigned i = 0; i < dim; ++i) where[i] = (int)(dim - 1 - i);
  where[4] = (int)dim;
  /* Python's str.upper(), done in C for ASCII (the common case) */
  if (PyUnicode_IS_ASCII(axes)) {
    up = axes;
    Py_INCREF(up);
  } else if ((up = PyObject_CallMethod(axes, "upper", NULL)) == NULL) {
    return -1;
  }
#define NDW_AXIS_CHAR(i)                                                                         \
  (up == axes && PyUnicode_READ_CHAR(up, i) >= 'a' && PyUnicode_READ_CHAR(up, i) <= 'z'          \
       ? PyUnicode_READ_CHAR(up, i) - ('a' - 'A')                                                \
       : PyUnicode_READ_CHAR(up, i))
  len = PyUnicode_GET_LENGTH(up);
  for (Py_ssize_t i = 0; i < len; ++i) { /* every letter known here, in order */
    int s = ndw_py_axis_slot(NDW_AXIS_CHAR(i), dim);
    if (s < 0) {
      c = PyUnicode_FromOrdinal((int)NDW_AXIS_CHAR(i));
      Py_DECREF(up);
      if (c == NULL) return -1;
      ndw_py_axes_error(axes, dim, vector, PyUnicode_FromFormat("%R is not an axis letter here", c));
      Py_DECREF(c);
      return -1;
    }
    count[s]++;
  }
  for (Py_ssize_t i = 0; i < len; ++i) { /* the first letter that repeats, in order */
    int s = ndw_py_axis_slot(NDW_AXIS_CHAR(i), dim);
    if (count[s] > 1) {
      Py_DECREF(up);
      return ndw_py_axes_error(axes, dim, vector, PyUnicode_FromFormat(
                                   "'%c' is repeated", s == 4 ? 'C' : ndw_axis_letters[s]));
    }
  }
  {
    char missing[32];
    unsigned m = 0;
    for (unsigned j = 0; j <= 4; ++j) { /* at most 5 letters: 5 * 5 bytes */
      if ((j < 4 && j >= dim) || (j == 4 && !vector) || count[j]) continue;
      if (m) {
        missing[m++] = ',';
        missing[m++] = ' ';
      }
      missing[m++] = '\'';
      missing[m++] = j == 4 ? 'C' : ndw_axis_letters[j];
      missing[m++] = '\'';
    }
    missing[m] = '\0';
    if (missing[0]) {
      Py_DECREF(up);
      return ndw_py_axes_error(axes, dim, vector, PyUnicode_FromFormat("%s missing", missing));
    }
  }
  /* each letter at most once: len <= dim + 1 <= 5 */
  out->n = (int)len;
  out->with_c = count[4] != 0;
  for (Py_ssize_t i = 0; i < len; ++i) out->perm[i] = where[ndw_py_axis_slot(NDW_AXIS_CHAR(i), dim)];
#undef NDW_AXIS_CHAR
  Py_DECREF(up);
  return 0;
}

PyObject *ndw_py_axes_order_tuple(PyObject *axes, unsigned dim, int vector) {
  ndw_py_axes o;
  PyObject *perm;
  if (ndw_py_axes_order(axes, dim, vector, &o) < 0) return NULL;
  if ((perm = PyTuple_New(o.n)) == NULL) return NULL;
  for (int i = 0; i < o.n; ++i) {
    PyObject *v = PyLong_FromLong(o.perm[i]);
    if (v == NULL) {
      Py_DECREF(perm);
      return NULL;
    }
    PyTuple_SET_ITEM(perm, i, v);
  }
  return Py_BuildValue("(NO)", perm, o.with_c ? Py_True : Py_False);
}

ndw_image *ndw_py_image_view_ex(const ndw_pixel_type *type, unsigned dim, int vector,
                                PyObject *obj, int is_vector, const ndw_py_view_opts *opts) {
  static const ndw_py_view_opts defaults;
  ndw_buffer_desc d;
  Py_buffer *pb;
  ndw_pixel_type t;
  ndw_image *im = NULL;
  int native, spatial;
  if (opts == NULL) opts = &defaults;
  if ((pb = ndw_py_acquire(obj, opts->writable, &d)) == NULL) return NULL;
  spatial = d.ndim - ((vector || is_vector) ? 1 : 0);
  if (type != NULL) {
    t = *type;
  } else if (ndw_buffer_parse_format(d.format, d.itemsize, &t, &native) != NDW_OK || !native ||
             spatial < 1 || spatial > NDW_MAX_DIM ||
             !opts->wrapped(t, (unsigned)spatial, is_vector != 0)) {
    PyErr_SetString(PyExc_TypeError, "no wrapped image type views this buffer as it is");
    goto fail;
  } else {
    dim = (unsigned)spatial;
    vector = is_vector != 0;
  }
  if (opts->axes != NULL) { /* axes="...": the array's axis i is the letter i */
    ndw_py_axes o;
    ndw_buffer_desc p = d;
    if (ndw_py_axes_order(opts->axes, dim, vector || is_vector, &o) < 0) goto fail;
    if (o.n != d.ndim) {
      PyErr_Format(PyExc_ValueError, "axes=%R names %d axes; the array has %d", opts->axes, o.n,
                   d.ndim);
      goto fail;
    }
    for (int i = 0; i < o.n; ++i) { /* to NumPy's order (z, y, x, c) */
      p.shape[o.perm[i]] = d.shape[i];
      p.strides[o.perm[i]] = d.strides[i];
    }
    d = p;
    is_vector = is_vector || o.with_c;
  } else if (opts->keep) { /* keepAxes: the array's spatial axes are (x, y, z): reverse them */
    for (int i = 0, j = spatial - 1; i < j; ++i, --j) {
      int64_t n = d.shape[i];
      ptrdiff_t st = d.strides[i];
      d.shape[i] = d.shape[j];
      d.strides[i] = d.strides[j];
      d.shape[j] = n;
      d.strides[j] = st;
    }
  }
  if ((im = ndw_py_image_new(t, dim, vector)) == NULL) goto fail;
  /* from here on the image owns pb: the release callback runs on failure */
  if (ndw_py_check(ndw_image_view_buffer(im, &d, is_vector, ndw_py_release_pybuffer, pb)) < 0) {
    ndw_image_free(im);
    return NULL;
  }
  return im;
fail:
  PyBuffer_Release(pb);
  PyMem_Free(pb);
  return NULL;
}

/* Re-point an existing image at an object's memory (Graft): the same
 * acquisition and checks as ndw_py_image_view; the image's old buffer is
 * dropped (BufferError while it is exported). */
PyObject *ndw_py_image_rewrap(ndw_image *im, PyObject *obj, int is_vector) {
  ndw_buffer_desc d;
  Py_buffer *pb;
  if ((pb = ndw_py_acquire(obj, 0, &d)) == NULL) return NULL;
  /* from here on the image owns pb: the release callback runs on failure */
  return ndw_py_status(ndw_image_view_buffer(im, &d, is_vector, ndw_py_release_pybuffer, pb));
}

ndw_image *ndw_py_image_copy(ndw_image *im) {
  ndw_image *out = NULL;
  ndw_status st;
  if (ndw_py_lock(im, NULL) < 0) return NULL;
  Py_BEGIN_ALLOW_THREADS
  st = ndw_image_duplicate(im, &out);
  Py_END_ALLOW_THREADS
  ndw_py_unlock(im, NULL);
  if (ndw_py_check(st) < 0) return NULL;
  return out;
}

PyObject *ndw_py_image_copy_into(ndw_image *im, PyObject *target) {
  ndw_buffer_desc d, want;
  Py_buffer *pb;
  ndw_status st;
  int ok;
  if (ndw_image_describe_buffer(im, 0, &want) != NDW_OK) return ndw_py_raise(ndw_last_status());
  if ((pb = ndw_py_acquire(target, 1, &d)) == NULL) return NULL;
  /* the target: the image's array shape and item size, C-contiguous */
  ok = d.ndim == want.ndim && d.itemsize == want.itemsize && !d.readonly;
  {
    ptrdiff_t expect = (ptrdiff_t)d.itemsize;
    for (int i = d.ndim - 1; ok && i >= 0; --i) {
      ok = d.shape[i] == want.shape[i] && (d.shape[i] <= 1 || d.strides[i] == expect);
      expect *= (ptrdiff_t)d.shape[i];
    }
  }
  if (!ok) {
    PyErr_SetString(PyExc_ValueError,
                    "the target must be a writable C-contiguous buffer of the image's shape "
                    "and item size");
    PyBuffer_Release(pb);
    PyMem_Free(pb);
    return NULL;
  }
  if (ndw_py_lock(im, NULL) < 0) {
    PyBuffer_Release(pb);
    PyMem_Free(pb);
    return NULL;
  }
  Py_BEGIN_ALLOW_THREADS
  st = ndw_image_copy_to_contiguous(im, d.data);
  Py_END_ALLOW_THREADS
  ndw_py_unlock(im, NULL);
  PyBuffer_Release(pb);
  PyMem_Free(pb);
  return ndw_py_status(st);
}

/* Per-export storage for shape and strides (view->internal). */
typedef struct ndw_py_export {
  Py_ssize_t shape[NDW_MAX_DIM + 1];
  Py_ssize_t strides[NDW_MAX_DIM + 1];
} ndw_py_export;

/* Fill `view` from a description, honouring the consumer's request flags. */
int ndw_py_fill_view(const ndw_buffer_desc *d, PyObject *self, Py_buffer *view, int flags) {
  ndw_py_export *ex;
  Py_ssize_t len = (Py_ssize_t)d->itemsize;
  if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && d->readonly) {
    PyErr_SetString(PyExc_BufferError, "the buffer is read-only");
    return -1;
  }
  if ((ex = PyMem_Malloc(sizeof *ex)) == NULL) {
    PyErr_NoMemory();
    return -1;
  }
  for (int i = 0; i < d->ndim; ++i) {
    ex->shape[i] = (Py_ssize_t)d->shape[i];
    ex->strides[i] = (Py_ssize_t)d->strides[i];
    len *= ex->shape[i];
  }
  view->buf = d->data;
  view->obj = NULL;
  view->len = len;
  view->itemsize = (Py_ssize_t)d->itemsize;
  view->readonly = d->readonly;
  view->ndim = d->ndim;
  view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? (char *)d->format : NULL;
  view->shape = ex->shape;
  view->strides = ex->strides;
  view->suboffsets = NULL;
  view->internal = ex;
  if (((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !PyBuffer_IsContiguous(view, 'C')) ||
      ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS && !PyBuffer_IsContiguous(view, 'F')) ||
      ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS &&
       !PyBuffer_IsContiguous(view, 'A')) ||
      ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && !PyBuffer_IsContiguous(view, 'C'))) {
    PyMem_Free(ex);
    view->internal = NULL;
    PyErr_SetString(PyExc_BufferError,
                    "the consumer asked for a contiguous buffer; this one is strided "
                    "(ask with strides, e.g. numpy.asarray)");
    return -1;
  }
  if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES) view->strides = NULL;
  if ((flags & PyBUF_ND) != PyBUF_ND) {
    view->shape = NULL;
    view->ndim = 1;
  }
  view->obj = self;
  Py_INCREF(self);
  return 0;
}

/* The axis order of the next export of one image object, set by
 * ndw_py_image_memoryview around its one PyMemoryView_FromObject call and
 * taken (then cleared) by that object's getbuffer.  Between the two only
 * CPython runs (the memoryview's allocation, PyObject_GetBuffer; the GIL
 * held), and with the cyclic GC paused no finalizer can run Python code
 * that exports in between, so no other export can see it; per thread
 * where there is no GIL. */
#ifdef Py_GIL_DISABLED
#define NDW_PY_PER_THREAD _Thread_local
#else
#define NDW_PY_PER_THREAD
#endif
static NDW_PY_PER_THREAD struct {
  const PyObject *self; /* the object whose next getbuffer takes the order */
  int keep;
  const ndw_py_axes *order;
  int taken; /* set by the getbuffer that took it */
} ndw_py_export_order;

/* Put `d` (the default order, z, y, x[, c]) in the axes= order `o`. */
static int ndw_py_order_desc(ndw_buffer_desc *d, const ndw_py_axes *o) {
  int64_t shape[NDW_MAX_DIM + 1];
  ptrdiff_t strides[NDW_MAX_DIM + 1];
  if (o->with_c && o->n == d->ndim + 1 && d->ndim <= NDW_MAX_DIM) {
    d->shape[d->ndim] = 1; /* a scalar image's "C": an axis of length 1 */
    d->strides[d->ndim] = 0; /* as NumPy's a[..., None] */
    d->ndim++;
  }
  if (o->n != d->ndim) {
    PyErr_Format(PyExc_BufferError, "an axis order of %d axes for a buffer of %d", o->n,
                 d->ndim);
    return -1;
  }
  for (int i = 0; i < o->n; ++i) {
    shape[i] = d->shape[o->perm[i]];
    strides[i] = d->strides[o->perm[i]];
  }
  memcpy(d->shape, shape, (size_t)o->n * sizeof shape[0]);
  memcpy(d->strides, strides, (size_t)o->n * sizeof strides[0]);
  return 0;
}

PyObject *ndw_py_image_memoryview(PyObject *self, int keep, const ndw_py_axes *order) {
  PyObject *mv;
  int gc_was_on, taken;
  if (!keep && order == NULL) return PyMemoryView_FromObject(self);
  /* no collection (and so no __del__ or weakref callback) while the order
   * waits: the memoryview's allocation is the one place one could start */
  gc_was_on = PyGC_Disable();
  ndw_py_export_order.self = self;
  ndw_py_export_order.keep = keep;
  ndw_py_export_order.order = order;
  ndw_py_export_order.taken = 0;
  mv = PyMemoryView_FromObject(self);
  taken = ndw_py_export_order.taken;
  ndw_py_export_order.self = NULL; /* taken, or never reached (not an image) */
  ndw_py_export_order.order = NULL;
  ndw_py_export_order.taken = 0;
  if (gc_was_on) PyGC_Enable();
  if (mv != NULL && !taken) { /* never expected: an export in the default order */
    Py_DECREF(mv);
    PyErr_SetString(PyExc_SystemError, "ndwrap: the image's export did not take its axis order");
    return NULL;
  }
  return mv;
}

int ndw_py_image_getbuffer(ndw_image *im, PyObject *self, Py_buffer *view, int flags) {
  ndw_buffer_desc d;
  int keep = 0;
  const ndw_py_axes *order = NULL;
  view->obj = NULL;
  if (ndw_py_export_order.self != NULL && ndw_py_export_order.self == self) {
    keep = ndw_py_export_order.keep;
    order = ndw_py_export_order.order;
    ndw_py_export_order.self = NULL;
    ndw_py_export_order.taken = 1;
  }
  if (ndw_image_describe_buffer(im, keep, &d) != NDW_OK) {
    PyErr_SetString(PyExc_BufferError, ndw_last_error());
    return -1;
  }
  if (order != NULL && ndw_py_order_desc(&d, order) < 0) return -1;
  if (ndw_py_fill_view(&d, self, view, flags) < 0) return -1;
  (void)ndw_image_export_acquire(im);
  return 0;
}

void ndw_py_image_releasebuffer(ndw_image *im, Py_buffer *view) {
  ndw_image_export_release(im);
  PyMem_Free(view->internal);
  view->internal = NULL;
}

/* ---- vnl ----------------------------------------------------------------- */

static int ndw_py_to_u64(PyObject *obj, uint64_t *out, const char *what) {
  PyObject *num;
  long long v;
  if (obj == NULL || obj == Py_None) {
    *out = 0;
    return 0;
  }
  if ((num = PyNumber_Index(obj)) == NULL) return -1;
  v = PyLong_AsLongLong(num);
  Py_DECREF(num);
  if (v == -1 && PyErr_Occurred()) return -1;
  if (v < 0) {
    PyErr_Format(PyExc_ValueError, "%s = %lld is negative", what, v);
    return -1;
  }
  *out = (uint64_t)v;
  return 0;
}

ndw_vnl *ndw_py_vnl_new(ndw_pixel_type t, int matrix, PyObject *rows, PyObject *cols) {
  ndw_vnl *v = NULL;
  uint64_t r, c = 1;
  if (ndw_py_to_u64(rows, &r, matrix ? "rows" : "size") < 0) return NULL;
  if (matrix && ndw_py_to_u64(cols, &c, "cols") < 0) return NULL;
  if (ndw_py_check(ndw_vnl_new(t, matrix, &v)) < 0) return NULL;
  if (ndw_py_check(ndw_vnl_set_size(v, r, c)) < 0) {
    ndw_vnl_free(v);
    return NULL;
  }
  return v;
}

void ndw_py_vnl_free(ndw_vnl *v) { (void)ndw_vnl_free(v); }

PyObject *ndw_py_vnl_set_size(ndw_vnl *v, PyObject *rows, PyObject *cols) {
  uint64_t r, c = 1;
  if (ndw_py_to_u64(rows, &r, ndw_vnl_is_matrix(v) ? "rows" : "size") < 0) return NULL;
  if (ndw_vnl_is_matrix(v) && ndw_py_to_u64(cols, &c, "cols") < 0) return NULL;
  return ndw_py_status(ndw_vnl_set_size(v, r, c));
}

/* Python-style index (negative counts from the end) into 0..n-1. */
static int ndw_py_vnl_index(PyObject *obj, uint64_t n, uint64_t *out) {
  PyObject *num;
  long long i;
  if (obj == NULL || obj == Py_None) {
    *out = 0;
    return 0;
  }
  if ((num = PyNumber_Index(obj)) == NULL) return -1;
  i = PyLong_AsLongLong(num);
  Py_DECREF(num);
  if (i == -1 && PyErr_Occurred()) return -1;
  if (i < 0) i += (long long)n;
  if (i < 0 || (uint64_t)i >= n) {
    PyErr_Format(PyExc_IndexError, "index %R is out of range for length %llu", obj,
                 (unsigned long long)n);
    return -1;
  }
  *out = (uint64_t)i;
  return 0;
}

PyObject *ndw_py_vnl_get(ndw_vnl *v, PyObject *row, PyObject *col) {
  uint64_t r, c;
  char buf[16];
  if (ndw_py_vnl_index(row, ndw_vnl_rows(v), &r) < 0 ||
      ndw_py_vnl_index(ndw_vnl_is_matrix(v) ? col : NULL, ndw_vnl_cols(v), &c) < 0)
    return NULL;
  if (ndw_py_check(ndw_vnl_get(v, r, c, buf)) < 0) return NULL;
  return ndw_py_from_component(ndw_vnl_pixel_type(v), buf);
}

PyObject *ndw_py_vnl_put(ndw_vnl *v, PyObject *row, PyObject *col, PyObject *value) {
  uint64_t r, c;
  char buf[16];
  if (ndw_py_vnl_index(row, ndw_vnl_rows(v), &r) < 0 ||
      ndw_py_vnl_index(ndw_vnl_is_matrix(v) ? col : NULL, ndw_vnl_cols(v), &c) < 0 ||
      ndw_py_to_component(ndw_vnl_pixel_type(v), value, buf) < 0)
    return NULL;
  return ndw_py_status(ndw_vnl_put(v, r, c, buf));
}

PyObject *ndw_py_vnl_fill(ndw_vnl *v, PyObject *value) {
  char buf[16];
  if (ndw_py_to_component(ndw_vnl_pixel_type(v), value, buf) < 0) return NULL;
  return ndw_py_status(ndw_vnl_fill(v, buf));
}

PyObject *ndw_py_vnl_repr(ndw_vnl *v, const char *pyname) {
  if (ndw_vnl_is_matrix(v))
    return PyUnicode_FromFormat("<ndwrap.%s %llux%llu%s>", pyname,
                                (unsigned long long)ndw_vnl_rows(v),
                                (unsigned long long)ndw_vnl_cols(v),
                                ndw_vnl_is_readonly(v) ? " read-only view" : "");
  return PyUnicode_FromFormat("<ndwrap.%s size=%llu%s>", pyname,
                              (unsigned long long)ndw_vnl_rows(v),
                              ndw_vnl_is_readonly(v) ? " read-only view" : "");
}

ndw_vnl *ndw_py_vnl_view(ndw_pixel_type t, int matrix, PyObject *obj, int writable) {
  ndw_buffer_desc d;
  Py_buffer *pb;
  ndw_vnl *v = NULL;
  if (ndw_py_check(ndw_vnl_new(t, matrix, &v)) < 0) return NULL;
  if ((pb = ndw_py_acquire(obj, writable, &d)) == NULL) {
    ndw_vnl_free(v);
    return NULL;
  }
  if (ndw_py_check(ndw_vnl_view_buffer(v, &d, ndw_py_release_pybuffer, pb)) < 0) {
    ndw_vnl_free(v);
    return NULL;
  }
  return v;
}

static void ndw_py_free_block(void *block) { free(block); }

int ndw_py_vnl_own(ndw_vnl *v) {
  size_t bytes = (size_t)ndw_vnl_size(v) * ndw_pixel_type_size(ndw_vnl_pixel_type(v));
  void *mem = NULL;
  if (bytes && (mem = malloc(bytes)) == NULL) {
    PyErr_NoMemory();
    return -1;
  }
  if (bytes) memcpy(mem, ndw_vnl_data(v), bytes);
  /* lets go of the viewed memory (its release), or frees mem on failure */
  return ndw_py_check(ndw_vnl_wrap(v, mem, ndw_vnl_rows(v), ndw_vnl_cols(v), 0,
                                   mem ? ndw_py_free_block : NULL, mem));
}

ndw_vnl *ndw_py_vnl_copy(ndw_vnl *src) {
  ndw_vnl *v = NULL;
  size_t bytes = (size_t)ndw_vnl_size(src) * ndw_pixel_type_size(ndw_vnl_pixel_type(src));
  if (ndw_py_check(ndw_vnl_new(ndw_vnl_pixel_type(src), ndw_vnl_is_matrix(src), &v)) < 0)
    return NULL;
  if (ndw_py_check(ndw_vnl_set_size(v, ndw_vnl_rows(src), ndw_vnl_cols(src))) < 0) {
    ndw_vnl_free(v);
    return NULL;
  }
  if (bytes) memcpy(ndw_vnl_data(v), ndw_vnl_data(src), bytes);
  return v;
}

int ndw_py_vnl_getbuffer(ndw_vnl *v, PyObject *self, Py_buffer *view, int flags) {
  ndw_buffer_desc d;
  static char empty;
  view->obj = NULL;
  ndw_vnl_describe_buffer(v, &d);
  if (d.data == NULL) d.data = &empty; /* an empty vector still exports */
  if (ndw_py_fill_view(&d, self, view, flags) < 0) return -1;
  (void)ndw_vnl_export_acquire(v);
  return 0;
}

void ndw_py_vnl_releasebuffer(ndw_vnl *v, Py_buffer *view) {
  ndw_vnl_export_release(v);
  PyMem_Free(view->internal);
  view->internal = NULL;
}

/* A new vnl object filled with `value` (vnl's (n, value) constructors);
 * frees it and returns NULL when the value does not convert. */
ndw_vnl *ndw_py_vnl_filled(ndw_vnl *v, PyObject *value) {
  PyObject *r;
  if (v == NULL || value == NULL) return v;
  if ((r = ndw_py_vnl_fill(v, value)) == NULL) {
    ndw_py_vnl_free(v);
    return NULL;
  }
  Py_DECREF(r);
  return v;
}

/* ---- geometry ------------------------------------------------------------ */

/* Python has already added len() to a negative subscript (sq_item). */
static int ndw_py_geom_index(unsigned n, Py_ssize_t *i) {
  if (*i < 0 || *i >= (Py_ssize_t)n) {
    PyErr_SetString(PyExc_IndexError, "index out of range");
    return -1;
  }
  return 0;
}

PyObject *ndw_py_geom_getitem(const void *v, unsigned n, int is_signed, Py_ssize_t i) {
  if (ndw_py_geom_index(n, &i) < 0) return NULL;
  return is_signed ? PyLong_FromLongLong(((const int64_t *)v)[i])
                   : PyLong_FromUnsignedLongLong(((const uint64_t *)v)[i]);
}

int ndw_py_geom_setitem(void *v, unsigned n, int is_signed, Py_ssize_t i, PyObject *value) {
  PyObject *num;
  long long x;
  if (value == NULL) {
    PyErr_SetString(PyExc_TypeError, "cannot delete elements");
    return -1;
  }
  if (ndw_py_geom_index(n, &i) < 0 || (num = PyNumber_Index(value)) == NULL) return -1;
  x = PyLong_AsLongLong(num);
  Py_DECREF(num);
  if (x == -1 && PyErr_Occurred()) return -1;
  if (!is_signed && x < 0) {
    PyErr_Format(PyExc_ValueError, "a size must not be negative, got %lld", x);
    return -1;
  }
  if (is_signed)
    ((int64_t *)v)[i] = x;
  else
    ((uint64_t *)v)[i] = (uint64_t)x;
  return 0;
}

/* ITK's SetSize(axis, value) / SetIndex(axis, value): one axis, 0..n-1
 * (no negative axes: ITK's is unsigned). */
int ndw_py_geom_set_axis(void *v, unsigned n, int is_signed, PyObject *axis, PyObject *value) {
  Py_ssize_t i;
  PyObject *num = PyNumber_Index(axis);
  if (num == NULL) return -1;
  i = PyLong_AsSsize_t(num);
  Py_DECREF(num);
  if (i == -1 && PyErr_Occurred()) {
    if (!PyErr_ExceptionMatches(PyExc_OverflowError)) return -1;
    PyErr_Clear();
    i = (Py_ssize_t)n; /* out of range either way */
  }
  if (i < 0 || i >= (Py_ssize_t)n) {
    PyErr_Format(PyExc_IndexError, "axis %zd is out of range for dimension %u", i, n);
    return -1;
  }
  return ndw_py_geom_setitem(v, n, is_signed, i, value);
}

int ndw_py_geom_init(void *v, unsigned n, int is_signed, PyObject *values) {
  if (values == NULL || values == Py_None) {
    memset(v, 0, n * 8);
    return 0;
  }
  if (PyIndex_Check(values) && !PySequence_Check(values)) { /* Size3(5) fills, like Fill(5) */
    for (unsigned i = 0; i < n; ++i)
      if (ndw_py_geom_setitem(v, n, is_signed, (Py_ssize_t)i, values) < 0) return -1;
    return 0;
  }
  return is_signed ? ndw_py_to_int64s(values, n, v, "index")
                   : ndw_py_to_sizes(values, n, v, "size");
}

PyObject *ndw_py_geom_repr(const void *v, unsigned n, int is_signed, const char *pyname) {
  PyObject *t = is_signed ? ndw_py_tuple_int64(v, n) : ndw_py_tuple_uint64(v, n);
  PyObject *list, *r;
  if (t == NULL) return NULL;
  list = PySequence_List(t);
  Py_DECREF(t);
  if (list == NULL) return NULL;
  r = PyUnicode_FromFormat("ndwrap.%s(%R)", pyname, list);
  Py_DECREF(list);
  return r;
}

PyObject *ndw_py_geom_richcompare(const void *v, unsigned n, int is_signed, PyObject *other,
                                  int op) {
  int64_t o[NDW_MAX_DIM];
  int equal;
  if (op != Py_EQ && op != Py_NE) Py_RETURN_NOTIMPLEMENTED;
  if (!PySequence_Check(other) || PySequence_Size(other) != (Py_ssize_t)n) {
    PyErr_Clear();
    Py_RETURN_NOTIMPLEMENTED;
  }
  if (ndw_py_to_int64s(other, n, o, "other") < 0) {
    PyErr_Clear();
    Py_RETURN_NOTIMPLEMENTED;
  }
  equal = 1;
  for (unsigned i = 0; i < n; ++i) {
    if (is_signed ? ((const int64_t *)v)[i] != o[i]
                  : (o[i] < 0 || ((const uint64_t *)v)[i] != (uint64_t)o[i]))
      equal = 0;
  }
  return PyBool_FromLong(op == Py_EQ ? equal : !equal);
}

PyObject *ndw_py_region_repr(const int64_t *index, const uint64_t *size, unsigned n,
                             const char *pyname) {
  PyObject *i = ndw_py_tuple_int64(index, n), *s = ndw_py_tuple_uint64(size, n), *r = NULL;
  if (i && s) r = PyUnicode_FromFormat("ndwrap.%s(index=%R, size=%R)", pyname, i, s);
  Py_XDECREF(i);
  Py_XDECREF(s);
  return r;
}

int ndw_py_region_init(int64_t *index, uint64_t *size, unsigned n, PyObject *a, PyObject *b) {
  memset(index, 0, n * sizeof *index);
  memset(size, 0, n * sizeof *size);
  if (a == NULL || a == Py_None) return 0;
  if (b == NULL || b == Py_None) /* ImageRegion(size) */
    return ndw_py_to_sizes(a, n, size, "size");
  if (ndw_py_to_int64s(a, n, index, "index") < 0) return -1; /* ImageRegion(index, size) */
  return ndw_py_to_sizes(b, n, size, "size");
}
