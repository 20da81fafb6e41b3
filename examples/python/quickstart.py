"""ndwrap quick start: an ITK-style image, a zero-copy NumPy view, and back."""
import numpy as np

import ndwrap

ImageType = ndwrap.Image[ndwrap.F, 3]
image = ImageType.New()
image.SetRegions([4, 3, 2])            # size (x, y, z)
image.Allocate(initialize=True)
image.SetSpacing([0.5, 0.5, 2.0])
image.SetPixel((3, 1, 0), 7.5)

# A view: shape (z, y, x), same memory as the image.
view = ndwrap.PyBuffer[ImageType].GetArrayViewFromImage(image)
view[1, 2, 0] = -1.0                   # writes through to the image
print("array shape (z, y, x):", view.shape, view.dtype)
print("image pixel (0, 2, 1) seen through the view:", image.GetPixel((0, 2, 1)))
print("shares memory:", np.shares_memory(view, ndwrap.array_view_from_image(image)))

# keepAxes: shape (x, y, z) with arr[i, j, k] == image.GetPixel((i, j, k)).
kept = ndwrap.PyBuffer[ImageType].GetArrayViewFromImage(image, keepAxes=True)
print("keepAxes shape:", kept.shape, "value at (3, 1, 0):", kept[3, 1, 0])

# axes=: name the array's axes with X, Y, Z (T) and C; any order, still a view.
yxz = ndwrap.array_view_from_image(image, axes="YXZ")
print("axes='YXZ' shape:", yxz.shape, "value at (y=1, x=3, z=0):", yxz[1, 3, 0],
      "shares memory:", np.shares_memory(yxz, view))
back_again = ndwrap.image_view_from_array(yxz, axes="YXZ")   # the same image geometry, no copy
print("back through axes='YXZ':", back_again.GetPixel((3, 1, 0)))

# From NumPy: the type is picked from dtype and ndim; a Fortran-ordered
# array is viewed through strides, not copied.
arr = np.asfortranarray(np.arange(24, dtype=np.uint16).reshape(2, 3, 4))
img = ndwrap.image_view_from_array(arr, spacing=[1.0, 1.0, 3.0])
print(type(img).__name__, "size", tuple(img.GetLargestPossibleRegion().GetSize()),
      "pixel (3, 2, 1) =", img.GetPixel((3, 2, 1)), "== arr[1, 2, 3] =", arr[1, 2, 3])
