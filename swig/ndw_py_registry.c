/* The C base of the template registries (see ndw_py_registry.h). */
#include "ndw_py_registry.h"

/* In front of the dict, a small direct-mapped table by the *identity* of
 * the key's parts: a key whose parts are the very objects of a remembered
 * key is equal to it, so the answer is the dict's without hashing or
 * comparing the tuple (BUILD_TUPLE's fresh tuple of Image[F, 3] never is
 * the dict's key object).  Entries are filled from dict answers only. */
#define NDW_REGISTRY_SLOTS 64

typedef struct ndw_registry_slot {
  PyObject *a, *b; /* the key's parts (b NULL: the key is a itself); strong */
  PyObject *value; /* strong */
} ndw_registry_slot;

typedef struct ndw_registry {
  PyObject_HEAD
  PyObject *hits; /* dict: exact key as given -> value (NULL once cleared by the GC) */
  ndw_registry_slot slots[NDW_REGISTRY_SLOTS];
} ndw_registry;

static ndw_registry_slot *ndw_registry_slot_of(ndw_registry *self, PyObject *a, PyObject *b) {
  uintptr_t h = ((uintptr_t)a >> 4) * (uintptr_t)0x9E3779B1u ^ ((uintptr_t)b >> 4);
  h ^= h >> 16;
  return &self->slots[(h ^ (h >> 8)) & (NDW_REGISTRY_SLOTS - 1)];
}

/* Remember `value` for the key (a, b) in its slot (the old entry is
 * dropped last: its references may be the last ones). */
static void ndw_registry_slot_fill(ndw_registry *self, PyObject *a, PyObject *b,
                                   PyObject *value) {
  ndw_registry_slot *s = ndw_registry_slot_of(self, a, b);
  PyObject *oa = s->a, *ob = s->b, *ov = s->value;
  Py_INCREF(a);
  Py_XINCREF(b);
  Py_INCREF(value);
  s->a = a;
  s->b = b;
  s->value = value;
  Py_XDECREF(oa);
  Py_XDECREF(ob);
  Py_XDECREF(ov);
}

static void ndw_registry_slots_clear(ndw_registry *self) {
  for (int i = 0; i < NDW_REGISTRY_SLOTS; ++i) {
    Py_CLEAR(self->slots[i].a);
    Py_CLEAR(self->slots[i].b);
    Py_CLEAR(self->slots[i].value);
  }
}

static PyTypeObject *ndw_registry_pixel; /* ndwrap.PixelType (strong) */
static PyObject *ndw_registry_lookup_name; /* "_lookup", interned */

/* A key part that equals only what resolves like it: a PixelType (compared
 * by identity), an int, a str or a class (identity), by exact type; so a
 * bool, a float, a NumPy scalar or a str subclass is never one. */
static int ndw_registry_exact_part(PyObject *x) {
  PyTypeObject *t = Py_TYPE(x);
  return t == &PyLong_Type || t == &PyUnicode_Type ||
         (ndw_registry_pixel != NULL && t == ndw_registry_pixel) || PyType_Check(x);
}

/* A key that may be answered from (and stored in) the dict: an exact part,
 * or a tuple of exactly two exact parts.  Only type checks: no Python code
 * runs here. */
static int ndw_registry_exact(PyObject *key) {
  if (PyTuple_CheckExact(key))
    return PyTuple_GET_SIZE(key) == 2 && ndw_registry_exact_part(PyTuple_GET_ITEM(key, 0)) &&
           ndw_registry_exact_part(PyTuple_GET_ITEM(key, 1));
  return ndw_registry_exact_part(key);
}

static PyObject *ndw_registry_subscript(PyObject *op, PyObject *key) {
  ndw_registry *self = (ndw_registry *)op;
  int exact = ndw_registry_exact(key);
  PyObject *value, *a = key, *b = NULL;
  if (exact && PyTuple_CheckExact(key)) {
    a = PyTuple_GET_ITEM(key, 0);
    b = PyTuple_GET_ITEM(key, 1);
  }
  if (exact) {
    ndw_registry_slot *s = ndw_registry_slot_of(self, a, b);
    if (s->a == a && s->b == b && s->value != NULL) {
      Py_INCREF(s->value);
      return s->value;
    }
  }
  if (exact && self->hits != NULL) {
#if PY_VERSION_HEX >= 0x030D0000
    int found = PyDict_GetItemRef(self->hits, key, &value); /* a strong reference */
    if (found > 0) {
      ndw_registry_slot_fill(self, a, b, value);
      return value;
    }
    if (found < 0) {
      if (!PyErr_ExceptionMatches(PyExc_TypeError) && !PyErr_ExceptionMatches(PyExc_KeyError))
        return NULL;
      PyErr_Clear(); /* as an unhashable key: _lookup says what is wrong */
    }
#else
    value = PyDict_GetItemWithError(self->hits, key); /* borrowed: taken at once */
    if (value != NULL) {
      Py_INCREF(value); /* before the slot fill, which may drop references */
      ndw_registry_slot_fill(self, a, b, value);
      return value;
    }
    if (PyErr_Occurred()) {
      if (!PyErr_ExceptionMatches(PyExc_TypeError) && !PyErr_ExceptionMatches(PyExc_KeyError))
        return NULL;
      PyErr_Clear();
    }
#endif
  }
  if (ndw_registry_lookup_name == NULL) {
    ndw_registry_lookup_name = PyUnicode_InternFromString("_lookup");
    if (ndw_registry_lookup_name == NULL) return NULL;
  }
  value = PyObject_CallMethodOneArg(op, ndw_registry_lookup_name, key);
  if (value == NULL) return NULL;
  /* self->hits is read again: _lookup ran Python code */
  if (exact && self->hits != NULL && PyDict_GET_SIZE(self->hits) < NDW_PY_REGISTRY_MAX &&
      PyDict_SetItem(self->hits, key, value) < 0) {
    Py_DECREF(value);
    return NULL;
  }
  return value;
}

