"""The type registry: ctype(), short names, Image[...] and friends, and the
errors for types that are not wrapped.  Also run against a trimmed build
(NDW_EXPECT_DIMS / NDW_EXPECT_MISSING set by tests/run_all.sh)."""
import os
import subprocess
import sys

import pytest

import ndwrap
from conftest import IMAGE_KEYS, WRAPPED_DIMS, WRAPPED_PIXELS, key_id

ALL_CODES = [p.code for p in ndwrap.PIXEL_TYPES]


def test_import_does_not_import_numpy():
    code = "import sys, ndwrap; i = ndwrap.Image[ndwrap.F, %d].New(); print('numpy' in sys.modules)" % WRAPPED_DIMS[0]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_import_does_not_import_typing():
    """SWIG 4.4+ writes ``import typing`` into its shadow module; the build
    strips it (3-10 ms of import time, issue 16)."""
    bare = subprocess.run([sys.executable, "-c", "import sys; print('typing' in sys.modules)"],
                          capture_output=True, text=True, env=os.environ)
    if bare.stdout.strip() != "False":
        pytest.skip("this interpreter imports typing at startup (site/.pth)")
    code = "import sys, ndwrap; ndwrap.Image[ndwrap.F, %d].New(); print(sorted(m for m in ('typing', 'numpy') if m in sys.modules))" % WRAPPED_DIMS[0]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_table_has_the_thirteen_codes_in_order():
    assert ALL_CODES == ["B", "SC", "UC", "SS", "US", "SI", "UI", "SL", "UL", "F", "D", "CF", "CD"]


@pytest.mark.parametrize("name, code", [
    ("unsigned char", "UC"), ("  unsigned   char ", "UC"), ("signed char", "SC"),
    ("bool", "B"), ("signed short", "SS"), ("unsigned short", "US"), ("signed int", "SI"),
    ("unsigned int", "UI"), ("signed long", "SL"), ("signed long long", "SL"),
    ("unsigned long", "UL"), ("unsigned long long", "UL"), ("float", "F"), ("double", "D"),
    ("std::complex<float>", "CF"), ("std::complex< double >", "CD"), ("F", "F"), ("UC", "UC"),
])
def test_ctype_names_and_aliases(name, code):
    p = ndwrap.ctype(name)
    assert p.code == code
    assert p is getattr(ndwrap, code)


def test_ctype_unknown_name():
    with pytest.raises(KeyError, match="unknown C type name 'half'"):
        ndwrap.ctype("half")
    with pytest.raises(TypeError):
        ndwrap.ctype(3)


def test_pixel_type_facts():
    assert ndwrap.UC.name == "unsigned char"
    assert ndwrap.F.itemsize == 4 and ndwrap.CD.itemsize == 16
    assert repr(ndwrap.F) == "<ndwrap.ctype 'float' (F)>"
    assert ndwrap.D.dtype.name == "float64"


@pytest.mark.parametrize("key", IMAGE_KEYS, ids=key_id)
def test_every_wrapped_image_type_is_reachable(key):
    p, d = key
    cls = ndwrap.Image[p, d]
    assert cls.__name__ == f"Image{p.code}{d}"
    assert ndwrap.Image[p.name, d] is cls
    assert ndwrap.Image[p.code, d] is cls
    assert cls.GetImageDimension() == d
    vcls = ndwrap.VectorImage[p, d]
    assert vcls.__name__ == f"VectorImage{p.code}{d}"
    assert ndwrap.template(cls) == ("Image", (p, d))
    assert ndwrap.template(vcls.New()) == ("VectorImage", (p, d))
    assert (p, d) in ndwrap.Image


def test_numpy_dtypes_as_keys():
    np = pytest.importorskip("numpy")
    d = WRAPPED_DIMS[0]
    for p in WRAPPED_PIXELS:
        assert ndwrap.Image[np.dtype(p.numpy_name), d] is ndwrap.Image[p, d]
    if ndwrap.SL.wrapped:
        assert ndwrap.Image[np.longlong, d] is ndwrap.Image[ndwrap.SL, d]
    if ndwrap.SI.wrapped:
        assert ndwrap.Image[np.intc, d] is ndwrap.Image[ndwrap.SI, d]


def test_template_mapping_protocol():
    # scalar rows x dims, plus the fixed-size rows (test_pixel_images.py)
    fixed = [(pix, d) for pix, d in ndwrap.Image.keys() if isinstance(pix, type)]
    assert len(fixed) == len(ndwrap._table.COMPOUND_IMAGES)
    assert len(ndwrap.Image) == len(IMAGE_KEYS) + len(fixed)
    assert set(ndwrap.Image.keys()) == set(IMAGE_KEYS) | set(fixed)
    assert all(isinstance(c, type) for c in ndwrap.Image.values())
    assert "Image[PixelType, Dimension]" in repr(ndwrap.Image)


