#!/usr/bin/env bash
# ndwrap consumer builds: install, find_package, pkg-config, C++ layer,
# add_subdirectory embedding, exported symbols, examples, and
# examples/ExternalModule's ndw_add_module() against an installed ndwrap, and
# examples/NDImageKernel's ndw_add_ndimage_kernels().
#
#   bash tests/cmake/run.sh <ndwrap source dir> <scratch dir>
#
# The scratch dir is wiped and reused.  Needs: a C and C++ compiler, cmake
# (3.21+), Python 3 (ndwrap's generator), pkg-config (Debian: pkgconf), nm
# (binutils); ninja is used when present.  With SWIG 4.1+ and the Python
# headers, the shared install includes ndwrap's Python package and the
# external module is tested from Python too (needs NumPy, SciPy, pytest).
# The tools are $CMAKE, $CTEST, $NINJA, $SWIG and $PYTHON when set (as
# tests/run_all.sh sets them to what the test extra installed), else found on
# PATH (cmake, ctest, ninja, swig, python3); no ninja: CMake's default generator.
# Prints one PASS/FAIL line per step (SKIP lines for steps that cannot run
# here, not counted), then "N passed, M failed"; exits non-zero on any
# failure.  The log of every step is kept in <scratch dir>/logs/<step>.log.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <ndwrap source dir> <scratch dir>" >&2
  exit 2
fi
SRC=$(cd "$1" && pwd)
mkdir -p "$2"
scratch=$(cd "$2" && pwd)
if [[ "$SRC/" == "${scratch%/}/"* ]]; then
  echo "refusing to wipe $scratch: it holds the source dir $SRC" >&2
  exit 2
fi
rm -rf "$scratch"
mkdir -p "$scratch"
WORK=$scratch
HERE="$SRC/tests/cmake"
LOGS="$WORK/logs"
mkdir -p "$LOGS"

CMAKE=${CMAKE:-cmake}
CTEST=${CTEST:-ctest}
PY=${PYTHON:-$(command -v python3 || command -v python || echo python3)}
# Every configure below gets TOOLS: the generator, its make program, SWIG, Python.
TOOLS=("-DPython3_EXECUTABLE=$(command -v "$PY")")
NINJA=${NINJA:-$(command -v ninja || true)}
if [[ -n $NINJA ]]; then
  TOOLS+=(-G Ninja "-DCMAKE_MAKE_PROGRAM=$NINJA")
fi
SWIG=${SWIG:-$(command -v swig || command -v swig4.0 || true)}
if [[ -n $SWIG ]]; then
  TOOLS+=("-DSWIG_EXECUTABLE=$SWIG")
fi
JOBS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
# Keep the caller's environment from steering the consumer builds.
unset CMAKE_PREFIX_PATH PKG_CONFIG_PATH CMAKE_GENERATOR CMAKE_BUILD_TYPE || true

PREFIX="$WORK/prefix-shared"        # all modules, shared library (+ Python package)
PREFIX_STATIC="$WORK/prefix-static" # static, BridgeNumPy off, dims 2;3

# Python wrapping for the shared install: when SWIG and Python.h are there.
PY_WRAP=OFF
if [[ -n $SWIG ]] &&
  "$PY" -c 'import os, sysconfig, sys
sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null; then
  PY_WRAP=ON
fi

passed=0
failed=0

# step <name> <function> [args...]: run the function in a subshell with
# errexit (set +e around it so a failure is counted, not fatal), log output.
step() {
  local name=$1 log="$LOGS/$1.log" rc
  shift
  set +e
  (
    set -euo pipefail
    "$@"
  ) >"$log" 2>&1
  rc=$?
  set -e
  if [[ $rc -eq 0 ]]; then
    echo "PASS: $name"
    passed=$((passed + 1))
  else
    echo "FAIL: $name (exit $rc; log: $log)"
    tail -n 25 "$log" | sed 's/^/    | /'
    failed=$((failed + 1))
  fi
}

# configure_build <source> <build dir> [cmake args...]
configure_build() {
  local src=$1 bin=$2
  shift 2
  "$CMAKE" -S "$src" -B "$bin" "${TOOLS[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
  "$CMAKE" --build "$bin" --parallel "$JOBS"
}

