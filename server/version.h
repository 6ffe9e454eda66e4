#pragma once

namespace activation::server {

// Set from the CMake project version.
inline constexpr const char* kVersion = ACTIVATION_SERVER_VERSION;

}  // namespace activation::server
