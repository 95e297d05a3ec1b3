// p2pcdn_strerror, p2pcdn_last_error and the code table they share with the C++ core.
#include "capi/last_error.hpp"
#include "core/error.hpp"

#include <p2pcdn/p2pcdn.h>

#include <string>

namespace p2pcdn::capi {
namespace {

// The C++ core throws errc values and the C ABI promises P2PCDN_E* values: they must agree.
#define P2PCDN_SAME_CODE(cpp, c) static_assert(static_cast<int>(errc::cpp) == (c), #c)
P2PCDN_SAME_CODE(ok, P2PCDN_OK);
P2PCDN_SAME_CODE(error, P2PCDN_ERROR);
P2PCDN_SAME_CODE(invalid, P2PCDN_EINVAL);
P2PCDN_SAME_CODE(no_memory, P2PCDN_ENOMEM);
P2PCDN_SAME_CODE(buffer_too_small, P2PCDN_EBUFS);
P2PCDN_SAME_CODE(range, P2PCDN_ERANGE);
P2PCDN_SAME_CODE(parse, P2PCDN_EPARSE);
P2PCDN_SAME_CODE(not_found, P2PCDN_ENOTFOUND);
P2PCDN_SAME_CODE(exists, P2PCDN_EEXISTS);
P2PCDN_SAME_CODE(io, P2PCDN_EIO);
P2PCDN_SAME_CODE(hash_mismatch, P2PCDN_EHASH);
P2PCDN_SAME_CODE(state, P2PCDN_ESTATE);
P2PCDN_SAME_CODE(user, P2PCDN_EUSER);
P2PCDN_SAME_CODE(network, P2PCDN_ENETWORK);
P2PCDN_SAME_CODE(timeout, P2PCDN_ETIMEOUT);
P2PCDN_SAME_CODE(tls, P2PCDN_ETLS);
P2PCDN_SAME_CODE(http, P2PCDN_EHTTP);
P2PCDN_SAME_CODE(protocol, P2PCDN_EPROTO);
P2PCDN_SAME_CODE(limit, P2PCDN_ELIMIT);
P2PCDN_SAME_CODE(cancelled, P2PCDN_ECANCELLED);
#undef P2PCDN_SAME_CODE

thread_local std::string last_error_text;

}  // namespace

void set_last_error(std::string_view message) noexcept {
    try {
        last_error_text.assign(message);
    } catch (...) {
        // Out of memory while reporting: an empty detail beats a second failure.
        last_error_text.clear();
    }
}

}  // namespace p2pcdn::capi

extern "C" {

P2PCDN_API const char* p2pcdn_strerror(int code) {
    switch (code) {
        case P2PCDN_OK: return "success";
        case P2PCDN_ERROR: return "internal error";
        case P2PCDN_EINVAL: return "invalid argument";
        case P2PCDN_ENOMEM: return "out of memory";
        case P2PCDN_EBUFS: return "buffer too small";
        case P2PCDN_ERANGE: return "out of range";
        case P2PCDN_EPARSE: return "malformed input";
        case P2PCDN_ENOTFOUND: return "not found";
        case P2PCDN_EEXISTS: return "already exists";
        case P2PCDN_EIO: return "input/output error";
        case P2PCDN_EHASH: return "hash mismatch";
        case P2PCDN_ESTATE: return "invalid state for this call";
        case P2PCDN_EUSER: return "stopped by a callback";
        case P2PCDN_ENETWORK: return "network error";
        case P2PCDN_ETIMEOUT: return "timed out";
        case P2PCDN_ETLS: return "TLS error";
        case P2PCDN_EHTTP: return "HTTP error status";
        case P2PCDN_EPROTO: return "protocol error";
        case P2PCDN_ELIMIT: return "limit reached";
        case P2PCDN_ECANCELLED: return "cancelled";
        default: return "unknown error code";
    }
}

P2PCDN_API const char* p2pcdn_last_error(void) {
    return p2pcdn::capi::last_error_text.c_str();
}

P2PCDN_API void p2pcdn_error_clear(void) {
    p2pcdn::capi::last_error_text.clear();
}

}  // extern "C"
