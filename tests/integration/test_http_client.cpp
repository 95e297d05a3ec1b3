// The HTTP client against the fault server: connection reuse, redirects and their policy,
// limits, timeouts, TLS verification, Retry-After, the URL policy, the per-host cap, cancel.
#include "fault_server.hpp"
#include "http/client.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <unistd.h>

#include <map>
#include <string>
#include <vector>

using p2pcdn::errc;
using p2pcdn::http::client;
using p2pcdn::http::client_config;
using p2pcdn::http::request;
using p2pcdn::http::response;
using p2pcdn::test::server;

namespace {

request get(const std::string& url) {
    request r;
    r.url = url;
    return r;
}

response fetch(const std::string& url, client_config config = {}) {
    client c(std::move(config));
    return c.perform(get(url));
}

// A /slow/ key of this process, so runs against one long-lived server do not mix.
std::string key_of(const char* name) {
    return std::string(name) + "-" + std::to_string(getpid());
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

bool ends_with(const std::string& text, const std::string& tail) {
    return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

// Most concurrent requests the server saw for /slow/<key>/..., and how many.
std::pair<int, int> slow_stats(const std::string& key) {
    response r = fetch(server().url("/stats/" + key));
    REQUIRE(r.status == 200);
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    return {doc["max"].GetInt(), doc["count"].GetInt()};
}

}  // namespace

TEST_SUITE("http.client") {

TEST_CASE("a GET returns the body, status and headers") {
    response r = fetch(server().url("/piece/3"));
    CHECK(r.error == errc::ok);
    CHECK(r.status == 200);
    CHECK(r.body == p2pcdn::test::piece_bytes(3));
    REQUIRE(r.header("content-length") != nullptr);
    CHECK(*r.header("content-length") == "1024");
    CHECK(r.redirects == 0);
    CHECK(r.hops.empty());
    CHECK(ends_with(r.final_url, "/piece/3"));
}

TEST_CASE("one client reuses its connection") {
    client c(client_config{});
    response first = c.perform(get(server().url("/piece/0")));
    response second = c.perform(get(server().url("/piece/1")));
    REQUIRE(first.header("x-connection-requests") != nullptr);
    REQUIRE(second.header("x-connection-requests") != nullptr);
    CHECK(*first.header("x-connection-requests") == "1");
    CHECK(*second.header("x-connection-requests") == "2");
}

TEST_CASE("PUT, POST and DELETE carry their method, body and headers") {
    client c(client_config{});
    for (const char* method : {"PUT", "POST", "DELETE"}) {
        CAPTURE(method);
        request r = get(server().url("/echo"));
        r.method = method;
        r.body = std::string("payload of ") + method;
        r.headers.emplace_back("X-Test", "yes");
        response res = c.perform(r);
        CHECK(res.status == 200);
        CHECK(res.body == r.body);
        REQUIRE(res.header("x-method") != nullptr);
        CHECK(*res.header("x-method") == method);
        CHECK(*res.header("x-test-header") == "yes");
    }
}

TEST_CASE("redirects are followed and recorded") {
    response r = fetch(server().url("/redirect/3"));
    CHECK(r.error == errc::ok);
    CHECK(r.status == 200);
    CHECK(r.body == p2pcdn::test::piece_bytes(3));
    CHECK(r.redirects == 1);
    REQUIRE(r.hops.size() == 1);
    CHECK(ends_with(r.hops[0], "/redirect/3"));
    CHECK(ends_with(r.final_url, "/piece/3"));
}

TEST_CASE("max_redirects 0 leaves the redirect to the caller") {
    client_config config;
    config.max_redirects = 0;
    response r = fetch(server().url("/redirect/3"), config);
    CHECK(r.error == errc::ok);
    CHECK(r.status == 302);
}

TEST_CASE("a redirect loop stops at max_redirects") {
    client_config config;
    config.max_redirects = 3;
    response r = fetch(server().url("/loop/0/3"), config);
    CHECK(r.error == errc::protocol);
    CHECK(r.redirects == 3);
    CHECK(contains(r.message, "redirect"));
}

TEST_CASE("a redirect to a disallowed scheme is refused") {
    response r = fetch(server().url("/ftp/3"));
    CHECK(r.error == errc::protocol);
    CHECK(contains(r.message, "ftp"));
}

TEST_CASE("Authorization goes to the same host on redirect, never to another") {
    client c(client_config{});
    request same = get(server().url("/redirect-auth/3"));
    same.headers.emplace_back("Authorization", "Bearer secret");
    response r1 = c.perform(same);
    CHECK(r1.status == 200);  // the header was kept: the test below means something
    CHECK(r1.redirects == 1);

    request other = get(server().url("/other-host/3"));
    other.headers.emplace_back("Authorization", "Bearer secret");
    response r2 = c.perform(other);
    CHECK(r2.status == 200);  // the other host answers 400 when it receives Authorization
    CHECK(r2.body == p2pcdn::test::piece_bytes(3));
    CHECK(r2.redirects == 1);
    CHECK(contains(r2.final_url, ":" + std::to_string(server().other) + "/auth-check/3"));
}

TEST_CASE("bodies past max_response_bytes abort with limit") {
    client_config config;
    config.max_response_bytes = 4096;
    SUBCASE("with a Content-Length") {
        response r = fetch(server().url("/large/3"), config);
        CHECK(r.error == errc::limit);
        CHECK(contains(r.message, "4096"));
    }
    SUBCASE("without a Content-Length") {
        response r = fetch(server().url("/large-unsized/3"), config);
        CHECK(r.error == errc::limit);
        CHECK(r.body.size() <= 4096);
    }
    SUBCASE("a request may lower the limit") {
        client c(client_config{});
        request r = get(server().url("/piece/3"));
        r.max_response_bytes = 100;
        CHECK(c.perform(r).error == errc::limit);
    }
}

TEST_CASE("timeouts: total and low speed") {
    SUBCASE("total") {
        client_config config;
        config.timeout_ms = 500;
        response r = fetch(server().url("/stall/3"), config);
        CHECK(r.error == errc::timeout);
    }
    SUBCASE("low speed") {
        client_config config;
        config.low_speed_bytes_per_s = 100;
        config.low_speed_time_s = 1;
        response r = fetch(server().url("/stall/3"), config);
        CHECK(r.error == errc::timeout);
    }
}

TEST_CASE("connection failures are network errors") {
    SUBCASE("refused") {
        response r = fetch("http://127.0.0.1:" + std::to_string(server().closed) + "/piece/3");
        CHECK(r.error == errc::network);
        CHECK(r.status == 0);
    }
    SUBCASE("reset mid-body") {
        CHECK(fetch(server().url("/reset/3")).error == errc::network);
    }
    SUBCASE("truncated body") {
        CHECK(fetch(server().url("/truncated/3")).error == errc::network);
    }
}

TEST_CASE("TLS is verified by default") {
    SUBCASE("unknown CA") {
        response r = fetch(server().tls_url("/piece/3"));
        CHECK(r.error == errc::tls);
    }
    SUBCASE("ca_file") {
        client_config config;
        config.ca_file = server().ca_file;
        response r = fetch(server().tls_url("/piece/3"), config);
        CHECK(r.error == errc::ok);
        CHECK(r.body == p2pcdn::test::piece_bytes(3));
    }
    SUBCASE("ca_path") {
        client_config config;
        config.ca_path = server().ca_path;
        config.ca_file = server().ca_file;  // libcurl may not consult CAPATH alone with every TLS backend
        CHECK(fetch(server().tls_url("/piece/3"), config).error == errc::ok);
    }
    SUBCASE("wrong host name") {
        client_config config;
        config.ca_file = server().ca_file;
        // The certificate names 127.0.0.1 and localhost; ::ffff:127.0.0.1 reaches the same
        // listener but is not in its subjectAltName.
        response r = fetch("https://[::ffff:127.0.0.1]:" + std::to_string(server().https) +
                               "/piece/3",
                           config);
        CHECK(r.error == errc::tls);
    }
    SUBCASE("insecure_skip_verify") {
        client_config config;
        config.insecure_skip_verify = true;
        CHECK(fetch(server().tls_url("/piece/3"), config).error == errc::ok);
    }
}

TEST_CASE("Retry-After: delta-seconds and HTTP-date") {
    response r429 = fetch(server().url("/retry429/7/3"));
    CHECK(r429.error == errc::ok);
    CHECK(r429.status == 429);
    REQUIRE(r429.retry_after_ms.has_value());
    CHECK(*r429.retry_after_ms == 7000);

    response r503 = fetch(server().url("/retry503date/30/3"));
    CHECK(r503.status == 503);
    REQUIRE(r503.retry_after_ms.has_value());
    CHECK(*r503.retry_after_ms >= 27000);
    CHECK(*r503.retry_after_ms <= 31000);

    CHECK_FALSE(fetch(server().url("/status/500/3")).retry_after_ms.has_value());
}

TEST_CASE("the url policy refuses private addresses where the socket is opened") {
    client_config config;
    config.policy.refuse_private_addresses = true;
    SUBCASE("an IP literal") {
        response r = fetch(server().url("/piece/3"), config);
        CHECK(r.error == errc::protocol);
        CHECK(contains(r.message, "loopback address 127.0.0.1"));
    }
    SUBCASE("a name resolving to loopback") {
        response r = fetch("http://localhost:" + std::to_string(server().http) + "/piece/3",
                           config);
        CHECK(r.error == errc::protocol);
        CHECK(contains(r.message, "loopback"));
    }
    SUBCASE("off by default") {
        CHECK(fetch(server().url("/piece/3")).error == errc::ok);
    }
}

TEST_CASE("bad URLs fail at submit without a completion") {
    client c(client_config{});
    bool called = false;
    auto done = [&](response&) { called = true; };
    CHECK(p2pcdn::test::code_of([&] { c.submit(get("ftp://127.0.0.1/x"), done); }) ==
          errc::protocol);
    CHECK(p2pcdn::test::code_of([&] { c.submit(get("not a url"), done); }) == errc::invalid);
    CHECK(p2pcdn::test::code_of([&] { c.submit(get("http://[::1/x"), done); }) == errc::invalid);
    CHECK(c.pending() == 0);
    CHECK(c.step(0) == 0);
    CHECK_FALSE(called);
}

TEST_CASE("messages never show credentials or query strings") {
    const std::string url = "http://user:hunter2@127.0.0.1:" + std::to_string(server().closed) +
                            "/piece/3?token=s3cr3t";
    response r = fetch(url);
    CHECK(r.error == errc::network);
    CHECK_FALSE(contains(r.message, "hunter2"));
    CHECK_FALSE(contains(r.message, "s3cr3t"));
    CHECK(contains(r.message, "/piece/3"));

    client_config config;
    config.ca_file = "/nonexistent/ca.pem";
    response tls = fetch("https://user:hunter2@127.0.0.1:" + std::to_string(server().https) +
                             "/piece/3?token=s3cr3t",
                         config);
    CHECK(tls.error == errc::tls);
    CHECK_FALSE(contains(tls.message, "hunter2"));
    CHECK_FALSE(contains(tls.message, "s3cr3t"));
}

TEST_CASE("submit and step: the per-host cap holds and every completion runs once") {
    client_config config;
    config.max_per_host = 2;
    client c(config);
    const std::string key = key_of("cap2");
    std::map<std::uint64_t, int> completions;
    for (int i = 0; i < 6; ++i) {
        std::uint64_t id = 0;
        id = c.submit(get(server().url("/slow/" + key + "/" + std::to_string(i))),
                      [&completions, &id, i](response& r) {
                          CHECK(r.status == 200);
                          CHECK(r.body == p2pcdn::test::piece_bytes(static_cast<std::size_t>(i)));
                          ++completions[static_cast<std::uint64_t>(i)];
                      });
    }
    CHECK(c.pending() == 6);
    int rounds = 0;
    while (c.step(100) > 0 && ++rounds < 200) {
    }
    CHECK(completions.size() == 6);
    for (auto& [i, n] : completions) {
        CHECK(n == 1);
    }
    auto [max, count] = slow_stats(key);
    CHECK(count == 6);
    CHECK(max == 2);
}

TEST_CASE("max_parallel caps transfers across hosts") {
    client_config config;
    config.max_per_host = 8;
    config.max_parallel = 3;
    client c(config);
    int done = 0;
    for (int i = 0; i < 7; ++i) {
        c.submit(get(server().url("/slow/" + key_of("par3") + "/" + std::to_string(i))),
                 [&done](response& r) { done += r.status == 200 ? 1 : 0; });
    }
    while (c.step(100) > 0) {
    }
    CHECK(done == 7);
    CHECK(slow_stats(key_of("par3")).first == 3);
}

TEST_CASE("cancel: a cancelled transfer never completes") {
    client c(client_config{});
    int first = 0;
    int second = 0;
    c.submit(get(server().url("/slow/cancel/0")), [&](response&) { ++first; });
    std::uint64_t id = c.submit(get(server().url("/slow/cancel/1")), [&](response&) { ++second; });
    c.step(0);  // both running now
    CHECK(c.cancel(id));
    CHECK_FALSE(c.cancel(id));
    while (c.step(100) > 0) {
    }
    CHECK(first == 1);
    CHECK(second == 0);
    CHECK_FALSE(c.cancel(12345));
}

TEST_CASE("completions may submit, they may not step") {
    client c(client_config{});
    int chained = 0;
    errc nested = errc::ok;
    c.submit(get(server().url("/piece/0")), [&](response&) {
        nested = p2pcdn::test::code_of([&] { c.step(0); });
        c.submit(get(server().url("/piece/1")), [&](response& r) {
            chained = r.status == 200 ? 1 : -1;
        });
    });
    while (c.step(100) > 0) {
    }
    CHECK(nested == errc::state);
    CHECK(chained == 1);
}

TEST_CASE("destroying a client with transfers in flight runs no completion") {
    int called = 0;
    {
        client c(client_config{});
        for (int i = 0; i < 3; ++i) {
            c.submit(get(server().url("/slow/destroy/" + std::to_string(i))),
                     [&](response&) { ++called; });
        }
        c.step(50);
    }
    CHECK(called == 0);
}

}  // TEST_SUITE
