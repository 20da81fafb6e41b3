ndw_module(ImageCast
  DEPENDS Image
  DESCRIPTION "CastImage[InType, OutType]: pixel type conversion, built with ndw_add_module()")
