/* Fast paths of the conversion spellings (see ndw_py_convert.h). */
#include "ndw_py_convert.h"
#include "ndw_py_protocols.h" /* ndw_py_dtype */

#include <string.h>

static ndw_py_convert_hooks ndw_fast_hooks;

/* vnl copies up to this size are one C memcpy into malloc'ed memory; larger
 * ones go to the Python spelling, whose NumPy copy gets fresh pages faster
 * (a 4 MiB malloc faults 1024 small pages: 3x slower, measured). */
#define NDW_FAST_COPY_MAX ((uint64_t)256 * 1024)

void ndw_py_convert_set_hooks(const ndw_py_convert_hooks *hooks) { ndw_fast_hooks = *hooks; }

typedef struct ndw_fast {
  PyMethodDef def;       /* name and doc of the fallback (kept alive below) */
  PyObject *name, *doc;
  int kind;
  PyObject *cls;         /* expected class, or NULL: any key of image_types */
  PyObject *image_types; /* dict: image class -> anything (never changed) */
  PyTypeObject *last;    /* the last key of image_types seen (borrowed) */
  PyObject *fallback;    /* the Python spelling */
  void *swig_type;
  ndw_pixel_type t;
  unsigned dim;
  int vector; /* vector image, or vnl matrix */
} ndw_fast;

static const char ndw_fast_capsule[] = "ndwrap.fast";

static void ndw_fast_free_struct(ndw_fast *f);
static void ndw_fast_free(PyObject *capsule) {
  ndw_fast *f = PyCapsule_GetPointer(capsule, ndw_fast_capsule);
  if (f != NULL) ndw_fast_free_struct(f);
}

static void ndw_fast_free_struct(ndw_fast *f) {
  Py_XDECREF(f->cls);
  Py_XDECREF(f->image_types);
  Py_XDECREF(f->fallback);
  Py_XDECREF(f->name);
  Py_XDECREF(f->doc);
  PyMem_Free(f);
}

/* numpy.asarray, imported on the first conversion (import ndwrap imports
 * no NumPy) and kept for the life of the process. */
static PyObject *ndw_fast_numpy_attr(PyObject **cache, const char *name) {
  if (*cache == NULL) {
    PyObject *np = PyImport_ImportModule("numpy");
    if (np == NULL) return NULL;
    *cache = PyObject_GetAttrString(np, name);
    Py_DECREF(np);
  }
  return *cache;
}

static PyObject *ndw_fast_asarray(void) {
  static PyObject *asarray;
  return ndw_fast_numpy_attr(&asarray, "asarray");
}

static PyObject *ndw_fast_str(PyObject **cache, const char *s) {
  if (*cache == NULL) *cache = PyUnicode_InternFromString(s);
  return *cache;
}

/* A flag argument the fast path takes: exactly True or False. */
static int ndw_fast_flag(PyObject *v, int *out) {
  if (v == Py_True || v == Py_False) {
    *out = v == Py_True;
    return 1;
  }
  return 0;
}

/* Does keyword `name` equal the ASCII name `s` (a string literal)?  The
 * names are kept interned (a few, found by the literal's address); a
 * keyword name from code is interned too, so equal names are one object
 * and two interned objects that differ are different names: a pointer
 * compare, no character compare, in the common call. */
static int ndw_fast_name_eq(PyObject *name, const char *s) {
  static struct {
    const char *s;
    PyObject *str;
  } names[8];
  size_t i;
  if (!PyUnicode_Check(name)) return 0;
  for (i = 0; i < sizeof names / sizeof names[0] && names[i].s != NULL; ++i)
    if (names[i].s == s) break;
  if (i < sizeof names / sizeof names[0] && names[i].s == NULL) {
    if ((names[i].str = PyUnicode_InternFromString(s)) != NULL)
      names[i].s = s;
    else
      PyErr_Clear(); /* compare the characters below */
  }
  if (i < sizeof names / sizeof names[0] && names[i].s == s) {
    if (name == names[i].str) return 1;
    if (PyUnicode_CHECK_INTERNED(name)) return 0;
  }
  return PyUnicode_CompareWithASCIIString(name, s) == 0;
}

