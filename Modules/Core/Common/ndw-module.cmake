ndw_module(Common
  DESCRIPTION "status codes and errors, the pixel-type table, Size/Index/ImageRegion")
