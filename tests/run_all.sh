#!/usr/bin/env bash
# ndwrap's whole test suite: the README's test command, run by .ci/run.
#   1. install ndwrap with its test extras (pip, scikit-build-core, SWIG from
#      PyPI); the extra also brings the build tools every later stage uses:
#      cmake, ninja and swig from PyPI, nothing assumed from PATH
#   2. C tests under AddressSanitizer + UBSan (ctest, one entry per case)
#   3. the Python suite (pytest) against the installed package, again with
#      NumPy 1.x (a second venv, the same installed package), its DLPack
#      tests with PyTorch (CPU) when a CPU wheel lies on disk, and again
#      against a build whose C code (core and glue) runs under ASan + UBSan
#   4. a trimmed build (NDW_WRAP_DIMS / NDW_WRAP_<code>) and its registry tests
#   5. the external-module example (ndw_add_module), full and trimmed, and the
#      scipy.ndimage kernel example (ndw_add_ndimage_kernels);
#      the external module's functions blockwise through ndwrap.dask;
#      examples/dask_volume.py on a 2-worker LocalCluster
#   6. consumer builds: find_package, pkg-config, C++, add_subdirectory
# The Python is $PYTHON, else the venv's, else python3 or python on PATH: use a venv.
# Prints the time of every stage at the end (also on failure).
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${NDW_TEST_WORK:-$src/build/test-run}"
# The Python: $PYTHON; else the active venv's ($VIRTUAL_ENV); else the first
# python3 or python on PATH, directory by directory (an environment whose
# interpreter is only called "python" must beat /usr/bin/python3 behind it).
find_python() {
  local d n IFS=:
  for d in ${VIRTUAL_ENV:+$VIRTUAL_ENV/bin} $PATH; do
    for n in python3 python; do
      [ -x "${d:-.}/$n" ] && [ ! -d "${d:-.}/$n" ] && { echo "${d:-.}/$n"; return 0; }
    done
  done
  return 1
}
py="${PYTHON:-}"
if [ -z "$py" ]; then
  py=$(find_python) || { echo "run_all.sh: no python3 or python on PATH; set PYTHON" >&2; exit 2; }
fi
case "$py" in
  /*) ;;
  */*) py="$PWD/$py" ;;
  *) py=$(command -v "$py") || { echo "run_all.sh: PYTHON=$py not found" >&2; exit 2; } ;;
esac
mkdir -p "$work"

t_start=$(date +%s) t_stage=$t_start stage="" timings=""
lap() {
  local now
  now=$(date +%s)
  [ -z "$stage" ] || timings+=$(printf '%6d s  %s' $((now - t_stage)) "$stage")$'\n'
  t_stage=$now stage=""
}
step() { lap; stage="$*"; printf '\n==== %s ====\n' "$*"; }
report_timings() {
  local rc=$?
  lap
  printf '\n==== stage timings ====\n%s%6d s  total%s\n' "$timings" \
    $(($(date +%s) - t_start)) "$([ "$rc" -eq 0 ] || echo ", FAILED (exit $rc)")"
}
trap report_timings EXIT

step "install ndwrap[test] (and cmake, ninja, swig from PyPI)"
"$py" -m pip install --quiet "$src[test]"
# The installed wheel carries the licence (PEP 639 metadata and the file).
"$py" - "$src/LICENSE" <<'EOF'
import importlib.metadata as md, sys
meta = md.metadata("ndwrap")
lic = [f for f in md.distribution("ndwrap").files if f.name == "LICENSE"]
assert meta["License-Expression"] == "Apache-2.0", meta["License-Expression"]
assert lic and lic[0].read_text() == open(sys.argv[1]).read(), "no LICENSE in the wheel"
print("ndwrap", meta["Version"], meta["License-Expression"], "with", lic[0])
EOF
# The tools the test extra installed (its console scripts, found from the
# installed distributions' records): every CMake call below uses these.
eval "$("$py" - <<'EOF'
import importlib.metadata as md, os, shlex, sys
def tool(dist, exe):
    try:
        files = md.distribution(dist).files or []
    except md.PackageNotFoundError:
        sys.exit(f"run_all.sh: {dist} is not installed (the test extra should bring it)")
    # The console script first (outside the package folder: swig's sets SWIG_LIB).
    for f in sorted((f for f in files if f.name == exe and f.parent.name in ("bin", "Scripts")),
                    key=lambda f: f.parts[0] != ".."):
        path = os.path.abspath(str(f.locate()))
        if os.access(path, os.X_OK):
            return path
    sys.exit(f"run_all.sh: no {exe} program in the installed {dist} package")
