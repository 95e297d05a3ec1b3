// The HTTP client's pure parts: Retry-After, URL redaction, the URL policy, libcurl error
// mapping and origins.
#include "core/ip_address.hpp"
#include "http/base_url.hpp"
#include "http/client.hpp"
#include "http/curl_errors.hpp"
#include "http/origin.hpp"
#include "http/redact.hpp"
#include "http/retry_after.hpp"
#include "http/url_policy.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <string>

using p2pcdn::errc;
using p2pcdn::ip_address;
using namespace p2pcdn::http;

TEST_SUITE("http.retry_after") {

TEST_CASE("delta-seconds") {
    CHECK(parse_retry_after("0", 0) == 0);
    CHECK(parse_retry_after("120", 0) == 120000);
    CHECK(parse_retry_after("  7 ", 0) == 7000);
    CHECK(parse_retry_after("99999999999999999999999", 0) == max_retry_after_ms);
    CHECK(parse_retry_after("86401", 0) == max_retry_after_ms);
    CHECK_FALSE(parse_retry_after("", 0).has_value());
    CHECK_FALSE(parse_retry_after("-5", 0).has_value());
    CHECK_FALSE(parse_retry_after("1.5", 0).has_value());
    CHECK_FALSE(parse_retry_after("12abc", 0).has_value());
    CHECK_FALSE(parse_retry_after("soon", 0).has_value());
}

TEST_CASE("HTTP-date in its three forms") {
    // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example).
    const std::int64_t t = 784111777;
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == t);
    CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == t);
    CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == t);
    CHECK(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
    CHECK(parse_http_date("Tue, 29 Feb 2000 12:00:00 GMT") == 951825600);
    CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC").has_value());
    CHECK_FALSE(parse_http_date("Sun, 31 Nov 1994 08:49:37 GMT").has_value());
    CHECK_FALSE(parse_http_date("Sun, 29 Feb 1900 08:49:37 GMT").has_value());
    CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 24:00:00 GMT").has_value());
    CHECK_FALSE(parse_http_date("Sun, 6 Nov 1994 08:49:37 GMT").has_value());
    CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT x").has_value());
}

TEST_CASE("HTTP-date relative to now") {
    const std::int64_t t = 784111777;
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", t - 30) == 30000);
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", t) == 0);
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", t + 100) == 0);  // past
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 0) == max_retry_after_ms);
    CHECK_FALSE(parse_retry_after("Sun, 06 Nov 1994", t).has_value());
}

}  // TEST_SUITE

TEST_SUITE("http.redact") {

TEST_CASE("userinfo, query and fragment are removed") {
    CHECK(redact_url("https://user:pw@cdn.example/a/b?sig=x#f") == "https://cdn.example/a/b?...");
    CHECK(redact_url("http://cdn.example:8080/p/1") == "http://cdn.example:8080/p/1");
    CHECK(redact_url("http://a@b@cdn.example/x") == "http://cdn.example/x");
    CHECK(redact_url("http://cdn.example?token=1") == "http://cdn.example?...");
    CHECK(redact_url("http://cdn.example#frag") == "http://cdn.example?...");
    CHECK(redact_url("/relative/path?x=1") == "/relative/path?...");
    CHECK(redact_url("") == "");
}

TEST_CASE("an '@' in the path is not userinfo") {
    CHECK(redact_url("http://cdn.example/a@b") == "http://cdn.example/a@b");
}

TEST_CASE("control bytes and long paths cannot break a one-line message") {
    CHECK(redact_url("http://h/a\nb c") == "http://h/a?b?c");
    std::string long_url = "http://h/" + std::string(500, 'x');
    std::string r = redact_url(long_url);
    CHECK(r.size() < 220);
    CHECK(r.substr(r.size() - 3) == "...");
}

}  // TEST_SUITE

TEST_SUITE("http.url_policy") {

TEST_CASE("schemes") {
    url_policy policy;
    CHECK(scheme_of("HTTPS://x") == "https");
    CHECK(scheme_of("no scheme") == "");
    CHECK(scheme_of("1http://x") == "");
    CHECK(p2pcdn::test::code_of([&] { check_url(policy, "http://x/"); }) == errc::ok);
    CHECK(p2pcdn::test::code_of([&] { check_url(policy, "HtTpS://x/"); }) == errc::ok);
    CHECK(p2pcdn::test::code_of([&] { check_url(policy, "ftp://x/"); }) == errc::protocol);
    CHECK(p2pcdn::test::code_of([&] { check_url(policy, "file:///etc/passwd"); }) ==
          errc::protocol);
    CHECK(p2pcdn::test::code_of([&] { check_url(policy, "/relative"); }) == errc::invalid);
    policy.schemes = {"https"};
    CHECK(p2pcdn::test::code_of([&] { check_url(policy, "http://x/"); }) == errc::protocol);
    policy.schemes = {"gopher"};
    CHECK(p2pcdn::test::code_of([&] { validate(policy); }) == errc::invalid);
    policy.schemes = {};
    CHECK(p2pcdn::test::code_of([&] { validate(policy); }) == errc::invalid);
}

TEST_CASE("special addresses") {
    auto kind = [](const char* text) {
        const char* k = special_address_kind(ip_address::parse(text));
        return std::string(k != nullptr ? k : "public");
    };
    CHECK(kind("127.0.0.1") == "loopback");
    CHECK(kind("127.8.9.10") == "loopback");
    CHECK(kind("10.1.2.3") == "private");
    CHECK(kind("172.16.0.1") == "private");
    CHECK(kind("172.31.255.255") == "private");
    CHECK(kind("172.32.0.1") == "public");
    CHECK(kind("192.168.1.1") == "private");
    CHECK(kind("100.64.0.1") == "private");
    CHECK(kind("100.128.0.1") == "public");
    CHECK(kind("169.254.169.254") == "link-local");
    CHECK(kind("0.0.0.0") == "unspecified");
    CHECK(kind("224.0.0.1") == "multicast");
    CHECK(kind("255.255.255.255") == "reserved");
    CHECK(kind("8.8.8.8") == "public");
    CHECK(kind("192.0.2.1") == "public");  // documentation range: not the host's network
    CHECK(kind("::") == "unspecified");
    CHECK(kind("::1") == "loopback");
    CHECK(kind("::ffff:127.0.0.1") == "loopback");
    CHECK(kind("::ffff:10.0.0.1") == "private");
    CHECK(kind("::ffff:8.8.8.8") == "public");
    CHECK(kind("fe80::1") == "link-local");
    CHECK(kind("fc00::1") == "private");
    CHECK(kind("fd12:3456::1") == "private");
    CHECK(kind("ff02::1") == "multicast");
    CHECK(kind("64:ff9b::7f00:1") == "loopback");
    CHECK(kind("2002:c0a8:0101::1") == "private");
    CHECK(kind("2001:db8::1") == "public");
    CHECK(kind("2606:4700::1111") == "public");
}

}  // TEST_SUITE

