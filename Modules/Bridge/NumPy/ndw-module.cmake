ndw_module(BridgeNumPy
  DEPENDS Image Vnl
  DEFAULT NDW_WRAP_PYTHON
  DESCRIPTION "strided-buffer description and import (the NumPy bridge, no NumPy needed)")
