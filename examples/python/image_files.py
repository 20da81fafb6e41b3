"""Image files and streams with ndwrap (MetaImage and NRRD).

    python examples/python/image_files.py [folder]   # writes there (default: a temporary folder)
"""
import gzip
import io
import os
import sys
import tempfile

import numpy as np

import ndwrap

folder = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="ndwrap_example_")

# A 3-D float image with its geometry, from NumPy (shape z, y, x).
arr = np.linspace(0, 1, 4 * 5 * 6, dtype=np.float32).reshape(4, 5, 6)
image = ndwrap.image_from_array(arr, spacing=[0.5, 0.5, 2.0], origin=[10, 20, 30])

# Write MetaImage (zlib) and NRRD with a separate data file; read them back.
ndwrap.imwrite(image, os.path.join(folder, "ct.mha"), compression=True)
ndwrap.imwrite(image, os.path.join(folder, "ct.nhdr"))  # + ct.raw next to it
back = ndwrap.imread(os.path.join(folder, "ct.mha"))
print(type(back).__name__, back.GetSpacing(), back.GetOrigin())
assert np.array_equal(ndwrap.array_from_image(back), arr)

# Map the pixels instead of reading them: a view of the file's pages.
mapped = ndwrap.imread(os.path.join(folder, "ct.nhdr"), mmap=True)
view = ndwrap.array_view_from_image(mapped)  # no copy; read-only
print("mapped:", view.shape, "writeable:", view.flags.writeable)

# Any binary file object: a gzip file, a BytesIO, ndwrap's own streams.
with gzip.open(os.path.join(folder, "ct.nrrd.gz"), "wb") as g:
    ndwrap.imwrite(image, g, format="nrrd")
with gzip.open(os.path.join(folder, "ct.nrrd.gz"), "rb") as g:
    print("from gzip:", ndwrap.imread(g, pixel_type=ndwrap.D))  # converted to double

# ndwrap's C streams are io.RawIOBase: buffered and text layers work on them.
with ndwrap.MemoryStream() as memory:
    ndwrap.imwrite(image, memory, format="mha")
    memory.seek(0)
    first = io.TextIOWrapper(io.BufferedReader(memory), encoding="latin-1").readline()
print("first header line:", first.strip())