/* Does keyword `name` equal one of the names? */
static int ndw_fast_name_is(PyObject *name, const char *a, const char *b) {
  return ndw_fast_name_eq(name, a) || (b != NULL && ndw_fast_name_eq(name, b));
}

/* The call's second argument (positional, or the one keyword `kw1`/`kw2`),
 * if any, as a flag.  1: taken (flag in *out, default 0); 0: not ours. */
static int ndw_fast_one_flag(PyObject *const *args, Py_ssize_t n, PyObject *kwnames,
                             const char *kw1, const char *kw2, int *out) {
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  *out = 0;
  if (n == 1 && nkw == 0) return 1;
  if (n == 2 && nkw == 0) return ndw_fast_flag(args[1], out);
  if (n == 1 && nkw == 1 && kw1 != NULL && ndw_fast_name_is(PyTuple_GET_ITEM(kwnames, 0), kw1, kw2))
    return ndw_fast_flag(args[1], out);
  return 0;
}

/* The image spellings' call: (x), (x, flag) and the keywords
 * keep_axes=/keepAxes= (a flag) and axes= (a str, or None), each at most
 * once.  1: taken, with *pos the positional flag (-1: none; keepAxes for
 * the exports, is_vector for the imports), *keep the keyword flag (-1:
 * none) and *axes NULL or a borrowed str; 0: the Python spelling's (a
 * positional and a keyword flag together, a true keep flag with axes, any
 * other keyword or value: it explains or handles them). */
static int ndw_fast_image_args(PyObject *const *args, Py_ssize_t n, PyObject *kwnames, int *pos,
                               int *keep, PyObject **axes) {
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  *pos = *keep = -1;
  *axes = NULL;
  if (n < 1 || n > 2 || (n == 2 && !ndw_fast_flag(args[1], pos))) return 0;
  for (Py_ssize_t i = 0; i < nkw; ++i) {
    PyObject *name = PyTuple_GET_ITEM(kwnames, i), *v = args[n + i];
    if (ndw_fast_name_is(name, "axes", NULL)) {
      if (*axes != NULL || (v != Py_None && !PyUnicode_Check(v))) return 0;
      if (v != Py_None) *axes = v;
    } else if (ndw_fast_name_is(name, "keep_axes", "keepAxes")) {
      if (*keep >= 0 || !ndw_fast_flag(v, keep)) return 0;
    } else {
      return 0;
    }
  }
  return 1;
}

static PyObject *ndw_fast_fallback(ndw_fast *f, PyObject *const *args, size_t nargsf,
                                   PyObject *kwnames) {
  return PyObject_Vectorcall(f->fallback, args, nargsf, kwnames);
}

static int ndw_fast_is_cls(ndw_fast *f, PyObject *obj) {
  PyTypeObject *t = Py_TYPE(obj);
  if (f->cls != NULL) return (PyObject *)t == f->cls;
  /* the last class found (kept alive by image_types, which never changes):
   * a pointer compare instead of a dict lookup for repeated calls */
  if (t == f->last) return 1;
  if (PyDict_Contains(f->image_types, (PyObject *)t) != 1) return 0;
  f->last = t;
  return 1;
}

/* object -> NumPy view through its own getbuffer (the one export path). */
static PyObject *ndw_fast_export(PyObject *obj) {
  PyObject *asarray = ndw_fast_asarray(), *mv, *a;
  if (asarray == NULL || (mv = PyMemoryView_FromObject(obj)) == NULL) return NULL;
  a = PyObject_CallOneArg(asarray, mv);
  Py_DECREF(mv);
  return a;
}

/* image object -> NumPy view in the order asked (`keep`: keepAxes, `order`:
 * axes=, neither: NumPy's), through the image's own getbuffer, which
 * describes the buffer in that order (ndw_py_image_memoryview): NumPy
 * reads the permuted strides, no transpose call. */
static PyObject *ndw_fast_export_image(PyObject *obj, int keep, const ndw_py_axes *order) {
  PyObject *asarray = ndw_fast_asarray(), *mv, *a;
  if (asarray == NULL || (mv = ndw_py_image_memoryview(obj, keep, order)) == NULL) return NULL;
  a = PyObject_CallOneArg(asarray, mv);
  Py_DECREF(mv);
  return a;
}

