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
from . import _sdk
from . import _table
from . import pybuffer as _pb

__all__ = ["FunctionTemplate", "register_functions", "check_built_for", "registered_functions"]

# ndwrap's registry of module functions: "extfilters.BinaryThreshold" ->
# FunctionTemplate, for ndwrap's own modules (ndwrap.CastImage) and every
# module package imported since (see registered_functions()).
_FUNCTIONS = {}


def registered_functions():
    """``{"module.Function": FunctionTemplate}`` of every module function
    registered so far (ndwrap's own, and those of imported module packages)."""
    return dict(_FUNCTIONS)


def _major_minor(version):
    return tuple(str(version).split(".")[:2])


def check_built_for(module_name, built_for):
    """Refuse (``ImportError``) a module package built against another
    ndwrap: another minor version (ABI, soname), another pixel table, or
    types/dimensions the installed ndwrap does not wrap.  Called by the
    generated ``__init__`` before the module's extension is loaded."""
    if not isinstance(module_name, str) or not isinstance(built_for, dict):
        raise TypeError("check_built_for(module_name: str, built_for: dict)")
    rebuild = (f"rebuild {module_name} against the installed ndwrap "
               f"(pip install --force-reinstall --no-cache-dir {module_name}, or rebuild "
               "it with CMake)")
    theirs = str(built_for.get("ndwrap", "?"))
    if _major_minor(theirs) != _major_minor(_table.VERSION):
        raise ImportError(f"{module_name} was built against ndwrap {theirs}, but ndwrap "
                          f"{_table.VERSION} is installed: {rebuild}")
    ours = tuple((r[0], r[2], r[4]) for r in _table.PIXEL_TYPES)
    table = tuple(tuple(r) for r in built_for.get("table", ()))
    if table != ours:
        diff = sorted(set(table) ^ set(ours))
        raise ImportError(f"{module_name} was built against another pixel table than the "
                          f"installed ndwrap {_table.VERSION} (rows differing: {diff}): {rebuild}")
    wrapped = {p.code for p in _reg.PIXEL_TYPES if p.wrapped}
    codes = [c for c in built_for.get("types", ()) if c not in wrapped]
    dims = [d for d in built_for.get("dims", ()) if d not in _table.DIMS]
    if codes or dims:
        what = "; ".join(x for x in (codes and f"pixel types {', '.join(codes)}",
                                     dims and f"dimensions {', '.join(map(str, dims))}") if x)
        raise ImportError(f"{module_name} was built for {what}, which the installed ndwrap "
                          f"{_table.VERSION} does not wrap (it wraps "
                          f"{', '.join(sorted(wrapped))}; dimensions "
                          f"{', '.join(map(str, _table.DIMS))}): {rebuild}")


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

    def __init__(self, module, name, doc, pairs, params, built_for=None):
        self.__module__ = module
        self.__name__ = name
        self.__doc__ = doc or name
        self.pairs = pairs
        self.params = tuple(params)
        self._maps = ({}, {})  # (key -> instance, input type -> [instances])
        self._pending = None  # (wrapped module, generated rows) not made into instances yet
        self._built_for = built_for  # None: one of ndwrap's own modules

    @property
    def _by_key(self):
        return (self._maps if self._pending is None else self._build())[0]

    @property
    def _by_input(self):
        return (self._maps if self._pending is None else self._build())[1]

    def _build(self):
        """Make the pending rows' instances (ndwrap's own modules defer them
        to first use: 726 casts were ~1 ms of ``import ndwrap``, issue 16).
        Built aside and published in one assignment, so that a thread never
        sees part of them."""
        pending = self._pending
        if pending is not None:
            by_key = dict(self._maps[0])
            by_input = {k: list(v) for k, v in self._maps[1].items()}
            wrapped, rows = pending
            for i, o, c in rows:
                self._insert(by_key, by_input, _image_class(i), _image_class(o),
                             getattr(wrapped, c))
            self._maps = (by_key, by_input)
            self._pending = None
        return self._maps

    def _insert(self, by_key, by_input, in_type, out_type, c_function):
        inst = _Instance(self, in_type, out_type, c_function)
        by_key[(in_type, out_type) if self.pairs else in_type] = inst
        by_input.setdefault(in_type, []).append(inst)

    def _add(self, in_type, out_type, c_function):
        by_key, by_input = self._build()
        self._insert(by_key, by_input, in_type, out_type, c_function)

    def _wrapped_text(self):
        if self.pairs:
            return ", ".join(f"[{a.__name__}, {b.__name__}]" for a, b in self._by_key)
        return ", ".join(f"[{a.__name__}]" for a in self._by_key)

    def _missing(self, what, pixels=(), dim=None):
        return _reg.NotWrappedError(
            f"{self.__module__}.{self.__name__}{what} is not wrapped. "
            f"Wrapped: {self._wrapped_text()}. {self._hint(pixels, dim)}")

    def _hint(self, pixels, dim):
        """What would add the missing instance: ndwrap's options (spelled as
        ndwrap was installed), the module's own (spelled as it was built), or
        its .wrap file; never an option for what is already on."""
        ndw_pip = _sdk.installed_by_pip()
        pixels = [p for p in pixels if isinstance(p, _reg.PixelType)]
        ndw_dims = set(_table.DIMS)
        spec = (self._built_for or {}).get("functions", {}).get(self.__name__)
        if spec is not None:  # outside the function's .wrap type sets: no option adds it
            ins, outs, fdims = spec
            sides = [ins, outs if outs is not None else ins]
            if any(p.code not in side for p, side in zip(pixels, sides)) or \
                    (dim is not None and fdims is not None and dim not in fdims):
                return (f"The type sets of {self.__name__} in {self.__module__}'s .wrap file "
                        "do not include it: add it there and rebuild.")
        hints = []
        off = [p for p in pixels if not p.wrapped]
        if off or (dim is not None and dim not in ndw_dims):
            if dim is not None and dim > 8:
                return f"Dimension {dim} is beyond ndwrap's limit of 8."
            opts = [_sdk.option_text(f"NDW_WRAP_{p.code}", "ON", ndw_pip) for p in off]
            if dim is not None and dim not in ndw_dims:
                opts.append(_sdk.option_text(
                    "NDW_WRAP_DIMS", ";".join(map(str, sorted(ndw_dims | {dim}))), ndw_pip))
            how = "reinstall ndwrap with" if ndw_pip else "reconfigure ndwrap with"
            hints.append(f"The installed ndwrap does not wrap it: {how} {' '.join(opts)}"
                         + (f", then rebuild {self.__module__}." if self._built_for else "."))
            return " ".join(hints)
        if self._built_for:
            mod_pip = self._built_for.get("options") == "pip"
            mod_codes = set(self._built_for.get("types", ()))
            mod_dims = set(self._built_for.get("dims", ()))
            opts = [_sdk.option_text(f"NDW_WRAP_{p.code}", "ON", mod_pip)
                    for p in pixels if p.code not in mod_codes]
            if dim is not None and dim not in mod_dims:
                opts.append(_sdk.option_text(
                    "NDW_WRAP_DIMS", ";".join(map(str, sorted(mod_dims | {dim}))), mod_pip))
            if opts:
                how = "pip install" if mod_pip else "reconfigure"
                return (f"{self.__module__} was built without it (its own options narrowed "
                        f"ndwrap's): rebuild it ({how}) with {' '.join(opts)}.")
            return (f"The type sets of {self.__name__} in {self.__module__}'s .wrap file "
                    "do not include it: add it there and rebuild.")
        return f"The type sets of {self.__name__} in ndwrap's .wrap file do not include it."

    def __getitem__(self, key):
        if self.pairs and isinstance(key, tuple) and len(key) == 2:
            inst = self._by_key.get(key)
            if inst is None:
                raise self._missing(f"[{_name(key[0])}, {_name(key[1])}]", *_pixels_dim(*key))
            return inst
        insts = self._by_input.get(key)
        if insts is None:
            raise self._missing(f"[{_name(key)}]", *_pixels_dim(key))
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
                raise self._missing(f"[{in_type.__name__}, {_name(output_type)}]",
                                    *_pixels_dim(in_type, output_type))
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
        dim = a.ndim
        if self._by_input and all(_reg.image_info(t)[2] for t in self._by_input):
            dim -= 1  # every input is a VectorImage: the last axis holds the components
        raise self._missing(f" for an array of {a.dtype} with {a.ndim} dimension(s)",
                            (pixel,), dim if dim >= 1 else None)

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


