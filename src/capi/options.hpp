// Versioned options structs (libgit2's model): the first member is `unsigned int version`;
// the library accepts every version from 1 to the one it was built with and reads only the
// fields that version had, so a program built against an older header keeps working.
#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <cstring>

namespace p2pcdn::capi {

// sizes_by_version[v - 1] is sizeof the struct as version v defined it.
template <typename Options, std::size_t Versions>
Options read_options(const Options* given, const Options& defaults,
                     const std::size_t (&sizes_by_version)[Versions], const char* name) {
    Options result = defaults;
    if (given == nullptr) {
        return result;
    }
    if (given->version == 0 || given->version > Versions) {
        fail(errc::invalid, "{} version {} is not supported (1 to {})", name, given->version,
             Versions);
    }
    std::memcpy(&result, given, sizes_by_version[given->version - 1]);
    return result;
}

template <typename Options, std::size_t Versions>
void init_options(Options* opts, unsigned int version,
                  const std::size_t (&sizes_by_version)[Versions], const char* name) {
    if (opts == nullptr) {
        fail(errc::invalid, "{} is NULL", name);
    }
    if (version == 0 || version > Versions) {
        fail(errc::invalid, "{} version {} is not supported (1 to {})", name, version, Versions);
    }
    // Only the caller's version's bytes: its struct may be smaller than ours.
    std::memset(opts, 0, sizes_by_version[version - 1]);
    opts->version = version;
}

}  // namespace p2pcdn::capi
