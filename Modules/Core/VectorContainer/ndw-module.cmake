ndw_module(VectorContainer
  DEPENDS Common
  DESCRIPTION "ITK's VectorContainer: a resizable array of scalars or points, exported to NumPy without a copy")
