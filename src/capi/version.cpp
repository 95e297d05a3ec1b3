// Versions, global setup and the library's own free.
#include "capi/global_state.hpp"
#include "capi/guard.hpp"

#include <p2pcdn/p2pcdn.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include <cstdlib>
#include <mutex>

namespace {

std::mutex global_lock;
int global_refs = 0;

}  // namespace

namespace p2pcdn::capi {

bool global_initialized() noexcept {
    std::lock_guard<std::mutex> hold(global_lock);
    return global_refs > 0;
}

void require_global_init(const char* what) {
    if (!global_initialized()) {
        fail(errc::state, "{} needs p2pcdn_global_init() first", what);
    }
}

}  // namespace p2pcdn::capi

extern "C" {

P2PCDN_API unsigned int p2pcdn_version(void) {
    return P2PCDN_VERSION_NUM;
}

P2PCDN_API const char* p2pcdn_version_string(void) {
    return P2PCDN_VERSION_STRING;
}

P2PCDN_API unsigned int p2pcdn_abi_version(void) {
    return P2PCDN_ABI_VERSION;
}

P2PCDN_API int p2pcdn_global_init(void) {
    return p2pcdn::capi::guard([] {
        std::lock_guard<std::mutex> hold(global_lock);
        if (global_refs == 0) {
            if (OPENSSL_init_ssl(0, nullptr) != 1) {
                p2pcdn::fail(p2pcdn::errc::tls, "OpenSSL initialisation failed");
            }
            CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
            if (rc != CURLE_OK) {
                p2pcdn::fail(p2pcdn::errc::error, "curl_global_init failed: {}",
                             curl_easy_strerror(rc));
            }
        }
        return ++global_refs;
    });
}

P2PCDN_API int p2pcdn_global_cleanup(void) {
    return p2pcdn::capi::guard([] {
        std::lock_guard<std::mutex> hold(global_lock);
        if (global_refs == 0) {
            p2pcdn::fail(p2pcdn::errc::state,
                         "p2pcdn_global_cleanup called more often than p2pcdn_global_init");
        }
        if (--global_refs == 0) {
            // OpenSSL 3 cleans up after itself at exit; only libcurl wants an explicit call.
            curl_global_cleanup();
        }
        return global_refs;
    });
}

P2PCDN_API void p2pcdn_free(void* ptr) {
    std::free(ptr);
}

}  // extern "C"
