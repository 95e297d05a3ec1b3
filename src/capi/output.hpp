// Argument checks shared by the C entry points, and the one rule for variable-size output
// (p2pcdn.h): *size gets the full size (text: with its NUL); a NULL buffer is a size query; a
// short buffer is P2PCDN_EBUFS.
#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <cstring>
#include <string_view>

namespace p2pcdn::capi {

// Reports `needed` and says whether the caller's buffer takes it: false for a size query,
// throws errc::buffer_too_small for a short buffer.
inline bool output_fits(std::size_t needed, const void* buf, std::size_t cap, std::size_t* size) {
    if (size == nullptr) {
        fail(errc::invalid, "size is NULL");
    }
    *size = needed;
    if (buf == nullptr) {
        return false;
    }
    if (cap < needed) {
        fail(errc::buffer_too_small, "buffer holds {} bytes, {} needed", cap, needed);
    }
    return true;
}

inline void copy_bytes_out(const void* data, std::size_t len, void* buf, std::size_t cap,
                           std::size_t* size) {
    if (output_fits(len, buf, cap, size) && len > 0) {
        std::memcpy(buf, data, len);
    }
}

inline void copy_text_out(std::string_view text, char* buf, std::size_t cap, std::size_t* size) {
    if (output_fits(text.size() + 1, buf, cap, size)) {
        std::memcpy(buf, text.data(), text.size());
        buf[text.size()] = '\0';
    }
}

template <typename T>
T& out_param(T* out, const char* name) {
    if (out == nullptr) {
        fail(errc::invalid, "{} is NULL", name);
    }
    return *out;
}

// A required C string argument.
inline const char* required_string(const char* s, const char* name) {
    if (s == nullptr) {
        fail(errc::invalid, "{} is NULL", name);
    }
    return s;
}

// Input (pointer, length) pairs: NULL is only allowed with length 0.
inline void check_input(const void* data, std::size_t len, const char* name) {
    if (data == nullptr && len != 0) {
        fail(errc::invalid, "{} is NULL with length {}", name, len);
    }
}

}  // namespace p2pcdn::capi