for var, dist, exe in (("CMAKE", "cmake", "cmake"), ("CTEST", "cmake", "ctest"),
                       ("NINJA", "ninja", "ninja"), ("SWIG", "swig", "swig")):
    print(f"{var}={shlex.quote(tool(dist, exe))}")
EOF
)"
export CMAKE CTEST NINJA SWIG PYTHON="$py"
# Also first on PATH, for any program a build runs by name.
PATH="$(dirname "$CMAKE"):$(dirname "$NINJA"):$(dirname "$SWIG"):$PATH"
export PATH
unset CMAKE_GENERATOR CMAKE_BUILD_TYPE || true
# Every configure: the Ninja of the test extra and this Python (gen), and its
# SWIG for the builds that wrap (tools).
gen=(-G Ninja "-DCMAKE_MAKE_PROGRAM=$NINJA" "-DPython3_EXECUTABLE=$py")
tools=("${gen[@]}" "-DSWIG_EXECUTABLE=$SWIG")
echo "cmake: $CMAKE ($("$CMAKE" --version | head -n 1))"
echo "ninja: $NINJA ($("$NINJA" --version)); swig: $SWIG ($("$SWIG" -version | grep -m1 Version))"
echo "python: $py ($("$py" --version 2>&1))"

step "C tests (AddressSanitizer + UBSan)"
"$CMAKE" -S "$src" -B "$work/c-asan" "${gen[@]}" -DCMAKE_BUILD_TYPE=Debug -DNDW_WRAP_PYTHON=OFF \
      -DModule_BridgeNumPy=ON -DModule_BridgeNDImage=ON -DModule_BridgeDLPack=ON -DNDW_SANITIZE=ON -DBUILD_TESTING=ON \
      -DNDW_INSTALL=OFF > "$work/c-asan.log"
"$CMAKE" --build "$work/c-asan"
"$CTEST" --test-dir "$work/c-asan" --output-on-failure

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
  "$work/venv-numpy1/bin/python" -m pip install --quiet "numpy>=1.22,<2" pytest hypothesis
  pkg="$(cd "$work" && "$py" -c 'import os, ndwrap; print(os.path.dirname(ndwrap.__file__))')"
  mkdir -p "$work/numpy1-path" && ln -sfn "$pkg" "$work/numpy1-path/ndwrap"
  (cd "$work" && PYTHONPATH="$work/numpy1-path" "$work/venv-numpy1/bin/python" -c \
     'import numpy, ndwrap; assert numpy.__version__ < "2", numpy.__version__; print("NumPy", numpy.__version__)' && \
   PYTHONPATH="$work/numpy1-path" "$work/venv-numpy1/bin/python" -m pytest "$src/tests/python" -q -p no:cacheprovider)
else
  echo "skipped: NumPy 1.x has no wheels for Python >= 3.13"
fi

