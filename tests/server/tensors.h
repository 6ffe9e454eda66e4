// Building request tensors in either encoding and reading responses back,
// checking that the response kept the request's encoding and shape.
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "activation/v1/activation.pb.h"

namespace activation::server::testing {

enum class Encoding { kValues, kRaw };

inline const char* EncodingName(Encoding e) { return e == Encoding::kRaw ? "raw" : "values"; }

inline v1::Tensor MakeTensor(const std::vector<float>& data, Encoding encoding,
                             const std::vector<std::int64_t>& shape = {}) {
  v1::Tensor t;
  for (std::int64_t d : shape) t.add_shape(d);
  if (encoding == Encoding::kRaw) {
    t.mutable_raw()->assign(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float));
  } else {
    t.mutable_values()->Add(data.begin(), data.end());
  }
  return t;
}

// The floats of `t`, after checking it is encoded like `like`.
inline std::vector<float> ReadTensor(const v1::Tensor& t, const v1::Tensor& like) {
  EXPECT_EQ(std::vector<std::int64_t>(t.shape().begin(), t.shape().end()),
            std::vector<std::int64_t>(like.shape().begin(), like.shape().end()));
  const bool raw = !like.raw().empty();
  EXPECT_EQ(raw ? 0 : like.values_size(), t.values_size()) << "response encoding differs from the request's";
  EXPECT_EQ(raw ? like.raw().size() : 0u, t.raw().size()) << "response encoding differs from the request's";
  std::vector<float> out(raw ? t.raw().size() / sizeof(float) : static_cast<std::size_t>(t.values_size()));
  if (raw) {
    std::memcpy(out.data(), t.raw().data(), out.size() * sizeof(float));
  } else {
    std::copy(t.values().begin(), t.values().end(), out.begin());
  }
  return out;
}

}  // namespace activation::server::testing