# expect_in <file> <text>...: every text occurs in the file (whitespace-folded).
expect_in() {
  local file=$1 folded
  shift
  folded=$(tr -s ' \n\t' '   ' <"$file")
  for text in "$@"; do
    if [[ $folded != *"$text"* ]]; then
      echo "expected to find: $text"
      echo "--- in $file:"
      cat "$file"
      return 1
    fi
  done
}

# no_build_paths <prefix>: the installed package files name no path of the
# source tree, the build trees or the build machine's libraries (relocatable).
no_build_paths() {
  local files hits
  files=$(find "$1" -name '*.cmake' -o -name '*.pc' -o -name '*.h' -o -name '*.hpp' \
    -o -name '*.i' -o -name '*.c' -o -name '*.py' -o -name '*.pyi')
  # shellcheck disable=SC2086
  hits=$(grep -nF -e "$SRC" -e "$WORK/build" -e "/usr/lib" $files || true)
  [[ -z $hits ]] || { echo "installed files name build-machine paths:"; echo "$hits"; return 1; }
}

libdir_of() { # the folder holding libndwrap.* under a prefix
  local lib
  lib=$(find "$1" -name 'libndwrap.*' \( -type f -o -type l \) | head -n 1)
  [[ -n $lib ]] || { echo "no libndwrap under $1" >&2; return 1; }
  dirname "$lib"
}

site_of() { # the folder holding an installed Python package ndwrap/ (or nothing)
  local init
  init=$(find "$1" -path '*/site-packages/ndwrap/__init__.py' | head -n 1)
  [[ -z $init ]] || dirname "$(dirname "$init")"
}

# ---- steps -------------------------------------------------------------------

install_shared() {
  # Build with every module, Python when available, no ndwrap tests; install
  # under a different prefix than configured (the package must be relocatable).
  echo "NDW_WRAP_PYTHON=$PY_WRAP"
  configure_build "$SRC" "$WORK/build-shared" -DNDW_WRAP_PYTHON=$PY_WRAP -DBUILD_TESTING=OFF \
    -DModule_BridgeNumPy=ON -DCMAKE_INSTALL_PREFIX="$WORK/not-used"
  "$CMAKE" --install "$WORK/build-shared" --prefix "$PREFIX"
  local lib
  lib=$(libdir_of "$PREFIX")
  for f in include/ndw/common.h include/ndw/pixel_types.h include/ndw/config.h \
    include/ndw/image.h include/ndw/vnl.h include/ndw/buffer.h include/ndw/ndw.hpp; do
    [[ -f $PREFIX/$f ]] || { echo "missing $f"; return 1; }
  done
  for f in libndwrap.so libndwrap.so.0.1 cmake/ndwrap/ndwrapConfig.cmake \
    cmake/ndwrap/ndwrapConfigVersion.cmake cmake/ndwrap/ndwrapTargets.cmake \
    pkgconfig/ndwrap.pc cmake/ndwrap/ndwModule.cmake; do
    [[ -e $lib/$f ]] || { echo "missing $lib/$f"; return 1; }
  done
  # What ndw_add_module() needs from an installation.
  for f in generator/ndwgen.py swig/ndwrap.i swig/ndw_pixel.i swig/ndw_instances.i \
    swig/ndw_py.c swig/ndw_py.h; do
    [[ -f $PREFIX/share/ndwrap/$f ]] || { echo "missing share/ndwrap/$f"; return 1; }
  done
  if [[ $PY_WRAP == ON ]]; then
    [[ -n $(site_of "$PREFIX") ]] || { echo "no Python package ndwrap installed"; return 1; }
  fi
  [[ ! -e $WORK/not-used ]] || { echo "files installed under the configured prefix"; return 1; }
  no_build_paths "$PREFIX"
  # The Development/Runtime split, and nothing of ours but the Python package
  # in COMPONENT python (the wheel installs all three components, each to
  # its own folder inside the package: see pyproject.toml).
  "$CMAKE" --install "$WORK/build-shared" --prefix "$WORK/only-runtime" --component Runtime
  local extra
  extra=$(find "$WORK/only-runtime" -type f ! -name 'libndwrap.so*')
  [[ -z $extra ]] || { echo "COMPONENT Runtime installs: $extra"; return 1; }
  ls "$(libdir_of "$WORK/only-runtime")"/libndwrap.so.0.1*
  "$CMAKE" --install "$WORK/build-shared" --prefix "$WORK/only-python" --component python
  if [[ -d $WORK/only-python ]]; then
    local leaked
    leaked=$(find "$WORK/only-python" -name '*.h' -o -name '*.hpp' -o -name '*.cmake' \
      -o -name '*.pc' -o -name 'libndwrap*' -o -name '*.i' -o -name '*.c' -o -name 'ndwgen.py')
    [[ -z $leaked ]] || { echo "COMPONENT python installs: $leaked"; return 1; }
  fi
}

