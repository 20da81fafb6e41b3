/* ndwrap: the pixel-type table.
 *
 * This X-macro table is the single source of truth for pixel component
 * types.  The C library, the generator (generator/ndwgen.py parses the rows
 * below), the SWIG instantiation lists, the Python registry and the C++
 * traits are all derived from it: adding a pixel type is one row.
 *
 * Columns:
 *   code   ITK's mangle (B, UC, F, ...), used in Python names (ImageF3)
 *   tok    fixed-width token used in C names (ndw_image_f32_3)
 *   ctype  the C component type
 *   fmt    Python buffer-protocol (struct module) format
 *   kind   NumPy dtype kind: b(ool) i(nt) u(nsigned) f(loat) c(omplex)
 *   size   bytes per component
 *   numpy  NumPy dtype name
 *   names  ITK ctype names, '|'-separated; the first is the canonical one
 *
 * Keep one row per line: the generator reads this file as text.
 */
#ifndef NDW_PIXEL_TYPES_H
#define NDW_PIXEL_TYPES_H

#define NDW_PIXEL_TABLE(X) \
  X(B,  b8,   ndw_bool, "?",  b, 1,  "bool",       "bool") \
  X(SC, i8,   int8_t,   "b",  i, 1,  "int8",       "signed char|char|int8_t") \
  X(UC, u8,   uint8_t,  "B",  u, 1,  "uint8",      "unsigned char|uint8_t") \
  X(SS, i16,  int16_t,  "h",  i, 2,  "int16",      "signed short|short|int16_t") \
  X(US, u16,  uint16_t, "H",  u, 2,  "uint16",     "unsigned short|uint16_t") \
  X(SI, i32,  int32_t,  "i",  i, 4,  "int32",      "signed int|int|int32_t") \
  X(UI, u32,  uint32_t, "I",  u, 4,  "uint32",     "unsigned int|uint32_t") \
  X(SL, i64,  int64_t,  "q",  i, 8,  "int64",      "signed long|signed long long|long|long long|int64_t") \
  X(UL, u64,  uint64_t, "Q",  u, 8,  "uint64",     "unsigned long|unsigned long long|uint64_t") \
  X(F,  f32,  float,    "f",  f, 4,  "float32",    "float") \
  X(D,  f64,  double,   "d",  f, 8,  "float64",    "double") \
  X(CF, c64,  ndw_c64,  "Zf", c, 8,  "complex64",  "std::complex<float>|complex<float>|float complex") \
  X(CD, c128, ndw_c128, "Zd", c, 16, "complex128", "std::complex<double>|complex<double>|double complex")

/* Fixed-size (compound) pixel types: ITK's Vector<T, N>,
 * CovariantVector<T, N>, RGBPixel<T>, RGBAPixel<T> as pixels of Image.  An
 * image of one is laid out as a vector image (components innermost) whose
 * components per pixel are fixed by the type, so every bridge that handles
 * a VectorImage handles it; Python gives it its own class (ImageVF33) whose
 * GetPixel returns the value type (ndwrap.Vector[F, 3]).
 *
 * Columns:
 *   code   ITK's mangle without the length: VF (ImageVF33), RGBUC (ImageRGBUC2);
 *          also the CMake option NDW_WRAP_<code>
 *   id     the row's number in the C library (1..255, never reused)
 *   itk    ITK's template name, also ndwrap's Python template (ndwrap.Vector)
 *   comp   the component row: a code of NDW_PIXEL_TABLE
 *   n      components per pixel: a number, or dim = the image dimension
 *          (plus the lengths in NDW_WRAP_VECTOR_COMPONENTS, ITK's
 *          ITK_WRAP_VECTOR_COMPONENTS)
 *   on     wrapped by default (the default of NDW_WRAP_<code>)
 *
 * Keep one row per line: the generator reads this file as text.
 */
#define NDW_COMPOUND_TABLE(X) \
  X(VF,     1, Vector,          F,  dim, ON) \
  X(CVF,    2, CovariantVector, F,  dim, ON) \
  X(RGBUC,  3, RGBPixel,        UC, 3,   ON) \
  X(RGBAUC, 4, RGBAPixel,       UC, 4,   ON) \
  X(VD,     5, Vector,          D,  dim, OFF) \
  X(CVD,    6, CovariantVector, D,  dim, OFF)

#endif
