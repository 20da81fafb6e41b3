"""Repeated registry lookups are a dict hit in C (issue 16): the C base
``ndwrap._registry._Registry`` (swig/ndw_py_registry.c) of ``Template``
(Image, Size, Vector, Matrix, VectorContainer, CastImageFilter, ...),
``PyBuffer`` and ``PyVnl``.  What is remembered must never change an
answer: only exact keys (a PixelType, int, str or class, or a pair of
those, by exact type) are answered from memory, so an equal key of another
kind (3.0, True, np.int64(3)) gets the same answer or error as in a fresh
process.  Table-driven: runs on trimmed builds too."""
import copy
import gc
import os
import subprocess
import sys
import threading
import weakref

import numpy as np
import pytest

import ndwrap
from ndwrap import _registry
from conftest import WRAPPED_DIMS, WRAPPED_PIXELS

P = WRAPPED_PIXELS[0]
D = WRAPPED_DIMS[0]
VNL = next(p for p in WRAPPED_PIXELS if p.kind == "f") if any(
    p.kind == "f" for p in WRAPPED_PIXELS) else P


def _registries():
    return [ndwrap.Image, ndwrap.VectorImage, ndwrap.Size, ndwrap.Index, ndwrap.ImageRegion,
            ndwrap.vnl_vector, ndwrap.vnl_matrix, ndwrap.Vector, ndwrap.Point, ndwrap.Matrix,
            ndwrap.VectorContainer, ndwrap.PyVectorContainer, ndwrap.CastImageFilter,
            ndwrap.PyBuffer, ndwrap.PyVnl]


def test_every_registry_has_the_c_base():
    for r in _registries():
        assert isinstance(r, _registry._Registry), r
        assert type(r).__getitem__ is _registry._Registry.__getitem__  # no Python frame
        assert isinstance(r._hits, dict)


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 (the type and message are compared)
        return type(e), str(e)
    return None


_FRESH = r"""
import sys, numpy as np, ndwrap
P = ndwrap.PIXEL_TYPES[%d]; D = %d
keys = [(P, float(D)), (P, True), (P, np.int64(D)), (P, np.float64(D)), (P.code, float(D))]
out = []
for k in keys:
    try:
        ndwrap.Image[k]; out.append("ok")
    except Exception as e:
        out.append(type(e).__name__ + ": " + str(e))
for k in (float(D), True, np.float64(D), np.int64(D)):
    try:
        ndwrap.Size[k]; out.append("ok")
    except Exception as e:
        out.append(type(e).__name__ + ": " + str(e))
print(repr(out))
"""


def _answers(keys_image, keys_size):
    out = []
    for registry, keys in ((ndwrap.Image, keys_image), (ndwrap.Size, keys_size)):
        for k in keys:
            try:
                registry[k]
                out.append("ok")
            except Exception as e:  # noqa: BLE001
                out.append(type(e).__name__ + ": " + str(e))
    return out


def test_equal_keys_of_another_kind_answer_as_in_a_fresh_process():
    """Image[F, 3.0] stays a TypeError after Image[F, 3]; Size[np.float64(3)]
    after Size[3] (before issue 16's C base, the Python check let a NumPy
    float through for one-part keys)."""
    idx = ndwrap.PIXEL_TYPES.index(P)
    fresh = subprocess.run([sys.executable, "-c", _FRESH % (idx, D)], capture_output=True,
                           text=True, env=os.environ)
    assert fresh.returncode == 0, fresh.stderr
    for _ in range(3):  # remembered now
        assert ndwrap.Image[P, D] is ndwrap.Image[P.code, D]
        assert ndwrap.Size[D] is ndwrap.Size[D]
    here = _answers([(P, float(D)), (P, True), (P, np.int64(D)), (P, np.float64(D)),
                     (P.code, float(D))], [float(D), True, np.float64(D), np.int64(D)])
    assert repr(here) == fresh.stdout.strip()
    assert here[0].startswith("TypeError: ndwrap.Image[PixelType, Dimension]: 'float'")
    assert here[2] == "ok"  # np.int64 is an integer (operator.index): resolves, not remembered
    assert here[5].startswith("TypeError: ndwrap.Size[Dimension]: 'float'")
    assert here[7].startswith("TypeError: ndwrap.Size[Dimension]: 'numpy.float64'")


def test_only_exact_keys_are_remembered():
    hits = ndwrap.Image._hits
    exact = [(P, D), (P.code, D), (P.name, D)]
    other = [(P, np.int64(D)), [P, D], (P, D, None)]
    for k in exact + other:
        try:
            ndwrap.Image[k]
        except TypeError:
            pass
    for k in exact:
        assert _registry.exact_key(k) and hits[k] is ndwrap.Image[P, D]
    for k in other:
        assert not _registry.exact_key(k)
    assert all(_registry.exact_key(k) for k in hits)
    assert all(type(k) is not list for k in hits)


def test_unhashable_keys_give_the_same_errors_every_time():
    cases = [(ndwrap.Image, [P, D]), (ndwrap.Image, [[P], D]), (ndwrap.Size, [D]),
             (ndwrap.PyVnl, [VNL]), (ndwrap.PyBuffer, {}), (ndwrap.PyBuffer, [{}, D]),
             (ndwrap.vnl_vector, {1: 2}), (ndwrap.Image, (P, [D]))]
    for reg, key in cases:
        first = _error(lambda: reg[key])
        assert first is not None and issubclass(first[0], TypeError), (reg, key, first)
        assert _error(lambda: reg[key]) == first
    assert _error(lambda: ndwrap.Image[[P, D]]) == (
        TypeError, "ndwrap.Image[PixelType, Dimension]: expected [PixelType, Dimension], "
        "e.g. Image[ndwrap.F, 3]")


