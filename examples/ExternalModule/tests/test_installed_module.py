"""extfilters as an installed package next to an installed ndwrap (no source
tree): run by tests/run_all.sh ("SDK" stage) after
`pip install ./examples/ExternalModule` against ndwrap's wheel.

    python -m pytest examples/ExternalModule/tests -q
"""
import importlib
import os
import subprocess
import sys

import numpy as np
import pytest

import ndwrap
import extfilters as ef

DIMS = list(ef._table.BUILT_FOR["dims"])
REAL = next(p for p in ndwrap.PIXEL_TYPES if p.wrapped and p.kind == "f"
            and p.code in ef._table.BUILT_FOR["types"])
D = DIMS[0]


def test_built_for_the_installed_ndwrap():
    bf = ef._table.BUILT_FOR
    assert bf["ndwrap"] == ndwrap.__version__
    assert set(bf["types"]) <= {p.code for p in ndwrap.wrapped_pixel_types()}
    assert set(bf["dims"]) <= set(ndwrap.WRAPPED_DIMS)
    if not os.environ.get("NDW_EXPECT_MODULE_DIMS"):  # default: the installed ndwrap's sets
        assert tuple(bf["dims"]) == tuple(ndwrap.WRAPPED_DIMS)
        assert set(bf["types"]) == {p.code for p in ndwrap.wrapped_pixel_types()}
    else:  # narrowed with -Ccmake.define.NDW_WRAP_DIMS=...
        assert bf["dims"] == tuple(int(d) for d in os.environ["NDW_EXPECT_MODULE_DIMS"].split(";"))


def test_functions_use_ndwrap_classes_and_registry():
    T = ndwrap.Image[REAL, D]
    inst = ef.AddRamp[T]
    assert inst.InputImageType is T and inst.OutputImageType is T
    reg = ndwrap.wrapping.registered_functions()
    for name in ef.__all__:
        assert reg[f"extfilters.{name}"] is getattr(ef, name)
    assert reg["ndwrap.CastImage"] is ndwrap.CastImage  # ndwrap's own module, same registry


def test_zero_copy_hand_over():
    T = ndwrap.Image[REAL, D]
    a = np.arange(np.prod([3 + i for i in range(D)]), dtype=REAL.numpy_name).reshape(
        [3 + i for i in range(D)][::-1])
    img = ndwrap.PyBuffer[T].GetImageViewFromArray(a)  # an ndwrap image over a's memory
    assert np.shares_memory(ndwrap.GetArrayViewFromImage(img), a)
    a[(0,) * D] = 100  # the module's C code reads a itself, not a copy
    out = ef.AddRamp[T](img, [0.0] * D)
    assert type(out) is T
    view = ndwrap.GetArrayViewFromImage(out)
    assert np.array_equal(view, a)
    assert np.shares_memory(view, np.asarray(out))
    assert not np.shares_memory(view, a)  # a new output image
    assert np.shares_memory(ndwrap.GetArrayViewFromImage(img), a)  # input untouched, still a view
    # arrays in: viewed (no copy), result is a view of the output image
    res = ef.AddRamp(a, slope=[1.0] + [0.0] * (D - 1))
    assert isinstance(res, np.ndarray)
    np.testing.assert_allclose(res, a + np.arange(a.shape[-1]))


