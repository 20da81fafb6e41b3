ndw_module(IOMetaImage
  DEPENDS IOImageFile
  DESCRIPTION "MetaImage (.mha, .mhd + raw; raw and zlib) reader and writer")