headers_c11_cxx17() {
  configure_build "$HERE/headers" "$WORK/headers" -DCMAKE_PREFIX_PATH="$PREFIX"
}

find_package_c() {
  configure_build "$HERE/c_consumer" "$WORK/c-consumer" -DCMAKE_PREFIX_PATH="$PREFIX"
  "$WORK/c-consumer/c_consumer" | tee "$WORK/c-consumer.out"
  expect_in "$WORK/c-consumer.out" "buffer shape (2, 3, 4)" "c-consumer: OK"
}

# doc_recipe <rst file> <section title>: the commands ("$ " lines, with their
# "\" continuations) of the first console block under that section title.
doc_recipe() {
  "$PY" - "$1" "$2" <<'EOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
title = sys.argv[2]
at = next(i for i, l in enumerate(lines[:-1])
          if l == title and set(lines[i + 1]) <= set("~-=^") and lines[i + 1])
at = next(i for i in range(at, len(lines)) if lines[i].strip() == ".. code-block:: console")
cmds, cont = [], False
for line in lines[at + 1:]:
    if line and not line.startswith(" "):
        break
    text = line.strip()
    if cont:
        cmds[-1] += "\n" + text
    elif text.startswith("$ "):
        cmds.append(text[2:])
    cont = bool(cmds) and text.endswith("\\") and (cont or text.startswith("$ "))
print("\n".join(cmds))
EOF
}

