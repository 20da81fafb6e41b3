# ndw_add_module(): wrap a toolkit's own typed C code for every enabled
# pixel type and dimension (the job WrapITK does for ITK's filters).
#
#   ndw_add_module(NAME <target>
#                  WRAP_FILE <file.wrap>          # functions, templates, type sets
#                  [SOURCES <c files>...]         # ordinary (non-template) sources
#                  [INCLUDE_DIRS <dirs>...]       # public include dirs
#                  [PYTHON ON|OFF]                # default: NDW_WRAP_PYTHON (below)
#                  [INSTALL_DIR <dir>])           # install the Python package to
#                                                 # <dir>/<package>; default "." under
#                                                 # scikit-build-core (a module's wheel)
#
# Makes the C library <target> (link it from C: its header
# <package>_instances.h declares every instance), and with Python the
# package <package> (named by the .wrap file's `module` line) in
# ${<target>_PYTHON_DIR}, next to ndwrap's own package when built together.
# Templates are read relative to the calling CMakeLists.txt.
#
# Available after either
#   add_subdirectory(<ndwrap source>)   types, dimensions and NDW_WRAP_PYTHON are
#                                       the embedded ndwrap's options; the package
#                                       goes next to ndwrap's in its build tree.
#   find_package(ndwrap CONFIG)         an installed ndwrap (ndwrapConfig.cmake
#                                       includes this file): types and dimensions
#                                       are those the installation was built with;
#                                       generator, pixel table and SWIG files come
#                                       from the install; the package goes to
#                                       ${CMAKE_CURRENT_BINARY_DIR}/ndw-module-<target>/python.
#
# Python, for an installed ndwrap: NDW_WRAP_PYTHON set before find_package()
# (-D or a plain variable) to ON or OFF decides; unset, it is AUTO: a module
# gets its Python package when the installation includes ndwrap's Python
# package and SWIG 4.1+ and the development files of that same Python X.Y are
# found, and otherwise only its C library (with a STATUS message saying why).
# PYTHON ON|OFF decides per module.
#
# Both ways set these GLOBAL properties (read here, set by ndwrap's top-level
# CMakeLists.txt or by ndwrapConfig.cmake): NDW_WRAPPED_CODES, NDW_WRAPPED_DIMS,
# NDW_GENERATOR, NDW_PYTHON_EXECUTABLE (empty: found here), NDW_PIXEL_TABLE,
# NDW_SWIG_DIRS (ndwrap's swig/ files first, then the folder of ndw_instances.i),
# NDW_WRAP_PYTHON (ON, OFF or AUTO), NDW_PYTHON_BUILD_DIR (optional),
# NDW_VERSION, NDW_INSTALLED (ON for an installation) and, for an installation,
# NDW_PYTHON_VERSION (X.Y of its Python package, empty if none), NDW_ALL_CODES
# (every code of the pixel table) and NDW_OPTION_STYLE (pip for ndwrap's wheel,
# else cmake: how messages spell ndwrap's options).
#
# Against an installation a module may narrow the installed types and
# dimensions with its own NDW_WRAP_DIMS / NDW_WRAP_<code>=OFF (cache variables:
# -D..., or pip's -Ccmake.define....), never widen them.  The generated package
# records what it was built against (_table.BUILT_FOR: ndwrap version, pixel
# table, types, dimensions, each function's type sets, option spelling) and
# checks it against the installed ndwrap at import (ImportError on mismatch).

# Run the generator on a .wrap file (shared by ndw_add_module and its CORE
# form); sets <pkg_var> to the package name of the file's `module` line.
function(_ndw_generate_module pkg_var name python wrap template_dir out)
  if(DEFINED _NDW_MODULE_CODES) # a module that narrowed an installation's sets
    set(_codes "${_NDW_MODULE_CODES}")
    set(_dims "${_NDW_MODULE_DIMS}")
  else()
    get_property(_codes GLOBAL PROPERTY NDW_WRAPPED_CODES)
    get_property(_dims GLOBAL PROPERTY NDW_WRAPPED_DIMS)
  endif()
  get_property(_version GLOBAL PROPERTY NDW_VERSION)
  if(SKBUILD) # the module's own build: how its NotWrappedError hints spell options
    set(_style pip)
  else()
    set(_style cmake)
  endif()
  get_property(_gen GLOBAL PROPERTY NDW_GENERATOR)
  get_property(_table GLOBAL PROPERTY NDW_PIXEL_TABLE)
  get_filename_component(_wrap "${wrap}" ABSOLUTE)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_wrap}")
  execute_process(
    COMMAND "${python}" "${_gen}" --table "${_table}" --types "${_codes}" --dims "${_dims}"
            --wrap-file "${_wrap}" --template-dir "${template_dir}" --out "${out}"
            --version "${_version}" --option-style ${_style} ${ARGN}
    RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "ndw_add_module(${name}): the generator failed on ${_wrap}")
  endif()
  file(STRINGS "${_wrap}" _mline REGEX "^[ \t]*module[ \t]+")
  string(REGEX REPLACE "^[ \t]*module[ \t]+([A-Za-z_0-9]+).*" "\\1" _pkg "${_mline}")
  set(${pkg_var} "${_pkg}" PARENT_SCOPE)
