// Output structs with a version (p2pcdn_fetch_result, p2pcdn_cdn_job_info, ...): the caller
// sets `version`, the library fills only the fields that version has, so a program built
// against an older header gets a struct of the size it allocated.
#pragma once

#include "capi/output.hpp"
#include "core/error.hpp"

#include <cstddef>
#include <cstring>
#include <iterator>

namespace p2pcdn::capi {

// The caller's struct, after checking it is there and has a version this library knows.
// sizes_by_version[v - 1] is sizeof the struct as version v defined it.
template <typename Out, std::size_t Versions>
Out& versioned_output(Out* out, const std::size_t (&sizes_by_version)[Versions], const char* name,
                      const char* type_name) {
    Out& result = out_param(out, name);
    const std::size_t known = std::size(sizes_by_version);
    if (result.version == 0 || result.version > known) {
        fail(errc::invalid, "{} version {} is not supported (1 to {})", type_name, result.version,
             known);
    }
    return result;
}

// Copies the fields of out.version from `full` (a struct of the library's own version).
template <typename Out, std::size_t Versions>
void fill_versioned(Out& out, const Out& full, const std::size_t (&sizes_by_version)[Versions]) {
    const unsigned int version = out.version;
    std::memcpy(&out, &full, sizes_by_version[version - 1]);
    out.version = version;
}

}  // namespace p2pcdn::capi
