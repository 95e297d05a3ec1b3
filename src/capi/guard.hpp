// Every exported function body runs inside one of these guards: no C++ exception ever crosses
// the C boundary. A p2pcdn::error keeps its code; std::bad_alloc becomes P2PCDN_ENOMEM; any
// other exception is an internal error. The message goes to the thread's last_error.
#pragma once

#include "capi/last_error.hpp"
#include "core/error.hpp"

#include <p2pcdn/p2pcdn.h>

#include <exception>
#include <new>

namespace p2pcdn::capi {

// Runs body and returns the int it returns, or the error code of what it threw.
template <typename Body>
int guard(Body&& body) noexcept {
    try {
        return body();
    } catch (const p2pcdn::error& e) {
        set_last_error(e.what());
        return static_cast<int>(e.code());
    } catch (const std::bad_alloc&) {
        set_last_error("out of memory");
        return P2PCDN_ENOMEM;
    } catch (const std::exception& e) {
        set_last_error(e.what());
        return P2PCDN_ERROR;
    } catch (...) {
        set_last_error("unknown internal error");
        return P2PCDN_ERROR;
    }
}

// For calls whose C signature returns a pointer: NULL on failure, with last_error set.
template <typename Body>
auto guard_pointer(Body&& body) noexcept -> decltype(body()) {
    decltype(body()) result = nullptr;
    guard([&] {
        result = body();
        return P2PCDN_OK;
    });
    return result;
}

// For void calls (the _free functions): failures only leave a last_error.
template <typename Body>
void guard_void(Body&& body) noexcept {
    guard([&] {
        body();
        return P2PCDN_OK;
    });
}

}  // namespace p2pcdn::capi