endfunction()

function(ndw_add_module)
  if("CORE" IN_LIST ARGN) # ndwrap's own modules (cmake/ndwCoreModule.cmake)
    _ndw_add_core_module(${ARGN})
    set(NDW_SOURCES "${NDW_SOURCES}" PARENT_SCOPE)
    return()
  endif()
  cmake_parse_arguments(M "" "NAME;WRAP_FILE;PYTHON;INSTALL_DIR" "SOURCES;INCLUDE_DIRS" ${ARGN})
  if(NOT M_NAME OR NOT M_WRAP_FILE)
    message(FATAL_ERROR "ndw_add_module: NAME and WRAP_FILE are required")
  endif()
  get_property(_codes GLOBAL PROPERTY NDW_WRAPPED_CODES)
  get_property(_dims GLOBAL PROPERTY NDW_WRAPPED_DIMS)
  get_property(_gen GLOBAL PROPERTY NDW_GENERATOR)
  get_property(_python GLOBAL PROPERTY NDW_PYTHON_EXECUTABLE)
  get_property(_table GLOBAL PROPERTY NDW_PIXEL_TABLE)
  get_property(_swig_dirs GLOBAL PROPERTY NDW_SWIG_DIRS)
  get_property(_py_on GLOBAL PROPERTY NDW_WRAP_PYTHON)
  get_property(_py_dir GLOBAL PROPERTY NDW_PYTHON_BUILD_DIR)
  get_property(_installed GLOBAL PROPERTY NDW_INSTALLED)
  if(_installed) # the module's own NDW_WRAP_DIMS / NDW_WRAP_<code> may narrow
    _ndw_module_narrow(_codes _dims "${M_NAME}")
    set(_NDW_MODULE_CODES "${_codes}")
    set(_NDW_MODULE_DIMS "${_dims}")
  endif()
  if(_py_on STREQUAL "AUTO")            # an installed ndwrap, NDW_WRAP_PYTHON unset
    if(DEFINED M_PYTHON)
      set(_py_on ${M_PYTHON})
    else()
      _ndw_module_python_auto(_py_on "${M_NAME}")
    endif()
  elseif(DEFINED M_PYTHON AND NOT M_PYTHON)
    set(_py_on OFF)
  elseif(NOT _py_on AND NOT DEFINED M_PYTHON)
    message(STATUS "ndwrap module ${M_NAME}: C library only, no Python package: the "
      "embedded ndwrap builds no Python package (NDW_WRAP_PYTHON is OFF; set it ON "
      "before add_subdirectory(ndwrap), which needs SWIG 4.1+ and Python's development files)")
  elseif(M_PYTHON AND NOT _py_on)
    message(FATAL_ERROR "ndw_add_module(${M_NAME} PYTHON ON): the embedded ndwrap builds no "
      "Python package (NDW_WRAP_PYTHON is OFF); set NDW_WRAP_PYTHON ON before "
      "add_subdirectory(ndwrap), or drop PYTHON ON")
  endif()
  if(NOT _python)
    find_package(Python3 COMPONENTS Interpreter REQUIRED)
    set(_python "${Python3_EXECUTABLE}")
  endif()
  set(_out "${CMAKE_CURRENT_BINARY_DIR}/ndw-module-${M_NAME}")
  _ndw_generate_module(_pkg "${M_NAME}" "${_python}" "${M_WRAP_FILE}" "${CMAKE_CURRENT_SOURCE_DIR}"
                       "${_out}")

  add_library(${M_NAME} ${M_SOURCES} "${_out}/src/${_pkg}_instances.c")
  set_target_properties(${M_NAME} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${M_NAME} PUBLIC "${_out}/include" ${M_INCLUDE_DIRS})
  target_link_libraries(${M_NAME} PUBLIC ndwrap::Core)
  message(STATUS "ndwrap module ${M_NAME}: package ${_pkg}, types ${_codes}, dims ${_dims}")

  if(_py_on)
    if(NOT _swig_dirs)
      message(FATAL_ERROR "ndw_add_module(${M_NAME}): Python wrapping needs ndwrap's SWIG "
        "files, which this ndwrap installation lacks: they are installed with "
        "-DModule_BridgeNumPy=ON. Build the module with PYTHON OFF (or NDW_WRAP_PYTHON=OFF) "
        "or reinstall ndwrap.")
    endif()
    find_package(Python3 COMPONENTS Interpreter Development.Module REQUIRED)
    find_package(SWIG 4.1 REQUIRED)
    get_property(_py_ver GLOBAL PROPERTY NDW_PYTHON_VERSION)
    set(_py_found "${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}")
    if(_py_ver AND NOT _py_found VERSION_EQUAL _py_ver)
      message(WARNING "ndw_add_module(${M_NAME}): building for Python ${_py_found}, but the "
        "installed ndwrap package is for Python ${_py_ver}; `import ${_pkg}` needs an "
        "ndwrap package with the same pixel types and dimensions for Python ${_py_found}.")
    endif()
    if(NOT _py_dir)
      set(_py_dir "${_out}/python")
    endif()
    set(_pkgdir "${_py_dir}/${_pkg}")
    file(MAKE_DIRECTORY "${_pkgdir}")
    set(_incs "")
    foreach(_d IN LISTS _swig_dirs)
      list(APPEND _incs "-I${_d}")
    endforeach()
    add_custom_command(
      OUTPUT "${_out}/swig/${_pkg}_wrap.c" "${_pkgdir}/wrapped.py"
      COMMAND "${SWIG_EXECUTABLE}" -python -builtin ${_incs} -outdir "${_pkgdir}"
              -o "${_out}/swig/${_pkg}_wrap.c" "${_out}/swig/${_pkg}.i"
      COMMAND "${_python}" "${_gen}" --strip-unused-typing "${_pkgdir}/wrapped.py"
      DEPENDS "${_out}/swig/${_pkg}.i"
      COMMENT "SWIG: ${_pkg}" VERBATIM)
    list(GET _swig_dirs 0 _ndw_swig_src)
    Python3_add_library(${M_NAME}_python MODULE WITH_SOABI "${_out}/swig/${_pkg}_wrap.c"
                        "${_ndw_swig_src}/ndw_py.c")
    set_target_properties(${M_NAME}_python PROPERTIES OUTPUT_NAME _wrapped
                          LIBRARY_OUTPUT_DIRECTORY "${_pkgdir}" C_VISIBILITY_PRESET hidden)
    target_include_directories(${M_NAME}_python PRIVATE "${_ndw_swig_src}")
    target_compile_options(${M_NAME}_python PRIVATE -Wno-unused-parameter)
    target_link_libraries(${M_NAME}_python PRIVATE ${M_NAME})
    foreach(_f __init__.py _table.py)
      configure_file("${_out}/python/${_pkg}/${_f}" "${_pkgdir}/${_f}" COPYONLY)
    endforeach()
    set(${M_NAME}_PYTHON_DIR "${_py_dir}" PARENT_SCOPE)
    # Installed (a wheel of the module: scikit-build-core installs to the
    # site-packages root, so INSTALL_DIR defaults to "." there): the package
    # folder <INSTALL_DIR>/<package>, whose extension finds the one libndwrap
    # of ndwrap's wheel next to it in site-packages (ndwrap/lib).
    if(NOT DEFINED M_INSTALL_DIR AND SKBUILD)
      set(M_INSTALL_DIR ".")
    endif()
    if(DEFINED M_INSTALL_DIR)
      if(M_INSTALL_DIR STREQUAL "." OR M_INSTALL_DIR STREQUAL "")
        set(_dest "${_pkg}")
      else()
        set(_dest "${M_INSTALL_DIR}/${_pkg}")
      endif()
      get_property(_ndw_style GLOBAL PROPERTY NDW_OPTION_STYLE)
      if(_ndw_style STREQUAL "pip" AND NOT IS_ABSOLUTE "${M_INSTALL_DIR}" AND NOT APPLE
         AND NOT WIN32)
        file(RELATIVE_PATH _rel "/ndw-site/${_dest}" "/ndw-site/ndwrap/lib")
        set_target_properties(${M_NAME}_python PROPERTIES INSTALL_RPATH "$ORIGIN/${_rel}")
      endif()
      install(TARGETS ${M_NAME}_python LIBRARY DESTINATION "${_dest}")
      install(FILES "${_pkgdir}/__init__.py" "${_pkgdir}/_table.py" "${_pkgdir}/wrapped.py"
              DESTINATION "${_dest}")
    endif()
  endif()
