"""Registries for a module's typed functions (the generator as a product).

A toolkit writes one C body per function over a pixel type and dimension;
``ndw_add_module()`` instantiates it for every enabled type and wraps it;
the generated package calls :func:`register_functions`, which makes for
each function a template indexed like ndwrap's own::

    extfilters.BinaryThreshold[ndwrap.Image[ndwrap.UC, 3]](image, 10, 200, 1, 0)
    extfilters.Mean[ImageUC3, ImageF3](image, radius=1)
    extfilters.Mean(array, radius=1)              # picks the types from the array

Conventions:

* each C instance is ``ndw_status f(const In *input, Out *output, params...)``;
  the wrapper creates ``output`` with the input's region, components and
  geometry (spacing, origin, direction), and returns it;
* NumPy arrays are accepted wherever an input image is: an array of a
  wrapped dtype and ndim is viewed as a temporary image without a copy
  (``copy=None`` rules: a copy only when a view is impossible), and the
  result then comes back as an array (a view of the new output image);
* a lookup of an instantiation that does not exist raises
  :class:`ndwrap.NotWrappedError` listing the wrapped ones;
* the C body runs with the GIL released, while both images are marked as
  exported (re-allocating them from another thread raises ``BufferError``).
"""
from __future__ import annotations

from . import _registry as _reg
from . import pybuffer as _pb

__all__ = ["FunctionTemplate", "register_functions"]


def _image_class(spec):
    kind, code, dim = spec
    return _reg.TEMPLATES[kind][_reg.ctype(code), dim]


class _Instance:
    """One instantiation, callable: ``f(image, *params) -> output image``."""

    def __init__(self, template, in_type, out_type, c_function):
        self.template = template
        self.InputImageType = in_type
        self.OutputImageType = out_type
        self._c = c_function
        self.__name__ = f"{template.__name__}[{in_type.__name__}, {out_type.__name__}]"
        self.__doc__ = template.__doc__

    def _bind(self, args, kwargs):
        names = self.template.params
        if len(args) > len(names):
            raise TypeError(f"{self.__name__} takes {len(names)} parameter(s) "
                            f"({', '.join(names)}), got {len(args)}")
        values = dict(zip(names, args))
        for k, v in kwargs.items():
            if k not in names:
                raise TypeError(f"{self.__name__} has no parameter {k!r}; parameters: {names}")
            if k in values:
                raise TypeError(f"{self.__name__} got {k!r} twice")
            values[k] = v
        missing = [n for n in names if n not in values]
        if missing:
            raise TypeError(f"{self.__name__} is missing parameter(s) {missing}")
        return [values[n] for n in names]

    def __call__(self, image, *args, **kwargs):
        params = self._bind(args, kwargs)
        as_array = type(image) is not self.InputImageType
        if as_array and type(image) in _reg._CLASS_INFO:
            # an ndwrap object of another type is never silently re-read as an array
            raise TypeError(f"{self.__name__} takes a {self.InputImageType.__name__}, "
                            f"not a {type(image).__name__}; pick the instance for it "
                            f"({self.template.__name__}[{type(image).__name__}, ...]) or "
                            "CastImage it first")
        if as_array:
            vector = _reg.image_info(self.InputImageType)[2]
            image = _pb.PyBuffer[self.InputImageType].GetImageFromArray(image, is_vector=vector)
        out = self.OutputImageType.New()
        if _reg.image_info(self.OutputImageType)[2]:
            out.SetNumberOfComponentsPerPixel(image.GetNumberOfComponentsPerPixel())
        out.SetRegions(image.GetLargestPossibleRegion())
        out.SetSpacing(image.GetSpacing())
        out.SetOrigin(image.GetOrigin())
        out.SetDirection(image.GetDirection())
        out.Allocate()
        self._c(image, out, *params)
        return _pb.array_view_from_image(out) if as_array else out

    def __repr__(self):
        return f"<ndwrap function {self.__name__}>"


