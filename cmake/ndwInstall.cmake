# Install rules, exported targets, package config and pkg-config (issue 6).
#
# Included by the top-level CMakeLists.txt when NDW_INSTALL is ON (the default
# at top level, OFF under add_subdirectory()).  Everything here goes to the
# install components
#
#   Runtime      the shared library (libndwrap.so.X.Y[.Z], or the .dll)
#   Development  headers, the static library or the .so namelink, the CMake
#                package (ndwrapConfig*.cmake, ndwrapTargets*.cmake,
#                ndwModule.cmake), ndwrap.pc, and what ndw_add_module() needs
#                from an installation: share/ndwrap/generator/ndwgen.py and,
#                with BridgeNumPy, share/ndwrap/swig/ (ndwrap's *.i files,
#                ndw_py.c, ndw_py.h and the generated ndw_instances.i,
#                ndw_modules.i and <module>.i); the pixel table is the
#                installed include/ndw/pixel_types.h
#
# and never to "python".  The wheel build (scikit-build-core, pyproject.toml)
# installs all three components with the install folders inside the package
# (ndwrap/lib, ndwrap/include, ndwrap/share): the wheel is an SDK (issue 15).
#
# Consumers:
#   find_package(ndwrap 0.1 CONFIG REQUIRED COMPONENTS Core BridgeNumPy)
#   target_link_libraries(app PRIVATE ndwrap::Core)
# or
#   cc $(pkg-config --cflags ndwrap) app.c $(pkg-config --libs ndwrap) \
#      -Wl,-rpath,"$(pkg-config --variable=libdir ndwrap)"   (see docs/consumers.rst)

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(NDW_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/ndwrap" CACHE STRING
    "Install folder (relative to the prefix) of ndwrapConfig.cmake")
set(NDW_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig" CACHE STRING
    "Install folder (relative to the prefix) of ndwrap.pc")
set(NDW_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/ndwrap" CACHE STRING
    "Install folder (relative to the prefix) of ndwrap's generator and SWIG files")
mark_as_advanced(NDW_INSTALL_CMAKEDIR NDW_INSTALL_PKGCONFIGDIR NDW_INSTALL_DATADIR)

