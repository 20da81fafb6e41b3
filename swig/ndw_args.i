/* The one argument rule (DESIGN.md "Safety rules"): a wrapped object that
 * reaches C is a real, initialised object of the expected type.
 *
 * SWIG accepts None for any pointer argument (as NULL), and an object made
 * by T.__new__(T) without __init__ (or a subclass that skips
 * super().__init__(), or copyreg's protocol 0/1 reconstruction) carries a
 * NULL pointer.  This check typemap runs after every pointer conversion,
 * `self` included, in ndwrap.ndwcore and in every ndw_add_module() module
 * (which %import ndwrap.i: the typemaps apply there, and the fragment brings
 * the C helpers into each module's wrapper), and turns both into TypeError
 * before any C code runs. */
%fragment("ndw_args", "header") %{
/* Every pointer conversion of the wrappers passes through SWIG_ConvertPtr,
 * redefined here.  SWIG's own conversion dereferences the SWIG type of an
 * object that was never initialised (it is unset): such an object of the
 * expected class converts to NULL, which the check typemap below reports;
 * of another class, it is a plain type error. */
SWIGINTERN int ndw_swig_convert_ptr(PyObject *obj, void **pptr, swig_type_info *ty, int flags) {
  SwigPyObject *s = obj != NULL && obj != Py_None ? SWIG_Python_GetSwigThis(obj) : NULL;
  if (s != NULL && s->ty == NULL) {
    SwigPyClientData *cd = ty ? (SwigPyClientData *)ty->clientdata : NULL;
    if (cd == NULL || cd->pytype == NULL || !PyObject_TypeCheck(obj, cd->pytype))
      return SWIG_TypeError;
    if (pptr) *pptr = NULL;
    return SWIG_OK;
  }
  return SWIG_Python_ConvertPtr(obj, pptr, ty, flags);
}
#undef SWIG_ConvertPtr
#define SWIG_ConvertPtr(obj, pptr, type, flags) ndw_swig_convert_ptr(obj, pptr, type, flags)

/* The C object behind `self` in a slot function (buffer protocol), or NULL
 * with TypeError for an uninitialised object. */
SWIGINTERN void *ndw_swig_self(PyObject *self) {
  void *p = ((SwigPyObject *)self)->ptr;
  if (p == NULL)
    PyErr_Format(PyExc_TypeError, "this %.100s object is not initialised (made without __init__)",
                 Py_TYPE(self)->tp_name);
  return p;
}

/* The Python class name of a SWIG type (builtin types carry their PyTypeObject). */
static void ndw_swig_null_arg(const char *symname, int argnum, swig_type_info *ty) {
  const char *cls = ty ? ty->str : "object";
  SwigPyClientData *cd = ty ? (SwigPyClientData *)ty->clientdata : NULL;
  if (cd && cd->pytype) cls = cd->pytype->tp_name;
  ndw_py_null_arg(symname, argnum, cls);
}
%}
%typemap(check, noblock=1, fragment="ndw_args") SWIGTYPE * {
  /* freeing nothing is fine; __dir__ (ndw_docs.i) never touches C, and
   * dir() of an uninitialised object must still answer */
  if (!$1 && strncmp("$symname", "delete_", 7) != 0 && strstr("$symname", "___dir__") == NULL) {
    ndw_swig_null_arg("$symname", $argnum, $descriptor);
    SWIG_fail;
  }
}
/* PyObject * arguments are the glue's business (NULL there means "not given").
 * An optional wrapped argument opts out by type and name, next to its
 * declaration: %typemap(check) T *name ""; (and handles NULL itself). */
%typemap(check) PyObject * "";
/* emit the helpers here, before the classes' own C (the buffer hooks use
 * ndw_swig_self); modules get them through the typemap's fragment */
%fragment("ndw_args");
