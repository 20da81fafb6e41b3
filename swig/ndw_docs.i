/* help(): docstrings of the wrapped classes and their members, and a
 * __dir__ without SWIG's internals (this, thisown, acquire, append, disown,
 * next, own).  Each %define runs before its class's %extend (a docstring
 * feature must precede the declaration it documents). */

%define NDW_PUBLIC_DIR(T)
%extend T {
  PyObject *__dir__(PyObject *ndw_self) {
    return ndw_py_protocol_call("public_dir", ndw_self, NULL, NULL);
  }
}
%enddef

%define NDW_IMAGE_DOCS(PYNAME, T)
%feature("docstring") T "PYNAME: an N-d image (ITK's itk::Image / itk::VectorImage), pixels in a
buffer that NumPy views without a copy (np.asarray(image), shape (z, y, x[, c])).

    image = PYNAME.New(); image.SetRegions([x, y, z]); image.Allocate()

ndwrap.PyBuffer[PYNAME] converts to and from NumPy; help(ndwrap) lists the rest.";
%feature("docstring") T::shape "shape: NumPy's shape of the pixels, (z, y, x[, components]).";
%feature("docstring") T::ndim "ndim: len(shape) (D, plus 1 for a vector image).";
%feature("docstring") T::dtype "dtype: the NumPy dtype of a pixel component.";
%feature("docstring") T::New "New() -> a new, unallocated image (ITK's ::New()).";
%feature("docstring") T::SetRegions "SetRegions(region) sets the largest possible and the buffered
region: an ImageRegion, a Size, or a sequence of sizes (start index 0). Drops the buffer:
call Allocate() again. BufferError while the pixels are exported (a live NumPy view).";
%feature("docstring") T::Allocate "Allocate(initialize=False) allocates an x-fastest contiguous
buffer for the region; zeroed when initialize is true.";
%feature("docstring") T::FillBuffer "FillBuffer(value) sets every pixel to value (a number, or a
sequence of components for a vector image).";
%feature("docstring") T::GetPixel "GetPixel(index) -> the pixel at an ITK index (x first),
IndexError outside the buffered region.";
%feature("docstring") T::SetPixel "SetPixel(index, value) writes the pixel at an ITK index (x
first); the value converts exactly (OverflowError, TypeError otherwise).";
%feature("docstring") T::GetLargestPossibleRegion "GetLargestPossibleRegion() -> ImageRegion.";
%feature("docstring") T::GetBufferedRegion "GetBufferedRegion() -> ImageRegion (the largest
possible region: ndwrap does not stream).";
%feature("docstring") T::SetSpacing "SetSpacing(spacing): D finite values > 0, or one for all axes.";
%feature("docstring") T::GetSpacing "GetSpacing() -> tuple of D floats.";
%feature("docstring") T::SetOrigin "SetOrigin(origin): D finite values, or one for all axes.";
%feature("docstring") T::GetOrigin "GetOrigin() -> tuple of D floats.";
%feature("docstring") T::SetDirection "SetDirection(direction): a non-singular D x D matrix
(nested sequence or NumPy array), rows as ITK's.";
%feature("docstring") T::GetDirection "GetDirection() -> D x D tuple of tuples.";
%feature("docstring") T::SetNumberOfComponentsPerPixel "SetNumberOfComponentsPerPixel(n) (vector
images; 1 for scalar images).";
%feature("docstring") T::GetNumberOfComponentsPerPixel "GetNumberOfComponentsPerPixel() -> int.";
%feature("docstring") T::GetImageDimension "GetImageDimension() -> D.";
%feature("docstring") T::CopyInformation "CopyInformation(other) copies spacing, origin and
direction of an image of the same type.";
%feature("docstring") T::AllocateInitialized "AllocateInitialized(): Allocate(True), ITK's name.";
%feature("docstring") T::Graft "Graft(other): take other's region, geometry and pixel memory
(shared, no copy; kept alive by this image).";
%feature("docstring") T::Clone "Clone() -> a new empty image of the same type (ITK's Clone is
CreateAnother); copy.copy(image) copies pixels and geometry.";
%feature("docstring") T::TransformIndexToPhysicalPoint "TransformIndexToPhysicalPoint(index) ->
origin + direction @ (spacing * index), a tuple of floats.";
%feature("docstring") T::TransformContinuousIndexToPhysicalPoint
"TransformContinuousIndexToPhysicalPoint(cindex) -> the point of a fractional index.";
%feature("docstring") T::TransformPhysicalPointToIndex "TransformPhysicalPointToIndex(point) ->
the nearest Index (ITK's round half up).";
%feature("docstring") T::TransformPhysicalPointToContinuousIndex
"TransformPhysicalPointToContinuousIndex(point) -> the fractional index, a tuple of floats.";
%feature("docstring") T::GetBufferPointer "GetBufferPointer() -> the address of the first pixel
as an int (RuntimeError when unallocated).";
%feature("docstring") T::__getitem__ "image[z, y, x]: NumPy indexing (NumPy axis order, as ITK 5).";
%feature("docstring") T::__setitem__ "image[z, y, x] = value: NumPy assignment into the pixels.";
%feature("docstring") T::__buffer__ "__buffer__(flags=None) -> memoryview of the pixels (PEP 688).";
%feature("docstring") T::astype "astype(pixel_type) -> this image for its own pixel type, else a
new image of that pixel type (same template and dimension, same geometry) cast by ndwrap.CastImage's
rules (ITK's image.astype; pixel_type: ndwrap.F, np.float32, 'float', ...).";
%feature("docstring") T::__array__ "__array__(dtype=None, copy=None) -> NumPy array: a view unless
copy=True or another dtype is asked for (NumPy 2's protocol).";
%enddef

%define NDW_VNL_DOCS(PYNAME, T)
%feature("docstring") T "PYNAME: vnl's vector/matrix over a contiguous C buffer that NumPy views
without a copy (np.asarray(v)); ndwrap.PyVnl converts to and from NumPy.";
%feature("docstring") T::shape "shape: (n,) for a vector, (rows, cols) for a matrix.";
%feature("docstring") T::ndim "ndim: 1 for a vector, 2 for a matrix.";
%feature("docstring") T::dtype "dtype: the NumPy dtype of an element.";
%feature("docstring") T::py_fill "fill(value) sets every element.";
%feature("docstring") T::py_size "size() -> number of elements.";
%feature("docstring") T::py_set_size "set_size(n) / set_size(rows, cols) re-allocates (contents
undefined, as vnl; BufferError while exported).";
%feature("docstring") T::py_get "get(i) / get(r, c) -> element (IndexError outside).";
%feature("docstring") T::py_put "put(i, value) / put(r, c, value) writes an element.";
%feature("docstring") T::py_rows "rows() -> number of rows.";
%feature("docstring") T::py_cols "cols() -> number of columns.";
%feature("docstring") T::columns "columns() -> number of columns (vnl's other name for cols()).";
%feature("docstring") T::__call__ "v(i) / m(r, c) -> element (vnl's operator()).";
%feature("docstring") T::as_matrix "as_matrix() -> a new vnl_matrix holding a copy (vnl's
vnl_matrix_fixed::as_matrix; e.g. of Matrix.GetVnlMatrix(), which shares).";
%feature("docstring") T::as_vector "as_vector() -> a new vnl_vector holding a copy (vnl's
vnl_vector_fixed::as_vector).";
%enddef

