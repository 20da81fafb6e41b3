/* Bridge NDImage (Modules/Bridge/NDImage): scipy.ndimage LowLevelCallables.
 * Glue: ndw_py_ndimage.c.  Python API: Wrapping/Python/ndwrap/ndimage.py. */
%{
#include "ndw_py_ndimage.h"
%}
%init %{
  ndw_py_ndimage_init();
%}

%rename(_ndimage_callable) ndw_py_ndimage_builtin;
PyObject *ndw_py_ndimage_builtin(const char *name, PyObject *values, int output_rank,
                                 int input_rank);
%rename(_ndimage_resample) ndw_py_ndimage_resample;
PyObject *ndw_py_ndimage_resample(PyObject *output_grid, PyObject *input_grid);
%rename(_ndimage_describe) ndw_py_ndimage_describe;
PyObject *ndw_py_ndimage_describe(PyObject *params_capsule);
%rename(_ndimage_kernels) ndw_py_ndimage_kernel_list;
PyObject *ndw_py_ndimage_kernel_list(void);
%rename(_ndimage_live_params) ndw_py_ndimage_live_params;
PyObject *ndw_py_ndimage_live_params(void);
