ndw_module(IOImageFile
  DEPENDS IOStream Image
  DESCRIPTION "image files over streams: header struct, bounded raw/zlib/gzip data, mmap, imread/imwrite dispatch (zlib)")