# pkg_config_c <prefix> <name>: c_consumer/main.c built through pkg-config only,
# strictly, then built and run exactly as docs/consumers.rst ("pkg-config")
# shows, with its /opt/ndwrap standing for <prefix>.
pkg_config_c() {
  local prefix=$1 name=$2 lib
  if ! command -v pkg-config >/dev/null 2>&1; then
    echo "pkg-config not found (Debian: apt-get install pkgconf)"
    return 1
  fi
  lib=$(libdir_of "$prefix")
  export PKG_CONFIG_PATH="$lib/pkgconfig"
  pkg-config --exists --print-errors ndwrap
  pkg-config --modversion ndwrap
  [[ $(pkg-config --modversion ndwrap) == 0.1.* ]]
  local cflags libs
  cflags=$(pkg-config --cflags ndwrap)
  libs=$(pkg-config --libs ndwrap)
  echo "cflags: $cflags"
  echo "libs:   $libs"
  # shellcheck disable=SC2086  # word splitting of the flags is intended
  "${CC:-cc}" -std=c11 -pedantic -Wall -Wextra -Werror $cflags "$HERE/c_consumer/main.c" \
    -o "$WORK/$name-strict" $libs
  unset PKG_CONFIG_PATH
  # The documented recipe, as written.
  local recipe dir="$WORK/$name"
  recipe=$(doc_recipe "$SRC/docs/consumers.rst" pkg-config)
  recipe=${recipe//\/opt\/ndwrap\/lib\//$lib/}
  recipe=${recipe//\/opt\/ndwrap/$prefix}
  printf 'recipe:\n%s\n' "$recipe"
  [[ $recipe == *'./main'* ]] || { echo "the documented recipe runs no ./main"; return 1; }
  mkdir -p "$dir"
  cp "$HERE/c_consumer/main.c" "$dir/main.c"
  (cd "$dir" && bash -euo pipefail -c "$recipe") | tee "$WORK/$name.out"
  expect_in "$WORK/$name.out" "c-consumer: OK"
  # A shared install: without the rpath the program does not find the library
  # (what the doc says; otherwise the test would prove nothing).
  if [[ -e $lib/libndwrap.so ]]; then
    (cd "$dir" && bash -euo pipefail -c \
      "${recipe//-Wl,-rpath,/-Wl,-rpath-link,}") >"$WORK/$name-norpath.out" 2>&1 &&
      { echo "ran without the rpath: the doc's advice is not needed?"; return 1; }
    expect_in "$WORK/$name-norpath.out" "libndwrap.so.0.1: cannot open shared object file"
  fi
}

cxx_consumer() {
  local prefix=$1 name=$2
  configure_build "$HERE/cxx_consumer" "$WORK/$name" -DCMAKE_PREFIX_PATH="$prefix"
  "$WORK/$name/cxx_consumer" | tee "$WORK/$name.out"
  expect_in "$WORK/$name.out" "cxx-consumer: OK"
}

embed_add_subdirectory() {
  configure_build "$HERE/embed" "$WORK/embed" -DNDW_SOURCE_DIR="$SRC"
  expect_in "$LOGS/embed_add_subdirectory.log" "ndwrap module BridgeNumPy: OFF" \
    "dimensions: 2" "toolkit: ndwrap embedded"
  # Only the toolkit's own test is registered, and it passes.
  (cd "$WORK/embed" && "$CTEST" -N) | tee "$WORK/embed-tests.out"
  expect_in "$WORK/embed-tests.out" "Total Tests: 1"
  (cd "$WORK/embed" && "$CTEST" --output-on-failure)
  "$WORK/embed/toolkit_app" | tee "$WORK/embed.out"
  expect_in "$WORK/embed.out" "toolkit: OK"
}

exports_shared() {
  local lib
  lib=$(libdir_of "$PREFIX")
  bash "$HERE/check_exports.sh" "$lib/libndwrap.so"
}

# find_variant <prefix> <log name> <expect ok|fail> [cmake -D args...]
find_variant() {
  local prefix=$1 name=$2 expect=$3 rc=0
  shift 3
  "$CMAKE" -S "$HERE/find_variants" -B "$WORK/find-$name" "${TOOLS[@]}" -DCMAKE_PREFIX_PATH="$prefix" "$@" \
    >"$WORK/find-$name.out" 2>&1 || rc=$?
  cat "$WORK/find-$name.out"
  if [[ $expect == ok && $rc -ne 0 ]]; then
    echo "find_package ($name) should have succeeded"
    return 1
  elif [[ $expect == fail && $rc -eq 0 ]]; then
    echo "find_package ($name) should have failed"
    return 1
  fi
}

find_package_versions_components() {
  find_variant "$PREFIX" v01 ok -DREQ_VERSION=0.1 "-DREQ_COMPONENTS=Core;BridgeNumPy"
  expect_in "$WORK/find-v01.out" "ndwrap_BridgeNumPy_FOUND=TRUE" "found ndwrap 0.1."
  find_variant "$PREFIX" v010 ok -DREQ_VERSION=0.1.0
  # SameMinorVersion: another minor (or major) is not accepted.
  find_variant "$PREFIX" v02 fail -DREQ_VERSION=0.2
  expect_in "$WORK/find-v02.out" "compatible with requested version \"0.2\""
  find_variant "$PREFIX" v10 fail -DREQ_VERSION=1.0
  find_variant "$PREFIX" nope fail "-DREQ_COMPONENTS=Core;Nope"
  # (the list follows the enabled modules: check its start and a few names)
  expect_in "$WORK/find-nope.out" "component Nope: no such ndwrap component" \
    "Components of this installation: Core, Common, Image," " Vnl," " BridgeNumPy"
  find_variant "$PREFIX" optional ok -DOPT_COMPONENTS=Nope
  expect_in "$WORK/find-optional.out" "ndwrap_Nope_FOUND=FALSE"
}

examples() {
  local lang=$1
  configure_build "$SRC/examples/$lang" "$WORK/example-$lang" -DCMAKE_PREFIX_PATH="$PREFIX"
  "$WORK/example-$lang/ndw_example_$lang" | tee "$WORK/example-$lang.out"
  if [[ $lang == c ]]; then
    expect_in "$WORK/example-c.out" "box voxels: 8" "box sum: 40" \
      "box centroid (mm): (-0.75, 0.75, 13)" "get_pixel(8, 0, 0): NDW_E_RANGE"
  else
    expect_in "$WORK/example-cxx.out" "ndw_image_u16_2 6 x 4, sum of pixels: 636" \
      "gradient at (2, 1) = point (101, -48): (20, 0.5) per mm" \
      "caught ndw::index_error (NDW_E_RANGE)" "caught ndw::value_error (NDW_E_INVALID)" \
      "read back from a gzip NRRD: 6 x 4, pixel (5, 3) = 53"
  fi
}

install_static_trimmed() {
  configure_build "$SRC" "$WORK/build-static" -DNDW_WRAP_PYTHON=OFF -DBUILD_TESTING=OFF \
    -DNDW_BUILD_SHARED=OFF -DModule_BridgeNumPy=OFF "-DNDW_WRAP_DIMS=2;3"
  "$CMAKE" --install "$WORK/build-static" --prefix "$PREFIX_STATIC"
  local lib
  lib=$(libdir_of "$PREFIX_STATIC")
  [[ -f $lib/libndwrap.a ]] || { echo "no libndwrap.a"; return 1; }
  [[ -z $(find "$PREFIX_STATIC" -name 'libndwrap.so*') ]] || { echo "a .so in a static install"; return 1; }
  [[ ! -e $PREFIX_STATIC/include/ndw/buffer.h ]] || { echo "BridgeNumPy header installed"; return 1; }
  no_build_paths "$PREFIX_STATIC"
  bash "$HERE/check_exports.sh" "$lib/libndwrap.a"
}

static_find_package_c() {
  configure_build "$HERE/c_consumer" "$WORK/c-consumer-static" \
    -DCMAKE_PREFIX_PATH="$PREFIX_STATIC" "-DNDW_COMPONENTS=Core;Image;Vnl"
  "$WORK/c-consumer-static/c_consumer" | tee "$WORK/c-consumer-static.out"
  expect_in "$WORK/c-consumer-static.out" "c-consumer: OK"
  if grep -q "buffer shape" "$WORK/c-consumer-static.out"; then
    echo "BridgeNumPy code compiled although the module is off"
    return 1
  fi
}

static_missing_component() {
  find_variant "$PREFIX_STATIC" static-bridge fail "-DREQ_COMPONENTS=Core;BridgeNumPy"
  expect_in "$WORK/find-static-bridge.out" \
    "component BridgeNumPy: module BridgeNumPy was not built into this installation" \
    "-DModule_BridgeNumPy=ON" "Components of this installation: Core, Common, Image, VectorContainer, Vnl"
  if grep "Components of this installation:" "$WORK/find-static-bridge.out" | grep -q BridgeNumPy; then
    echo "BridgeNumPy listed as a component of the static installation"
    return 1
  fi
  find_variant "$PREFIX_STATIC" static-optional ok -DREQ_VERSION=0.1 \
    -DREQ_COMPONENTS=Image -DOPT_COMPONENTS=BridgeNumPy
  expect_in "$WORK/find-static-optional.out" "ndwrap_Image_FOUND=TRUE" \
    "ndwrap_BridgeNumPy_FOUND=FALSE"
}

# external_module <prefix> <build dir> <expected dims>: examples/ExternalModule
# (ndw_add_module) against an installed ndwrap, through find_package only.
external_module() {
  local prefix=$1 bin=$2 dims=$3 lib log
  lib=$(libdir_of "$prefix")
  log="$WORK/$(basename "$bin").configure.log"
  "$CMAKE" -S "$SRC/examples/ExternalModule" -B "$bin" "${TOOLS[@]}" -DCMAKE_BUILD_TYPE=Release \
    -Dndwrap_DIR="$lib/cmake/ndwrap" | tee "$log"
  "$CMAKE" --build "$bin" --parallel "$JOBS"
  # The installation's types and dimensions, generator and SWIG files.
  expect_in "$log" "ndwrap module extfilters: package extfilters, types B;SC;UC;SS;US;SI;UI;SL;UL;F;D;CF;CD, dims $dims"
  grep -q '^NDWRAP_SOURCE_DIR:PATH=$' "$bin/CMakeCache.txt"
  local src_re refs
  src_re=$(printf '%s' "$SRC" | sed 's/[][\.*^$+?(){}|]/\\&/g')
  # (the scratch folder may itself lie inside the source tree, as in CI)
  refs=$(grep -rIhoE "$src_re/[^\" ;]*" "$bin" | grep -vE "^$src_re/examples/ExternalModule" |
    grep -vF "$WORK" | sort -u || true)
  [[ -z $refs ]] || { echo "the build uses ndwrap's source tree: $refs"; return 1; }
  (cd "$bin" && "$CTEST" --output-on-failure) | tee "$bin.ctest.out"
  expect_in "$bin.ctest.out" "100% tests passed"
  "$bin/ext_demo" | tee "$bin.demo.out"
  expect_in "$bin.demo.out" "(1,2) in=12 mask=1 mean=11.667"
}

external_module_find_package() {
  external_module "$PREFIX" "$WORK/ext-installed" "2;3;4"
  local pkg="$WORK/ext-installed/ndw-module-extfilters/python/extfilters"
  if [[ -n $(site_of "$PREFIX") ]]; then # AUTO: a Python package next to the C library
    ls "$pkg"/_wrapped.*
    grep -rqF "$PREFIX/share/ndwrap/swig/ndw_py.c" "$WORK/ext-installed" --include='*.ninja' \
      --include='*.make' || { echo "the installed ndw_py.c is not used"; return 1; }
  elif [[ -e $pkg/wrapped.py ]]; then
    echo "a Python package although the installation has none"
    return 1
  fi
}

external_module_python() {
  local site pydir="$WORK/ext-installed/ndw-module-extfilters/python"
  site=$(site_of "$PREFIX")
  export PYTHONPATH="$site:$pydir"
  # Both packages come from where they should (a miss would make pytest skip).
  (cd "$WORK" && "$PY" -c 'import ndwrap, extfilters, scipy.ndimage
print(ndwrap.__file__); print(extfilters.__file__)') | tee "$WORK/ext-python.out"
  expect_in "$WORK/ext-python.out" "$site/ndwrap/__init__.py" "$pydir/extfilters/__init__.py"
  (cd "$WORK" && "$PY" -m pytest "$SRC/tests/python/test_external_module.py" -q -rs \
    -p no:cacheprovider)
}

static_external_module_c() {
  # No BridgeNumPy, dimensions 2;3: a C library for those, no Python package.
  external_module "$PREFIX_STATIC" "$WORK/ext-static" "2;3"
  expect_in "$WORK/ext-static.configure.log" "ndwrap module extfilters: C library only, no Python package"
  [[ ! -e $WORK/ext-static/ndw-module-extfilters/python/extfilters/wrapped.py ]]
}

# What a module author sees at configure time (issue 15), configure only:
# add_subdirectory without Python says so; against an installation a module
# may narrow its types and dimensions (its own options), never widen them.
module_configure_messages() {
  local lib
  lib=$(libdir_of "$PREFIX")
  "$CMAKE" -S "$HERE/embed_module" -B "$WORK/embed-module" "${TOOLS[@]}" -DNDW_SOURCE_DIR="$SRC" |
    tee "$WORK/embed-module.out"
  expect_in "$WORK/embed-module.out" "ndwrap module extfilters: C library only, no Python package: the embedded ndwrap builds no Python package (NDW_WRAP_PYTHON is OFF"
  "$CMAKE" -S "$SRC/examples/ExternalModule" -B "$WORK/ext-narrow" "${TOOLS[@]}" \
    -Dndwrap_DIR="$lib/cmake/ndwrap" -DNDW_WRAP_DIMS=2 -DNDW_WRAP_UC=OFF | tee "$WORK/ext-narrow.out"
  expect_in "$WORK/ext-narrow.out" "package extfilters, types B;SC;SS;US;SI;UI;SL;UL;F;D;CF;CD, dims 2"
  if "$CMAKE" -S "$SRC/examples/ExternalModule" -B "$WORK/ext-widen" "${TOOLS[@]}" \
    -Dndwrap_DIR="$lib/cmake/ndwrap" "-DNDW_WRAP_DIMS=2;5" >"$WORK/ext-widen.out" 2>&1; then
    echo "a module widened the installation's dimensions"; cat "$WORK/ext-widen.out"; return 1
  fi
  expect_in "$WORK/ext-widen.out" "but the installed ndwrap wraps dimensions 2;3;4 only" \
    "reconfigure and reinstall ndwrap with -DNDW_WRAP_DIMS="
}

# examples/NDImageKernel (ndw_add_ndimage_kernels) against the installed ndwrap:
# the C demo always; with ndwrap's Python package installed, the module and its
# SciPy test (AUTO: the installed glue, no SWIG needed).
ndimage_kernels_find_package() {
  local bin="$WORK/ndk-installed" lib site
  lib=$(libdir_of "$PREFIX")
  cmake -S "$SRC/examples/NDImageKernel" -B "$bin" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release \
    -Dndwrap_DIR="$lib/cmake/ndwrap" | tee "$WORK/ndk-installed.configure.log"
  cmake --build "$bin" --parallel "$JOBS"
  (cd "$bin" && ctest --output-on-failure) | tee "$bin.ctest.out"
  expect_in "$bin.ctest.out" "100% tests passed"
  site=$(site_of "$PREFIX")
  if [[ -z $site ]]; then
    expect_in "$WORK/ndk-installed.configure.log" "ndwrap kernels ndkernels: C library only"
    return 0
  fi
  grep -rqF "$PREFIX/share/ndwrap/swig/ndw_py_ndimage.c" "$bin" --include='*.ninja' \
    --include='*.make' || { echo "the installed ndw_py_ndimage.c is not used"; return 1; }
  if python3 -c 'import numpy, scipy, pytest' >/dev/null 2>&1; then
    (cd "$WORK" && PYTHONPATH="$site:$bin/ndw-kernels-ndkernels/python" python3 -m pytest \
      "$SRC/tests/python/test_ndimage_kernel_example.py" -q -rs -p no:cacheprovider) |
      tee "$WORK/ndk-python.out"
    grep -q " passed" "$WORK/ndk-python.out" && ! grep -q "skipped" "$WORK/ndk-python.out" ||
      { echo "the example's Python test did not run"; return 1; }
  fi
}

# ---- run ---------------------------------------------------------------------
echo "ndwrap consumer tests: source $SRC, scratch $WORK"
step install_shared install_shared
step headers_c11_cxx17 headers_c11_cxx17
step find_package_c find_package_c
step pkg_config_c pkg_config_c "$PREFIX" pkgconfig-consumer
step cxx_consumer cxx_consumer "$PREFIX" cxx-consumer
step embed_add_subdirectory embed_add_subdirectory
step exports_shared exports_shared
step find_package_versions_components find_package_versions_components
step example_c examples c
step example_cxx examples cxx
step install_static_trimmed install_static_trimmed
step static_find_package_c static_find_package_c
step static_pkg_config_c pkg_config_c "$PREFIX_STATIC" pkgconfig-consumer-static
step static_cxx_consumer cxx_consumer "$PREFIX_STATIC" cxx-consumer-static
step static_missing_component static_missing_component
step external_module_find_package external_module_find_package
if [[ -z $(site_of "$PREFIX") ]]; then
  echo "SKIP: external_module_python (ndwrap installed without its Python package:" \
    "needs SWIG 4.1+ and the Python headers)"
elif ! "$PY" -c 'import numpy, scipy, pytest' >/dev/null 2>&1; then
  echo "SKIP: external_module_python (needs NumPy, SciPy and pytest)"
else
  step external_module_python external_module_python
fi
step static_external_module_c static_external_module_c
step module_configure_messages module_configure_messages
step ndimage_kernels_find_package ndimage_kernels_find_package

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
