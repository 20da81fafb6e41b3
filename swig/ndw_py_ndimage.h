/* Python glue of Modules/Bridge/NDImage: ndwrap's C kernels (and a
 * toolkit's, see ndw_add_ndimage_kernels) as scipy.LowLevelCallable.
 *
 * A callable is scipy.LowLevelCallable(function, user_data) where
 *   function   a capsule named with SciPy's exact signature string, holding
 *              the kernel's address;
 *   user_data  a capsule named "ndwrap.ndimage.params" owning the kernel's
 *              parameter block (ndw_ndimage_params_new): its destructor
 *              frees the block, and the LowLevelCallable holds the capsule,
 *              so the parameters live exactly as long as the callable.
 * A failing kernel raises through ndw_ndimage_fail -> the handler installed
 * by ndw_py_ndimage_init -> ndw_py_raise (ValueError for NDW_E_INVALID). */
#ifndef NDW_PY_NDIMAGE_H
#define NDW_PY_NDIMAGE_H

#include "ndw_py.h"
#include "ndw/ndimage.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NDW_PY_NDIMAGE_PARAMS_CAPSULE "ndwrap.ndimage.params"

/** Route kernel failures of this copy of the library to Python exceptions. */
void ndw_py_ndimage_init(void);
/** A scipy.LowLevelCallable running `kernel` with `values` (None, a number
 *  or a sequence of numbers), made for the given ranks (0: any). */
PyObject *ndw_py_ndimage_callable(const ndw_ndimage_kernel *kernel, PyObject *values,
                                  int output_rank, int input_rank);
/** Same for a kernel of ndwrap's table, by name (KeyError when unknown). */
PyObject *ndw_py_ndimage_builtin(const char *name, PyObject *values, int output_rank,
                                 int input_rank);
/** resample_mapping: grids are (index, spacing, origin, direction) tuples,
 *  x first, direction row-major (flat or nested). */
PyObject *ndw_py_ndimage_resample(PyObject *output_grid, PyObject *input_grid);
/** {"kernel", "kind", "signature", "output_rank", "input_rank", "values"} of
 *  a parameter capsule (a LowLevelCallable's user_data). */
PyObject *ndw_py_ndimage_describe(PyObject *params_capsule);
/** Number of parameter blocks alive in this copy of the library (tests). */
PyObject *ndw_py_ndimage_live_params(void);
/** ((name, kind, doc), ...) of ndwrap's kernel table. */
PyObject *ndw_py_ndimage_kernel_list(void);
/** Module init for a toolkit's kernel table (ndw_add_ndimage_kernels): one
 *  function per row, `name(values=None, *, rank=0)` returning a callable,
 *  and KERNELS = {name: kind}. */
PyObject *ndw_py_ndimage_module(PyModuleDef *def, const ndw_ndimage_kernel *table);

#ifdef __cplusplus
}
#endif
#endif