TEST_SUITE("http.base_url") {

TEST_CASE("trailing slashes go, so that base + \"/path\" is the endpoint") {
    const url_policy policy;
    CHECK(checked_base_url("http://127.0.0.1:6969", policy, "tracker URL") ==
          "http://127.0.0.1:6969");
    CHECK(checked_base_url("http://t.example/api///", policy, "tracker URL") ==
          "http://t.example/api");
}

TEST_CASE("refusals") {
    const url_policy policy;
    const auto code = [&](const std::string& url) {
        return p2pcdn::test::code_of([&] { checked_base_url(url, policy, "tracker URL"); });
    };
    CHECK(code("not a url") == errc::invalid);
    CHECK(code("") == errc::invalid);
    CHECK(code("ftp://t.example") == errc::protocol);
    CHECK(code("http://t.example/?token=x") == errc::invalid);
    CHECK(code("http://t.example/#top") == errc::invalid);
    try {
        checked_base_url("http://t.example/a?token=secret", policy, "tracker URL");
        FAIL("a query was taken");
    } catch (const p2pcdn::error& e) {
        // The query is not shown: it may carry a token.
        CHECK(std::string(e.what()) ==
              "tracker URL http://t.example/a?... has a query or fragment");
    }
}

}  // TEST_SUITE

TEST_SUITE("http.errors") {

TEST_CASE("libcurl codes map to the library's") {
    CHECK(errc_for(CURLE_OK) == errc::ok);
    CHECK(errc_for(CURLE_COULDNT_CONNECT) == errc::network);
    CHECK(errc_for(CURLE_COULDNT_RESOLVE_HOST) == errc::network);
    CHECK(errc_for(CURLE_RECV_ERROR) == errc::network);
    CHECK(errc_for(CURLE_SEND_ERROR) == errc::network);
    CHECK(errc_for(CURLE_PARTIAL_FILE) == errc::network);
    CHECK(errc_for(CURLE_GOT_NOTHING) == errc::network);
    CHECK(errc_for(CURLE_OPERATION_TIMEDOUT) == errc::timeout);
    CHECK(errc_for(CURLE_PEER_FAILED_VERIFICATION) == errc::tls);
    CHECK(errc_for(CURLE_SSL_CONNECT_ERROR) == errc::tls);
    CHECK(errc_for(CURLE_SSL_CACERT_BADFILE) == errc::tls);
    CHECK(errc_for(CURLE_TOO_MANY_REDIRECTS) == errc::protocol);
    CHECK(errc_for(CURLE_UNSUPPORTED_PROTOCOL) == errc::protocol);
    CHECK(errc_for(CURLE_FILESIZE_EXCEEDED) == errc::limit);
    CHECK(errc_for(CURLE_URL_MALFORMAT) == errc::invalid);
    CHECK(errc_for(CURLE_OUT_OF_MEMORY) == errc::no_memory);
    CHECK(errc_for(CURLE_ABORTED_BY_CALLBACK) == errc::cancelled);
    CHECK(errc_for(CURLE_FAILED_INIT) == errc::error);
}

}  // TEST_SUITE

TEST_SUITE("http.config") {

TEST_CASE("origins key the per-host cap") {
    CHECK(origin_of("http://CDN.example/a?b") == "http://cdn.example:80");
    CHECK(origin_of("https://cdn.example:8443/x") == "https://cdn.example:8443");
    CHECK(origin_of("https://u:p@cdn.example/x") == "https://cdn.example:443");
    CHECK(origin_of("http://[2001:db8::1]:81/") == "http://[2001:db8::1]:81");
    CHECK(p2pcdn::test::code_of([] { origin_of("http://[::1/"); }) == errc::invalid);
}

TEST_CASE("settings are validated") {
    auto code = [](auto change) {
        client_config c;
        change(c);
        return p2pcdn::test::code_of([&] { validate(c); });
    };
    CHECK(code([](client_config&) {}) == errc::ok);
    CHECK(code([](client_config& c) { c.max_per_host = 0; }) == errc::invalid);
    CHECK(code([](client_config& c) { c.max_parallel = 0; }) == errc::invalid);
    CHECK(code([](client_config& c) { c.max_redirects = -1; }) == errc::invalid);
    CHECK(code([](client_config& c) { c.timeout_ms = -1; }) == errc::invalid);
    CHECK(code([](client_config& c) { c.max_response_bytes = 0; }) == errc::invalid);
    CHECK(code([](client_config& c) { c.policy.schemes = {"ftp"}; }) == errc::invalid);
}

}  // TEST_SUITE