endfunction()

# An installed ndwrap: a module is built for the installation's pixel types
# and dimensions, and may narrow them with its own options (cache variables,
# -DNDW_WRAP_DIMS="2;3" -DNDW_WRAP_CF=OFF, or pip's -Ccmake.define.X=...),
# never widen them: the installed ndwrap has no classes for other types.
function(_ndw_module_narrow codes_var dims_var name)
  set(_codes "${${codes_var}}")
  set(_dims "${${dims_var}}")
  get_property(_style GLOBAL PROPERTY NDW_OPTION_STYLE)
  if(_style STREQUAL "pip")
    set(_how "pip install --force-reinstall ndwrap with -Ccmake.define.")
  else()
    set(_how "reconfigure and reinstall ndwrap with -D")
  endif()
  get_property(_all GLOBAL PROPERTY NDW_ALL_CODES)
  foreach(_c IN LISTS _all)
    if(NOT DEFINED NDW_WRAP_${_c} OR "${NDW_WRAP_${_c}}" STREQUAL "")
      continue()
    endif()
    if(NDW_WRAP_${_c})
      if(NOT _c IN_LIST _codes)
        message(FATAL_ERROR "ndw_add_module(${name}): NDW_WRAP_${_c} is ON, but the installed "
          "ndwrap does not wrap ${_c} (it wraps ${_codes}); a module can only narrow the "
          "installation's types: ${_how}NDW_WRAP_${_c}=ON first")
      endif()
    else()
      list(REMOVE_ITEM _codes ${_c})
    endif()
  endforeach()
  if(DEFINED NDW_WRAP_DIMS AND NOT "${NDW_WRAP_DIMS}" STREQUAL "")
    foreach(_d IN LISTS NDW_WRAP_DIMS)
      if(NOT _d IN_LIST _dims)
        message(FATAL_ERROR "ndw_add_module(${name}): NDW_WRAP_DIMS=${NDW_WRAP_DIMS}, but the "
          "installed ndwrap wraps dimensions ${_dims} only; a module can only narrow the "
          "installation's dimensions: ${_how}NDW_WRAP_DIMS=... first")
      endif()
    endforeach()
    set(_dims "${NDW_WRAP_DIMS}")
  endif()
  if(NOT _codes)
    message(FATAL_ERROR "ndw_add_module(${name}): the module's NDW_WRAP_<code> options "
      "leave no pixel type")
  endif()
  set(${codes_var} "${_codes}" PARENT_SCOPE)
  set(${dims_var} "${_dims}" PARENT_SCOPE)
