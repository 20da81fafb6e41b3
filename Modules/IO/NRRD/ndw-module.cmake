ndw_module(IONRRD
  DEPENDS IOImageFile
  DESCRIPTION "NRRD (.nrrd, .nhdr + raw; raw and gzip) reader and writer")
