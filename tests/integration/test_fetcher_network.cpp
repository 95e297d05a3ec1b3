// The CDN piece fetcher against the fault server: every outcome class and what it carries.
#include "fault_server.hpp"
#include "test_support.hpp"
#include "ue/fetcher.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <map>
#include <string>

using p2pcdn::errc;
using p2pcdn::test::piece_bytes;
using p2pcdn::test::server;
using p2pcdn::ue::fetch_result;
using p2pcdn::ue::fetch_status;
using p2pcdn::ue::fetcher;
using p2pcdn::ue::fetcher_config;

namespace {

fetcher make_fetcher(fetcher_config config = {}) {
    return fetcher(p2pcdn::test::test_layout(), p2pcdn::test::test_hashes(), std::move(config));
}

fetch_result get(const std::string& path, std::size_t piece, bool ranged = false,
                 fetcher_config config = {}) {
    fetcher f = make_fetcher(std::move(config));
    return f.get(piece, server().url(path), ranged);
}

}  // namespace

TEST_SUITE("ue.fetcher") {

TEST_CASE("ok: a piece object") {
    fetch_result r = get("/piece/3", 3);
    CHECK(r.status == fetch_status::ok);
    CHECK(r.error == errc::ok);
    CHECK(r.http_status == 200);
    CHECK(r.data == piece_bytes(3));
    CHECK(r.bytes == 1024);
    CHECK(r.piece == 3);
}

TEST_CASE("ok: the last, shorter piece") {
    const std::size_t last = p2pcdn::test::test_layout().piece_count() - 1;
    fetch_result r = get("/piece/" + std::to_string(last), last);
    CHECK(r.status == fetch_status::ok);
    CHECK(r.data.size() == 123);
}

TEST_CASE("ok: through the CDN's 302 to a surrogate") {
    fetch_result r = get("/redirect/5", 5);
    CHECK(r.status == fetch_status::ok);
    CHECK(r.redirects == 1);
    CHECK(r.final_url.find("/piece/5") != std::string::npos);
    CHECK(r.data == piece_bytes(5));
}

TEST_CASE("ok: over HTTPS with the test CA") {
    fetcher_config config;
    config.http.ca_file = server().ca_file;
    fetcher f = make_fetcher(config);
    fetch_result r = f.get(2, server().tls_url("/piece/2"), false);
    CHECK(r.status == fetch_status::ok);
    CHECK(r.data == piece_bytes(2));
}

TEST_CASE("ranged sources") {
    const std::size_t last = p2pcdn::test::test_layout().piece_count() - 1;
    SUBCASE("206 with a matching Content-Range") {
        for (std::size_t i : {std::size_t{0}, std::size_t{4}, last}) {
            CAPTURE(i);
            fetch_result r = get("/content.bin", i, true);
            CHECK(r.status == fetch_status::ok);
            CHECK(r.http_status == 206);
            CHECK(r.data == piece_bytes(i));
        }
    }
    SUBCASE("206 with a Content-Range for other bytes is fatal") {
        fetch_result r = get("/badrange/content.bin", 4, true);
        CHECK(r.status == fetch_status::fatal);
        CHECK(r.error == errc::protocol);
        CHECK(r.data.empty());
    }
    SUBCASE("200 with the whole object: past the default limit, fatal without downloading it") {
        fetch_result r = get("/norange/content.bin", 4, true);
        CHECK(r.status == fetch_status::fatal);
        CHECK(r.error == errc::limit);
        CHECK(r.message.find("ignored the Range") != std::string::npos);
    }
    SUBCASE("200 with the whole object within a raised limit: the piece is cut out") {
        fetcher_config config;
        config.max_response_bytes = 1 << 20;
        fetch_result r = get("/norange/content.bin", 4, true, config);
        CHECK(r.status == fetch_status::ok);
        CHECK(r.http_status == 200);
        CHECK(r.data == piece_bytes(4));
    }
    SUBCASE("200 that is not the whole object is fatal") {
        fetcher_config config;
        config.max_response_bytes = 1 << 20;
        fetch_result r = get("/piece/4", 4, true, config);
        CHECK(r.status == fetch_status::fatal);
        CHECK(r.error == errc::protocol);
    }
}

TEST_CASE("hash_mismatch: wrong bytes are dropped") {
    fetch_result wrong = get("/wrong/3", 3);
    CHECK(wrong.status == fetch_status::hash_mismatch);
    CHECK(wrong.error == errc::hash_mismatch);
    CHECK(wrong.http_status == 200);
    CHECK(wrong.bytes == 1024);
    CHECK(wrong.data.empty());

    fetch_result other_piece = get("/piece/4", 3);
    CHECK(other_piece.status == fetch_status::hash_mismatch);

    const std::size_t last = p2pcdn::test::test_layout().piece_count() - 1;
    fetch_result wrong_length = get("/piece/0", last);  // 1024 bytes for a 123-byte piece
    CHECK(wrong_length.status == fetch_status::fatal);  // past the piece-length limit
    CHECK(wrong_length.error == errc::limit);
}

TEST_CASE("gone: 404 and 410 mark the source unusable for that piece") {
    fetcher f = make_fetcher();
    for (const char* code : {"404", "410"}) {
        CAPTURE(code);
        const std::string uri = server().url(std::string("/status/") + code + "/3");
        fetch_result first = f.get(3, uri, false);
        CHECK(first.status == fetch_status::gone);
        CHECK(first.error == errc::not_found);
        CHECK(first.http_status == std::stol(code));
        CHECK(f.is_gone(uri, 3));
        CHECK_FALSE(f.is_gone(uri, 4));

        fetch_result again = f.get(3, uri, false);
        CHECK(again.status == fetch_status::gone);
        CHECK(again.http_status == 0);  // refused without a request
    }
    CHECK(f.gone_count() == 2);
    // Another piece from another URI is unaffected.
    CHECK(f.get(3, server().url("/piece/3"), false).status == fetch_status::ok);
}

TEST_CASE("retry_later: rate limits, server errors, transport failures") {
    SUBCASE("429 with delta-seconds") {
        fetch_result r = get("/retry429/7/3", 3);
        CHECK(r.status == fetch_status::retry_later);
        CHECK(r.error == errc::http);
        CHECK(r.http_status == 429);
        CHECK(r.retry_after_ms == 7000);
    }
    SUBCASE("503 with an HTTP-date") {
        fetch_result r = get("/retry503date/30/3", 3);
        CHECK(r.status == fetch_status::retry_later);
        CHECK(r.http_status == 503);
        CHECK(r.retry_after_ms >= 27000);
        CHECK(r.retry_after_ms <= 31000);
    }
    SUBCASE("500 without Retry-After") {
        fetch_result r = get("/status/500/3", 3);
        CHECK(r.status == fetch_status::retry_later);
        CHECK(r.retry_after_ms == -1);
    }
    SUBCASE("502 and 408") {
        CHECK(get("/status/502/3", 3).status == fetch_status::retry_later);
        CHECK(get("/status/408/3", 3).status == fetch_status::retry_later);
    }
    SUBCASE("connection reset") {
        fetch_result r = get("/reset/3", 3);
        CHECK(r.status == fetch_status::retry_later);
        CHECK(r.error == errc::network);
    }
    SUBCASE("truncated body") {
        fetch_result r = get("/truncated/3", 3);
        CHECK(r.status == fetch_status::retry_later);
        CHECK(r.error == errc::network);
    }
    SUBCASE("stall: low-speed timeout") {
        fetcher_config config;
        config.http.low_speed_bytes_per_s = 100;
        config.http.low_speed_time_s = 1;
        fetch_result r = get("/stall/3", 3, false, config);
        CHECK(r.status == fetch_status::retry_later);
        CHECK(r.error == errc::timeout);
    }
    SUBCASE("connection refused") {
        fetcher f = make_fetcher();
        fetch_result r =
            f.get(3, "http://127.0.0.1:" + std::to_string(server().closed) + "/piece/3", false);
        CHECK(r.status == fetch_status::retry_later);
        CHECK(r.error == errc::network);
        CHECK(r.http_status == 0);
    }
}

TEST_CASE("fatal: other 4xx, TLS, redirect policy, size limit") {
    SUBCASE("403") {
        fetch_result r = get("/status/403/3", 3);
        CHECK(r.status == fetch_status::fatal);
        CHECK(r.error == errc::http);
        CHECK(r.http_status == 403);
    }
    SUBCASE("unknown CA") {
        fetcher f = make_fetcher();
        fetch_result r = f.get(3, server().tls_url("/piece/3"), false);
        CHECK(r.status == fetch_status::fatal);
        CHECK(r.error == errc::tls);
    }
    SUBCASE("redirect loop") {
        fetcher_config config;
        config.http.max_redirects = 2;
        fetch_result r = get("/loop/0/3", 3, false, config);
        CHECK(r.status == fetch_status::fatal);
        CHECK(r.error == errc::protocol);
    }
    SUBCASE("redirect to ftp") {
        fetch_result r = get("/ftp/3", 3);
        CHECK(r.status == fetch_status::fatal);
        CHECK(r.error == errc::protocol);
    }
    SUBCASE("size limit") {
        fetch_result r = get("/large/3", 3);
        CHECK(r.status == fetch_status::fatal);
        CHECK(r.error == errc::limit);
    }
    SUBCASE("url policy") {
        fetcher_config config;
        config.http.policy.refuse_private_addresses = true;
        fetch_result r = get("/piece/3", 3, false, config);
        CHECK(r.status == fetch_status::fatal);
        CHECK(r.error == errc::protocol);
    }
}

TEST_CASE("argument errors throw before any request") {
    fetcher f = make_fetcher();
    CHECK(p2pcdn::test::code_of([&] { f.get(11, server().url("/piece/3"), false); }) ==
          errc::range);
    CHECK(p2pcdn::test::code_of([&] { f.get(0, "ftp://127.0.0.1/x", false); }) ==
          errc::protocol);
    CHECK(p2pcdn::test::code_of([&] {
              fetcher(p2pcdn::test::test_layout(), p2pcdn::piece_hashes(), fetcher_config{});
          }) == errc::state);
}

TEST_CASE("submit and step: many pieces in parallel under the per-host cap") {
    fetcher_config config;
    config.http.max_per_host = 3;
    fetcher f = make_fetcher(config);
    const std::string key = "fetch3-" + std::to_string(getpid());
    const std::size_t count = f.layout().piece_count();
    std::map<std::size_t, fetch_result> results;
    for (std::size_t i = 0; i < count; ++i) {
        f.submit(i, server().url("/slow/" + key + "/" + std::to_string(i)), false,
                 [&results](fetch_result& r) { results[r.piece] = std::move(r); });
    }
    CHECK(f.pending() == count);
    while (f.step(100) > 0) {
    }
    REQUIRE(results.size() == count);
    for (auto& [i, r] : results) {
        CAPTURE(i);
        CHECK(r.status == fetch_status::ok);
        CHECK(r.data == piece_bytes(i));
    }
    p2pcdn::http::client c(p2pcdn::http::client_config{});
    p2pcdn::http::request stats;
    stats.url = server().url("/stats/" + key);
    auto res = c.perform(stats);
    CHECK(res.body == "{\"max\": 3, \"count\": " + std::to_string(count) + "}");
}

TEST_CASE("submit: a gone source completes at the next step without a request, cancel") {
    fetcher f = make_fetcher();
    const std::string uri = server().url("/status/410/2");
    CHECK(f.get(2, uri, false).status == fetch_status::gone);
    int gone = 0;
    int cancelled = 0;
    f.submit(2, uri, false, [&](fetch_result& r) { gone += r.status == fetch_status::gone; });
    std::uint64_t id = f.submit(3, server().url("/slow/fcancel/3"), false,
                                [&](fetch_result&) { ++cancelled; });
    CHECK(f.cancel(id));
    CHECK_FALSE(f.cancel(id));
    while (f.step(100) > 0) {
    }
    CHECK(gone == 1);
    CHECK(cancelled == 0);
}

}  // TEST_SUITE
