"""Call every public callable of ndwrap with junk and report what happened.

Run by test_junk_args.py in a subprocess (a crash kills only the child;
the parent names the call that crashed from the progress file).  Usage:

    python junk_walk.py PROGRESS_FILE [extra module ...]

Everything is found by introspection, so a new class, method, function,
template or module function is walked without a change here:

* every public name of ``ndwrap`` and of ``ndwrap.ndwcore`` (the raw SWIG
  functions included), of ndwrap's public submodules, and of the extra
  modules named on the command line (e.g. a module built with
  ``ndw_add_module``);
* every class among them (and every value of every template such as
  ``ndwrap.Image``, every ``PyBuffer[T]`` and ``PyVnl[T]``, every instance
  of every function template): its constructor, and each public method and
  slot on (a) a constructed object, (b) an allocated one where that applies,
  (c) an object made by ``T.__new__(T)`` (never initialised), (d) one made
  by a subclass whose ``__init__`` skips ``super().__init__()``;
* each callable with 0..3 junk arguments: None, wrong types, huge and
  negative integers, NaN, strings, nested junk, objects of other wrapped
  classes.

An exception (any ``Exception``) is the expected answer; a crash is the
failure this hunts for.  Prints "calls=N" at the end.
"""
from __future__ import annotations

import collections
import inspect
import itertools
import math
import os
import sys
import types

PROGRESS = sys.argv[1]
EXTRA = sys.argv[2:]

# Junk must never make ndwrap allocate without bound: cap the address space,
# so that such a call fails here with MemoryError instead of taking the
# machine down.  ASan reserves terabytes of shadow memory at start-up: under
# it the cap is what is already mapped plus the same 6 GiB (a legitimate
# vnl_vector(2**31, value) would otherwise fill 16 GiB).
import resource  # noqa: E402

_headroom = 6 << 30
if os.environ.get("NDW_UNDER_ASAN"):
    with open("/proc/self/status") as _f:
        _headroom += next(int(ln.split()[1]) for ln in _f if ln.startswith("VmSize:")) * 1024
resource.setrlimit(resource.RLIMIT_AS, (_headroom, _headroom))

import ndwrap  # noqa: E402
from ndwrap import ndwcore  # noqa: E402

try:
    import numpy as np
except ImportError:  # the walk also runs without NumPy
    np = None


class Weird:
    """Answers every protocol with an exception or nonsense."""

    def __len__(self):
        return 2**62

    def __getitem__(self, i):
        raise RuntimeError("weird item")

    def __index__(self):
        return 2**70

    def __float__(self):
        return math.inf

    def __iter__(self):
        return iter([None, "x"])


JUNK = [None, 0, -1, 1, 3, 2**31, 2**63, 2**64, -2**63 - 1, 2**200, 1.5, math.nan, -math.inf,
        1j, "x", "", b"\x00", [], [None], [[]], [-1, -1, -1], [2**62] * 3, [2**40, 2**40],
        (1,) * 9, (0.5, "x"), {"a": 1}, object(), Weird(), print, ndwrap, type]
if np is not None:
    JUNK += [np.zeros(()), np.zeros((0, 3)), np.zeros((2, 3), "M8[s]"), np.zeros(3, object),
             np.zeros((2, 2), [("a", "f4")]), np.float16(1), np.int64(-5), np.True_,
             np.zeros((1,) * 10), np.ones((3, 4), ">f8")]

calls = 0
_fd = os.open(PROGRESS, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)


def note(text):
    # one pwrite per call: the text survives a crash of this process
    os.pwrite(_fd, text.encode("utf-8", "replace")[:4000] + b"\0", 0)


def safe_repr(x):
    try:
        return repr(x)[:120]
    except Exception:
        return f"<{type(x).__name__} (repr failed)>"


_REPRS = {id(j): safe_repr(j) for j in JUNK}


def call(label, fn, *args):
    global calls
    calls += 1
    note(f"{label}({', '.join(_REPRS.get(id(a)) or safe_repr(a) for a in args)})")
    try:
        fn(*args)
    except Exception:  # the expected answer to junk
        pass


def public(obj):
    for name in dir(obj):
        if name.startswith("_"):
            continue
        try:
            yield name, getattr(obj, name)
        except Exception:
            pass


SLOTS = ("__repr__", "__str__", "__len__", "__getitem__", "__setitem__", "__iter__",
         "__eq__", "__ne__", "__hash__", "__array__", "__dlpack__", "__dlpack_device__",
         "__reduce_ex__", "__copy__", "__deepcopy__", "__call__", "__contains__", "__bool__",
         "__getstate__", "__setstate__", "__enter__", "__exit__", "__next__")


def junk_calls(label, fn):
    call(label, fn)
    for j in JUNK:
        call(label, fn, j)
        call(label, fn, j, j)
        call(label, fn, 1, j)
        call(label, fn, j, j, j)


