"""Where the installed ndwrap SDK lies: the CMake package, the headers, the
library, the generator and SWIG files that a module build needs (issue 15).

The folders are recorded at install time in ``_sdk_paths`` relative to this
package (the wheel: ``ndwrap/lib/cmake/ndwrap``, ``ndwrap/include``; a CMake
install: ``<prefix>/lib/cmake/ndwrap``, ``<prefix>/include``).  Nothing here
imports NumPy or the extension.
"""
from __future__ import annotations

import os

__all__ = ["get_cmake_dir", "get_include", "get_library_dir", "get_data_dir"]

_HERE = os.path.dirname(os.path.abspath(__file__))


def _paths_module():
    try:
        from . import _sdk_paths
    except ImportError:  # installed (COMPONENT python) by a build with NDW_INSTALL=OFF
        return None
    return _sdk_paths


def _paths():
    p = _paths_module()
    if p is None or not p.INSTALLED:
        raise RuntimeError(
            f"ndwrap at {_HERE} carries no SDK: it is "
            + ("a build tree" if p is not None else
               "an installation made with NDW_INSTALL=OFF")
            + "; build modules against an installed ndwrap (pip install ndwrap, or "
            "cmake --install with NDW_INSTALL=ON), or use add_subdirectory()")
    return p


def _folder(rel):
    return os.path.normpath(os.path.join(_HERE, rel))


def get_cmake_dir() -> str:
    """The folder of ``ndwrapConfig.cmake``: ``cmake -Dndwrap_DIR=<this>``
    makes ``find_package(ndwrap CONFIG)`` (and ``ndw_add_module()``) use
    this installation."""
    return _folder(_paths().CMAKE_DIR)


def get_include() -> str:
    """The folder holding ``ndw/*.h`` and the C++ layer ``ndw/ndw.hpp``."""
    return _folder(_paths().INCLUDE_DIR)


def get_library_dir() -> str:
    """The folder holding ``libndwrap`` (the one copy every module links)."""
    return _folder(_paths().LIBRARY_DIR)


def get_data_dir() -> str:
    """The folder holding ``generator/ndwgen.py`` and ``swig/*.i``."""
    return _folder(_paths().DATA_DIR)


def installed_by_pip() -> bool:
    """True for ndwrap's wheel (options are spelled ``-Ccmake.define.X=...``),
    False for a CMake build or install (``-DX=...``)."""
    p = _paths_module()
    return bool(p is not None and p.WHEEL)


def option_text(name, value, pip):
    """An option as the user types it: pip's or CMake's spelling."""
    if pip:
        return f'-Ccmake.define.{name}="{value}"' if ";" in str(value) else \
            f"-Ccmake.define.{name}={value}"
    return f'-D{name}="{value}"' if ";" in str(value) else f"-D{name}={value}"
