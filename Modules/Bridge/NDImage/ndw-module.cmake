ndw_module(BridgeNDImage
  DEPENDS Image
  DEFAULT NDW_WRAP_PYTHON
  DESCRIPTION "C kernels for scipy.ndimage's LowLevelCallable (filters, line filters, mappings)")