/* vnl object -> a new array that owns a copy of its elements: numpy.empty
 * of the view's shape and the pixel type's dtype (ndw_py_dtype, cached),
 * filled by one memcpy from the object's own buffer export.  NumPy's
 * ndarray.copy() of a fresh view costs the view (~250 ns) plus its general
 * copy machinery; this is one small allocation call and a memcpy.  Only up
 * to NDW_FAST_COPY_MAX bytes (larger copies are memory bound: NumPy's way,
 * as before); *done 0: not taken (nothing raised). */
static PyObject *ndw_fast_vnl_array_copy(ndw_fast *f, PyObject *obj, int *done) {
  static PyObject *empty;
  PyObject *shape = NULL, *dtype = NULL, *out = NULL, *call[2];
  Py_buffer src, dst;
  *done = 0;
  if (ndw_fast_numpy_attr(&empty, "empty") == NULL) return NULL;
  if (PyObject_GetBuffer(obj, &src, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
    *done = 1;
    return NULL;
  }
  if ((uint64_t)src.len > NDW_FAST_COPY_MAX || src.ndim < 1 || src.ndim > 2) {
    PyBuffer_Release(&src);
    return NULL;
  }
  *done = 1;
  if (src.ndim == 1) { /* numpy.empty(n, dtype): no tuple to make */
    if ((shape = PyLong_FromSsize_t(src.shape[0])) == NULL) goto out;
  } else {
    if ((shape = PyTuple_New(src.ndim)) == NULL) goto out;
    for (int i = 0; i < src.ndim; ++i) {
      PyObject *v = PyLong_FromSsize_t(src.shape[i]);
      if (v == NULL) goto out;
      PyTuple_SET_ITEM(shape, i, v);
    }
  }
  if ((dtype = ndw_py_dtype(f->t)) == NULL) goto out;
  call[0] = shape;
  call[1] = dtype;
  if ((out = PyObject_Vectorcall(empty, call, 2, NULL)) == NULL) goto out;
  if (PyObject_GetBuffer(out, &dst, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) {
    Py_CLEAR(out);
    goto out;
  }
  if (dst.len != src.len) {
    PyBuffer_Release(&dst);
    Py_CLEAR(out);
    PyErr_SetString(PyExc_SystemError, "ndwrap: the copy's size differs from the vnl object's");
    goto out;
  }
  if (src.len > 0) memcpy(dst.buf, src.buf, (size_t)src.len);
  PyBuffer_Release(&dst);
out:
  Py_XDECREF(shape);
  Py_XDECREF(dtype);
  PyBuffer_Release(&src);
  return out;
}

/* `a` (a new reference, or NULL) in keepAxes order: the spatial axes
 * reversed ((x, y, z), components last) for an image of `dim` dimensions,
 * `vector` with a component axis.  Consumes `a`.  For copies
 * (array_from_image): a view of the copy, as the Python spelling's
 * transpose; views are ordered by the image's own getbuffer instead. */
static PyObject *ndw_fast_keep_order(PyObject *a, unsigned dim, int vector) {
  static PyObject *s_T, *s_transpose, *perms[NDW_MAX_DIM + 1];
  PyObject *r;
  if (a == NULL) return NULL;
  if (!vector) { /* scalar: (x, y, z) is the reversed order, a.T */
    r = PyObject_GetAttr(a, ndw_fast_str(&s_T, "T"));
  } else { /* vector: reverse the spatial axes, keep the components last */
    if (dim < 1 || dim > NDW_MAX_DIM) {
      Py_DECREF(a);
      PyErr_SetString(PyExc_SystemError, "ndwrap: image dimension out of range");
      return NULL;
    }
    if (perms[dim] == NULL) {
      PyObject *perm = PyTuple_New((Py_ssize_t)dim + 1);
      for (unsigned i = 0; perm != NULL && i <= dim; ++i) {
        PyObject *v = PyLong_FromLong(i < dim ? (long)(dim - 1 - i) : (long)dim);
        if (v == NULL) {
          Py_CLEAR(perm);
          break;
        }
        PyTuple_SET_ITEM(perm, i, v);
      }
      if (perm == NULL) {
        Py_DECREF(a);
        return NULL;
      }
      perms[dim] = perm;
    }
    r = PyObject_CallMethodOneArg(a, ndw_fast_str(&s_transpose, "transpose"), perms[dim]);
  }
  Py_DECREF(a);
  return r;
}

/* `a` (a new reference, or NULL; the default order) in the order of `o`
 * (axes="..."): an axis of length 1 for a scalar image's "C"
 * (a[..., None]), then a.transpose(perm): strides only.  Consumes `a`.
 * For copies, as ndw_fast_keep_order. */
static PyObject *ndw_fast_axes_order(PyObject *a, const ndw_py_axes *o, int vector) {
  static PyObject *s_transpose, *s_newaxis;
  PyObject *perm, *r;
  if (a == NULL) return NULL;
  if (o->with_c && !vector) {
    if (s_newaxis == NULL && (s_newaxis = PyTuple_Pack(2, Py_Ellipsis, Py_None)) == NULL) {
      Py_DECREF(a);
      return NULL;
    }
    r = PyObject_GetItem(a, s_newaxis);
    Py_DECREF(a);
    if ((a = r) == NULL) return NULL;
  }
  if ((perm = PyTuple_New(o->n)) == NULL) {
    Py_DECREF(a);
    return NULL;
  }
  for (int i = 0; i < o->n; ++i) /* small ints: cached, never fail */
    PyTuple_SET_ITEM(perm, i, PyLong_FromLong(o->perm[i]));
  r = PyObject_CallMethodOneArg(a, ndw_fast_str(&s_transpose, "transpose"), perm);
  Py_DECREF(perm);
  Py_DECREF(a);
  return r;
}

/* A copy that owns its data: ndarray.copy() of the default view (C order:
 * one contiguous copy, NumPy releases the GIL for it; the view keeps the
 * image exported meanwhile, so it cannot be re-allocated under the copy).
 * Consumes `a`. */
static PyObject *ndw_fast_copy_of(PyObject *a) {
  static PyObject *s_copy;
  PyObject *r;
  if (a == NULL) return NULL;
  r = PyObject_CallMethodNoArgs(a, ndw_fast_str(&s_copy, "copy"));
  Py_DECREF(a);
  return r;
}

static int ndw_fast_wrapped(ndw_pixel_type t, unsigned dim, int vector) {
  return ndw_fast_hooks.image_type(t, dim, vector) != NULL;
}

/* After a failed fast import: a TypeError (dtype, layout, no wrapped type)
 * goes to the Python spelling, which explains it or copies; any other
 * error is final there too. */
static int ndw_fast_retry(void) {
  if (!PyErr_ExceptionMatches(PyExc_TypeError)) return 0;
  PyErr_Clear();
  return 1;
}

static PyObject *ndw_fast_call(PyObject *self, PyObject *const *args, size_t nargsf,
                               PyObject *kwnames) {
  /* the context is the struct too: no capsule-name strcmp per call */
  ndw_fast *f = PyCapsule_GetContext(self);
  Py_ssize_t n = PyVectorcall_NARGS(nargsf);
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  int flag = 0, pos, keep;
  PyObject *axes;
  void *ptr;
  if (f == NULL) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_SystemError, "ndwrap: a broken fast conversion");
    return NULL;
  }
  if (n < 1) return ndw_fast_fallback(f, args, nargsf, kwnames);
  switch (f->kind) {
  case NDW_FAST_IMAGE_VIEW:
  case NDW_FAST_IMAGE_EXPORT_COPY: {
    /* the copy (array_from_image): a contiguous copy in the default order,
     * then the order asked for, as a view of it (memcpy speed, as the
     * Python spelling's np.empty + _copy_into + transpose) */
    int copy = f->kind == NDW_FAST_IMAGE_EXPORT_COPY;
    ndw_image *im;
    if (!ndw_fast_image_args(args, n, kwnames, &pos, &keep, &axes) || (pos >= 0 && keep >= 0) ||
        !ndw_fast_is_cls(f, args[0]) || (ptr = ndw_fast_hooks.ptr(args[0])) == NULL ||
        !ndw_image_is_allocated((ndw_image *)ptr))
      break; /* the Python spelling says why (TypeError, RuntimeError) */
    im = (ndw_image *)ptr;
    flag = pos == 1 || keep == 1;
    if (flag && axes != NULL) break; /* "not both" */
    if (axes != NULL) {
      /* the parser remembers its last str (ndw_py_axes_order): a loop with
       * one literal parses once */
      int vector = ndw_image_is_vector(im);
      ndw_py_axes o;
      if (ndw_py_axes_order(axes, ndw_image_dimension(im), vector, &o) < 0) return NULL;
      if (copy)
        return ndw_fast_axes_order(ndw_fast_copy_of(ndw_fast_export(args[0])), &o, vector);
      return ndw_fast_export_image(args[0], 0, &o);
    }
    if (copy) {
      PyObject *c = ndw_fast_copy_of(ndw_fast_export(args[0]));
      return flag ? ndw_fast_keep_order(c, ndw_image_dimension(im), ndw_image_is_vector(im)) : c;
    }
    return ndw_fast_export_image(args[0], flag, NULL);
  }
  case NDW_FAST_VNL_VIEW:
  case NDW_FAST_VNL_COPY: {
    PyObject *r;
    /* view: (v); copy: (v), (v, flag), (v, copy=flag): a copy when true */
    if (f->kind == NDW_FAST_VNL_VIEW ? n != 1 || nkw != 0
                                     : !ndw_fast_one_flag(args, n, kwnames, "copy", NULL, &flag))
      break;
    if ((PyObject *)Py_TYPE(args[0]) != f->cls || (ptr = ndw_fast_hooks.ptr(args[0])) == NULL)
      break;
    if (!flag) return ndw_fast_export(args[0]);
    {
      int done = 0;
      r = ndw_fast_vnl_array_copy(f, args[0], &done);
      if (done) return r;
    }
    { /* large: a copy that owns its data (ndarray.copy of the view), as NumPy's */
      static PyObject *s_copy;
      PyObject *a = ndw_fast_export(args[0]);
      if (a == NULL) return NULL;
      r = PyObject_CallMethodNoArgs(a, ndw_fast_str(&s_copy, "copy"));
      Py_DECREF(a);
      return r;
    }
  }
  case NDW_FAST_IMAGE_IMPORT:
  case NDW_FAST_IMAGE_IMPORT_COPY: {
    /* (arr), (arr, is_vector), with keep_axes= / keepAxes= a flag or axes= a str;
     * the copy: the same view, then ndw_py_image_copy (the canonical
     * x-fastest layout, GIL released), as the Python spelling's
     * _view(...)._copy() */
    ndw_py_view_opts opts = {0};
    int is_vector;
    ndw_image *im;
    if (!ndw_fast_image_args(args, n, kwnames, &pos, &keep, &axes) ||
        (keep == 1 && axes != NULL))
      break; /* "not both" */
    is_vector = pos == 1;
    opts.keep = keep == 1;
    opts.axes = axes;
    if (f->cls != NULL) {
      im = ndw_py_image_view_ex(&f->t, f->dim, f->vector, args[0], is_vector, &opts);
    } else {
      /* the helpers: a "C" among the letters means a vector image */
      if (axes != NULL && !is_vector && PyUnicode_IS_ASCII(axes)) {
        Py_ssize_t len = PyUnicode_GET_LENGTH(axes);
        for (Py_ssize_t i = 0; i < len; ++i)
          if ((PyUnicode_READ_CHAR(axes, i) | 0x20) == 'c') is_vector = 1;
      } else if (axes != NULL && !is_vector) {
        break; /* the Python spelling upper-cases other letters */
      }
      opts.wrapped = ndw_fast_wrapped;
      im = ndw_py_image_view_ex(NULL, 0, 0, args[0], is_vector, &opts);
    }
    if (im == NULL) {
      if (ndw_fast_retry()) break;
      return NULL;
    }
    if (f->kind == NDW_FAST_IMAGE_IMPORT_COPY) {
      ndw_image *c = ndw_py_image_copy(im);
      ndw_py_image_free(im); /* the view: its array released here */
      if (c == NULL) return NULL;
      im = c;
    }
    return ndw_fast_hooks.wrap_image(
        im, f->cls != NULL ? f->swig_type
                           : ndw_fast_hooks.image_type(ndw_image_pixel_type(im),
                                                       ndw_image_dimension(im),
                                                       ndw_image_is_vector(im)));
  }
  case NDW_FAST_VNL_IMPORT:
  case NDW_FAST_VNL_IMPORT_COPY: {
    ndw_vnl *v;
    /* view: (arr); copy: (arr), (arr, flag), (arr, copy=flag): a C copy
     * of the viewed block when true; a view otherwise (copy=None and
     * copy=False view when they can; the Python spelling does the rest) */
    if (f->kind == NDW_FAST_VNL_IMPORT ? n != 1 || nkw != 0
                                       : !ndw_fast_one_flag(args, n, kwnames, "copy", NULL, &flag))
      break;
    if ((v = ndw_py_vnl_view(f->t, f->vector, args[0], 0)) == NULL) {
      if (ndw_fast_retry()) break;
      return NULL;
    }
    if (!flag) return ndw_fast_hooks.wrap_vnl(v, f->swig_type);
    if ((uint64_t)ndw_vnl_size(v) * ndw_pixel_type_size(f->t) > NDW_FAST_COPY_MAX) {
      /* large: NumPy's copy (fresh pages on huge-page advice, as np.array) */
      ndw_py_vnl_free(v);
      break;
    }
    /* the view becomes the copy: no second object, no zero-filled block */
    if (ndw_py_vnl_own(v) < 0) {
      ndw_py_vnl_free(v);
      return NULL;
    }
    return ndw_fast_hooks.wrap_vnl(v, f->swig_type);
  }
  default:
    break;
  }
  return ndw_fast_fallback(f, args, nargsf, kwnames);
}

