"""Image files: ``ndwrap.imread`` and ``ndwrap.imwrite`` (Module IOImageFile).

MetaImage (``.mha``, ``.mhd`` + data file; raw or zlib) and NRRD (``.nrrd``,
``.nhdr`` + data file; raw or gzip), read and written by ndwrap's C readers
over its C streams (``Modules/IO``): the spellings of ``itk.imread`` and
``itk.imwrite``.  A path or any binary file object works (``io.BytesIO``,
``gzip.GzipFile``, ``ndwrap.MemoryStream``); ``mmap=True`` maps the pixels
of an uncompressed file instead of reading them.
"""
from __future__ import annotations

import os
import sys

from . import _registry as _reg
from . import ndwcore
from .stream import c_stream

TYPE_CHECKING = False  # typing is not imported at run time (import ndwrap stays fast)
if TYPE_CHECKING:
    from typing import Any, Optional, Union

__all__ = ["imread", "imwrite", "imread_info"]

#: the file formats of this build ("metaimage": Module_IOMetaImage, "nrrd": Module_IONRRD)
FORMATS = tuple(ndwcore._imageio_formats())


# C's ndw_image_format values
_FORMATS = {"metaimage": 1, "mha": 1, "mhd": 1, "nrrd": 2, "nhdr": 2}
_EXTENSIONS = {".mha": ("metaimage", False), ".mhd": ("metaimage", True),
               ".nrrd": ("nrrd", False), ".nhdr": ("nrrd", True)}
_COMPLEX_OF = {"F": "CF", "D": "CD"}


def _is_path(obj) -> bool:
    return isinstance(obj, (str, bytes, os.PathLike))


def _path_str(obj) -> str:
    path = os.fspath(obj)
    return os.fsdecode(path) if isinstance(path, bytes) else path


def _format_of_path(path: str):
    lower = path.lower()
    for ext, fmt in _EXTENSIONS.items():
        if lower.endswith(ext):
            return fmt
    return None


_MODULE_OF = {1: ("metaimage", "Module_IOMetaImage"), 2: ("nrrd", "Module_IONRRD")}


def _check_enabled(fmt_id: int) -> None:
    name, option = _MODULE_OF[fmt_id]
    if name not in FORMATS:
        raise ValueError(f"{name} files are not available: {option} is off in this build")


def _format_name(format: Optional[str]):
    if format is None:
        return None
    if not isinstance(format, str) or format.lower().lstrip(".") not in _FORMATS:
        raise ValueError(f"unknown image file format {format!r}; "
                         f"known: {', '.join(sorted(_FORMATS))}")
    return format.lower().lstrip(".")


def _wanted_pixel(pixel_type):
    if pixel_type is None:
        return None
    if isinstance(pixel_type, type):
        try:
            name, key = _reg.template(pixel_type)
        except (KeyError, TypeError):
            name = None
        if name in ("Image", "VectorImage"):
            return key[0]
    return _reg.pixel_type_of(pixel_type)


def _image_class(pixel_code: str, dim: int, vector: bool):
    pixel = _reg._BY_CODE[pixel_code]
    return _reg.TEMPLATES["VectorImage" if vector else "Image"][pixel, dim]


def _natural(info):
    """(pixel code, vector) of the image a file holds, in ITK's reading:
    NRRD's complex kind is a complex pixel; a channel axis a VectorImage."""
    code = info["pixel"]
    if info["is_complex"] and code in _COMPLEX_OF:
        return _COMPLEX_OF[code], False
    return code, bool(info["is_vector"]) or info["components"] > 1


def _reinterpreted(info, want):
    """(code, vector) when the file's bytes can be read straight into pixel
    type `want` (bool from unsigned char, complex from pairs of reals), else
    None."""
    code, comps = info["pixel"], info["components"]
    if want.code == "B" and code == "UC":
        return "B", bool(info["is_vector"]) or comps > 1
    if _COMPLEX_OF.get(code) == want.code and comps % 2 == 0:
        return want.code, comps > 2
    return None


def _cast(image, want, vector):
    """`image` with pixel type `want`: ndwrap.CastImage for scalar images
    (saturating; see CastImage), NumPy's astype for vector images."""
    from . import pybuffer

    name, (pixel, dim) = _reg.template(type(image))
    if pixel.kind == "c" and want.kind != "c":
        raise TypeError(f"cannot read complex pixels ({pixel.code}) as {want.code}")
    cast = getattr(sys.modules[__package__], "CastImage", None)
    if not vector and cast is not None and want.kind != "c" and pixel.kind != "c":
        out_type = _reg.TEMPLATES["Image"][want, dim]
        try:
            fn = cast[type(image), out_type]
        except (KeyError, TypeError):
            fn = None
        if fn is not None:
            return fn(image)
    np = pybuffer._numpy()
    arr = pybuffer.array_view_from_image(image)
    out = pybuffer.image_from_array(np.asarray(arr).astype(want.numpy_name), is_vector=vector,
                                    ttype=(want, dim))
    out.SetSpacing(image.GetSpacing())
    out.SetOrigin(image.GetOrigin())
    out.SetDirection(image.GetDirection())
    return out


def _open_source(source):
    """(stream handle, folder for data files or None, path or None, owner)"""
    if _is_path(source):
        path = _path_str(source)
        handle = ndwcore._Stream.open_file(path, "rb")
        return handle, os.path.dirname(path) or ".", path, handle
    return c_stream(source), None, None, None