class FunctionTemplate:
    """All instantiations of one module function, indexed by image types."""

    def __init__(self, module, name, doc, pairs, params):
        self.__module__ = module
        self.__name__ = name
        self.__doc__ = doc or name
        self.pairs = pairs
        self.params = tuple(params)
        self._by_key = {}
        self._by_input = {}

    def _add(self, in_type, out_type, c_function):
        inst = _Instance(self, in_type, out_type, c_function)
        key = (in_type, out_type) if self.pairs else in_type
        self._by_key[key] = inst
        self._by_input.setdefault(in_type, []).append(inst)

    def _wrapped_text(self):
        if self.pairs:
            return ", ".join(f"[{a.__name__}, {b.__name__}]" for a, b in self._by_key)
        return ", ".join(f"[{a.__name__}]" for a in self._by_key)

    def _missing(self, what):
        return _reg.NotWrappedError(
            f"{self.__module__}.{self.__name__}{what} is not wrapped. "
            f"Wrapped: {self._wrapped_text()}. Enable the pixel type or dimension in ndwrap "
            "(NDW_WRAP_<code>, NDW_WRAP_DIMS) or add it to the module's .wrap file.")

    def __getitem__(self, key):
        if self.pairs and isinstance(key, tuple) and len(key) == 2:
            inst = self._by_key.get(key)
            if inst is None:
                raise self._missing(f"[{_name(key[0])}, {_name(key[1])}]")
            return inst
        insts = self._by_input.get(key)
        if insts is None:
            raise self._missing(f"[{_name(key)}]")
        return self._default(key, insts)

    def _default(self, in_type, insts):
        """The instance for an input type given alone: the only one, or the
        one whose output has the input's pixel type (VectorImageF3 -> ImageF3,
        ImageF3 -> ImageF3); otherwise ambiguous (Mean[ImageUC3] has F and D)."""
        if len(insts) == 1:
            return insts[0]
        pixel = _reg.image_info(in_type)[0]
        for inst in insts:
            if _reg.image_info(inst.OutputImageType)[0] is pixel:
                return inst
        outs = ", ".join(i.OutputImageType.__name__ for i in insts)
        raise TypeError(f"{self.__module__}.{self.__name__}[{in_type.__name__}] is ambiguous: "
                        f"give the output type too (output_type=, or [{in_type.__name__}, Out]); "
                        f"wrapped outputs: {outs}")

    def __call__(self, image, *args, output_type=None, **kwargs):
        """Pick the instantiation from the input (an image or an array)."""
        if _reg._CLASS_INFO.get(type(image), ("",))[0] in ("Image", "VectorImage"):
            in_type = type(image)
        else:
            in_type = self._input_type_for_array(image)
        key = (in_type, output_type) if output_type is not None else in_type
        if output_type is not None and not self.pairs:
            if output_type is not in_type:
                raise self._missing(f"[{in_type.__name__}, {_name(output_type)}]")
            key = in_type
        return self[key](image, *args, **kwargs)

    def _input_type_for_array(self, arr):
        np = _pb._numpy()
        a = np.asarray(arr)
        pixel = _reg.pixel_type_of_dtype(a.dtype)
        for t in self._by_input:
            p, d, vector = _reg.image_info(t)
            if p is pixel and d == a.ndim - (1 if vector else 0):
                return t
        raise self._missing(f" for an array of {a.dtype} with {a.ndim} dimension(s)")

    def keys(self):
        return list(self._by_key)

    def __iter__(self):
        return iter(self._by_key)

    def __len__(self):
        return len(self._by_key)

    def __contains__(self, key):
        return key in self._by_key

    def __repr__(self):
        return f"<ndwrap function template {self.__module__}.{self.__name__}, {len(self)} wrapped>"


def _name(t):
    return getattr(t, "__name__", repr(t))


def register_functions(module_name, wrapped, functions):
    """Build the FunctionTemplate objects of a generated module package.

    `functions` is the generated table: (name, doc, pairs, params,
    [(in spec, out spec, C function name), ...])."""
    result = {}
    for name, doc, pairs, params, rows in functions:
        tmpl = FunctionTemplate(module_name, name, doc, pairs, params)
        for i, o, c in rows:
            tmpl._add(_image_class(i), _image_class(o), getattr(wrapped, c))
        result[name] = tmpl
    return result
