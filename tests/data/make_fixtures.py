"""Make the image file fixtures of tests/data with SimpleITK (another toolkit's
writer), so that ndwrap's readers are checked against files it did not write.

    pip install SimpleITK numpy && python tests/data/make_fixtures.py

The pixel values and geometry come from ``expected(name)`` below, which the
tests import (without SimpleITK) to check what ndwrap reads.  Made with
SimpleITK 2.5.x; re-running rewrites the files.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# name -> (NumPy dtype, size (x, y, ...), components (0: scalar), compressed,
#          complex pixel, spacing, origin, direction (row-major))
FIXTURES = {
    "sitk_short_3d.mha": ("int16", (5, 4, 3), 0, False, False, (0.5, 1.25, 2.0), (-10.0, 3.5, 7.25),
                          (0, 1, 0, -1, 0, 0, 0, 0, 1)),
    "sitk_float_3d_zlib.mha": ("float32", (6, 5, 4), 0, True, False, (1.0, 1.0, 2.5), (0.0, 0.0, 0.0),
                               (1, 0, 0, 0, 0, -1, 0, 1, 0)),
    "sitk_rgb_2d.nrrd": ("uint8", (7, 3), 3, False, False, (0.25, 0.5), (1.0, -2.0), (1, 0, 0, 1)),
    "sitk_double_3d_gzip.nrrd": ("float64", (4, 3, 2), 0, True, False, (2.0, 3.0, 4.0), (5.0, 6.0, 7.0),
                                 (0, 0, 1, 1, 0, 0, 0, 1, 0)),
    "sitk_complex_2d.nrrd": ("complex64", (3, 4), 0, False, True, (1.5, 0.75), (0.5, 0.25), (0, -1, 1, 0)),
    "sitk_ushort_2d.mhd": ("uint16", (8, 3), 0, False, False, (0.1, 0.2), (3.0, 4.0), (1, 0, 0, 1)),
    "sitk_int_4d.nhdr": ("int32", (3, 2, 2, 2), 0, False, False, (1.0, 2.0, 3.0, 4.0),
                         (0.0, 1.0, 2.0, 3.0), tuple(np.eye(4).ravel())),
    "sitk_vector_float_3d.mha": ("float32", (3, 3, 2), 2, False, False, (1.0, 1.0, 1.0),
                                 (0.0, 0.0, 0.0), tuple(np.eye(3).ravel())),
}


def expected(name):
    """(array in NumPy order (z, y, x[, c]), spacing, origin, direction as a
    d x d nested tuple, components or 0, complex) of fixture `name`."""
    dtype, size, comps, _, cplx, spacing, origin, direction = FIXTURES[name]
    shape = tuple(reversed(size)) + ((comps,) if comps else ())
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.float64)
    if cplx:
        arr = (i * 0.5 - 3 + 1j * (i * -0.25 + 1)).astype(dtype)
    elif np.dtype(dtype).kind == "f":
        arr = (i * 0.75 - 5).astype(dtype)
    else:
        info = np.iinfo(dtype)
        arr = ((i * 2654435761) % (int(info.max) - int(info.min)) + int(info.min)).astype(dtype)
        arr.flat[0], arr.flat[-1] = info.min, info.max
    d = len(size)
    dirm = tuple(tuple(float(direction[r * d + c]) for c in range(d)) for r in range(d))
    return arr.reshape(shape), tuple(map(float, spacing)), tuple(map(float, origin)), dirm, comps, cplx


def main():
    import SimpleITK as sitk

    for name, (dtype, size, comps, compressed, cplx, spacing, origin, direction) in FIXTURES.items():
        arr, *_ = expected(name)
        image = sitk.GetImageFromArray(arr, isVector=bool(comps))
        image.SetSpacing(spacing)
        image.SetOrigin(origin)
        image.SetDirection([float(v) for v in direction])
        sitk.WriteImage(image, os.path.join(HERE, name), useCompression=compressed)
        print("wrote", name, image.GetPixelIDTypeAsString(), image.GetSize())


if __name__ == "__main__":
    main()
