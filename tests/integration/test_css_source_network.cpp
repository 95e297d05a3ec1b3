// The CSS source against the fault server, through a real HTTP client: both ways of addressing a
// piece, and what every kind of bad answer comes to.
#include "cdn/css_source.hpp"
#include "cdn/signer.hpp"
#include "core/piece_hasher.hpp"
#include "fault_server.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

using p2pcdn::errc;
using p2pcdn::cdn::css_config;
using p2pcdn::cdn::css_piece;
using p2pcdn::cdn::css_source;
using p2pcdn::test::content_bytes;
using p2pcdn::test::piece_bytes;
using p2pcdn::test::server;

namespace {

css_source object_source(const std::string& path) {
    css_config config;
    config.object_url = server().url(path);
    return css_source(p2pcdn::test::test_layout(), p2pcdn::test::test_hashes(), config);
}

// "<prefix><piece>" on the fault server, as a piece template.
css_source template_source(const std::string& prefix,
                           std::shared_ptr<const p2pcdn::cdn::signer> signer = nullptr) {
    css_config config;
    config.piece_template = server().url(prefix + "{piece}");
    config.signer = std::move(signer);
    return css_source(p2pcdn::test::test_layout(), p2pcdn::test::test_hashes(), config);
}

// The whole test object as one piece.
css_source one_piece_source(const std::string& path) {
    const p2pcdn::content_layout layout("fault", server().total_length,
                                        static_cast<std::uint32_t>(server().total_length));
    const std::string& bytes = content_bytes();
    css_config config;
    config.object_url = server().url(path);
    return css_source(
        layout,
        p2pcdn::hash_buffer(layout, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                            bytes.size(), p2pcdn::hash_settings{}),
        config);
}

css_piece fetch(const css_source& css, std::size_t piece) {
    p2pcdn::http::client client(p2pcdn::http::client_config{});
    p2pcdn::http::response res = client.perform(css.request_for(piece));
    return css.classify(piece, res);
}

std::size_t last_piece() {
    return p2pcdn::test::test_layout().piece_count() - 1;
}

// The fault server's credential, as a signer would add it to each attempt.
class bearer_secret : public p2pcdn::cdn::signer {
public:
    void sign(p2pcdn::http::request& req, std::int64_t) const override {
        req.headers.emplace_back("Authorization", "Bearer secret");
    }
    std::string_view scheme() const noexcept override { return "bearer"; }
};

}  // namespace

