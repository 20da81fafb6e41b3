# ndw_add_module(): wrap a toolkit's own typed C code for every enabled
# pixel type and dimension (the job WrapITK does for ITK's filters).
#
#   ndw_add_module(NAME <target>
#                  WRAP_FILE <file.wrap>          # functions, templates, type sets
#                  [SOURCES <c files>...]         # ordinary (non-template) sources
#                  [INCLUDE_DIRS <dirs>...]       # public include dirs
#                  [PYTHON ON|OFF])               # default: ndwrap's NDW_WRAP_PYTHON
#
# Makes the C library <target> (link it from C: its header
# <package>_instances.h declares every instance), and with Python the
# package <package> (named by the .wrap file's `module` line) in
# ${<target>_PYTHON_DIR}, next to ndwrap's own package when built together.
# Templates are read relative to the calling CMakeLists.txt.

function(ndw_add_module)
  cmake_parse_arguments(M "" "NAME;WRAP_FILE;PYTHON" "SOURCES;INCLUDE_DIRS" ${ARGN})
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
  if(DEFINED M_PYTHON AND NOT M_PYTHON)
    set(_py_on OFF)
  endif()
  get_filename_component(_wrap "${M_WRAP_FILE}" ABSOLUTE)
  set(_out "${CMAKE_CURRENT_BINARY_DIR}/ndw-module-${M_NAME}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_wrap}")
  execute_process(
    COMMAND "${_python}" "${_gen}" --table "${_table}" --types "${_codes}"
            --dims "${_dims}" --wrap-file "${_wrap}" --template-dir "${CMAKE_CURRENT_SOURCE_DIR}"
            --out "${_out}"
    RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "ndw_add_module(${M_NAME}): the generator failed on ${_wrap}")
  endif()
  file(STRINGS "${_wrap}" _mline REGEX "^[ \t]*module[ \t]+")
  string(REGEX REPLACE "^[ \t]*module[ \t]+([A-Za-z_0-9]+).*" "\\1" _pkg "${_mline}")

  add_library(${M_NAME} ${M_SOURCES} "${_out}/src/${_pkg}_instances.c")
  set_target_properties(${M_NAME} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${M_NAME} PUBLIC "${_out}/include" ${M_INCLUDE_DIRS})
  target_link_libraries(${M_NAME} PUBLIC ndwrap::Core)
  message(STATUS "ndwrap module ${M_NAME}: package ${_pkg}, types ${_codes}, dims ${_dims}")

  if(_py_on)
    find_package(Python3 COMPONENTS Interpreter Development.Module REQUIRED)
    find_package(SWIG 4.1 REQUIRED)
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
  endif()
endfunction()
