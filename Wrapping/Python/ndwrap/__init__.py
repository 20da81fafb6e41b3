"""ndwrap: typed N-d images and vnl vectors/matrices from C, with a
zero-copy NumPy bridge.

    >>> import ndwrap
    >>> ImageType = ndwrap.Image[ndwrap.F, 3]
    >>> image = ImageType.New()
    >>> image.SetRegions([4, 3, 2]); image.Allocate(initialize=True)
    >>> arr = ndwrap.PyBuffer[ImageType].GetArrayFromImage(image)  # shares memory

Importing ndwrap does not import NumPy; conversions do, on first use.

Where to look (``help()`` on each; docs/reference.rst lists them all):

* Types, ITK's way: ``Image[PixelType, Dim]`` (also ``Image.F3``),
  ``VectorImage``, ``Size[Dim]``, ``Index[Dim]``, ``ImageRegion[Dim]``,
  ``vnl_vector[T]``, ``vnl_matrix[T]``; pixel types ``F``, ``UC``, ...,
  ``ctype('unsigned char')``; ``template(obj)`` names an object's type.
  The instantiations themselves (``ImageF3``, ``vnl_vectorD``, ...) are
  attributes too, but not in ``__all__``.
* NumPy: ``PyBuffer[ImageType]`` and ``PyVnl[T]`` share memory;
  ``array_from_image`` / ``image_from_array`` (and ITK's CamelCase names)
  copy, ``array_view_from_image`` / ``image_view_from_array`` share; every
  spelling takes ``copy=``.  README "Coming from ITK" lists where ndwrap
  differs from ITK 5 on purpose.
* Also: ``from_dlpack``, ``imread`` / ``imwrite``, ``xarray_from_image``,
  ``ndwrap.ndimage`` (SciPy callables), ``CastImage``.
"""
import sys as _sys

from . import _table
from . import ndwcore
from ._registry import (  # noqa: F401
    PIXEL_TYPES, CopyRequiredError, DTypeMismatchError, NotWrappedError, PixelType, ctype,
    template, wrapped_pixel_types,
)
from ._registry import TEMPLATES as _TEMPLATES
from .pybuffer import (  # noqa: F401
    PyBuffer, GetArrayFromImage, GetArrayViewFromImage, GetImageFromArray,
    GetImageViewFromArray, array_from_image, array_view_from_image, image_from_array,
    image_view_from_array,
)
from .dlpack import from_dlpack  # noqa: F401
from .matrix import GetMatrixFromArray, Matrix, matrix_from_array  # noqa: F401
from .pixeltypes import CovariantVector, Point, RGBAPixel, RGBPixel, Vector  # noqa: F401
from .xarray import image_from_xarray, xarray_from_image  # noqa: F401  (xarray imported on use)
from .pyvnl import (  # noqa: F401
    PyVnl, array_from_vnl_matrix, array_from_vnl_vector, array_view_from_vnl_matrix,
    array_view_from_vnl_vector, vnl_matrix_from_array, vnl_matrix_view_from_array,
    vnl_vector_from_array, vnl_vector_view_from_array, array_from_matrix, GetArrayFromMatrix,
    GetArrayFromVnlMatrix, GetArrayFromVnlVector, GetArrayViewFromVnlMatrix,
    GetArrayViewFromVnlVector, GetVnlMatrixFromArray, GetVnlVectorFromArray,
)

__version__ = _table.VERSION

# The SDK's folders (issue 15): ndwrap.get_cmake_dir(), ndwrap.get_include(), ...
from ._sdk import get_cmake_dir, get_data_dir, get_include, get_library_dir  # noqa: F401,E402

Image = _TEMPLATES["Image"]
VectorImage = _TEMPLATES["VectorImage"]
Size = _TEMPLATES["Size"]
Index = _TEMPLATES["Index"]
ImageRegion = _TEMPLATES["ImageRegion"]
vnl_vector = _TEMPLATES["vnl_vector"]
vnl_matrix = _TEMPLATES["vnl_matrix"]

# Short names ndwrap.F, ndwrap.UC, ... (every table row, wrapped or not, so
# that a lookup can say which option would add it).
for _p in PIXEL_TYPES:
    globals()[_p.code] = _p
del _p
# ITK's other spellings of the same rows (ITK mangles unsigned long long as
# ULL; ndwrap's UL and SL rows are the 64-bit integers).
from ._registry import CODE_ALIASES as _CODE_ALIASES  # noqa: E402
for _a, _c in _CODE_ALIASES.items():
    globals()[_a] = globals()[_c]
del _a, _c

# The wrapped classes themselves: ndwrap.ImageF3, ndwrap.vnl_vectorD, ...
for _name, _value in sorted(vars(ndwcore).items()):
    if not _name.startswith("_") and isinstance(_value, type):
        globals()[_name] = _value
del _name, _value

WRAPPED_DIMS = _table.DIMS


def _submodule(name):
    """``ndwrap.<name>``, imported (``__import__``: importlib's package costs
    ~0.4 ms of ``import ndwrap``)."""
    full = f"{__name__}.{name}"
    __import__(full)
    return _sys.modules[full]


def _register_core_modules():
    """Functions of ndwrap's own ndw_add_module() modules: ndwrap.CastImage, ..."""
    from . import _core_modules
    from .wrapping import register_functions

    for name in _core_modules.TABLES:
        table = _submodule(name)
        globals().update(register_functions(__name__, ndwcore, table.FUNCTIONS))


_register_core_modules()


TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:  # the glue's names (imported at run time by _import_glue) for type checkers
    from .imageio import imread, imread_info, imwrite  # noqa: F401
    from .stream import FileStream, MemoryStream  # noqa: F401


def _import_glue():
    """Python glue of the enabled bridge modules: ndwrap.MemoryStream, ndwrap.imread, ..."""
    from . import _core_modules

    for name in _core_modules.GLUE:
        glue = _submodule(name)
        globals().update({n: getattr(glue, n) for n in glue.__all__})


_import_glue()


# ``ndwrap.ndimage`` is an ordinary submodule, imported here: it is cheap
# (no SciPy, NumPy or typing at import; its functions import SciPy on first
# use and raise the ImportError naming ``pip install 'ndwrap[ndimage]'`` when
# it is missing).  No module ``__getattr__`` on ndwrap: with one, CPython
# 3.11-3.13 never specialise attribute loads on the module, and every
# ``ndwrap.array_view_from_image(...)`` paid 40-70 ns (issue 16).
if hasattr(ndwcore, "_ndimage_callable"):  # Module_BridgeNDImage
    from . import ndimage  # noqa: E402


def _public_names():
    """``__all__``: the public API without the mangled instantiations
    (``ImageF3``, ...: reach them through the templates) and submodules."""
    skip = set(_TEMPLATES["Image"].values()) | set(_TEMPLATES["VectorImage"].values())
    for t in ("Size", "Index", "ImageRegion", "vnl_vector", "vnl_matrix"):
        skip |= set(_TEMPLATES[t].values())
    module = type(_table)
    return sorted(n for n, v in globals().items()
                  if not n.startswith("_") and n != "TYPE_CHECKING"
                  and not isinstance(v, module) and not (isinstance(v, type) and v in skip))


__all__ = _public_names()