def imread_info(filename_or_file) -> dict:
    """The header of an image file as a dict (pixel code, dim, components,
    size, spacing, origin, direction, encoding, data_file, ...), without
    reading the pixels."""
    handle, _, _, owned = _open_source(filename_or_file)
    try:
        return ndwcore._imageio_read_info(handle)
    finally:
        if owned is not None:
            owned.close()


def imread(filename: Any, pixel_type: Any = None, *, mmap: Union[bool, str] = False,
           format: Optional[str] = None):
    """Read a MetaImage or NRRD file into an ``Image`` or ``VectorImage``.

    ``filename``: a path, or a binary file object (data must then follow the
    header: ``.mha``/``.nrrd``).  ``pixel_type`` (``ndwrap.F``, ``'float'``,
    or an image type) converts: unsigned char data reads as bool (0/1) and
    pairs of float/double channels as complex without a copy; other types
    through ``ndwrap.CastImage`` (scalar images) or NumPy (vector images).
    The result has the file's spacing, origin and direction.

    ``mmap=True`` (or ``"r"``) maps the pixels of an uncompressed file
    read-only instead of reading them, ``mmap="c"`` maps them copy-on-write
    (writable; the file never changes): a volume larger than memory opens at
    once, and ``ndwrap.array_view_from_image`` views it without a copy.  The
    mapping lives as long as the image and every array viewing it.

    ``format`` (``"mha"``, ``"nrrd"``, ...) checks that a file object holds
    that format.  Bad files raise ``ValueError`` (truncated data, lying or
    unknown headers, data files outside the header's folder); the system's
    errors ``OSError``; a pixel type this build does not wrap
    ``ndwrap.NotWrappedError``.
    """
    want = _wanted_pixel(pixel_type)
    fmt = _format_name(format)
    if mmap not in (False, True, "r", "c"):
        raise ValueError(f"mmap must be False, True, 'r' or 'c', not {mmap!r}")
    map_mode = 0 if mmap is False else (2 if mmap == "c" else 1)
    if map_mode and not _is_path(filename):
        raise ValueError("mmap needs a path, not a file object")
    handle, folder, path, owned = _open_source(filename)
    chosen = {}

    def factory(info):
        if fmt is not None and _FORMATS[fmt] != _FORMATS[info["format"]]:
            raise ValueError(f"the file is {info['format']}, not {fmt}")
        code, vector = _natural(info)
        if want is not None and want.code != code:
            direct = _reinterpreted(info, want)
            if map_mode and (direct is None or direct[0] == "B"):
                raise ValueError(f"mmap shows the file's own pixel type ({code}); "
                                 f"pixel_type={want.code} needs a copy: use mmap=False")
            if direct is not None:
                code, vector = direct
        chosen["vector"] = vector
        return _image_class(code, info["dim"], vector).New()

    try:
        image = ndwcore._imageio_read(handle, folder, factory, map_mode, path)
    finally:
        if owned is not None:
            owned.close()
    if want is not None and _reg.template(type(image))[1][0] is not want:
        image = _cast(image, want, chosen["vector"])
    return image


def imwrite(image, filename: Any, compression: bool = False, *, format: Optional[str] = None) -> None:
    """Write ``image`` as MetaImage or NRRD, the format from the extension
    (``.mha``, ``.mhd``, ``.nrrd``, ``.nhdr``) or from ``format`` for a file
    object (``"mha"`` or ``"nrrd"``: the data follows the header).
    ``compression=True`` writes zlib (MetaImage) or gzip (NRRD) data.
    ``.mhd``/``.nhdr`` write their data next to the header (``name.raw``;
    compressed ``name.zraw`` / ``name.raw.gz``).  Bool images are stored as
    unsigned char, complex pixels as (real, imaginary) channels."""
    try:
        _reg.image_info(type(image))
    except (KeyError, TypeError):
        raise TypeError(f"imwrite() takes an ndwrap Image or VectorImage, not "
                        f"{type(image).__name__}") from None
    compress = 1 if compression else 0
    fmt = _format_name(format)
    if _is_path(filename):
        path = _path_str(filename)
        by_ext = _format_of_path(path)
        if fmt is None and by_ext is None:
            raise ValueError(f"cannot tell the image format of {path!r} from its extension "
                             "(.mha, .mhd, .nrrd, .nhdr); pass format=")
        detached = by_ext[1] if by_ext else fmt in ("mhd", "nhdr")
        fmt_id = _FORMATS[fmt] if fmt is not None else _FORMATS[by_ext[0]]
        _check_enabled(fmt_id)
        data_name = None
        data = None
        if detached:
            stem = os.path.splitext(os.path.basename(path))[0]
            ext = (".zraw" if compress else ".raw") if fmt_id == 1 else (".raw.gz" if compress else ".raw")
            data_name = stem + ext
            data = ndwcore._Stream.open_file(os.path.join(os.path.dirname(path), data_name), "wb")
        header = ndwcore._Stream.open_file(path, "wb")
        try:
            ndwcore._imageio_write(image, header, data, data_name, fmt_id, compress)
        finally:
            header.close()
            if data is not None:
                data.close()
        return
    if fmt is None:
        raise ValueError("imwrite() to a file object needs format='mha' or format='nrrd'")
    if fmt in ("mhd", "nhdr"):
        raise ValueError(f"format={fmt!r} writes a separate data file: give a path, or use "
                         "'mha' / 'nrrd' for a file object")
    _check_enabled(_FORMATS[fmt])
    handle = c_stream(filename)
    ndwcore._imageio_write(image, handle, None, None, _FORMATS[fmt], compress)
