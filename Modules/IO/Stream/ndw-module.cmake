ndw_module(IOStream
  DEPENDS Common
  DESCRIPTION "C streams (read/write/seek/tell/flush/close table) with memory and file streams")
