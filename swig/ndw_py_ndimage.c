/* Python glue of Modules/Bridge/NDImage (see ndw_py_ndimage.h). */
#include "ndw_py_ndimage.h"

#include <string.h>

#define NDW_PY_NDIMAGE_KERNEL_CAPSULE "ndwrap.ndimage.kernel"
#define NDW_PY_NDIMAGE_INSTALL "pip install 'ndwrap[ndimage]' (or pip install scipy)"

/* ---- errors: a failing kernel sets the Python exception ---------------------- */

static void ndw_py_ndimage_error(ndw_status status, const char *message) {
  /* SciPy calls kernels with the GIL held; C callers elsewhere may not. */
  PyGILState_STATE gil = PyGILState_Ensure();
  /* SciPy's generic_filter keeps calling after a failure with an exception
   * set and raises at the end: keep the first exception, the cause. */
  if (!PyErr_Occurred()) {
    ndw_set_error(status, "%s", message); /* this copy's message, for ndw_py_raise */
    ndw_py_raise(status);
  }
  PyGILState_Release(gil);
}

void ndw_py_ndimage_init(void) { ndw_ndimage_set_error_handler(ndw_py_ndimage_error); }

/* ---- capsules ----------------------------------------------------------------- */

static void ndw_py_ndimage_params_destructor(PyObject *capsule) {
  ndw_ndimage_params_free(PyCapsule_GetPointer(capsule, NDW_PY_NDIMAGE_PARAMS_CAPSULE));
}

/* A function pointer as the capsule's void * (same size on every platform
 * CPython and SciPy support; SciPy reads it back the same way). */
_Static_assert(sizeof(void *) == sizeof(ndw_ndimage_filter_fn), "function pointers fit void *");
static void *ndw_py_ndimage_address(const ndw_ndimage_kernel *k) {
  void *p = NULL;
  if (k->filter)
    memcpy(&p, &k->filter, sizeof p);
  else if (k->line)
    memcpy(&p, &k->line, sizeof p);
  else
    memcpy(&p, &k->mapping, sizeof p);
  return p;
}

static PyObject *ndw_py_ndimage_scipy_callable(PyObject *function, PyObject *user_data) {
  PyObject *scipy, *cls, *result;
  scipy = PyImport_ImportModule("scipy");
  if (scipy == NULL) {
    if (PyErr_ExceptionMatches(PyExc_ImportError)) { /* say what to install */
#if PY_VERSION_HEX >= 0x030C0000
      PyObject *cause = PyErr_GetRaisedException(), *err;
      PyErr_SetString(PyExc_ImportError,
                      "ndwrap's ndimage kernels need SciPy: " NDW_PY_NDIMAGE_INSTALL);
      err = PyErr_GetRaisedException();
      PyException_SetCause(err, cause); /* steals cause */
      PyErr_SetRaisedException(err);
#else
      PyObject *type, *cause, *tb, *etype, *err, *etb;
      PyErr_Fetch(&type, &cause, &tb);
      PyErr_NormalizeException(&type, &cause, &tb);
      PyErr_SetString(PyExc_ImportError,
                      "ndwrap's ndimage kernels need SciPy: " NDW_PY_NDIMAGE_INSTALL);
      PyErr_Fetch(&etype, &err, &etb);
      PyErr_NormalizeException(&etype, &err, &etb);
      if (err != NULL && cause != NULL) {
        Py_INCREF(cause);
        PyException_SetCause(err, cause); /* steals */
      }
      PyErr_Restore(etype, err, etb);
      Py_XDECREF(type);
      Py_XDECREF(cause);
      Py_XDECREF(tb);
#endif
    }
    return NULL;
  }
  cls = PyObject_GetAttrString(scipy, "LowLevelCallable");
  Py_DECREF(scipy);
  if (cls == NULL) return NULL;
  result = PyObject_CallFunctionObjArgs(cls, function, user_data, NULL);
  Py_DECREF(cls);
  return result;
}

/* Parameter values from None, a number or a sequence of numbers; *values
 * is PyMem-allocated (NULL for none). */
