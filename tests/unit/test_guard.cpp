// The C boundary's exception guard: every kind of exception becomes its code and a message.
#include <doctest/doctest.h>

#include "capi/guard.hpp"

#include <p2pcdn/p2pcdn.h>

#include <new>
#include <stdexcept>
#include <string>
#include <thread>

using p2pcdn::capi::guard;

TEST_SUITE("capi_guard") {
    TEST_CASE("a p2pcdn::error keeps its code and message") {
        p2pcdn_error_clear();
        int rc = guard([]() -> int { p2pcdn::fail(p2pcdn::errc::parse, "bad {}", 42); });
        CHECK(rc == P2PCDN_EPARSE);
        CHECK(std::string(p2pcdn_last_error()) == "bad 42");
    }

    TEST_CASE("std::bad_alloc becomes P2PCDN_ENOMEM") {
        int rc = guard([]() -> int { throw std::bad_alloc(); });
        CHECK(rc == P2PCDN_ENOMEM);
        CHECK(std::string(p2pcdn_last_error()) == "out of memory");
    }

    TEST_CASE("other exceptions become P2PCDN_ERROR") {
        CHECK(guard([]() -> int { throw std::logic_error("broken invariant"); }) == P2PCDN_ERROR);
        CHECK(std::string(p2pcdn_last_error()) == "broken invariant");
        CHECK(guard([]() -> int { throw 7; }) == P2PCDN_ERROR);
        CHECK(std::string(p2pcdn_last_error()) == "unknown internal error");
    }

    TEST_CASE("success passes the body's value through and keeps the last error") {
        p2pcdn_error_clear();
        guard([]() -> int { throw std::bad_alloc(); });
        CHECK(guard([] { return 5; }) == 5);
        CHECK(std::string(p2pcdn_last_error()) == "out of memory");
    }

    TEST_CASE("pointer and void guards report failure without throwing") {
        const char* p = p2pcdn::capi::guard_pointer([]() -> const char* {
            throw std::bad_alloc();
        });
        CHECK(p == nullptr);
        p2pcdn::capi::guard_void([] { throw std::runtime_error("in a free"); });
        CHECK(std::string(p2pcdn_last_error()) == "in a free");
    }

    TEST_CASE("last_error is per thread") {
        guard([]() -> int { p2pcdn::fail(p2pcdn::errc::io, "main thread"); });
        std::string other;
        std::thread t([&] {
            other = p2pcdn_last_error();
            guard([]() -> int { p2pcdn::fail(p2pcdn::errc::io, "worker"); });
        });
        t.join();
        CHECK(other.empty());
        CHECK(std::string(p2pcdn_last_error()) == "main thread");
    }
}
