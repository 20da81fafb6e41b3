/* The C base of the template registries (issue 16).
 *
 * ``Image[F, 3]``, ``PyBuffer[T]``, ``PyVnl[F]``, ``VectorContainer[ULL, F]``,
 * ``CastImageFilter[In, Out]``, ... are instances of Python classes
 * (ndwrap/_registry.py ``Template``, pybuffer.py ``_PyBufferTemplate``, ...)
 * derived from this type.  Its mp_subscript answers a repeated lookup with
 * one dict hit in C: a dict of keys *as given* -> value, for exact keys only
 * (a PixelType, int, str or class, or a pair of those, by their exact type:
 * a float/bool dimension or a NumPy scalar that equals an int is never
 * answered from the dict, so ``Image[F, 3.0]`` stays a TypeError after
 * ``Image[F, 3]``).  Any other lookup calls the Python method
 * ``self._lookup(key)``, which normalises the key, raises the registry's
 * errors, and returns the value; the C side then remembers an exact key
 * (at most NDW_PY_REGISTRY_MAX of them). */
#ifndef NDW_PY_REGISTRY_H
#define NDW_PY_REGISTRY_H

#ifndef PY_SSIZE_T_CLEAN
#define PY_SSIZE_T_CLEAN
#endif
#include <Python.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NDW_PY_REGISTRY_MAX 4096

/** The base type (a new reference), ready to subclass; `pixel_type` is the
 *  class whose instances are exact key parts (ndwrap.PixelType), set by
 *  the first call; a later call with another class is a ValueError. */
PyObject *ndw_py_registry_type(PyObject *pixel_type);

#ifdef __cplusplus
}
#endif
#endif