endfunction()

# AUTO (an installed ndwrap, NDW_WRAP_PYTHON not set): a Python package when
# the installation has ndwrap's Python package (and its SWIG files) and SWIG
# 4.1+ and the development files of that same Python X.Y are found.
function(_ndw_module_python_auto out name)
  get_property(_ver GLOBAL PROPERTY NDW_PYTHON_VERSION)
  get_property(_swig_dirs GLOBAL PROPERTY NDW_SWIG_DIRS)
  set(_why "")
  if(NOT _swig_dirs)
    set(_why "this ndwrap installation was built without Module_BridgeNumPy")
  elseif(NOT _ver)
    set(_why "this ndwrap installation has no Python package (configure ndwrap with "
             "-DNDW_WRAP_PYTHON=ON and reinstall)")
  else()
    find_package(Python3 COMPONENTS Interpreter Development.Module QUIET)
    find_package(SWIG 4.1 QUIET)
    set(_found "${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}")
    if(NOT Python3_Development.Module_FOUND)
      set(_why "no development files of Python ${_ver} found")
    elseif(NOT _found VERSION_EQUAL _ver)
      set(_why "found Python ${_found}, but the installed ndwrap package is for Python "
               "${_ver} (point Python3_EXECUTABLE at python${_ver})")
    elseif(NOT SWIG_FOUND)
      set(_why "SWIG 4.1 or newer not found")
    endif()
  endif()
  if(_why)
    string(CONCAT _why ${_why})
    message(STATUS "ndwrap module ${name}: C library only, no Python package: ${_why}; "
                   "with NDW_WRAP_PYTHON=ON this is an error")
    set(${out} OFF PARENT_SCOPE)
  else()
    set(${out} ON PARENT_SCOPE)
  endif()
endfunction()
