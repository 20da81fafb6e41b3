ndw_module(BridgeDLPack
  DEPENDS BridgeNumPy
  DEFAULT NDW_WRAP_PYTHON
  DESCRIPTION "DLPack export/import of images (vendored dlpack.h; __dlpack__ and ndwrap.from_dlpack)")
