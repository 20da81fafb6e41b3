// ndwrap C++ example: a 2-d image with ndw::Image<T, D>, its gradient as a
// 2-component ndw::VectorImage<float, 2>, and ndwrap errors as exceptions.
#include <ndw/ndw.hpp>
#ifdef NDW_HAVE_MODULE_IONRRD
#include <ndw/image_file.h> // image files over C streams (Modules/IO)
#endif

#include <cstdint>
#include <iostream>

int main() {
  // A 6 x 4 ramp image, value = 10 * x + y, with 0.5 mm x 2 mm pixels.
  ndw::Image<std::uint16_t, 2> ramp;
  ramp.SetRegions({6, 4});
  ramp.SetSpacing({0.5, 2.0});
  ramp.SetOrigin({100.0, -50.0});
  ramp.Allocate();
  for (std::int64_t y = 0; y < 4; ++y)
    for (std::int64_t x = 0; x < 6; ++x)
      ramp.SetPixel({x, y}, static_cast<std::uint16_t>(10 * x + y));

  // The buffer is a contiguous view, x fastest.
  unsigned long total = 0;
  for (std::uint16_t v : ramp.GetBuffer()) total += v;
  std::cout << ndw::Image<std::uint16_t, 2>::c_type_name() << " " << ramp.GetSize()[0] << " x "
            << ramp.GetSize()[1] << ", sum of pixels: " << total << "\n";

  // Central-difference gradient in physical units (per mm), one vector image.
  ndw::VectorImage<float, 2> gradient;
  gradient.SetNumberOfComponentsPerPixel(2);
  gradient.SetRegions(ramp.GetLargestPossibleRegion());
  gradient.CopyInformation(ramp);
  gradient.Allocate(true);
  const auto spacing = ramp.GetSpacing();
  for (std::int64_t y = 1; y < 3; ++y)
    for (std::int64_t x = 1; x < 5; ++x) {
      const double gx = (ramp.GetPixel({x + 1, y}) - ramp.GetPixel({x - 1, y})) / (2 * spacing[0]);
      const double gy = (ramp.GetPixel({x, y + 1}) - ramp.GetPixel({x, y - 1})) / (2 * spacing[1]);
      gradient.SetPixel({x, y}, {static_cast<float>(gx), static_cast<float>(gy)});
    }
  const auto g = gradient.GetPixel({2, 1});
  const auto p = gradient.TransformIndexToPhysicalPoint({2, 1});
  std::cout << "gradient at (2, 1) = point (" << p[0] << ", " << p[1] << "): (" << g[0] << ", "
            << g[1] << ") per mm\n";

  // Failing C calls become exceptions; ndw::error carries the status.
  try {
    ramp.GetPixel({6, 0});
  } catch (const ndw::index_error &e) {
    std::cout << "caught ndw::index_error (" << ndw_status_name(e.status()) << ")\n";
  }
  try {
    gradient.SetPixel({0, 0}, {1.0f, 2.0f, 3.0f});
  } catch (const ndw::value_error &e) {
    std::cout << "caught ndw::value_error (" << ndw_status_name(e.status()) << ")\n";
  }
#ifdef NDW_HAVE_MODULE_IONRRD
  // The image as a gzip NRRD in a memory stream, and back (C streams from C++).
  ndw_stream *memory = nullptr;
  ndw::check(ndw_memory_stream_new(nullptr, 0, &memory));
  ndw::check(ndw_image_file_write(memory, nullptr, nullptr, ramp.base(), NDW_FORMAT_NRRD, 1));
  ndw::check(ndw_stream_seek(memory, 0, NDW_SEEK_SET, nullptr));
  ndw_stream_reader reader;
  ndw_image_file_info info;
  ndw_stream_reader_init(&reader, memory);
  ndw::check(ndw_image_file_read_info(&reader, &info));
  ndw::Image<std::uint16_t, 2> back;
  ndw::check(ndw_image_file_read_data(&reader, &info, nullptr, back.base()));
  ndw_stream_free(memory);
  std::cout << "read back from a gzip NRRD: " << back.GetSize()[0] << " x " << back.GetSize()[1]
            << ", pixel (5, 3) = " << back.GetPixel({5, 3}) << "\n";
#endif
  return 0;
}