static PyObject *ndw_registry_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
  ndw_registry *self;
  (void)args; /* taken by the subclass's __init__ */
  (void)kwds;
  self = (ndw_registry *)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->hits = PyDict_New();
  if (self->hits == NULL) {
    Py_DECREF(self);
    return NULL;
  }
  return (PyObject *)self;
}

static int ndw_registry_traverse(PyObject *op, visitproc visit, void *arg) {
  ndw_registry *self = (ndw_registry *)op;
  Py_VISIT(self->hits);
  for (int i = 0; i < NDW_REGISTRY_SLOTS; ++i) {
    Py_VISIT(self->slots[i].a);
    Py_VISIT(self->slots[i].b);
    Py_VISIT(self->slots[i].value);
  }
  return 0;
}

static int ndw_registry_clear(PyObject *op) {
  Py_CLEAR(((ndw_registry *)op)->hits);
  ndw_registry_slots_clear((ndw_registry *)op);
  return 0;
}

static void ndw_registry_dealloc(PyObject *op) {
  PyObject_GC_UnTrack(op);
  Py_CLEAR(((ndw_registry *)op)->hits);
  ndw_registry_slots_clear((ndw_registry *)op);
  Py_TYPE(op)->tp_free(op);
}

static PyObject *ndw_registry_get_hits(PyObject *op, void *closure) {
  PyObject *hits = ((ndw_registry *)op)->hits;
  (void)closure;
  if (hits == NULL) Py_RETURN_NONE;
  Py_INCREF(hits);
  return hits;
}

/* copy.copy / pickle: the instance's __dict__ (the remembered hits are not
 * state: a copy starts with none).  Without it, object's default refuses a
 * type whose C struct is larger than object's ("cannot pickle"). */
static PyObject *ndw_registry_getstate(PyObject *op, PyObject *unused) {
  PyObject *d;
  (void)unused;
  d = PyObject_GetAttrString(op, "__dict__");
  if (d == NULL && PyErr_ExceptionMatches(PyExc_AttributeError)) {
    PyErr_Clear();
    Py_RETURN_NONE;
  }
  return d;
}

static PyGetSetDef ndw_registry_getset[] = {
    {"_hits", ndw_registry_get_hits, NULL,
     "The remembered lookups: exact key as given -> value (at most 4096).", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyMethodDef ndw_registry_methods[] = {
    {"__getstate__", ndw_registry_getstate, METH_NOARGS,
     "The instance's attributes, for copy and pickle (the remembered lookups are not kept)."},
    {NULL, NULL, 0, NULL}};

static PyMappingMethods ndw_registry_mapping = {NULL, ndw_registry_subscript, NULL};

static PyTypeObject ndw_registry_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ndwrap._registry._Registry",
    .tp_basicsize = sizeof(ndw_registry),
    .tp_dealloc = ndw_registry_dealloc,
    .tp_as_mapping = &ndw_registry_mapping,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The C base of ndwrap's template registries (Image, PyBuffer, PyVnl, ...):\n"
              "a repeated lookup of an exact key (a PixelType, int, str or class, or a\n"
              "pair of those) is one dict hit in C; any other lookup calls\n"
              "self._lookup(key), which normalises the key and raises the registry's\n"
              "errors, and its result is remembered for exact keys (issue 16).",
    .tp_traverse = ndw_registry_traverse,
    .tp_clear = ndw_registry_clear,
    .tp_methods = ndw_registry_methods,
    .tp_getset = ndw_registry_getset,
    .tp_new = ndw_registry_new,
    .tp_free = PyObject_GC_Del,
};

PyObject *ndw_py_registry_type(PyObject *pixel_type) {
  if (!PyType_Check(pixel_type)) {
    PyErr_SetString(PyExc_TypeError, "_registry_base() takes the PixelType class");
    return NULL;
  }
  if (ndw_registry_pixel != NULL && (PyObject *)ndw_registry_pixel != pixel_type) {
    /* set once, by ndwrap._registry: another class would make its
     * instances exact keys of every registry */
    PyErr_SetString(PyExc_ValueError, "_registry_base(): the PixelType class is already set");
    return NULL;
  }
  if (PyType_Ready(&ndw_registry_type) < 0) return NULL;
  if (ndw_registry_pixel == NULL) {
    Py_INCREF(pixel_type);
    ndw_registry_pixel = (PyTypeObject *)pixel_type;
  }
  Py_INCREF(&ndw_registry_type);
  return (PyObject *)&ndw_registry_type;
}