def instances(cls):
    """Objects of `cls` in every state a user can reach."""
    made = []
    for make in (lambda: cls(), lambda: cls.New()):
        try:
            made.append(make())
            break
        except Exception:
            pass
    try:  # an allocated image, where the class is one
        d = cls.GetImageDimension()
        im = cls.New()
        im.SetRegions([3] * d)
        im.Allocate()
        made.append(im)
    except Exception:
        pass
    try:
        made.append(cls.__new__(cls))
    except Exception:
        pass
    try:
        sub = type("Sub" + cls.__name__, (cls,), {"__init__": lambda self, *a, **k: None})
        made.append(sub())
    except Exception:
        pass
    return made


# Python classes made by one factory (``type(name, (Base,), {...})``: one
# class per key of a template such as CastImageFilter's 1296 pairs) share
# every method's code; beyond SAME_SHAPE_CAP of one shape they add no new
# entry point (the C they reach, e.g. each CastImage instance, is walked on
# its own), only minutes.  A class with any C method has no shape and is
# always walked.
SAME_SHAPE_CAP = 64
_shapes = collections.Counter()


def code_shape(cls):
    shape = []
    for name in sorted(dir(cls)):
        if name.startswith("_") and name not in SLOTS:
            continue  # not called by walk_class either
        try:
            v = inspect.getattr_static(cls, name)
        except AttributeError:
            continue
        if v is inspect.getattr_static(object, name, None) or isinstance(v, type):
            continue
        f = getattr(v, "__func__", getattr(v, "fget", v))
        code = getattr(f, "__code__", None)
        if code is None:
            if callable(v):
                return None  # a C entry point of its own
            continue
        shape.append((name, code))
    return tuple(shape) or None


def walk_class(label, cls, seen):
    if cls in seen:
        return
    seen.add(cls)
    shape = code_shape(cls)
    if shape is not None:
        _shapes[shape] += 1
        if _shapes[shape] > SAME_SHAPE_CAP:
            return
    junk_calls(f"{label}()", cls)
    for k, obj in enumerate(instances(cls)):
        state = f"obj{k}"
        for name in sorted(set(dir(obj))):
            if name.startswith("_") and name not in SLOTS:
                continue
            try:
                attr = getattr(obj, name)
            except Exception:
                continue
            if callable(attr):
                junk_calls(f"{label}<{state}>.{name}", attr)
        for fn in (repr, str, len, bool, iter, hash):
            call(f"{fn.__name__}({label}<{state}>)", fn, obj)
        if np is not None:
            call(f"np.asarray({label}<{state}>)", np.asarray, obj)
        call(f"memoryview({label}<{state}>)", memoryview, obj)


def walk(label, obj, seen, depth=0):
    if id(obj) in seen or depth > 3:
        return
    seen.add(id(obj))
    if isinstance(obj, type):
        walk_class(label, obj, seen)
        return
    if isinstance(obj, types.ModuleType):
        if not obj.__name__.startswith(("ndwrap",) + tuple(EXTRA)):
            return
        for name, value in public(obj):
            walk(f"{label}.{name}", value, seen, depth + 1)
        return
    # templates (Image, PyBuffer, function templates) and their values
    values = getattr(obj, "values", None)
    if callable(values):
        try:
            vals = list(values())
        except Exception:
            vals = []
        for i, v in enumerate(vals):
            walk(f"{label}[{i}]", v, seen, depth + 1)
    keys = getattr(obj, "keys", None)
    getitem = getattr(obj, "__getitem__", None)
    if callable(keys) and callable(getitem):
        try:
            for k in list(keys())[:400]:
                walk(f"{label}[{k!r}]", getitem(k), seen, depth + 1)
        except Exception:
            pass
    if callable(getitem):
        for j in JUNK:
            call(f"{label}[]", getitem, j)
    if callable(obj):
        junk_calls(label, obj)
    # methods of instance objects such as _Instance
    if not isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        for name, value in public(obj):
            if callable(value) and not isinstance(value, type):
                junk_calls(f"{label}.{name}", value)


def main():
    seen = set()
    roots = [("ndwrap", ndwrap), ("ndwcore", ndwcore)]
    for name in EXTRA:
        roots.append((name, __import__(name)))
    for label, mod in roots:
        walk(label, mod, seen)
    # PyBuffer / PyVnl of every wrapped type (their classes are made on lookup)
    for T in itertools.chain(ndwrap.Image.values(), ndwrap.VectorImage.values()):
        walk(f"PyBuffer[{T.__name__}]", ndwrap.PyBuffer[T], seen)
    for p in ndwrap.wrapped_pixel_types():
        walk(f"PyVnl[{p.code}]", ndwrap.PyVnl[p], seen)
    note("done")
    print(f"calls={calls}")


if __name__ == "__main__":
    main()