def test_not_wrapped_errors_name_the_right_options():
    complex_ = [p for p in ndwrap.PIXEL_TYPES if p.kind == "c"]
    # a type wrapped by the module but not in the function's .wrap type set
    inmod = [p for p in complex_ if p.code in ef._table.BUILT_FOR["types"]]
    if inmod:
        with pytest.raises(ndwrap.NotWrappedError, match=r"\.wrap file") as e:
            ef.BinaryThreshold[ndwrap.Image[inmod[0], D]]
        assert "NDW_WRAP_" not in str(e.value).split("Wrapped:")[1]  # it is on already
    missing = [d for d in ndwrap.WRAPPED_DIMS if d not in DIMS]
    if missing:  # narrowed module: its own option, pip's spelling (built by pip)
        with pytest.raises(ndwrap.NotWrappedError, match=r"-Ccmake\.define\.NDW_WRAP_DIMS=") as e:
            ef.AddRamp[ndwrap.Image[REAL, missing[0]]]
        assert "extfilters was built without it" in str(e.value)
    off = [p for p in ndwrap.wrapped_pixel_types()
           if p.code not in ef._table.BUILT_FOR["types"] and p.kind in "iuf"]
    if off:  # a scalar type the module switched off: its own option brings it back
        with pytest.raises(ndwrap.NotWrappedError,
                           match=rf"-Ccmake\.define\.NDW_WRAP_{off[0].code}=ON"):
            ef.BinaryThreshold[ndwrap.Image[off[0], D]]
    cplx = [p for p in ndwrap.wrapped_pixel_types() if p.kind == "c"]
    if cplx:  # AddRamp takes real images only: no option would add a complex one
        with pytest.raises(ndwrap.NotWrappedError, match=r"\.wrap file") as e:
            ef.AddRamp[ndwrap.Image[cplx[-1], D]]
        assert "NDW_WRAP_" not in str(e.value).split("Wrapped:")[1]
    with pytest.raises(ndwrap.NotWrappedError, match="does not wrap it") as e:
        ef.AddRamp(np.zeros((2,) * 7, REAL.numpy_name), [0.0] * 7)
    spelling = "-Ccmake.define.NDW_WRAP_DIMS" if ndwrap._sdk.installed_by_pip() else "-DNDW_WRAP_DIMS"
    assert spelling in str(e.value)


def test_mismatched_builds_are_import_errors():
    bf = dict(ef._table.BUILT_FOR)
    check = ndwrap.wrapping.check_built_for
    check("extfilters", bf)
    with pytest.raises(ImportError, match=r"built against ndwrap 9\.9\.0, but ndwrap .* installed"):
        check("extfilters", dict(bf, ndwrap="9.9.0"))
    with pytest.raises(ImportError, match="another pixel table"):
        check("extfilters", dict(bf, table=bf["table"][1:]))
    with pytest.raises(ImportError, match="dimensions 8, which the installed ndwrap"):
        check("extfilters", dict(bf, dims=tuple(bf["dims"]) + (8,)))


def test_a_stale_build_fails_to_import_cleanly(tmp_path):
    """A copy of the package whose record names another ndwrap: ImportError, no crash."""
    pkg = os.path.dirname(ef.__file__)
    dst = tmp_path / "extfilters"
    dst.mkdir()
    for f in os.listdir(pkg):
        if f.endswith((".py", ".so")):
            with open(os.path.join(pkg, f), "rb") as src, open(dst / f, "wb") as out:
                out.write(src.read())
    table = (dst / "_table.py").read_text().replace(
        f"'ndwrap': {ndwrap.__version__!r}", "'ndwrap': '0.0.1'")
    (dst / "_table.py").write_text(table)
    r = subprocess.run([sys.executable, "-c", "import extfilters"], cwd=tmp_path,
                       capture_output=True, text=True)
    assert r.returncode == 1, r
    assert "ImportError: extfilters was built against ndwrap 0.0.1" in r.stderr


def test_sdk_paths():
    cmake_dir = ndwrap.get_cmake_dir()
    assert os.path.isfile(os.path.join(cmake_dir, "ndwrapConfig.cmake"))
    assert os.path.isfile(os.path.join(ndwrap.get_include(), "ndw", "image.h"))
    assert os.path.isfile(os.path.join(ndwrap.get_include(), "ndw", "ndw.hpp"))
    assert os.path.isfile(os.path.join(ndwrap.get_data_dir(), "generator", "ndwgen.py"))
    assert os.path.isfile(os.path.join(ndwrap.get_data_dir(), "swig", "ndwrap.i"))
    libs = [f for f in os.listdir(ndwrap.get_library_dir()) if f.startswith("libndwrap")]
    assert libs, ndwrap.get_library_dir()
    out = subprocess.run([sys.executable, "-m", "ndwrap", "--cmakedir"], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == cmake_dir
    out = subprocess.run([sys.executable, "-m", "ndwrap", "--version"], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == ndwrap.__version__


def test_one_core_library():
    """ndwrap's extension and the module's both use ndwrap's one libndwrap."""
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc/self/maps")
    importlib.import_module("extfilters.wrapped")
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "libndwrap" in line}
    assert len(libs) == 1, libs
    assert os.path.dirname(libs.pop()) == os.path.realpath(ndwrap.get_library_dir())
