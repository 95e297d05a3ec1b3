// The thread-local detail message behind p2pcdn_last_error().
#pragma once

#include <string_view>

namespace p2pcdn::capi {

void set_last_error(std::string_view message) noexcept;

}  // namespace p2pcdn::capi