static int ndw_py_ndimage_values(PyObject *obj, const char *kernel, double **values,
                                 size_t *count) {
  PyObject *fast;
  Py_ssize_t n;
  *values = NULL;
  *count = 0;
  if (obj == NULL || obj == Py_None) return 0;
  if (PyBool_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "%s: parameters must be real numbers, not bool", kernel);
    return -1;
  }
  if (PyFloat_Check(obj) || PyLong_Check(obj)) {
    double v = PyFloat_AsDouble(obj);
    if (v == -1.0 && PyErr_Occurred()) return -1;
    *values = PyMem_Malloc(sizeof(double));
    if (*values == NULL) {
      PyErr_NoMemory();
      return -1;
    }
    (*values)[0] = v;
    *count = 1;
    return 0;
  }
  if (PyUnicode_Check(obj) || PyBytes_Check(obj) || !PySequence_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "%s: parameters must be a number or a sequence of numbers, "
                 "not %.100s", kernel, Py_TYPE(obj)->tp_name);
    return -1;
  }
  fast = PySequence_Fast(obj, "parameters");
  if (fast == NULL) return -1;
  n = PySequence_Fast_GET_SIZE(fast);
  if (n > NDW_NDIMAGE_MAX_VALUES) {
    PyErr_Format(PyExc_ValueError, "%s: %zd parameter values (at most %d)", kernel, n,
                 NDW_NDIMAGE_MAX_VALUES);
    Py_DECREF(fast);
    return -1;
  }
  if (n > 0) {
    *values = PyMem_Malloc((size_t)n * sizeof(double));
    if (*values == NULL) {
      Py_DECREF(fast);
      PyErr_NoMemory();
      return -1;
    }
  }
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
    if (!PyNumber_Check(item) || PyComplex_Check(item) || PyBool_Check(item)) {
      PyErr_Format(PyExc_TypeError, "%s: parameter %zd is %.100s, not a real number", kernel, i,
                   Py_TYPE(item)->tp_name);
      goto fail;
    }
    (*values)[i] = PyFloat_AsDouble(item);
    if ((*values)[i] == -1.0 && PyErr_Occurred()) goto fail;
  }
  Py_DECREF(fast);
  *count = (size_t)n;
  return 0;
fail:
  Py_DECREF(fast);
  PyMem_Free(*values);
  *values = NULL;
  return -1;
}

/* Capsules for a ready parameter block (owned by the result on success,
 * freed here on failure). */
static PyObject *ndw_py_ndimage_wrap(const ndw_ndimage_kernel *kernel, ndw_ndimage_params *p) {
  PyObject *function, *user_data, *result;
  user_data = PyCapsule_New(p, NDW_PY_NDIMAGE_PARAMS_CAPSULE, ndw_py_ndimage_params_destructor);
  if (user_data == NULL) {
    ndw_ndimage_params_free(p);
    return NULL;
  }
  function = PyCapsule_New(ndw_py_ndimage_address(kernel),
                           ndw_ndimage_signature(ndw_ndimage_kernel_kind(kernel)), NULL);
  if (function == NULL) {
    Py_DECREF(user_data);
    return NULL;
  }
  result = ndw_py_ndimage_scipy_callable(function, user_data);
  Py_DECREF(function);
  Py_DECREF(user_data);
  return result;
}

PyObject *ndw_py_ndimage_callable(const ndw_ndimage_kernel *kernel, PyObject *values,
                                  int output_rank, int input_rank) {
  double *v;
  size_t n;
  ndw_ndimage_params *p = NULL;
  ndw_status st;
  if (kernel == NULL || kernel->name == NULL) {
    PyErr_SetString(PyExc_ValueError, "ndimage: no kernel");
    return NULL;
  }
  if (ndw_py_ndimage_values(values, kernel->name, &v, &n) < 0) return NULL;
  st = ndw_ndimage_params_new(kernel, output_rank, input_rank, v, n, &p);
  PyMem_Free(v);
  if (st != NDW_OK) return ndw_py_raise(st);
  return ndw_py_ndimage_wrap(kernel, p);
}

PyObject *ndw_py_ndimage_builtin(const char *name, PyObject *values, int output_rank,
                                 int input_rank) {
  const ndw_ndimage_kernel *k = ndw_ndimage_kernel_find(name);
  if (k == NULL) {
    PyErr_Format(PyExc_KeyError, "no ndimage kernel named '%s'", name ? name : "");
    return NULL;
  }
  return ndw_py_ndimage_callable(k, values, output_rank, input_rank);
}

/* ---- resampling ------------------------------------------------------------- */

