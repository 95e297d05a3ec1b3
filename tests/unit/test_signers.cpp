// The request signers' behaviour and error paths: bearer and static header signers, the SigV4
// signer's header handling, its canonical pieces, and the URL splitting it relies on.
#include "cdn/header_fields.hpp"
#include "cdn/sha256.hpp"
#include "cdn/signer.hpp"
#include "cdn/sigv4.hpp"
#include "cdn/url_parts.hpp"
#include "core/hex.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace p2pcdn;
using namespace p2pcdn::cdn;
using p2pcdn::test::code_of;

namespace {

constexpr std::string_view secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view token = "FQoGZXIvYXdzSESSIONTOKENEXAMPLE";
constexpr std::int64_t t0 = 1369353600;  // 2013-05-24T00:00:00Z

sigv4_credentials s3_credentials() {
    sigv4_credentials c;
    c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
    c.secret_access_key = std::string(secret);
    c.region = "us-east-1";
    c.service = "s3";
    return c;
}

std::size_t count_headers(const http::request& req, std::string_view name) {
    std::size_t n = 0;
    for (const auto& h : req.headers) {
        n += iequals(h.first, name) ? 1 : 0;
    }
    return n;
}

// The message of the p2pcdn::error f throws ("" when it throws none).
template <typename F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const p2pcdn::error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_SUITE("cdn.signers") {
    TEST_CASE("sha256 and hmac_sha256 known answers") {
        // FIPS 180-2 "abc" and RFC 4231 test case 2.
        CHECK(sha256_hex("abc") ==
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        const sha256_digest mac = hmac_sha256("Jefe", "what do ya want for nothing?");
        CHECK(hex::encode(mac.data(), mac.size()) ==
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    TEST_CASE("bearer signer sets one Authorization header") {
        const auto s = make_bearer_signer("tok-123");
        CHECK(s->scheme() == "bearer");
        http::request req;
        req.url = "https://api.example/purge";
        req.headers = {{"authorization", "Basic old"}, {"Accept", "*/*"}, {"AUTHORIZATION", "x"}};
        s->sign(req, 0);
        s->sign(req, 1);  // a retry signs the same request again
        CHECK(count_headers(req, "Authorization") == 1);
        CHECK(*find_header(req.headers, "authorization") == "Bearer tok-123");
        CHECK(*find_header(req.headers, "accept") == "*/*");
        CHECK(req.headers.size() == 2);
    }

    TEST_CASE("bearer signer refuses empty tokens and line breaks, without echoing them") {
        CHECK(code_of([] { make_bearer_signer(""); }) == errc::invalid);
        const std::string bad_tokens[] = {"abc\r\nX-Evil: 1", "abc\n", std::string("ab\0c", 4),
                                          "\r"};
        for (const std::string& bad : bad_tokens) {
            CAPTURE(bad);
            CHECK(code_of([&] { make_bearer_signer(bad); }) == errc::invalid);
            CHECK(message_of([&] { make_bearer_signer(bad); }).find("abc") == std::string::npos);
        }
    }

    TEST_CASE("header signer sets or replaces one header of its name") {
        const auto s = make_header_signer("Fastly-Key", "key-1");
        CHECK(s->scheme() == "header");
        http::request req;
        req.headers = {{"fastly-key", "stale"}, {"Surrogate-Key", "a"}, {"FASTLY-KEY", "stale2"}};
        s->sign(req, 0);
        CHECK(count_headers(req, "Fastly-Key") == 1);
        CHECK(*find_header(req.headers, "fastly-key") == "key-1");
        CHECK(*find_header(req.headers, "surrogate-key") == "a");

        http::request empty;
        s->sign(empty, 0);
        REQUIRE(empty.headers.size() == 1);
        CHECK(empty.headers[0] == std::pair<std::string, std::string>("Fastly-Key", "key-1"));
    }

    TEST_CASE("header signer refuses invalid names and values, without echoing values") {
        const std::string bad_names[] = {
            "", "X Api", "X:Api", "X-Api\r", "(x)", "X\xc3\xa4", std::string("X\0Y", 3)};
        for (const std::string& bad : bad_names) {
            CAPTURE(bad);
            CHECK(code_of([&] { make_header_signer(bad, "v"); }) == errc::invalid);
        }
        CHECK(code_of([] { make_header_signer("X-Api-Key", ""); }) == errc::invalid);
        const std::string bad_values[] = {"secret\r\nX: y", "secret\n", std::string("sec\0ret", 7)};
        for (const std::string& bad : bad_values) {
            CHECK(code_of([&] { make_header_signer("X-Api-Key", bad); }) == errc::invalid);
            CHECK(message_of([&] { make_header_signer("X-Api-Key", bad); }).find("sec") ==
                  std::string::npos);
        }
        CHECK(code_of([] { make_header_signer("X-Api_Key.1!", "v"); }) == errc::ok);
    }

    TEST_CASE("sigv4 signer refuses unusable credentials, naming the field only") {
        CHECK(code_of([] { make_sigv4_signer(s3_credentials()); }) == errc::ok);
        const auto refused = [](auto change) {
            sigv4_credentials c = s3_credentials();
            change(c);
            CHECK(code_of([&] { make_sigv4_signer(c); }) == errc::invalid);
            const std::string message = message_of([&] { make_sigv4_signer(c); });
            CHECK(message.find(secret) == std::string::npos);
            CHECK(message.find("SESSION") == std::string::npos);
            return message;
        };
        CHECK(refused([](auto& c) { c.access_key_id.clear(); }).find("access key id") !=
              std::string::npos);
        CHECK(refused([](auto& c) { c.secret_access_key.clear(); }).find("secret") !=
              std::string::npos);
        CHECK(refused([](auto& c) { c.region.clear(); }).find("region") != std::string::npos);
        refused([](auto& c) { c.service.clear(); });
        refused([](auto& c) { c.access_key_id = "AKIA/EXAMPLE"; });
        refused([](auto& c) { c.access_key_id = "AKIA EXAMPLE"; });
        refused([](auto& c) { c.region = "us-east-1,x"; });
        refused([](auto& c) { c.service = "s3\n"; });
        refused([](auto& c) { c.session_token = std::string(token) + "\r\nX-Evil: 1"; });
        refused([](auto& c) { c.session_token = std::string(token) + "\n"; });
        refused([](auto& c) { c.session_token = std::string("SESSION\0", 8); });
    }

    TEST_CASE("sigv4 signer adds Host from the URL, with the port only when not the default") {
        const auto s = make_sigv4_signer(s3_credentials());
        CHECK(s->scheme() == "aws-sigv4");
        const auto host_for = [&](const std::string& url) {
            http::request req;
            req.url = url;
            s->sign(req, t0);
            REQUIRE(count_headers(req, "Host") == 1);
            return *find_header(req.headers, "Host");
        };
        CHECK(host_for("https://bucket.s3.example/k") == "bucket.s3.example");
        CHECK(host_for("https://bucket.s3.example:443/k") == "bucket.s3.example");
        CHECK(host_for("http://bucket.s3.example:80/k") == "bucket.s3.example");
        CHECK(host_for("http://127.0.0.1:9000/b/k") == "127.0.0.1:9000");
        CHECK(host_for("https://minio.lab:80/b/k") == "minio.lab:80");
        CHECK(host_for("http://[::1]:9000/b/k?x=1#frag") == "[::1]:9000");
        CHECK(host_for("HTTP://[::1]") == "[::1]");

        http::request own_host;
        own_host.url = "http://127.0.0.1:9000/b/k";
        own_host.headers = {{"host", "bucket.virtual.example"}};
        s->sign(own_host, t0);
        CHECK(count_headers(own_host, "Host") == 1);
        CHECK(*find_header(own_host.headers, "Host") == "bucket.virtual.example");
    }

    TEST_CASE("sigv4 signer replaces its own headers when a request is signed again") {
        sigv4_credentials c = s3_credentials();
        c.session_token = std::string(token);
        const auto s = make_sigv4_signer(c);
        http::request req;
        req.method = "PUT";
        req.url = "https://bucket.s3.example/pieces/0";
        req.body = "piece bytes";
        req.headers = {{"authorization", "Bearer stale"},
                       {"X-AMZ-DATE", "19990101T000000Z"},
                       {"X-Amz-Content-SHA256", "stale"},
                       {"x-amz-security-token", "stale"},
                       {"Cache-Control", "public, max-age=60"}};
        s->sign(req, t0);
        const std::string first = *find_header(req.headers, "Authorization");
        s->sign(req, t0 + 1);
        for (const char* name : {"Authorization", "X-Amz-Date", "x-amz-content-sha256",
                                 "X-Amz-Security-Token", "Host", "Cache-Control"}) {
            const std::string shown = name;
            CAPTURE(shown);
            CHECK(count_headers(req, name) == 1);
        }
        CHECK(req.headers.size() == 6);
        CHECK(*find_header(req.headers, "X-Amz-Date") == "20130524T000001Z");
        CHECK(*find_header(req.headers, "x-amz-content-sha256") == sha256_hex("piece bytes"));
        CHECK(*find_header(req.headers, "X-Amz-Security-Token") == token);
        const std::string second = *find_header(req.headers, "Authorization");
        CHECK(second != first);
        CHECK(second.find("SignedHeaders=cache-control;host;x-amz-content-sha256;x-amz-date;"
                          "x-amz-security-token, ") != std::string::npos);
        CHECK(second.find(secret) == std::string::npos);
    }

    TEST_CASE("sigv4 without a session token drops a stale X-Amz-Security-Token") {
        const auto s = make_sigv4_signer(s3_credentials());
        http::request req;
        req.url = "https://bucket.s3.example/k";
        req.headers = {{"X-Amz-Security-Token", "stale"}};
        s->sign(req, t0);
        CHECK(count_headers(req, "X-Amz-Security-Token") == 0);
    }

    TEST_CASE("sigv4 payload hash: signed, UNSIGNED-PAYLOAD, and none for other services") {
        sigv4_credentials c = s3_credentials();
        c.sign_payload = false;
        http::request req;
        req.method = "PUT";
        req.url = "https://bucket.s3.example/k";
        req.body = "large body";
        const sigv4::signing_steps steps = sigv4::sign(req, c, sigv4::rules_for(c), t0);
        CHECK(*find_header(req.headers, "x-amz-content-sha256") == "UNSIGNED-PAYLOAD");
        CHECK(steps.canonical_request.size() > 16);
        CHECK(steps.canonical_request.substr(steps.canonical_request.size() - 16) ==
              "UNSIGNED-PAYLOAD");

        c.s3 = false;
        c.service = "cloudfront";
        http::request api;
        api.method = "POST";
        api.url = "https://cloudfront.amazonaws.com/2020-05-31/distribution/E1/invalidation";
        api.body = "<InvalidationBatch/>";
        const sigv4::signing_steps api_steps = sigv4::sign(api, c, sigv4::rules_for(c), t0);
        CHECK(count_headers(api, "x-amz-content-sha256") == 0);
        CHECK(api_steps.canonical_request.substr(api_steps.canonical_request.size() - 64) ==
              sha256_hex("<InvalidationBatch/>"));
    }

    TEST_CASE("sigv4 sign refuses what it cannot sign and leaves the request as it was") {
        sigv4_credentials c = s3_credentials();
        c.session_token = std::string(token);
        const auto s = make_sigv4_signer(c);
        const auto refuse = [&](http::request req) {
            const http::request before = req;
            CHECK(code_of([&] { s->sign(req, t0); }) == errc::invalid);
            CHECK(req.headers == before.headers);
            const std::string message = message_of([&] { s->sign(req, t0); });
            CHECK(message.find(secret) == std::string::npos);
            CHECK(message.find(token) == std::string::npos);
            CHECK(message.find("QUERYSECRET") == std::string::npos);
            return message;
        };
        const auto with_url = [](std::string url) {
            http::request req;
            req.url = std::move(url);
            req.headers = {{"Accept", "*/*"}};
            return req;
        };
        for (const char* url :
             {"", "not a url", "bucket.s3.example/k", "ftp://bucket.s3.example/k", "http:///k",
              "http://user:pw@bucket.s3.example/k", "http://bucket.s3.example:99999/k",
              "http://bucket.s3.example:0/k", "http://bucket.s3.example:/k",
              "http://bucket.s3.example:8o/k", "http://bucket.s3.example/a b",
              "http://bucket.s3.example/a\r\nX: y", "http://[::1/k", "http://[::1]x/k",
              "http://[]/k", "https://bucket.s3.example/k?x=QUERYSECRET%zz",
              "https://bucket.s3.example/k?x=QUERYSECRET%4", "https://bucket.s3.example/k%2"}) {
            const std::string shown = url;
            CAPTURE(shown);
            refuse(with_url(url));
        }
        CHECK(refuse(with_url("https://u:QUERYSECRET@h/k")).find("user info") != std::string::npos);

        http::request bad_name = with_url("https://bucket.s3.example/k");
        bad_name.headers.emplace_back("Bad Header", "v");
        CHECK(refuse(bad_name).find("not an RFC 9110 token") != std::string::npos);
        http::request bad_value = with_url("https://bucket.s3.example/k");
        bad_value.headers.emplace_back("X-Meta", "QUERYSECRET\r\nX-Evil: 1");
        refuse(bad_value);
        http::request bad_method = with_url("https://bucket.s3.example/k");
        bad_method.method = "GE T";
        refuse(bad_method);

        http::request too_late = with_url("https://bucket.s3.example/k");
        CHECK(code_of([&] { s->sign(too_late, -1); }) == errc::range);
        CHECK(code_of([&] { s->sign(too_late, 253402300800); }) == errc::range);
        CHECK(too_late.headers.size() == 1);
    }

    TEST_CASE("sigv4 amz_date") {
        CHECK(sigv4::amz_date(0) == "19700101T000000Z");
        CHECK(sigv4::amz_date(1440938160) == "20150830T123600Z");
        CHECK(sigv4::amz_date(951782400) == "20000229T000000Z");
        CHECK(sigv4::amz_date(1709251199) == "20240229T235959Z");
        CHECK(sigv4::amz_date(253402300799) == "99991231T235959Z");
        CHECK(code_of([] { sigv4::amz_date(-1); }) == errc::range);
    }

    TEST_CASE("sigv4 canonical URI: S3 encodes the key once, others normalise and re-encode") {
        sigv4::rules s3;
        s3.normalize_path = false;
        s3.double_encode_path = false;
        CHECK(sigv4::canonical_uri("/test$file.text", s3) == "/test%24file.text");
        CHECK(sigv4::canonical_uri("/test%24file.text", s3) == "/test%24file.text");
        CHECK(sigv4::canonical_uri("/a//b/../c d", s3) == "/a//b/../c%20d");
        CHECK(sigv4::canonical_uri("", s3) == "/");
        CHECK(sigv4::canonical_uri("/%E1%88%B4/%7e", s3) == "/%E1%88%B4/~");
        CHECK(code_of([&] { sigv4::canonical_uri("/a%G0", s3); }) == errc::invalid);

        const sigv4::rules other;  // normalise, encode as sent
        CHECK(sigv4::canonical_uri("/a/b/../c/./d//", other) == "/a/c/d/");
        CHECK(sigv4::canonical_uri("/a/b/..", other) == "/a/");
        CHECK(sigv4::canonical_uri("/../../a", other) == "/a");
        CHECK(sigv4::canonical_uri("/%41b", other) == "/%2541b");
        CHECK(sigv4::canonical_uri("/a%G0", other) == "/a%25G0");
        CHECK(sigv4::canonical_uri("/.hidden/..x", other) == "/.hidden/..x");
        CHECK(sigv4::canonical_uri("", other) == "/");
    }

    TEST_CASE("sigv4 canonical query") {
        CHECK(sigv4::canonical_query("") == "");
        CHECK(sigv4::canonical_query("b=2&a=1&a=0") == "a=0&a=1&b=2");
        CHECK(sigv4::canonical_query("lifecycle") == "lifecycle=");
        CHECK(sigv4::canonical_query("a=&b") == "a=&b=");
        CHECK(sigv4::canonical_query("&&a=1&") == "a=1");
        CHECK(sigv4::canonical_query("x=a%20b&y=a+b&z=~-._") == "x=a%20b&y=a%2Bb&z=~-._");
        CHECK(sigv4::canonical_query("k=v=w") == "k=v%3Dw");
        CHECK(sigv4::canonical_query("x=%2f") == "x=%2F");
        // Sorted by the encoded name: '%' comes before letters.
        CHECK(sigv4::canonical_query("Param=1&\xe1\x88\xb4=2") == "%E1%88%B4=2&Param=1");
        CHECK(code_of([] { sigv4::canonical_query("x=%"); }) == errc::invalid);
    }

    TEST_CASE("sigv4 canonical headers") {
        const sigv4::canonical_headers h = sigv4::canonicalize_headers({
            {"X-B", "  two \t  words  "},
            {"Host", "h"},
            {"x-a", "1"},
            {"User-Agent", "curl"},
            {"X-A", "0"},
            {"Expect", "100-continue"},
            {"Connection", "close"},
            {"x-empty", ""},
        });
        CHECK(h.text == "host:h\nx-a:1,0\nx-b:two words\nx-empty:\n");
        CHECK(h.signed_headers == "host;x-a;x-b;x-empty");
        CHECK(sigv4::canonicalize_headers({}).text.empty());
        CHECK(code_of([] { sigv4::canonicalize_headers({{"", "v"}}); }) == errc::invalid);
        CHECK(code_of([] { sigv4::canonicalize_headers({{"X", "a\nb"}}); }) == errc::invalid);
    }

    TEST_CASE("split_url") {
        const url_parts u = split_url("HTTPS://Bucket.example:8443/a/b%20c?x=1&y#frag");
        CHECK(u.scheme == "https");
        CHECK(u.host == "Bucket.example:8443");
        CHECK(u.path == "/a/b%20c");
        CHECK(u.query == "x=1&y");
        const url_parts bare = split_url("http://h");
        CHECK(bare.path == "/");
        CHECK(bare.query.empty());
        CHECK(split_url("http://h?q").path == "/");
        CHECK(split_url("http://h?q").query == "q");
        CHECK(split_url("http://h#f?x").query.empty());
        CHECK(code_of([] { split_url("mailto:x@h"); }) == errc::invalid);
    }

}  // TEST_SUITE
