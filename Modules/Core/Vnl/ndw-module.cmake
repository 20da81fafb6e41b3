ndw_module(Vnl
  DEPENDS Common
  DESCRIPTION "vnl-style vectors and row-major matrices per element type")
