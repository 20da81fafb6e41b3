"""ITK's spellings of a pixel-type cast, over ndwrap's ImageCast module
(``ndwrap.CastImage``, ``ndwrap.CastVectorImage``: C, saturating; see their
docstrings for the conversion rules):

* ``image.astype(pixel_type)`` on every Image and VectorImage: ``pixel_type``
  is an ndwrap pixel type (``ndwrap.F``), a NumPy dtype or scalar type
  (``np.float32``), a C type name (``'float'``) or, for images of ITK's
  fixed-size pixels, a value type (``ndwrap.Vector[F, 3]``).  The same pixel
  type returns the image itself (as ITK); another one returns a new image of
  the same template (Image or VectorImage) and dimension, with the input's
  spacing, origin and direction.
* ``CastImageFilter[InputImageType, OutputImageType]``: a template with ITK's
  mangled attribute names (``CastImageFilter.IUC3IF3``,
  ``CastImageFilter.VIF2VID2``) whose classes have ITK's object spelling,
  kept small (ndwrap has no pipeline)::

      f = CastImageFilter[ImageUC3, ImageF3].New()   # or .New(image), .New(Input=image)
      f.SetInput(image)
      f.Update()                                      # the cast runs here
      out = f.GetOutput()                             # (or here, when not yet run)

* ``cast_image_filter(image, ttype=(InputImageType, OutputImageType))``
  (also ``Input=image``): ITK's functional spelling; returns the output.

Every cast function that ndwrap registers under ``ndwrap.Cast*`` with
(input, output) pairs (``ndwrap.wrapping.registered_functions()``) joins
``CastImageFilter``.  Images of ITK's fixed-size pixel types
(``Image[Vector[F, 3], 2]``, ``Image[RGBPixel[UC], 2]``, ...) cast to and from
``VectorImage`` and each other (same component count) through
``CastVectorImage`` over views of both sides as VectorImages (no copy but the
cast itself): ``CastImageFilter.VIF2IVF32``, ``CastImageFilter.IRGBUC2IVF32``.
"""
from __future__ import annotations

from . import _registry as _reg
from . import wrapping as _wrapping

__all__ = ["CastImageFilter", "cast_image_filter"]

# ITK's mangling of the fixed-size value types' templates (itk.Vector -> V)
_VALUE_MANGLE = {"Vector": "V", "CovariantVector": "CV", "Point": "P", "RGBPixel": "RGB",
                 "RGBAPixel": "RGBA", "FixedArray": "FA"}


def _pixel_mangle(pixel):
    if isinstance(pixel, _reg.PixelType):
        return pixel.code
    code = getattr(pixel, "_itk_code", None)  # a fixed-size pixel: VF3, RGBUC
    if code:
        return code
    info = _reg._CLASS_INFO.get(pixel)  # a fixed-size value type (ndwrap.pixeltypes)
    if info is not None and info[0] in _VALUE_MANGLE:
        name, key = info
        return _VALUE_MANGLE[name] + "".join(
            k.code if isinstance(k, _reg.PixelType) else str(k) for k in key)
    return getattr(pixel, "__name__", str(pixel))


def itk_mangle(image_type):
    """ITK's mangled name of an image class: ``IUC3`` (Image[UC, 3]),
    ``VIF2`` (VectorImage[F, 2]), ``IVF32`` (Image[Vector[F, 3], 2])."""
    name, (pixel, dim) = _reg.template(image_type)
    return {"Image": "I", "VectorImage": "VI"}.get(name, name) + _pixel_mangle(pixel) + str(dim)


class _CastImageFilterBase:
    """ITK's ``CastImageFilter[InputImageType, OutputImageType]`` over
    ndwrap's C cast (see :mod:`ndwrap.imagecast`): ``New()``, ``SetInput``,
    ``GetInput``, ``Update``, ``GetOutput``.  No pipeline: ``Update()`` casts
    the current input into a new output image; ``GetOutput()`` runs it first
    when the input changed since."""

    InputImageType = None
    OutputImageType = None
    _function = None  # the wrapped instance: function(input) -> output

    def __init__(self):
        self._input = None
        self._output = None

    @classmethod
    def New(cls, *args, **kwargs):
        """A new filter; ``New(image)`` or ``New(Input=image)`` sets its input."""
        f = cls()
        if len(args) > 1:
            raise TypeError(f"{cls.__name__}.New() takes at most one input image, "
                            f"got {len(args)} arguments")
        unknown = sorted(set(kwargs) - {"Input"})
        if unknown:
            raise TypeError(f"{cls.__name__}.New() got unknown keyword(s) {unknown}; "
                            "it takes Input=")
        if args and "Input" in kwargs:
            raise TypeError(f"{cls.__name__}.New() got the input twice")
        image = args[0] if args else kwargs.get("Input")
        if image is not None or args or "Input" in kwargs:
            f.SetInput(image)
        return f

    def SetInput(self, image):
        """The image to cast: an ``InputImageType``."""
        if type(image) is not self.InputImageType:
            raise TypeError(f"{type(self).__name__}.SetInput() takes a "
                            f"{self.InputImageType.__name__}, not {type(image).__name__}")
        self._input = image
        self._output = None

    def GetInput(self):
        """The input image (None before ``SetInput``)."""
        return self._input

    def Update(self):
        """Cast the input into a new output image (``RuntimeError`` without an input)."""
        if self._input is None:
            raise RuntimeError(f"{type(self).__name__}: no input; call SetInput(image) first")
        self._output = self._function(self._input)

    def GetOutput(self):
        """The cast image (computed by ``Update()``, or now if not yet)."""
        if self._output is None:
            self.Update()
        return self._output

    def __call__(self):
        raise TypeError(f"a {type(self).__name__} is not callable; use Update() and "
                        "GetOutput(), or ndwrap.cast_image_filter(image, ttype=(In, Out))")

    def __repr__(self):
        return f"<ndwrap {type(self).__name__}>"


