// Elements from and to typed vectors, for the client tests.
#pragma once

#include <cstring>
#include <vector>

#include "client/formats/elements.h"

namespace activation::client {

// T: float for float32, double for float64, std::uint16_t for the 16-bit types.
template <typename T>
Elements MakeElements(const std::vector<T>& values, DataType dtype = DataType::kFloat32) {
  Elements e(dtype);
  e.resize(values.size());
  if (!values.empty()) std::memcpy(e.data(), values.data(), e.byte_size());
  return e;
}

template <typename T>
std::vector<T> ValuesOf(const Elements& e) {
  if (e.empty()) return {};
  return std::vector<T>(e.as<T>(), e.as<T>() + e.size());
}

}  // namespace activation::client