static int ndw_py_ndimage_grid(PyObject *obj, ndw_ndimage_grid *g, const char *what) {
  PyObject *fast = NULL, *dir = NULL;
  Py_ssize_t dim;
  int rc = -1;
  char label[64];
  memset(g, 0, sizeof *g);
  if (!PyTuple_Check(obj) || PyTuple_GET_SIZE(obj) != 4) {
    PyErr_Format(PyExc_TypeError, "%s grid must be (index, spacing, origin, direction)", what);
    return -1;
  }
  dim = PySequence_Size(PyTuple_GET_ITEM(obj, 0));
  if (dim < 0) return -1;
  if (dim < 1 || dim > NDW_MAX_DIM) {
    PyErr_Format(PyExc_ValueError, "%s grid has dimension %zd (1..%d)", what, dim, NDW_MAX_DIM);
    return -1;
  }
  g->dim = (unsigned)dim;
  snprintf(label, sizeof label, "%s index", what);
  if (ndw_py_to_int64s(PyTuple_GET_ITEM(obj, 0), g->dim, g->index, label) < 0) return -1;
  snprintf(label, sizeof label, "%s spacing", what);
  if (ndw_py_to_doubles(PyTuple_GET_ITEM(obj, 1), g->dim, g->spacing, 0, label) < 0) return -1;
  snprintf(label, sizeof label, "%s origin", what);
  if (ndw_py_to_doubles(PyTuple_GET_ITEM(obj, 2), g->dim, g->origin, 0, label) < 0) return -1;
  /* the direction: dim x dim, nested rows or flat */
  snprintf(label, sizeof label, "%s direction", what);
  dir = PyTuple_GET_ITEM(obj, 3);
  fast = PySequence_Fast(dir, label);
  if (fast == NULL) return -1;
  /* nested rows when the items are sequences (dimension 1: ((d,),) or (d,)) */
  int nested = PySequence_Fast_GET_SIZE(fast) > 0 &&
               !PyNumber_Check(PySequence_Fast_GET_ITEM(fast, 0)) &&
               PySequence_Check(PySequence_Fast_GET_ITEM(fast, 0));
  if (!nested && PySequence_Fast_GET_SIZE(fast) == dim * dim) {
    rc = ndw_py_to_doubles(fast, g->dim * g->dim, g->direction, 0, label);
  } else if (nested && PySequence_Fast_GET_SIZE(fast) == dim) {
    rc = 0;
    for (Py_ssize_t r = 0; r < dim && rc == 0; ++r)
      rc = ndw_py_to_doubles(PySequence_Fast_GET_ITEM(fast, r), g->dim, g->direction + r * dim,
                             0, label);
  } else {
    PyErr_Format(PyExc_ValueError, "%s must be %zd x %zd", label, dim, dim);
  }
  Py_DECREF(fast);
  return rc;
}

PyObject *ndw_py_ndimage_resample(PyObject *output_grid, PyObject *input_grid) {
  ndw_ndimage_grid out, in;
  ndw_ndimage_params *p = NULL;
  ndw_status st;
  if (ndw_py_ndimage_grid(output_grid, &out, "output") < 0) return NULL;
  if (ndw_py_ndimage_grid(input_grid, &in, "input") < 0) return NULL;
  if ((st = ndw_ndimage_resample_params(&out, &in, &p)) != NDW_OK) return ndw_py_raise(st);
  return ndw_py_ndimage_wrap(ndw_ndimage_params_kernel(p), p);
}

/* ---- introspection ---------------------------------------------------------- */

static const char *ndw_py_ndimage_kind_name(ndw_ndimage_kind kind) {
  switch (kind) {
  case NDW_NDIMAGE_FILTER: return "filter";
  case NDW_NDIMAGE_LINE: return "line";
  case NDW_NDIMAGE_MAPPING: return "mapping";
  default: return "none";
  }
}

PyObject *ndw_py_ndimage_describe(PyObject *capsule) {
  const ndw_ndimage_params *p;
  const ndw_ndimage_kernel *k;
  const double *v;
  size_t n;
  PyObject *values;
  if (!PyCapsule_IsValid(capsule, NDW_PY_NDIMAGE_PARAMS_CAPSULE)) {
    PyErr_SetString(PyExc_TypeError, "not an ndwrap ndimage callable's parameters (user_data)");
    return NULL;
  }
  p = PyCapsule_GetPointer(capsule, NDW_PY_NDIMAGE_PARAMS_CAPSULE);
  k = ndw_ndimage_params_kernel(p);
  v = ndw_ndimage_params_values(p, &n);
  values = ndw_py_tuple_double(v, (unsigned)n);
  if (values == NULL) return NULL;
  return Py_BuildValue("{s:s,s:s,s:s,s:i,s:i,s:N}", "kernel", k->name, "kind",
                       ndw_py_ndimage_kind_name(ndw_ndimage_kernel_kind(k)), "signature",
                       ndw_ndimage_signature(ndw_ndimage_kernel_kind(k)), "output_rank",
                       ndw_ndimage_params_output_rank(p), "input_rank",
                       ndw_ndimage_params_input_rank(p), "values", values);
}

