/* ndwrap's SWIG index: one .i per concern; the instantiation lines come
 * from the generator (ndw_instances.i in the build tree). */
%module(package="ndwrap") ndwcore

%{
#include "ndw/buffer.h"
#include "ndw_py.h"
%}

%include "ndw_status.i"
%include "ndw_args.i"
%include "ndw_geometry.i"
%include "ndw_protocols.i"
%include "ndw_itk.i"
%include "ndw_docs.i"
%include "ndw_dlpack.i"
%include "ndw_convert.i"
%include "ndw_registry.i"
%include "ndw_image.i"
%include "ndw_vnl.i"
%include "ndw_pixel.i"

%include "ndw_instances.i"
/* functions of ndwrap's own ndw_add_module() modules (ImageCast, ...) */
%include "ndw_modules.i"
