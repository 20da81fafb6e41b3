"""The SDK surface of the Python package (issue 15): ndwrap.get_cmake_dir()
& co., `python -m ndwrap`, the import-time check of a module's build record,
and option spelling in hints.  Runs against a build tree (no SDK: a clear
error) and against an installation (the wheel: paths that exist)."""
import os
import subprocess
import sys

import pytest

import ndwrap
from ndwrap import _sdk, _table, wrapping

try:
    from ndwrap import _sdk_paths
    INSTALLED = _sdk_paths.INSTALLED
except ImportError:  # installed by a build with NDW_INSTALL=OFF
    INSTALLED = False


def run_main(*args):
    return subprocess.run([sys.executable, "-m", "ndwrap", *args], capture_output=True,
                          text=True)


def test_version_and_no_numpy_import():
    r = run_main("--version")
    assert r.returncode == 0 and r.stdout.strip() == ndwrap.__version__ == _table.VERSION
    r = subprocess.run([sys.executable, "-c", "import sys, ndwrap; ndwrap.get_include.__doc__; "
                        "print('numpy' in sys.modules)"], capture_output=True, text=True)
    assert r.stdout.strip() == "False", r.stderr
    assert run_main().returncode == 2  # an option is required
    assert run_main("--cmakedir", "--version").returncode == 2


@pytest.mark.skipif(not INSTALLED, reason="an installed ndwrap (the wheel or cmake --install)")
def test_installed_sdk_paths():
    assert os.path.isfile(os.path.join(ndwrap.get_cmake_dir(), "ndwrapConfig.cmake"))
    assert os.path.isfile(os.path.join(ndwrap.get_cmake_dir(), "ndwModule.cmake"))
    inc = ndwrap.get_include()
    for h in ("ndw/image.h", "ndw/config.h", "ndw/pixel_types.h", "ndw/ndw.hpp"):
        assert os.path.isfile(os.path.join(inc, h)), h
    assert any(f.startswith("libndwrap.") for f in os.listdir(ndwrap.get_library_dir()))
    data = ndwrap.get_data_dir()
    for f in ("generator/ndwgen.py", "swig/ndwrap.i", "swig/ndw_py.c", "swig/ndw_instances.i"):
        assert os.path.isfile(os.path.join(data, f)), f
    for flag, fn in (("--cmakedir", ndwrap.get_cmake_dir), ("--includedir", ndwrap.get_include),
                     ("--libdir", ndwrap.get_library_dir), ("--datadir", ndwrap.get_data_dir)):
        r = run_main(flag)
        assert r.returncode == 0 and r.stdout.strip() == fn()


@pytest.mark.skipif(INSTALLED, reason="a build tree")
def test_build_tree_has_no_sdk():
    with pytest.raises(RuntimeError, match="carries no SDK: it is a build tree"):
        ndwrap.get_cmake_dir()
    r = run_main("--includedir")
    assert r.returncode == 1 and "carries no SDK" in r.stderr and not r.stdout


def test_option_spelling():
    assert _sdk.option_text("NDW_WRAP_CF", "ON", pip=True) == "-Ccmake.define.NDW_WRAP_CF=ON"
    assert _sdk.option_text("NDW_WRAP_CF", "ON", pip=False) == "-DNDW_WRAP_CF=ON"
    assert _sdk.option_text("NDW_WRAP_DIMS", "2;3", pip=True) == '-Ccmake.define.NDW_WRAP_DIMS="2;3"'
    assert _sdk.option_text("NDW_WRAP_DIMS", "2;3", pip=False) == '-DNDW_WRAP_DIMS="2;3"'
    spelled = "-Ccmake.define.NDW_WRAP_DIMS" if _sdk.installed_by_pip() else "-DNDW_WRAP_DIMS"
    with pytest.raises(ndwrap.NotWrappedError, match=spelled):
        ndwrap.Image[ndwrap.F, 7]


def test_hints_never_suggest_what_is_on():
    for p in ndwrap.wrapped_pixel_types():
        for d in ndwrap.WRAPPED_DIMS:
            assert ndwrap._registry._hint_for(p, d) == ""
    for p in ndwrap.PIXEL_TYPES:
        if not p.wrapped:
            assert f"NDW_WRAP_{p.code}=ON" in ndwrap._registry._hint_for(p, None)


def built_for(**changes):
    bf = {"ndwrap": _table.VERSION, "table": tuple((r[0], r[2], r[4]) for r in _table.PIXEL_TYPES),
          "types": tuple(p.code for p in ndwrap.wrapped_pixel_types()), "dims": _table.DIMS,
          "options": "pip", "functions": {}}
    bf.update(changes)
    return bf


def test_check_built_for():
    wrapping.check_built_for("mod", built_for())
    major, minor = _table.VERSION.split(".")[:2]
    wrapping.check_built_for("mod", built_for(ndwrap=f"{major}.{minor}.99"))  # same ABI
    with pytest.raises(ImportError, match=rf"mod was built against ndwrap {major}\.{int(minor) + 1}\.0, "
                       rf"but ndwrap {_table.VERSION} is installed: rebuild mod"):
        wrapping.check_built_for("mod", built_for(ndwrap=f"{major}.{int(minor) + 1}.0"))
    table = built_for()["table"]
    with pytest.raises(ImportError, match="another pixel table"):
        wrapping.check_built_for("mod", built_for(table=table[:-1]))
    with pytest.raises(ImportError, match="another pixel table"):
        wrapping.check_built_for("mod", built_for(table=((table[0][0], "x", 3),) + table[1:]))
    with pytest.raises(ImportError, match="dimensions 8, which the installed ndwrap"):
        wrapping.check_built_for("mod", built_for(dims=tuple(_table.DIMS) + (8,)))
    off = [p.code for p in ndwrap.PIXEL_TYPES if not p.wrapped]
    if off:
        with pytest.raises(ImportError, match=f"pixel types {off[0]}"):
            wrapping.check_built_for("mod", built_for(types=(off[0],)))
    with pytest.raises(TypeError):
        wrapping.check_built_for("mod", None)


def test_registry_of_module_functions():
    reg = wrapping.registered_functions()
    assert reg["ndwrap.CastImage"] is ndwrap.CastImage
    reg.clear()  # a copy
    assert "ndwrap.CastImage" in wrapping.registered_functions()