step "PyTorch: DLPack both ways with torch (CPU), when this machine has a CPU wheel on disk"
# PyPI's torch pulls in the CUDA stack (GBs): only a CPU wheel found on local
# disk is used; elsewhere the stage says so and the torch tests skip.
pytag=$("$py" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
torch_whl=$(ls /opt/wheels/torch-*+cpu-"$pytag"-*.whl 2>/dev/null | head -n 1 || true)
if [ -n "$torch_whl" ]; then
  "$py" -m venv --clear "$work/venv-torch"
  "$work/venv-torch/bin/python" -m pip install --quiet "$torch_whl" numpy pytest
  mkdir -p "$work/torch-path"
  ln -sfn "$(cd "$work" && "$py" -c 'import os, ndwrap; print(os.path.dirname(ndwrap.__file__))')" \
    "$work/torch-path/ndwrap"
  # torch must import here: a skip would hide the check
  (cd "$work" && PYTHONPATH="$work/torch-path" "$work/venv-torch/bin/python" -c \
     'import torch, ndwrap; print("torch", torch.__version__)' && \
   PYTHONPATH="$work/torch-path" "$work/venv-torch/bin/python" -m pytest \
     "$src/tests/python/test_dlpack.py" -q -p no:cacheprovider -k torch -rs)
else
  echo "skipped: no CPU wheel of torch for $pytag in /opt/wheels"
fi

step "Python glue under AddressSanitizer + UBSan (the whole Python suite)"
"$CMAKE" -S "$src" -B "$work/py-asan" "${tools[@]}" -DCMAKE_BUILD_TYPE=Debug -DBUILD_TESTING=OFF \
      -DNDW_INSTALL=OFF -DNDW_SANITIZE=ON > "$work/py-asan.log"
"$CMAKE" --build "$work/py-asan"
(cd "$work" && NDW_UNDER_ASAN=1 ASAN_OPTIONS=detect_leaks=0 PYTHONPATH="$work/py-asan/python" \
   LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
   "$py" -m pytest "$src/tests/python" -q -p no:cacheprovider)

step "trimmed build: NDW_WRAP_DIMS=1;2;5, NDW_WRAP_UC=OFF, NDW_WRAP_CD=OFF"
# (Debug: compiles in a third of Release's time; this stage tests what is wrapped.)
"$CMAKE" -S "$src" -B "$work/trimmed" "${tools[@]}" -DCMAKE_BUILD_TYPE=Debug -DBUILD_TESTING=OFF -DNDW_INSTALL=OFF \
      -DNDW_WRAP_PYTHON=ON "-DNDW_WRAP_DIMS=1;2;5" -DNDW_WRAP_UC=OFF -DNDW_WRAP_CD=OFF \
      > "$work/trimmed.log"
"$CMAKE" --build "$work/trimmed"
(cd "$work" && NDW_EXPECT_DIMS="1;2;5" NDW_EXPECT_MISSING="UC;CD" PYTHONPATH="$work/trimmed/python" \
   "$py" -m pytest "$src/tests/python" -q -p no:cacheprovider)  # table-driven: follows the build

step "external module (examples/ExternalModule) via add_subdirectory, all types"
"$CMAKE" -S "$src/examples/ExternalModule" -B "$work/extmod" "${tools[@]}" -DNDWRAP_SOURCE_DIR="$src" \
      > "$work/extmod.log"
"$CMAKE" --build "$work/extmod"
"$CTEST" --test-dir "$work/extmod" --output-on-failure
(cd "$work" && PYTHONPATH="$work/extmod/ndwrap/python" \
   "$py" -m pytest "$src/tests/python/test_external_module.py" \
   "$src/tests/python/test_xarray_dask.py" "$src/tests/python/test_junk_args.py" -q -p no:cacheprovider)

step "external module, trimmed ndwrap (NDW_WRAP_DIMS=2;5, NDW_WRAP_UC=OFF): its wrappers follow"
"$CMAKE" -S "$src/examples/ExternalModule" -B "$work/extmod-trimmed" "${tools[@]}" -DNDWRAP_SOURCE_DIR="$src" \
      "-DNDW_WRAP_DIMS=2;5" -DNDW_WRAP_UC=OFF > "$work/extmod-trimmed.log"
"$CMAKE" --build "$work/extmod-trimmed"
(cd "$work" && PYTHONPATH="$work/extmod-trimmed/ndwrap/python" \
   "$py" -m pytest "$src/tests/python/test_external_module.py" -q -p no:cacheprovider)

step "scipy.ndimage kernel example (examples/NDImageKernel, ndw_add_ndimage_kernels)"
"$CMAKE" -S "$src/examples/NDImageKernel" -B "$work/ndkernel" "${tools[@]}" -DNDWRAP_SOURCE_DIR="$src" \
      "-DNDW_WRAP_DIMS=2" > "$work/ndkernel.log"
"$CMAKE" --build "$work/ndkernel"
"$CTEST" --test-dir "$work/ndkernel" --output-on-failure
(cd "$work" && PYTHONPATH="$work/ndkernel/ndwrap/python" \
   "$py" -m pytest "$src/tests/python/test_ndimage_kernel_example.py" -q -p no:cacheprovider)

if [ -x "$src/tests/cmake/run.sh" ] || [ -f "$src/tests/cmake/run.sh" ]; then
  step "consumer builds"
  bash "$src/tests/cmake/run.sh" "$src" "$work/consumers"
fi
lap
printf '\n==== all test stages passed ====\n'

