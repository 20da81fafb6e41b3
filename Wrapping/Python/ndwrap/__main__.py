"""``python -m ndwrap --cmakedir | --includedir | --libdir | --datadir | --version``

Prints where the installed ndwrap SDK lies, for module builds::

    cmake -S . -B build -Dndwrap_DIR="$(python -m ndwrap --cmakedir)"
"""
from __future__ import annotations

import argparse
import sys


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m ndwrap", description=(
        "Print the folders of the installed ndwrap SDK (for find_package(ndwrap CONFIG))."))
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--cmakedir", action="store_true", help="folder of ndwrapConfig.cmake")
    g.add_argument("--includedir", action="store_true", help="folder holding ndw/*.h")
    g.add_argument("--libdir", action="store_true", help="folder holding libndwrap")
    g.add_argument("--datadir", action="store_true", help="folder of the generator and SWIG files")
    g.add_argument("--version", action="store_true", help="ndwrap's version")
    a = ap.parse_args(argv)
    from . import _sdk, _table

    if a.version:
        print(_table.VERSION)
        return 0
    get = {"cmakedir": _sdk.get_cmake_dir, "includedir": _sdk.get_include,
           "libdir": _sdk.get_library_dir, "datadir": _sdk.get_data_dir}
    for key, fn in get.items():
        if getattr(a, key):
            try:
                print(fn())
            except RuntimeError as e:
                print(f"python -m ndwrap: {e}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
