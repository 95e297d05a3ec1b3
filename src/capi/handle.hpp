// Handle checks for the C ABI's opaque objects.
//
// Every handle the library gives out is recorded in a registry with its type tag, and every
// entry point looks the pointer up before touching it. A magic field alone cannot tell a freed
// handle from a live one without reading freed memory; the registry can, so NULL, freed,
// double-freed and foreign pointers all come back as P2PCDN_EINVAL instead of a crash.
//
// A handle type is a struct with `std::uint32_t tag` as its first member, a
// `static constexpr std::uint32_t type_tag` and a `static constexpr const char* type_name`.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <utility>

namespace p2pcdn::capi {

void register_handle(const void* handle, std::uint32_t tag);
// False when the handle was not registered (never made, or already released).
bool unregister_handle(const void* handle, std::uint32_t tag) noexcept;
bool is_live_handle(const void* handle, std::uint32_t tag) noexcept;

// The tag a handle carries after release, for debuggers looking at a stale pointer.
constexpr std::uint32_t released_tag = 0xdeadbeefu;

template <typename Handle, typename... Args>
Handle* make_handle(Args&&... args) {
    auto* handle = new Handle{Handle::type_tag, std::forward<Args>(args)...};
    try {
        register_handle(handle, Handle::type_tag);
    } catch (...) {
        delete handle;
        throw;
    }
    return handle;
}

// Throws errc::invalid unless handle is a live handle of this type.
template <typename Handle>
Handle& checked(Handle* handle) {
    if (handle == nullptr) {
        fail(errc::invalid, "{} handle is NULL", Handle::type_name);
    }
    if (!is_live_handle(handle, Handle::type_tag) || handle->tag != Handle::type_tag) {
        fail(errc::invalid, "not a live {} handle (freed, or another type)", Handle::type_name);
    }
    return *handle;
}

template <typename Handle>
const Handle& checked(const Handle* handle) {
    return checked(const_cast<Handle*>(handle));
}

// NULL-safe and double-free-safe: anything not registered is left alone.
template <typename Handle>
void release_handle(Handle* handle) noexcept {
    if (handle != nullptr && unregister_handle(handle, Handle::type_tag)) {
        handle->tag = released_tag;
        delete handle;
    }
}

}  // namespace p2pcdn::capi