# ---- headers: every enabled module's include/ndw plus the generated config.h
foreach(_m IN LISTS NDW_ENABLED_MODULES)
  if(IS_DIRECTORY "${NDW_MODULE_${_m}_DIR}/include/ndw")
    install(DIRECTORY "${NDW_MODULE_${_m}_DIR}/include/ndw"
            DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT Development
            FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
  endif()
endforeach()
# the instance headers of ndwrap's own ndw_add_module() modules (imagecast_instances.h)
get_property(_ndw_core_mods GLOBAL PROPERTY NDW_CORE_WRAP_MODULES)
foreach(_m IN LISTS _ndw_core_mods)
  install(FILES "${NDW_GENERATED_DIR}/include/${_m}_instances.h"
          DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT Development)
endforeach()
install(FILES "${NDW_GENERATED_DIR}/include/ndw/config.h"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/ndw" COMPONENT Development)

# ---- the library and one interface target per module ----------------------
set(_ndw_export_targets ndwrap)
foreach(_m IN LISTS NDW_ENABLED_MODULES)
  list(APPEND _ndw_export_targets ndwrap_${_m})
endforeach()
if(SKBUILD) # the wheel: libndwrap.so.X.Y only (a zip would copy a namelink)
  set(_ndw_namelink NAMELINK_SKIP)
else()
  set(_ndw_namelink NAMELINK_COMPONENT Development)
endif()
install(TARGETS ${_ndw_export_targets} EXPORT ndwrapTargets
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT Runtime
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT Runtime
          ${_ndw_namelink}
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT Development)
install(EXPORT ndwrapTargets NAMESPACE ndwrap:: FILE ndwrapTargets.cmake
        DESTINATION "${NDW_INSTALL_CMAKEDIR}" COMPONENT Development)

# ---- what ndw_add_module() needs after find_package(ndwrap) ----------------
# The generator, and the SWIG interface a module's .i %imports (with the
# ndw_instances.i of exactly this build's types and dimensions) plus the glue
# compiled into every module's extension.  Without BridgeNumPy there is no
# Python wrapping (ndw_py.h needs ndw/buffer.h), so no SWIG files either.
install(FILES "${PROJECT_SOURCE_DIR}/cmake/ndwModule.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/ndwNDImageKernels.cmake"
        DESTINATION "${NDW_INSTALL_CMAKEDIR}" COMPONENT Development)
install(FILES "${NDW_GENERATOR}" DESTINATION "${NDW_INSTALL_DATADIR}/generator"
        COMPONENT Development)
set(NDW_CONFIG_SWIG OFF)
if("BridgeNumPy" IN_LIST NDW_ENABLED_MODULES)
  set(NDW_CONFIG_SWIG ON)
  file(GLOB _ndw_swig_files "${PROJECT_SOURCE_DIR}/swig/*.i")
  list(APPEND _ndw_swig_files "${PROJECT_SOURCE_DIR}/swig/ndw_py.c"
       "${PROJECT_SOURCE_DIR}/swig/ndw_py.h" "${NDW_GENERATED_DIR}/swig/ndw_instances.i")
  # the glue ndw_add_ndimage_kernels() compiles into a toolkit's kernel module
  if("BridgeNDImage" IN_LIST NDW_ENABLED_MODULES)
    list(APPEND _ndw_swig_files "${PROJECT_SOURCE_DIR}/swig/ndw_py_ndimage.c"
         "${PROJECT_SOURCE_DIR}/swig/ndw_py_ndimage.h")
  endif()
  # ndwrap.i also %includes the declarations of ndwrap's own modules (ImageCast, ...)
  get_property(_ndw_core_wraps GLOBAL PROPERTY NDW_CORE_WRAP_MODULES)
  foreach(_f IN ITEMS ndw_modules LISTS _ndw_core_wraps)
    if(EXISTS "${NDW_GENERATED_DIR}/swig/${_f}.i")
      list(APPEND _ndw_swig_files "${NDW_GENERATED_DIR}/swig/${_f}.i")
    endif()
  endforeach()
  install(FILES ${_ndw_swig_files} DESTINATION "${NDW_INSTALL_DATADIR}/swig"
          COMPONENT Development)
endif()
# Where this build installs its Python package (COMPONENT python), for
# consumers' modules: the Python X.Y it was built for and its site folder.
set(NDW_CONFIG_PYTHON_VERSION "")
set(NDW_CONFIG_PYTHON_DIR "")
if(NDW_WRAP_PYTHON AND NDW_PYTHON_INSTALL_DIR)
  set(NDW_CONFIG_PYTHON_VERSION "${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}")
  get_filename_component(NDW_CONFIG_PYTHON_DIR "${NDW_PYTHON_INSTALL_DIR}" DIRECTORY)
  if(NDW_CONFIG_PYTHON_DIR STREQUAL "") # the wheel: the prefix is site-packages
    set(NDW_CONFIG_PYTHON_DIR "\${PACKAGE_PREFIX_DIR}")
  elseif(NOT IS_ABSOLUTE "${NDW_CONFIG_PYTHON_DIR}")
    set(NDW_CONFIG_PYTHON_DIR "\${PACKAGE_PREFIX_DIR}/${NDW_CONFIG_PYTHON_DIR}")
  endif()
endif()
# The wheel (scikit-build-core): the CMake package inside the Python package,
# and the hints a module author sees use pip's spelling of options.
if(SKBUILD)
  set(NDW_CONFIG_WHEEL ON)
else()
  set(NDW_CONFIG_WHEEL OFF)
endif()

# ndwrap.get_cmake_dir(), get_include(), ... and `python -m ndwrap --cmakedir`:
# the SDK's folders relative to the installed Python package (COMPONENT python).
if(NDW_WRAP_PYTHON AND NDW_PYTHON_INSTALL_DIR)
  set(_ndw_sdk_py "\"\"\"generated by CMake: the SDK's folders, relative to this package\"\"\"\n")
  string(APPEND _ndw_sdk_py "INSTALLED = True\n")
  if(SKBUILD)
    string(APPEND _ndw_sdk_py "WHEEL = True\n")
  else()
    string(APPEND _ndw_sdk_py "WHEEL = False\n")
  endif()
  foreach(_v CMAKE_DIR:NDW_INSTALL_CMAKEDIR INCLUDE_DIR:CMAKE_INSTALL_INCLUDEDIR
             LIBRARY_DIR:CMAKE_INSTALL_LIBDIR DATA_DIR:NDW_INSTALL_DATADIR)
    string(REPLACE ":" ";" _v "${_v}")
    list(GET _v 0 _key)
    list(GET _v 1 _dir)
    # relative to the package folder when both are under the prefix (a wheel,
    # a relocatable install), else absolute (fixed at configure time)
    if(IS_ABSOLUTE "${${_dir}}")
      set(_rel "${${_dir}}")
    elseif(IS_ABSOLUTE "${NDW_PYTHON_INSTALL_DIR}")
      set(_rel "${CMAKE_INSTALL_PREFIX}/${${_dir}}")
    else()
      file(RELATIVE_PATH _rel "/ndw-prefix/${NDW_PYTHON_INSTALL_DIR}" "/ndw-prefix/${${_dir}}")
    endif()
    string(APPEND _ndw_sdk_py "${_key} = \"${_rel}\"\n")
  endforeach()
  file(CONFIGURE OUTPUT "${PROJECT_BINARY_DIR}/ndw-package/_sdk_paths.py" CONTENT "${_ndw_sdk_py}")
  install(FILES "${PROJECT_BINARY_DIR}/ndw-package/_sdk_paths.py"
          DESTINATION "${NDW_PYTHON_INSTALL_DIR}" COMPONENT python)
  unset(_ndw_sdk_py)
endif()

# ---- CMake package ---------------------------------------------------------
# Version policy: SameMinorVersion.  ndwrap is 0.y and its soname is
# MAJOR.MINOR (libndwrap.so.0.1): a new minor release may change the ABI and
# the instantiated type set, so find_package(ndwrap 0.1) accepts 0.1.z only,
# exactly the releases that share a soname.  Switch to SameMajorVersion
# together with SOVERSION ${PROJECT_VERSION_MAJOR} once 1.0 promises ABI
# stability within a major version.
if(NDW_BUILD_SHARED)
  set(NDW_CONFIG_SHARED ON)
else()
  set(NDW_CONFIG_SHARED OFF)
endif()
set(NDW_CONFIG_FIND_DEPENDENCIES "")
if(NOT NDW_BUILD_SHARED) # a static library's link dependencies are the consumer's
  foreach(_dep IN LISTS NDW_FIND_DEPENDENCIES)
    string(APPEND NDW_CONFIG_FIND_DEPENDENCIES "find_dependency(${_dep})\n")
  endforeach()
endif()
set(_ndw_cfg_dir "${PROJECT_BINARY_DIR}/ndw-package")
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/ndwrapConfig.cmake.in"
  "${_ndw_cfg_dir}/ndwrapConfig.cmake"
  INSTALL_DESTINATION "${NDW_INSTALL_CMAKEDIR}"
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_LIBDIR NDW_INSTALL_DATADIR)
write_basic_package_version_file("${_ndw_cfg_dir}/ndwrapConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion)
install(FILES "${_ndw_cfg_dir}/ndwrapConfig.cmake" "${_ndw_cfg_dir}/ndwrapConfigVersion.cmake"
        DESTINATION "${NDW_INSTALL_CMAKEDIR}" COMPONENT Development)

# ---- pkg-config ------------------------------------------------------------
# Relocatable: the prefix is found from the .pc file's own place (pcfiledir),
# so `cmake --install --prefix <elsewhere>` and moved trees keep working.
if(IS_ABSOLUTE "${NDW_INSTALL_PKGCONFIGDIR}")
  set(NDW_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  set(NDW_PC_PREFIX "\${pcfiledir}")
  string(REGEX REPLACE "/+$" "" _ndw_pcdir "${NDW_INSTALL_PKGCONFIGDIR}")
  string(REPLACE "/" ";" _ndw_pcdir "${_ndw_pcdir}")
  foreach(_part IN LISTS _ndw_pcdir)
    if(NOT _part STREQUAL "" AND NOT _part STREQUAL ".")
      string(APPEND NDW_PC_PREFIX "/..")
    endif()
  endforeach()
endif()
foreach(_dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_dir}}")
    set(NDW_PC_${_dir} "${CMAKE_INSTALL_${_dir}}")
  else()
    set(NDW_PC_${_dir} "\${prefix}/${CMAKE_INSTALL_${_dir}}")
  endif()
endforeach()
set(NDW_PC_LIBM "")
if(NDW_LIBM)
  set(NDW_PC_LIBM "-lm")
endif()
set(NDW_PC_DEPS "") # modules' libraries as linker flags (-lz)
foreach(_dep IN LISTS NDW_PC_LINK_FLAGS)
  string(APPEND NDW_PC_DEPS " ${_dep}")
endforeach()
if(NDW_BUILD_SHARED)
  set(NDW_PC_CFLAGS "")
  set(NDW_PC_LIBS "-lndwrap")
  set(NDW_PC_LIBS_PRIVATE "${NDW_PC_LIBM}${NDW_PC_DEPS}")
else()
  # A static-only install: plain `pkg-config --libs` must already link.
  set(NDW_PC_CFLAGS " -DNDW_STATIC_DEFINE")
  set(NDW_PC_LIBS "-lndwrap${NDW_PC_DEPS} ${NDW_PC_LIBM}")
  set(NDW_PC_LIBS_PRIVATE "")
endif()
string(STRIP "${NDW_PC_LIBS}" NDW_PC_LIBS)
configure_file("${PROJECT_SOURCE_DIR}/cmake/ndwrap.pc.in" "${_ndw_cfg_dir}/ndwrap.pc" @ONLY)
if(NOT SKBUILD) # (the wheel has no libndwrap.so namelink for -lndwrap: CMake only)
  install(FILES "${_ndw_cfg_dir}/ndwrap.pc" DESTINATION "${NDW_INSTALL_PKGCONFIGDIR}"
          COMPONENT Development)
endif()

unset(_ndw_export_targets)
unset(_ndw_cfg_dir)
unset(_ndw_pcdir)
unset(_ndw_swig_files)
unset(_ndw_core_wraps)