def _filter_class(i, o, function):
    return type(f"CastImageFilter{itk_mangle(i)}{itk_mangle(o)}", (_CastImageFilterBase,), {
        "InputImageType": i, "OutputImageType": o, "_function": staticmethod(function),
        "__module__": "ndwrap", "__doc__": _CastImageFilterBase.__doc__})


def _is_fixed(image_type):
    """Is this an image of a fixed-size pixel type (Image[Vector[F, 3], 3])?"""
    info = _reg._CLASS_INFO.get(image_type)
    return info is not None and info[0] == "Image" and not isinstance(info[1][0], _reg.PixelType)


def _fixed_size_casts(functions):
    """Casts between images of fixed-size pixel types (Vector, CovariantVector,
    RGBPixel, ...) and VectorImage, both ways, over CastVectorImage: every
    such image is a vector layout with a fixed component count, so both sides
    are viewed (no copy) as VectorImages of their component types and
    CastVectorImage converts component by component.  The component counts
    must agree (a VectorImage's is checked at the call)."""
    vector_casts = {k: inst for k, inst in functions.items()
                    if _reg._CLASS_INFO[k[0]][0] == "VectorImage"
                    and _reg._CLASS_INFO[k[1]][0] == "VectorImage"}
    fixed = [t for t in _reg.TEMPLATES["Image"].values() if _is_fixed(t)]
    if not fixed or not vector_casts:
        return {}
    vector_images = list(_reg.TEMPLATES["VectorImage"].values())
    out = {}
    for a in fixed + vector_images:
        for b in fixed + vector_images:
            if a is b or not (_is_fixed(a) or _is_fixed(b)):
                continue
            pa, da, _ = _reg.image_info(a)
            pb, db, _ = _reg.image_info(b)
            if da != db:
                continue
            if _is_fixed(a) and _is_fixed(b) and \
                    _reg.template(a)[1][0].Length != _reg.template(b)[1][0].Length:
                continue
            inst = vector_casts.get((_reg.TEMPLATES["VectorImage"][pa, da],
                                     _reg.TEMPLATES["VectorImage"][pb, db]))
            if inst is not None:
                out[(a, b)] = _ViaVectorImages(a, b, inst)
    return out


class _ViaVectorImages:
    """A cast from/to an image of fixed-size pixels through views of both
    images as VectorImages and the CastVectorImage instance `inst`."""

    def __init__(self, in_type, out_type, inst):
        self.InputImageType, self.OutputImageType, self._inst = in_type, out_type, inst

    @staticmethod
    def _as_vector_image(image, vector_type):
        from . import pybuffer

        if type(image) is vector_type:
            return image
        return pybuffer.PyBuffer[vector_type].GetImageViewFromArray(
            pybuffer.array_view_from_image(image), is_vector=True)

    def __call__(self, image):
        n = image.GetNumberOfComponentsPerPixel()
        out = self.OutputImageType.New()
        if _is_fixed(self.OutputImageType):
            want = _reg.template(self.OutputImageType)[1][0].Length
            if n != want:
                raise ValueError(f"cannot cast {type(image).__name__} with {n} components per "
                                 f"pixel to {self.OutputImageType.__name__} ({want} components)")
        else:
            out.SetNumberOfComponentsPerPixel(n)
        out.SetRegions(image.GetLargestPossibleRegion())
        out.SetSpacing(image.GetSpacing())
        out.SetOrigin(image.GetOrigin())
        out.SetDirection(image.GetDirection())
        out.Allocate()
        src = self._as_vector_image(image, self._inst.InputImageType)
        dst = self._as_vector_image(out, self._inst.OutputImageType)
        self._inst._c(src, dst)
        return out