TEST_SUITE("cdn.css_source") {
    TEST_CASE("object URL: each piece as a 206 of its Range") {
        const css_source css = object_source("/content.bin");
        for (std::size_t i : {std::size_t{0}, std::size_t{4}, last_piece()}) {
            CAPTURE(i);
            css_piece r = fetch(css, i);
            CHECK(r.error == errc::ok);
            CHECK(r.http_status == 206);
            CHECK(r.bytes == piece_bytes(i));
        }
    }

    TEST_CASE("piece template: each piece as a 200, in parallel through submit") {
        const css_source css = template_source("/piece/");
        p2pcdn::http::client client(p2pcdn::http::client_config{});
        std::map<std::size_t, css_piece> results;
        const std::size_t count = css.layout().piece_count();
        for (std::size_t i = 0; i < count; ++i) {
            client.submit(css.request_for(i), [&, i](p2pcdn::http::response& res) {
                results[i] = css.classify(i, res);
            });
        }
        while (client.step(100) > 0) {
        }
        REQUIRE(results.size() == count);
        for (auto& [i, r] : results) {
            CAPTURE(i);
            CHECK(r.error == errc::ok);
            CHECK(r.http_status == 200);
            CHECK(r.piece == i);
            CHECK(r.bytes == piece_bytes(i));
        }
        CHECK(results[last_piece()].bytes.size() == 123);
    }

    TEST_CASE("wrong bytes: a hash mismatch, not retried") {
        css_piece r = fetch(template_source("/wrong/"), 3);
        CHECK(r.error == errc::hash_mismatch);
        CHECK_FALSE(r.retryable);
        CHECK(r.http_status == 200);
        CHECK(r.bytes.empty());
        CHECK(r.message.find("do not match its hash") != std::string::npos);
    }

    TEST_CASE("404: not found, not retried") {
        css_piece r = fetch(template_source("/status/404/"), 3);
        CHECK(r.error == errc::not_found);
        CHECK_FALSE(r.retryable);
        CHECK(r.http_status == 404);
        CHECK(r.message == "CSS piece 3: HTTP 404 from " + server().url("/status/404/3"));
    }

    TEST_CASE("429: retryable, with the Retry-After") {
        css_piece r = fetch(template_source("/retry429/2/"), 3);
        CHECK(r.error == errc::http);
        CHECK(r.retryable);
        CHECK(r.http_status == 429);
        CHECK(r.retry_after_ms == 2000);
    }

    TEST_CASE("503 and a refused connection: retryable") {
        css_piece unavailable = fetch(template_source("/status/503/"), 3);
        CHECK(unavailable.retryable);
        CHECK(unavailable.retry_after_ms == -1);

        css_config config;
        config.piece_template =
            "http://127.0.0.1:" + std::to_string(server().closed) + "/piece/{piece}";
        css_piece refused =
            fetch(css_source(p2pcdn::test::test_layout(), p2pcdn::test::test_hashes(), config), 3);
        CHECK(refused.error == errc::network);
        CHECK(refused.retryable);
        CHECK(refused.http_status == 0);
    }

    TEST_CASE("truncated body: a network error, retryable") {
        css_piece r = fetch(template_source("/truncated/"), 3);
        CHECK(r.error == errc::network);
        CHECK(r.retryable);
        CHECK(r.bytes.empty());
    }

    TEST_CASE("more than a piece: cut off at the piece length") {
        css_piece r = fetch(template_source("/large/"), 3);
        CHECK(r.error == errc::limit);
        CHECK_FALSE(r.retryable);
    }

    TEST_CASE("a Content-Range for other bytes breaks the Range contract") {
        css_piece r = fetch(object_source("/badrange/content.bin"), 4);
        CHECK(r.error == errc::protocol);
        CHECK_FALSE(r.retryable);
        CHECK(r.http_status == 206);
        CHECK(r.message.find("does not match bytes 4096-5119/10363") != std::string::npos);
    }

    TEST_CASE("a CSS ignoring the Range") {
        SUBCASE("of a many-piece object: cut off at the piece length, never read to the end") {
            css_piece r = fetch(object_source("/norange/content.bin"), 4);
            CHECK(r.error == errc::limit);
            CHECK_FALSE(r.retryable);
            CHECK(r.message.find("ignored the Range") != std::string::npos);
        }
        SUBCASE("of a one-piece object: the 200 is the piece") {
            css_piece r = fetch(one_piece_source("/norange/content.bin"), 0);
            CHECK(r.error == errc::ok);
            CHECK(r.http_status == 200);
            CHECK(r.bytes == content_bytes());
        }
        SUBCASE("honoured for a one-piece object: a 206 of everything") {
            css_piece r = fetch(one_piece_source("/content.bin"), 0);
            CHECK(r.error == errc::ok);
            CHECK(r.http_status == 206);
            CHECK(r.bytes == content_bytes());
        }
    }

    TEST_CASE("the caller signs each attempt with the source's signer") {
        const css_source css =
            template_source("/auth-required/", std::make_shared<bearer_secret>());
        css_piece unsigned_answer = fetch(css, 2);
        CHECK(unsigned_answer.error == errc::http);
        CHECK(unsigned_answer.http_status == 401);
        CHECK_FALSE(unsigned_answer.retryable);

        p2pcdn::http::request req = css.request_for(2);
        REQUIRE(css.request_signer() != nullptr);
        css.request_signer()->sign(req, 0);
        p2pcdn::http::client client(p2pcdn::http::client_config{});
        p2pcdn::http::response res = client.perform(std::move(req));
        css_piece signed_answer = css.classify(2, res);
        CHECK(signed_answer.error == errc::ok);
        CHECK(signed_answer.bytes == piece_bytes(2));
        CHECK(signed_answer.message.find("secret") == std::string::npos);
    }

}  // TEST_SUITE