PyObject *ndw_py_ndimage_live_params(void) {
  return PyLong_FromSize_t(ndw_ndimage_params_live());
}

PyObject *ndw_py_ndimage_kernel_list(void) {
  size_t n;
  const ndw_ndimage_kernel *t = ndw_ndimage_kernels(&n);
  PyObject *list = PyTuple_New((Py_ssize_t)n);
  for (size_t i = 0; list && i < n; ++i) {
    PyObject *row = Py_BuildValue("(sss)", t[i].name,
                                  ndw_py_ndimage_kind_name(ndw_ndimage_kernel_kind(&t[i])),
                                  t[i].doc ? t[i].doc : "");
    if (row == NULL) {
      Py_CLEAR(list);
      break;
    }
    PyTuple_SET_ITEM(list, (Py_ssize_t)i, row);
  }
  return list;
}

/* ---- a toolkit's kernel module (ndw_add_ndimage_kernels) ------------------- */

static PyObject *ndw_py_ndimage_call_row(PyObject *self, PyObject *args, PyObject *kwargs) {
  static char *kwlist[] = {"values", "rank", NULL};
  PyObject *values = Py_None;
  int rank = 0;
  const ndw_ndimage_kernel *k = PyCapsule_GetPointer(self, NDW_PY_NDIMAGE_KERNEL_CAPSULE);
  if (k == NULL) return NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O$i", kwlist, &values, &rank)) return NULL;
  return ndw_py_ndimage_callable(k, values, rank, rank);
}

PyObject *ndw_py_ndimage_module(PyModuleDef *def, const ndw_ndimage_kernel *table) {
  PyObject *module, *kinds, *modname = NULL;
  PyMethodDef *defs;
  size_t n = 0;
  ndw_py_ndimage_init();
  module = PyModule_Create(def);
  if (module == NULL) return NULL;
  while (table[n].name != NULL) ++n;
  /* The method rows must outlive every function object made from them: one
   * allocation per module, kept for the life of the process. */
  defs = PyMem_Calloc(n + 1, sizeof *defs);
  kinds = PyDict_New();
  modname = PyModule_GetNameObject(module);
  if (defs == NULL || kinds == NULL || modname == NULL) goto fail;
  for (size_t i = 0; i < n; ++i) {
    const ndw_ndimage_kernel *k = &table[i];
    PyObject *self, *fn, *kind_name;
    ndw_ndimage_kind kind = ndw_ndimage_kernel_kind(k);
    if (kind == NDW_NDIMAGE_NONE || k->max_values > NDW_NDIMAGE_MAX_VALUES ||
        k->min_values > k->max_values) {
      PyErr_Format(PyExc_ImportError, "%s: kernel row '%s' must set exactly one of filter, "
                   "line, mapping and min_values <= max_values <= %d", def->m_name, k->name,
                   NDW_NDIMAGE_MAX_VALUES);
      goto fail;
    }
    defs[i].ml_name = k->name;
    defs[i].ml_meth = (PyCFunction)(void (*)(void))ndw_py_ndimage_call_row;
    defs[i].ml_flags = METH_VARARGS | METH_KEYWORDS;
    defs[i].ml_doc = k->doc;
    self = PyCapsule_New((void *)k, NDW_PY_NDIMAGE_KERNEL_CAPSULE, NULL);
    if (self == NULL) goto fail;
    fn = PyCFunction_NewEx(&defs[i], self, modname);
    Py_DECREF(self);
    if (fn == NULL || PyModule_AddObject(module, k->name, fn) < 0) {
      Py_XDECREF(fn);
      goto fail;
    }
    kind_name = PyUnicode_FromString(ndw_py_ndimage_kind_name(kind));
    if (kind_name == NULL || PyDict_SetItemString(kinds, k->name, kind_name) < 0) {
      Py_XDECREF(kind_name);
      goto fail;
    }
    Py_DECREF(kind_name);
  }
  if (PyModule_AddObject(module, "KERNELS", kinds) < 0) goto fail;
  Py_DECREF(modname);
  return module;
fail:
  Py_XDECREF(modname);
  Py_XDECREF(kinds);
  Py_DECREF(module);
  return NULL;
}