/* The callable: a vectorcall function whose self is the capsule. */
static PyMethodDef ndw_fast_def = {
    "fast_conversion", (PyCFunction)(void (*)(void))ndw_fast_call, METH_FASTCALL | METH_KEYWORDS,
    "A conversion spelling's fast path: the common call in C, every other call to the Python "
    "spelling."};

PyObject *ndw_py_convert_new(int kind, PyObject *cls, void *swig_type, ndw_pixel_type t,
                             unsigned dim, int vector, PyObject *fallback,
                             PyObject *image_types, PyObject *doc) {
  ndw_fast *f;
  PyObject *capsule, *fn;
  if (!PyCallable_Check(fallback)) {
    PyErr_SetString(PyExc_TypeError, "the fallback must be callable");
    return NULL;
  }
  if (cls == NULL && (image_types == NULL || !PyDict_Check(image_types))) {
    PyErr_SetString(PyExc_TypeError, "image_types must be a dict");
    return NULL;
  }
  if ((f = PyMem_Calloc(1, sizeof *f)) == NULL) return PyErr_NoMemory();
  f->kind = kind;
  f->cls = cls;
  Py_XINCREF(cls);
  f->image_types = image_types;
  Py_XINCREF(image_types);
  f->fallback = fallback;
  Py_INCREF(fallback);
  f->swig_type = swig_type;
  f->t = t;
  f->dim = dim;
  f->vector = vector;
  f->def = ndw_fast_def;
  f->name = PyObject_GetAttrString(fallback, "__name__");
  if (f->name != NULL && PyUnicode_Check(f->name) && PyUnicode_AsUTF8(f->name) != NULL)
    f->def.ml_name = PyUnicode_AsUTF8(f->name);
  if (doc != NULL && PyUnicode_Check(doc)) {
    f->doc = doc;
    Py_INCREF(doc);
  } else {
    f->doc = PyObject_GetAttrString(fallback, "__doc__");
  }
  if (f->doc != NULL && PyUnicode_Check(f->doc) && PyUnicode_AsUTF8(f->doc) != NULL)
    f->def.ml_doc = PyUnicode_AsUTF8(f->doc);
  PyErr_Clear();
  if ((capsule = PyCapsule_New(f, ndw_fast_capsule, ndw_fast_free)) == NULL) {
    ndw_fast_free_struct(f);
    return NULL;
  }
  if (PyCapsule_SetContext(capsule, f) < 0) {
    Py_DECREF(capsule); /* frees f */
    return NULL;
  }
  fn = PyCFunction_NewEx(&f->def, capsule, NULL);
  Py_DECREF(capsule);
  return fn;
}
