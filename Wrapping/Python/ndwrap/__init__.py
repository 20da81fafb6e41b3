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
for _name in dir(ndwcore):
    if not _name.startswith("_") and isinstance(getattr(ndwcore, _name), type):
        globals()[_name] = getattr(ndwcore, _name)
del _name

WRAPPED_DIMS = _table.DIMS


def _register_core_modules():
    """Functions of ndwrap's own ndw_add_module() modules: ndwrap.CastImage, ..."""
    import importlib

    from . import _core_modules
    from .wrapping import register_functions

    for name in _core_modules.TABLES:
        table = importlib.import_module("." + name, __name__)
        globals().update(register_functions(__name__, ndwcore, table.FUNCTIONS))


_register_core_modules()


TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:  # the glue's names (imported at run time by _import_glue) for type checkers
    from .imageio import imread, imread_info, imwrite  # noqa: F401
    from .stream import FileStream, MemoryStream  # noqa: F401


def _import_glue():
    """Python glue of the enabled bridge modules: ndwrap.MemoryStream, ndwrap.imread, ..."""
    import importlib

    from . import _core_modules

    for name in _core_modules.GLUE:
        glue = importlib.import_module("." + name, __name__)
        globals().update({n: getattr(glue, n) for n in glue.__all__})


_import_glue()


class _LazySubmodule(type(_table)):
    """``ndwrap.ndimage`` before its first use: a module object that imports
    the real one (and SciPy) on its first attribute access and then holds
    the same names (the import system has by then set ``ndwrap.ndimage`` to
    the real module).  Not a module ``__getattr__``: with one, CPython
    3.11-3.13 never specialise attribute loads on ``ndwrap``, and every
    ``ndwrap.array_view_from_image(...)`` paid 40-70 ns (issue 16)."""

    def _load(self):
        import importlib

        real = importlib.import_module(self.__name__)
        if type(self) is _LazySubmodule:
            self.__dict__.update(real.__dict__)
            self.__class__ = type(_table)
        return real

    def __getattr__(self, name):
        self._load()
        return getattr(self, name)

    def __dir__(self):
        return dir(self._load())

    @property
    def __doc__(self):
        return self._load().__doc__


def _install_lazy_ndimage():
    """``ndwrap.ndimage`` stays lazy (``import ndwrap`` imports no SciPy).
    When SciPy cannot be imported, the module ``__getattr__`` below (slower
    attribute loads, see _LazySubmodule) keeps the ImportError on
    ``ndwrap.ndimage`` itself."""
    import os
    import sys
    from importlib.machinery import PathFinder

    here = os.path.dirname(__file__)
    if not os.path.exists(os.path.join(here, "ndimage.py")):
        return False
    if "scipy" in sys.modules:
        if sys.modules["scipy"] is None:  # blocked, as if not installed
            return False
    elif PathFinder.find_spec("scipy") is None:
        return False
    globals()["ndimage"] = _LazySubmodule(__name__ + ".ndimage")
    return True


if _install_lazy_ndimage():
    def __dir__():
        """As before the lazy object: ``ndimage`` is listed once it is
        imported (a module ``__dir__`` does not stop specialisation)."""
        names = list(globals())
        if type(globals().get("ndimage")) is _LazySubmodule:
            names.remove("ndimage")
        return sorted(names)
else:
    def __getattr__(name):
        """``ndwrap.ndimage`` on first use (it imports SciPy; ``import ndwrap`` does not)."""
        if name == "ndimage":
            import importlib

            return importlib.import_module(".ndimage", __name__)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
