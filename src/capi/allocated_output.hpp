// Output the library allocates for the caller, who releases it with p2pcdn_free (free()).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

namespace p2pcdn::capi {

// A malloc'd copy of `bytes` with a NUL after them (not counted), so text can be used as a C
// string and binary output needs no special case. Throws std::bad_alloc.
inline char* allocated_copy(std::string_view bytes) {
    auto* copy = static_cast<char*>(std::malloc(bytes.size() + 1));
    if (copy == nullptr) {
        throw std::bad_alloc();
    }
    if (!bytes.empty()) {
        std::memcpy(copy, bytes.data(), bytes.size());
    }
    copy[bytes.size()] = '\0';
    return copy;
}

// *out gets the copy and *len its length; neither changes when the allocation fails.
inline void hand_out(std::string_view bytes, char** out, std::size_t* len) {
    *out = allocated_copy(bytes);
    *len = bytes.size();
}

}  // namespace p2pcdn::capi
