// Helpers shared by the unit tests.
#pragma once

#include "core/error.hpp"

namespace p2pcdn::test {

// The errc that f() throws, or errc::ok when it returns normally.
template <typename F>
errc code_of(F&& f) {
    try {
        f();
    } catch (const p2pcdn::error& e) {
        return e.code();
    }
    return errc::ok;
}

}  // namespace p2pcdn::test