def _filter_key(key):
    if not isinstance(key, (tuple, list)) or len(key) != 2:
        raise TypeError("expected [InputImageType, OutputImageType], e.g. "
                        "CastImageFilter[Image[UC, 3], Image[F, 3]]")
    for t in key:
        if _reg._CLASS_INFO.get(t, ("",))[0] not in ("Image", "VectorImage"):
            raise TypeError(f"{getattr(t, '__name__', t)!r} is not an ndwrap image type")
    return (key[0], key[1])


class _CastTemplate(_reg.Template):
    """``CastImageFilter[InputImageType, OutputImageType]`` (ITK's
    ``itk.CastImageFilter``): the filter classes of every wrapped cast,
    with ITK's attribute names (``CastImageFilter.IUC3IF3``)."""

    def __init__(self):
        super().__init__("CastImageFilter", "InputImageType, OutputImageType", _filter_key,
                         None, lambda k: "Casts are the instances of ndwrap.CastImage and "
                                         "ndwrap.CastVectorImage (Module_ImageCast).")
        self.__dict__.pop("_entries", None)

    @property
    def _entries(self):  # built on first use (import ndwrap stays cheap)
        entries = self.__dict__.get("_built")
        if entries is None:
            entries, functions = {}, {}
            for name, fn in sorted(_wrapping.registered_functions().items()):
                if not (name.startswith("ndwrap.Cast") and fn.pairs):
                    continue
                for (i, o), inst in fn._by_key.items():
                    functions[(i, o)] = inst
            functions.update(_fixed_size_casts(functions))
            for (i, o), fn in functions.items():
                entries[(i, o)] = _filter_class(i, o, fn)
            self.__dict__["_built"] = entries
        return entries

    @_entries.setter
    def _entries(self, value):  # Template.__init__ assigns it; the property builds it
        pass

    def _lookup(self, key):
        try:
            k = self._normalise(key)
        except TypeError as e:
            raise TypeError(f"ndwrap.CastImageFilter[InputImageType, OutputImageType]: {e}") \
                from None
        try:
            return self._entries[k]
        except KeyError:
            pass
        outs = ", ".join(o.__name__ for (i, o) in self._entries if i is k[0])
        raise _reg.NotWrappedError(
            f"ndwrap.CastImageFilter[{self._key_text(k)}] is not wrapped in this build. "
            + (f"Wrapped casts of {k[0].__name__}: to {outs}." if outs else
               f"No cast takes {k[0].__name__}.")
            + " Casts are the instances of ndwrap.CastImage and ndwrap.CastVectorImage "
              "(integer, real and bool pixel types; Module_ImageCast).")

    def _suffix(self, k):
        return itk_mangle(k[0]) + itk_mangle(k[1])

    def _key_text(self, k):
        return ", ".join(getattr(t, "__name__", str(t)) for t in k)

    def GetTypesAsList(self):
        """The wrapped (input, output) pairs, as ITK's mangled names."""
        return [self._suffix(k) for k in self._entries]

    def __repr__(self):
        return f"<ndwrap template CastImageFilter[InputImageType, OutputImageType]>"


CastImageFilter = _CastTemplate()


def _ttype_pair(ttype):
    if isinstance(ttype, (tuple, list)) and len(ttype) == 2:
        return tuple(ttype)
    raise TypeError("cast_image_filter() needs ttype=(InputImageType, OutputImageType)")


def cast_image_filter(*args, ttype=None, **kwargs):
    """ITK's functional spelling: ``cast_image_filter(image, ttype=(In, Out))``
    or ``cast_image_filter(Input=image, ttype=(In, Out))`` returns the
    image cast to ``Out`` (a new image; see :mod:`ndwrap.imagecast`)."""
    if ttype is None:
        raise TypeError("cast_image_filter() needs ttype=(InputImageType, OutputImageType)")
    return CastImageFilter[_ttype_pair(ttype)].New(*args, **kwargs).GetOutput()


def _pixel_key(pixel_type):
    """astype's argument as a template key: a PixelType, or a value class."""
    if isinstance(pixel_type, type) and pixel_type in _reg._CLASS_INFO:
        return pixel_type  # a fixed-size value type (Vector[F, 3], ...)
    if isinstance(pixel_type, bool):
        raise TypeError(f"astype() takes a pixel type, not {pixel_type!r}")
    return _reg.pixel_type_of(pixel_type)  # TypeError / KeyError name the problem


def astype(image, pixel_type):
    """``image.astype(pixel_type)`` (ITK's): see :mod:`ndwrap.imagecast`."""
    name, (pixel, dim) = _reg.template(image)
    want = _pixel_key(pixel_type)
    if want is pixel:
        return image
    out_type = _reg.TEMPLATES[name][want, dim]  # NotWrappedError lists what is wrapped
    return CastImageFilter[type(image), out_type].New(image).GetOutput()