def _pixels_dim(*types_):
    """(pixel types, dimension) of image classes in a failed lookup, for hints."""
    pixels, dim = [], None
    for t in types_:
        try:
            p, d, _ = _reg.image_info(t)
        except TypeError:
            continue
        pixels.append(p)
        dim = d
    return pixels, dim


def register_functions(module_name, wrapped, functions, built_for=None):
    """Build the FunctionTemplate objects of a generated module package and
    enter them in ndwrap's registry (:func:`registered_functions`).

    `functions` is the generated table: (name, doc, pairs, params,
    [(in spec, out spec, C function name), ...]); `built_for` the module's
    BUILT_FOR record (None for ndwrap's own modules)."""
    if built_for is not None:
        check_built_for(module_name, built_for)
    result = {}
    for name, doc, pairs, params, rows in functions:
        tmpl = FunctionTemplate(module_name, name, doc, pairs, params, built_for)
        if built_for is None:  # ndwrap's own: consistent by construction, made on first use
            tmpl._pending = (wrapped, rows)
        else:  # a module package: a row the installed ndwrap cannot serve fails at import
            for i, o, c in rows:
                tmpl._add(_image_class(i), _image_class(o), getattr(wrapped, c))
        result[name] = tmpl
    for name, tmpl in result.items():
        _FUNCTIONS[f"{module_name}.{name}"] = tmpl
    return result