def test_unwrapped_dimension_names_the_option():
    missing = max(WRAPPED_DIMS) + 1
    with pytest.raises(ndwrap.NotWrappedError) as e:
        ndwrap.Image[WRAPPED_PIXELS[0], missing]
    assert isinstance(e.value, KeyError) and isinstance(e.value, TypeError)
    msg = str(e.value)
    assert f"Image[{WRAPPED_PIXELS[0].code}, {missing}] is not wrapped" in msg
    assert "NDW_WRAP_DIMS" in msg and str(missing) in msg
    assert f"[{WRAPPED_PIXELS[0].code}, {WRAPPED_DIMS[0]}]" in msg  # lists what is wrapped
    with pytest.raises(ndwrap.NotWrappedError, match="NDW_WRAP_DIMS"):
        ndwrap.Size[missing]


def test_bad_keys():
    with pytest.raises(TypeError):
        ndwrap.Image[ndwrap.F]
    with pytest.raises(TypeError):
        ndwrap.Image["nonsense", 2]
    with pytest.raises(TypeError):
        ndwrap.Image[ndwrap.F, "3"]


@pytest.mark.skipif(not os.environ.get("NDW_EXPECT_DIMS"), reason="only for the trimmed build")
def test_trimmed_build_wraps_what_was_asked():
    dims = [int(x) for x in os.environ["NDW_EXPECT_DIMS"].split(";")]
    missing = os.environ["NDW_EXPECT_MISSING"].split(";")
    assert list(ndwrap.WRAPPED_DIMS) == dims
    for code in missing:
        p = getattr(ndwrap, code)
        assert not p.wrapped
        with pytest.raises(ndwrap.NotWrappedError, match=f"-DNDW_WRAP_{code}=ON"):
            ndwrap.Image[p, dims[0]]
        assert not hasattr(ndwrap.ndwcore, f"Image{code}{dims[0]}")
    for d in dims:
        im = ndwrap.Image[ndwrap.F, d].New()
        im.SetRegions([2] * d)
        im.Allocate(initialize=True)
        im.SetPixel([1] * d, 2.5)
        assert im.GetPixel([1] * d) == 2.5
    assert not hasattr(ndwrap.ndwcore, "ImageF3") or 3 in dims


@pytest.mark.parametrize("d", WRAPPED_DIMS)
def test_size_index_region(d):
    s = ndwrap.Size[d]()
    assert len(s) == d and list(s) == [0] * d
    s.Fill(5)
    assert list(s) == [5] * d
    s[0] = 2
    assert s[0] == 2 and s[-1] == (5 if d > 1 else 2)
    assert s == [2] + [5] * (d - 1)
    assert repr(s) == f"ndwrap.Size{d}({[2] + [5] * (d - 1)})"
    with pytest.raises(ValueError, match="negative"):
        s[0] = -1
    with pytest.raises(IndexError):
        s[d]
    with pytest.raises(IndexError):
        s[-d - 1]
    with pytest.raises(ValueError, match=f"must have {d} elements"):
        ndwrap.Size[d]([1] * (d + 1))
    i = ndwrap.Index[d]([-1] * d)
    assert list(i) == [-1] * d
    r = ndwrap.ImageRegion[d](list(i), list(s))
    assert list(r.GetIndex()) == [-1] * d and list(r.GetSize()) == list(s)
    assert r.GetNumberOfPixels() == 2 * 5 ** (d - 1)
    assert "ImageRegion" in repr(r)


def test_stubs_are_generated():
    here = os.path.dirname(ndwrap.__file__)
    with open(os.path.join(here, "ndwcore.pyi")) as f:
        text = f.read()
    p, d = IMAGE_KEYS[0]
    assert f"class Image{p.code}{d}:" in text
    assert "def GetPixel" in text


def test_fold_matches_the_regular_expression_it_replaced():
    """ctype()'s name folding lost its ``re`` (5 ms of ``import ndwrap``,
    issue 16); it must fold every string as ``re.sub(r"\\s*([<>:,])\\s*",
    r"\\1", " ".join(s.split()))`` did."""
    import random
    import re

    from ndwrap._registry import _fold

    rng = random.Random(16)
    alphabet = " \t\n\u00a0\u2003<>:,ab1"
    for _ in range(20000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert _fold(s) == re.sub(r"\s*([<>:,])\s*", r"\1", " ".join(s.split())), repr(s)
    assert ndwrap.ctype(" std :: complex < double > ") is ndwrap.CD
