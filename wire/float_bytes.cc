#include "wire/float_bytes.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace activation::wire {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "raw tensors are little-endian float32");

Status FloatBytes::View(std::string_view bytes, std::string_view field) {
  aligned_copy_.clear();
  if (bytes.size() % sizeof(float) != 0) {
    return Status::InvalidArgument(std::string(field) + ": " + std::to_string(bytes.size()) +
                                   " bytes is not a multiple of 4 (float32)");
  }
  size_ = bytes.size() / sizeof(float);
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(float) == 0) {
    data_ = reinterpret_cast<const float*>(bytes.data());
  } else {
    aligned_copy_.resize(size_);
    if (size_ != 0) std::memcpy(aligned_copy_.data(), bytes.data(), bytes.size());  // data() of an empty vector may be null
    data_ = aligned_copy_.data();
  }
  return Status();
}

}  // namespace activation::wire
