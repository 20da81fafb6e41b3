# ndwrap's wrap options: which pixel types and dimensions are instantiated.
# The codes come from the pixel table itself (via the generator), so a new
# table row gets its NDW_WRAP_<code> option with no change here.

set(NDW_PIXEL_TABLE "${PROJECT_SOURCE_DIR}/Modules/Core/Common/include/ndw/pixel_types.h")
set(NDW_GENERATOR "${PROJECT_SOURCE_DIR}/generator/ndwgen.py")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             "${NDW_PIXEL_TABLE}" "${NDW_GENERATOR}")

execute_process(
  COMMAND "${Python3_EXECUTABLE}" "${NDW_GENERATOR}" --table "${NDW_PIXEL_TABLE}" --out . --print-codes
  OUTPUT_VARIABLE NDW_ALL_PIXEL_CODES OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "ndwrap: the generator could not read ${NDW_PIXEL_TABLE}")
endif()

set(NDW_WRAPPED_CODES "")
foreach(code IN LISTS NDW_ALL_PIXEL_CODES)
  option(NDW_WRAP_${code} "Wrap pixel type ${code}" ON)
  if(NDW_WRAP_${code})
    list(APPEND NDW_WRAPPED_CODES ${code})
  endif()
endforeach()
if(NOT NDW_WRAPPED_CODES)
  message(FATAL_ERROR "ndwrap: every NDW_WRAP_<code> is OFF; at least one pixel type is needed")
endif()
set(NDW_WRAP_DIMS "2;3;4" CACHE STRING "Image dimensions to wrap (1..8), ';'-separated")

# Fixed-size pixel types (the NDW_COMPOUND_TABLE rows of the same file):
# NDW_WRAP_<code> defaults to the row's ON/OFF column; a row needs its
# component type wrapped too.  NDW_WRAP_VECTOR_COMPONENTS adds lengths to the
# rows whose length is the image dimension (ITK's ITK_WRAP_VECTOR_COMPONENTS:
# "3" adds Image[Vector[F, 3], 2]).
execute_process(
  COMMAND "${Python3_EXECUTABLE}" "${NDW_GENERATOR}" --table "${NDW_PIXEL_TABLE}" --out . --print-compound
  OUTPUT_VARIABLE _ndw_compound_rows OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "ndwrap: the generator could not read ${NDW_PIXEL_TABLE}")
endif()
set(NDW_WRAPPED_COMPOUND "")
foreach(_row IN LISTS _ndw_compound_rows)
  string(REPLACE "=" ";" _row "${_row}")
  list(GET _row 0 code)
  list(GET _row 1 _on)
  option(NDW_WRAP_${code} "Wrap the fixed-size pixel type ${code} (Image[...] of it)" ${_on})
  if(NDW_WRAP_${code})
    list(APPEND NDW_WRAPPED_COMPOUND ${code})
  endif()
endforeach()
set(NDW_WRAP_VECTOR_COMPONENTS "" CACHE STRING
    "Extra lengths of Vector/CovariantVector image pixels besides the dimension, ';'-separated")
message(STATUS "ndwrap wraps pixel types: ${NDW_WRAPPED_CODES}; dimensions: ${NDW_WRAP_DIMS}; "
               "fixed-size pixel types: ${NDW_WRAPPED_COMPOUND}")