def test_not_wrapped_errors_unchanged_and_not_remembered():
    missing = max(WRAPPED_DIMS) + 1
    e1 = _error(lambda: ndwrap.Image[P, missing])
    e2 = _error(lambda: ndwrap.Image[P, missing])
    assert e1 == e2 and e1[0] is ndwrap.NotWrappedError
    assert f"Image[{P.code}, {missing}] is not wrapped" in e1[1]
    assert (P, missing) not in ndwrap.Image._hits


def test_pybuffer_spellings_share_one_class():
    T = ndwrap.Image[P, D]
    cls = ndwrap.PyBuffer[T]
    for _ in range(2):
        assert ndwrap.PyBuffer[T] is cls
        assert ndwrap.PyBuffer[(T,)] is cls and ndwrap.PyBuffer[[T]] is cls
        assert ndwrap.PyBuffer[P, D] is cls and ndwrap.PyBuffer[P.code, D] is cls
    assert ndwrap.PyBuffer._hits[T] is cls and ndwrap.PyBuffer._hits[P, D] is cls
    assert (T,) not in ndwrap.PyBuffer._hits
    with pytest.raises(TypeError):
        ndwrap.PyBuffer[P, float(D)]
    assert "PyBuffer_" in repr(cls) and repr(ndwrap.PyBuffer) == \
        "<ndwrap template PyBuffer[ImageType]>"


def test_pyvnl_spellings():
    cls = ndwrap.PyVnl[VNL]
    for _ in range(2):
        assert ndwrap.PyVnl[VNL.code] is cls and getattr(ndwrap.PyVnl, VNL.code) is cls
        assert ndwrap.PyVnl[np.dtype(VNL.numpy_name).type] is cls
        assert ndwrap.PyVnl[np.dtype(VNL.numpy_name)] is cls  # not exact: resolved each time
    with pytest.raises(TypeError, match=r"ndwrap.vnl_vector\[ElementType\]"):
        ndwrap.PyVnl[3]


def test_the_memory_is_bounded():
    """4096 keys at most; beyond it lookups are answered, just not remembered."""
    reg = copy.copy(ndwrap.vnl_vector)  # a fresh registry over the same entries
    assert reg._hits == {}
    want = ndwrap.vnl_vector[VNL]
    for i in range(5000):
        assert reg[" " * i + VNL.code] is want  # every spelling is a new exact key
    assert len(reg._hits) == 4096
    assert reg[" " * 4999 + VNL.code] is want and len(reg._hits) == 4096


def test_mapping_protocol_attribute_spelling_and_repr_unchanged():
    img = ndwrap.Image
    assert (P, D) in img and (P, float(D)) not in img and [P, D] not in img
    assert len(img) == len(list(img)) == len(img.keys()) == len(img.GetTypes())
    assert dict(img.items())[(P, D)] is img[P, D]
    assert getattr(img, f"{P.code}{D}") is img[P, D]
    assert repr(ndwrap.Size).startswith("<ndwrap template Size[Dimension]")
    assert "GetTypesAsList" in dir(img)
    with pytest.raises(AttributeError, match="has no wrapped type"):
        img.XYZ99


def test_copies_answer_the_same():
    for reg in (ndwrap.Image, ndwrap.PyBuffer, ndwrap.PyVnl):
        for c in (copy.copy(reg), copy.deepcopy(reg)):
            assert type(c) is type(reg) and c._hits == {}
    assert copy.copy(ndwrap.Image)[P, D] is ndwrap.Image[P, D]
    assert copy.copy(ndwrap.PyVnl)[VNL] is not None


def test_base_is_set_once():
    with pytest.raises(ValueError, match="already set"):
        ndwrap.ndwcore._registry_base(int)
    assert ndwrap.ndwcore._registry_base(_registry.PixelType) is _registry._Registry
    with pytest.raises(TypeError):
        ndwrap.ndwcore._registry_base(None)


def test_registries_are_collected():
    class R(_registry._Registry):
        def _lookup(self, key):
            return (self, key)  # a cycle through the remembered value

    r = R()
    assert r[1][1] == 1 and r[1] is r[1]
    ref = weakref.ref(r)
    del r
    gc.collect()
    assert ref() is None


def test_a_lookup_that_raises_or_recurses():
    class R(_registry._Registry):
        def _lookup(self, key):
            if key == 0:
                raise LookupError("zero")
            return self[key - 1] + 1 if key > 1 else 1

    r = R()
    with pytest.raises(LookupError, match="zero"):
        r[0]
    assert r[50] == 50 and r[50] == 50 and r[49] == 49
    with pytest.raises(AttributeError):
        _registry._Registry()[1]  # the base alone has no _lookup


def test_threads_look_up_concurrently():
    keys = [(p, d) for p in WRAPPED_PIXELS for d in WRAPPED_DIMS]
    want = {k: ndwrap.Image[k] for k in keys}
    errors = []

    def work(seed):
        try:
            reg = ndwrap.Image
            for i in range(3000):
                k = keys[(i * 7 + seed) % len(keys)]
                assert reg[k] is want[k]
                assert reg[k[0].code, k[1]] is want[k]
                if i % 50 == 0:
                    with pytest.raises(TypeError):
                        reg[k[0], float(k[1])]
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
