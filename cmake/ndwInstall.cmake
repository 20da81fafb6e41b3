# Install rules, exported targets, package config and pkg-config (issue 6).
#
# Included by the top-level CMakeLists.txt when NDW_INSTALL is ON (the default
# at top level, OFF under add_subdirectory()).  Everything here goes to the
# install components
#
#   Runtime      the shared library (libndwrap.so.X.Y[.Z], or the .dll)
#   Development  headers, the static library or the .so namelink, the CMake
#                package (ndwrapConfig*.cmake, ndwrapTargets*.cmake), ndwrap.pc
#
# and never to "python": the wheel build installs only COMPONENT python, so
# none of these files end up in a wheel.
#
# Consumers:
#   find_package(ndwrap 0.1 CONFIG REQUIRED COMPONENTS Core BridgeNumPy)
#   target_link_libraries(app PRIVATE ndwrap::Core)
# or
#   cc $(pkg-config --cflags ndwrap) app.c $(pkg-config --libs ndwrap)

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(NDW_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/ndwrap" CACHE STRING
    "Install folder (relative to the prefix) of ndwrapConfig.cmake")
set(NDW_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig" CACHE STRING
    "Install folder (relative to the prefix) of ndwrap.pc")
mark_as_advanced(NDW_INSTALL_CMAKEDIR NDW_INSTALL_PKGCONFIGDIR)

# ---- headers: every enabled module's include/ndw plus the generated config.h
foreach(_m IN LISTS NDW_ENABLED_MODULES)
  if(IS_DIRECTORY "${NDW_MODULE_${_m}_DIR}/include/ndw")
    install(DIRECTORY "${NDW_MODULE_${_m}_DIR}/include/ndw"
            DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT Development
            FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
  endif()
endforeach()
install(FILES "${NDW_GENERATED_DIR}/include/ndw/config.h"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/ndw" COMPONENT Development)

# ---- the library and one interface target per module ----------------------
set(_ndw_export_targets ndwrap)
foreach(_m IN LISTS NDW_ENABLED_MODULES)
  list(APPEND _ndw_export_targets ndwrap_${_m})
endforeach()
install(TARGETS ${_ndw_export_targets} EXPORT ndwrapTargets
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT Runtime
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT Runtime
          NAMELINK_COMPONENT Development
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT Development)
install(EXPORT ndwrapTargets NAMESPACE ndwrap:: FILE ndwrapTargets.cmake
        DESTINATION "${NDW_INSTALL_CMAKEDIR}" COMPONENT Development)

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
set(_ndw_cfg_dir "${PROJECT_BINARY_DIR}/ndw-package")
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/ndwrapConfig.cmake.in"
  "${_ndw_cfg_dir}/ndwrapConfig.cmake"
  INSTALL_DESTINATION "${NDW_INSTALL_CMAKEDIR}"
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_LIBDIR)
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
if(NDW_BUILD_SHARED)
  set(NDW_PC_CFLAGS "")
  set(NDW_PC_LIBS "-lndwrap")
  set(NDW_PC_LIBS_PRIVATE "${NDW_PC_LIBM}")
else()
  # A static-only install: plain `pkg-config --libs` must already link.
  set(NDW_PC_CFLAGS " -DNDW_STATIC_DEFINE")
  set(NDW_PC_LIBS "-lndwrap ${NDW_PC_LIBM}")
  set(NDW_PC_LIBS_PRIVATE "")
endif()
string(STRIP "${NDW_PC_LIBS}" NDW_PC_LIBS)
configure_file("${PROJECT_SOURCE_DIR}/cmake/ndwrap.pc.in" "${_ndw_cfg_dir}/ndwrap.pc" @ONLY)
install(FILES "${_ndw_cfg_dir}/ndwrap.pc" DESTINATION "${NDW_INSTALL_PKGCONFIGDIR}"
        COMPONENT Development)

unset(_ndw_export_targets)
unset(_ndw_cfg_dir)
unset(_ndw_pcdir)
