ndw_module(Image
  DEPENDS Common
  DESCRIPTION "runtime-typed N-d image with typed facades per pixel type and dimension")
