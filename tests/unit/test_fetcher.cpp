// The fetcher's answer classification, on made-up responses (the network cases are in
// tests/integration/test_fetcher_network.cpp).
#include "core/piece_hasher.hpp"
#include "test_support.hpp"
#include "ue/piece_response.hpp"

#include <doctest/doctest.h>

using p2pcdn::errc;
using p2pcdn::http::response;
using namespace p2pcdn::ue;

namespace {

// 2500 bytes in pieces of 1000: 0-999, 1000-1999, 2000-2499.
struct fixture {
    std::string bytes;
    p2pcdn::content_layout layout{"c", 2500, 1000};
    p2pcdn::piece_hashes hashes;

    fixture() : bytes(2500, '\0') {
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            bytes[i] = static_cast<char>(i % 253);
        }
        hashes = p2pcdn::hash_buffer(layout, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                     bytes.size(), p2pcdn::hash_settings{});
    }

    fetch_result classify(std::size_t piece, bool ranged, response res) {
        if (res.final_url.empty()) {
            res.final_url = "https://u:pw@cdn.example/p?token=t";
        }
        return classify_piece_response(layout, hashes, piece, ranged, res);
    }
};

response answer(long status, std::string body = {}, p2pcdn::http::header_list headers = {}) {
    response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

response failure(errc code) {
    response r;
    r.error = code;
    r.message = "transport failed";
    return r;
}

}  // namespace

TEST_SUITE("ue.piece_response") {

TEST_CASE("ok and hash_mismatch") {
    fixture f;
    fetch_result ok = f.classify(1, false, answer(200, f.bytes.substr(1000, 1000)));
    CHECK(ok.status == fetch_status::ok);
    CHECK(ok.error == errc::ok);
    CHECK(ok.data == f.bytes.substr(1000, 1000));

    std::string wrong = f.bytes.substr(1000, 1000);
    wrong[10] ^= 1;
    fetch_result bad = f.classify(1, false, answer(200, wrong));
    CHECK(bad.status == fetch_status::hash_mismatch);
    CHECK(bad.error == errc::hash_mismatch);
    CHECK(bad.data.empty());
    CHECK(bad.bytes == 1000);

    CHECK(f.classify(2, false, answer(200, f.bytes.substr(2000, 499))).status ==
          fetch_status::hash_mismatch);
}

TEST_CASE("status classes") {
    fixture f;
    CHECK(f.classify(0, false, answer(404)).status == fetch_status::gone);
    CHECK(f.classify(0, false, answer(410)).status == fetch_status::gone);
    CHECK(f.classify(0, false, answer(410)).error == errc::not_found);
    for (long s : {429L, 503L, 500L, 502L, 504L, 408L}) {
        CAPTURE(s);
        fetch_result r = f.classify(0, false, answer(s));
        CHECK(r.status == fetch_status::retry_later);
        CHECK(r.error == errc::http);
        CHECK(r.retry_after_ms == -1);
    }
    response limited = answer(429);
    limited.retry_after_ms = 5000;
    CHECK(f.classify(0, false, limited).retry_after_ms == 5000);
    for (long s : {400L, 401L, 403L, 416L, 302L, 304L, 204L}) {
        CAPTURE(s);
        fetch_result r = f.classify(0, false, answer(s));
        CHECK(r.status == fetch_status::fatal);
        CHECK(r.error == errc::http);
        CHECK(r.http_status == s);
    }
}

TEST_CASE("transport failures") {
    fixture f;
    CHECK(f.classify(0, false, failure(errc::network)).status == fetch_status::retry_later);
    CHECK(f.classify(0, false, failure(errc::timeout)).status == fetch_status::retry_later);
    for (errc e : {errc::tls, errc::protocol, errc::limit, errc::invalid, errc::error}) {
        fetch_result r = f.classify(0, false, failure(e));
        CHECK(r.status == fetch_status::fatal);
        CHECK(r.error == e);
    }
}

TEST_CASE("ranged answers") {
    fixture f;
    auto partial = [&](const char* range, std::string body) {
        return answer(206, std::move(body), {{"content-range", range}});
    };
    CHECK(f.classify(1, true, partial("bytes 1000-1999/2500", f.bytes.substr(1000, 1000)))
              .status == fetch_status::ok);
    CHECK(f.classify(2, true, partial("bytes 2000-2499/*", f.bytes.substr(2000, 500))).status ==
          fetch_status::ok);
    // Another range, another total, a short body, no header: the server broke the contract.
    CHECK(f.classify(1, true, partial("bytes 1001-2000/2500", f.bytes.substr(1001, 1000)))
              .error == errc::protocol);
    CHECK(f.classify(1, true, partial("bytes 1000-1999/9999", f.bytes.substr(1000, 1000)))
              .error == errc::protocol);
    CHECK(f.classify(1, true, partial("bytes 1000-1999/2500", f.bytes.substr(1000, 999)))
              .error == errc::protocol);
    CHECK(f.classify(1, true, answer(206, f.bytes.substr(1000, 1000))).status ==
          fetch_status::fatal);
    // A 206 nobody asked for.
    CHECK(f.classify(1, false, partial("bytes 1000-1999/2500", f.bytes.substr(1000, 1000)))
              .error == errc::protocol);
    // A 200: the whole object is cut; anything else is a protocol error.
    fetch_result whole = f.classify(1, true, answer(200, f.bytes));
    CHECK(whole.status == fetch_status::ok);
    CHECK(whole.data == f.bytes.substr(1000, 1000));
    CHECK(f.classify(1, true, answer(200, f.bytes.substr(1000, 1000))).error == errc::protocol);
    // Whole object, wrong bytes: hash mismatch.
    std::string corrupt = f.bytes;
    corrupt[1500] ^= 1;
    CHECK(f.classify(1, true, answer(200, corrupt)).status == fetch_status::hash_mismatch);
}

TEST_CASE("messages carry neither credentials nor tokens") {
    fixture f;
    for (long s : {404L, 429L, 403L}) {
        fetch_result r = f.classify(0, false, answer(s));
        CHECK(r.message.find("pw") == std::string::npos);
        CHECK(r.message.find("token") == std::string::npos);
        CHECK(r.message.find("cdn.example/p") != std::string::npos);
    }
}

}  // TEST_SUITE