%define NDW_SEQ_DOCS(PYNAME, T)
%feature("docstring") T "PYNAME: ITK's Size/Index, a mutable sequence of D integers (x first)
that compares equal to lists and tuples.";
%feature("docstring") T::Fill "Fill(value) sets every element.";
%feature("docstring") T::GetElement "GetElement(i) -> element i.";
%feature("docstring") T::SetElement "SetElement(i, value) sets element i.";
%feature("docstring") T::GetSizeDimension "GetSizeDimension() -> D.";
%feature("docstring") T::GetIndexDimension "GetIndexDimension() -> D.";
%enddef

%define NDW_REGION_DOCS(D)
%feature("docstring") ndw_region_##D "ImageRegion: a start Index and a Size (ITK's
itk::ImageRegion), ImageRegion(size) or ImageRegion(index, size).";
%feature("docstring") ndw_region_##D::GetIndex "GetIndex() -> Index (a copy).";
%feature("docstring") ndw_region_##D::GetSize "GetSize() -> Size (a copy).";
%feature("docstring") ndw_region_##D::SetIndex "SetIndex(index) or SetIndex(axis, value).";
%feature("docstring") ndw_region_##D::SetSize "SetSize(size) or SetSize(axis, value).";
%feature("docstring") ndw_region_##D::GetNumberOfPixels "GetNumberOfPixels() -> exact int.";
%feature("docstring") ndw_region_##D::GetImageDimension "GetImageDimension() -> D.";
%feature("docstring") ndw_region_##D::IsInside "IsInside(index_or_region) -> bool (an index in
the region, or a whole region inside it; an empty region is inside).";
%enddef
