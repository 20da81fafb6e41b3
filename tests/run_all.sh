#!/usr/bin/env bash
# ndwrap's whole test suite: the README's test command, run by .ci/run.
#   1. install ndwrap with its test extras (pip, scikit-build-core, SWIG from PyPI)
#   2. C tests under AddressSanitizer + UBSan (ctest, one entry per case)
#   3. the Python suite (pytest) against the installed package, again with
#      NumPy 1.x (a second venv, the same installed package), and again
#      against a build whose C code (core and glue) runs under ASan + UBSan
#   4. a trimmed build (NDW_WRAP_DIMS / NDW_WRAP_<code>) and its registry tests
#   5. the external-module example (ndw_add_module), full and trimmed; its
#      functions blockwise through ndwrap.dask; examples/dask_volume.py on a
#      2-worker LocalCluster
#   6. consumer builds: find_package, pkg-config, C++, add_subdirectory
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${NDW_TEST_WORK:-$src/build/test-run}"
py="${PYTHON:-python3}"
mkdir -p "$work"
step() { printf '\n==== %s ====\n' "$*"; }

step "install ndwrap[test]"
"$py" -m pip install --quiet "$src[test]"

step "C tests (AddressSanitizer + UBSan)"
cmake -S "$src" -B "$work/c-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DNDW_WRAP_PYTHON=OFF \
      -DModule_BridgeNumPy=ON -DModule_BridgeDLPack=ON -DNDW_SANITIZE=ON -DBUILD_TESTING=ON -DNDW_INSTALL=OFF \
      > "$work/c-asan.log"
cmake --build "$work/c-asan"
ctest --test-dir "$work/c-asan" --output-on-failure

step "Python tests"
(cd "$work" && "$py" -m pytest "$src/tests/python" -q -p no:cacheprovider)

step "examples/dask_volume.py: a volume larger than a worker's memory limit, 2-worker LocalCluster"
(cd "$work" && "$py" "$src/examples/dask_volume.py")

step "NumPy 1.x: the Python suite against the same installed ndwrap, in a venv with numpy<2"
# The extension uses only the buffer protocol (no NumPy C API): one build
# serves NumPy 1.22+ and 2.x.  A separate real venv (not system-site-packages)
# sees the installed ndwrap package through PYTHONPATH, and nothing else of ours.
if "$py" -c 'import sys; sys.exit(sys.version_info >= (3, 13))'; then
  "$py" -m venv --clear "$work/venv-numpy1"
  "$work/venv-numpy1/bin/python" -m pip install --quiet "numpy>=1.22,<2" pytest
  pkg="$(cd "$work" && "$py" -c 'import os, ndwrap; print(os.path.dirname(ndwrap.__file__))')"
  mkdir -p "$work/numpy1-path" && ln -sfn "$pkg" "$work/numpy1-path/ndwrap"
  (cd "$work" && PYTHONPATH="$work/numpy1-path" "$work/venv-numpy1/bin/python" -c \
     'import numpy, ndwrap; assert numpy.__version__ < "2", numpy.__version__; print("NumPy", numpy.__version__)' && \
   PYTHONPATH="$work/numpy1-path" "$work/venv-numpy1/bin/python" -m pytest "$src/tests/python" -q -p no:cacheprovider)
else
  echo "skipped: NumPy 1.x has no wheels for Python >= 3.13"
fi

step "Python glue under AddressSanitizer + UBSan (the whole Python suite)"
cmake -S "$src" -B "$work/py-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBUILD_TESTING=OFF \
      -DNDW_INSTALL=OFF -DNDW_SANITIZE=ON > "$work/py-asan.log"
cmake --build "$work/py-asan"
(cd "$work" && NDW_UNDER_ASAN=1 ASAN_OPTIONS=detect_leaks=0 PYTHONPATH="$work/py-asan/python" \
   LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
   "$py" -m pytest "$src/tests/python" -q -p no:cacheprovider)

step "trimmed build: NDW_WRAP_DIMS=1;2;5, NDW_WRAP_UC=OFF, NDW_WRAP_CD=OFF"
cmake -S "$src" -B "$work/trimmed" -G Ninja -DBUILD_TESTING=OFF -DNDW_INSTALL=OFF \
      -DNDW_WRAP_PYTHON=ON "-DNDW_WRAP_DIMS=1;2;5" -DNDW_WRAP_UC=OFF -DNDW_WRAP_CD=OFF \
      > "$work/trimmed.log"
cmake --build "$work/trimmed"
(cd "$work" && NDW_EXPECT_DIMS="1;2;5" NDW_EXPECT_MISSING="UC;CD" PYTHONPATH="$work/trimmed/python" \
   "$py" -m pytest "$src/tests/python" -q -p no:cacheprovider)  # table-driven: follows the build

step "external module (examples/ExternalModule) via add_subdirectory, all types"
cmake -S "$src/examples/ExternalModule" -B "$work/extmod" -G Ninja -DNDWRAP_SOURCE_DIR="$src" \
      > "$work/extmod.log"
cmake --build "$work/extmod"
ctest --test-dir "$work/extmod" --output-on-failure
(cd "$work" && PYTHONPATH="$work/extmod/ndwrap/python" \
   "$py" -m pytest "$src/tests/python/test_external_module.py" \
   "$src/tests/python/test_xarray_dask.py" -q -p no:cacheprovider)

step "external module, trimmed ndwrap (NDW_WRAP_DIMS=2;5, NDW_WRAP_UC=OFF): its wrappers follow"
cmake -S "$src/examples/ExternalModule" -B "$work/extmod-trimmed" -G Ninja -DNDWRAP_SOURCE_DIR="$src" \
      "-DNDW_WRAP_DIMS=2;5" -DNDW_WRAP_UC=OFF > "$work/extmod-trimmed.log"
cmake --build "$work/extmod-trimmed"
(cd "$work" && PYTHONPATH="$work/extmod-trimmed/ndwrap/python" \
   "$py" -m pytest "$src/tests/python/test_external_module.py" -q -p no:cacheprovider)

if [ -x "$src/tests/cmake/run.sh" ] || [ -f "$src/tests/cmake/run.sh" ]; then
  step "consumer builds"
  bash "$src/tests/cmake/run.sh" "$src" "$work/consumers"
fi
step "all test stages passed"
