// The CSS source's requests and answer classification, on made-up responses (the network cases
// are in tests/integration/test_css_source_network.cpp).
#include "cdn/css_source.hpp"
#include "cdn/signer.hpp"
#include "core/piece_hasher.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <string>

using p2pcdn::errc;
using p2pcdn::cdn::css_config;
using p2pcdn::cdn::css_piece;
using p2pcdn::cdn::css_source;
using p2pcdn::http::response;
using p2pcdn::test::code_of;

namespace {

// 2500 bytes in pieces of 1000: 0-999, 1000-1999, 2000-2499. The id uses every kind of
// character a content id may hold.
const p2pcdn::content_layout layout{"Movie-1.v2_~x", 2500, 1000};

const std::string& content() {
    static const std::string bytes = [] {
        std::string s(2500, '\0');
        for (std::size_t i = 0; i < s.size(); ++i) {
            s[i] = static_cast<char>(i % 253);
        }
        return s;
    }();
    return bytes;
}

p2pcdn::piece_hashes hashes() {
    return p2pcdn::hash_buffer(layout, reinterpret_cast<const std::uint8_t*>(content().data()),
                               content().size(), p2pcdn::hash_settings{});
}

std::string piece(std::size_t i) {
    return content().substr(i * 1000, 1000);
}

css_config object(std::string url = "https://u:pw@css.example/c.bin?token=t") {
    css_config c;
    c.object_url = std::move(url);
    return c;
}

css_config per_piece(std::string tmpl = "https://css.example/{content}/p{piece}?token=t") {
    css_config c;
    c.piece_template = std::move(tmpl);
    return c;
}

response answer(long status, std::string body = {}, p2pcdn::http::header_list headers = {}) {
    response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.final_url = "https://u:pw@css.example/p?token=t";
    return r;
}

response failure(errc code, long status = 0) {
    response r;
    r.error = code;
    r.status = status;
    r.message = "transfer failed";
    r.final_url = "https://css.example/p";
    return r;
}

css_piece classify(const css_source& css, std::size_t i, response res) {
    return css.classify(i, res);
}

errc construct(css_config config, p2pcdn::piece_hashes h = hashes()) {
    return code_of([&] { css_source(layout, std::move(h), std::move(config)); });
}

// A signer that only marks the request, to show that request_for leaves signing to the caller.
class marking_signer : public p2pcdn::cdn::signer {
public:
    void sign(p2pcdn::http::request& req, std::int64_t) const override {
        req.headers.emplace_back("X-Signed", "yes");
    }
    std::string_view scheme() const noexcept override { return "marking"; }
};

}  // namespace

TEST_SUITE("cdn.css_source") {
    TEST_CASE("construction errors") {
        CHECK(construct(object()) == errc::ok);
        CHECK(construct(per_piece()) == errc::ok);
        CHECK(construct(per_piece("http://css.example/{piece}")) == errc::ok);

        css_config both = object();
        both.piece_template = "http://css.example/{piece}";
        CHECK(construct(both) == errc::invalid);
        CHECK(construct(css_config{}) == errc::invalid);
        CHECK_THROWS_WITH_AS(css_source(layout, hashes(), css_config{}),
                             "CSS config names neither an object URL nor a piece template",
                             p2pcdn::error&);

        CHECK(construct(object("ftp://css.example/c.bin")) == errc::invalid);
        CHECK(construct(object("http:///c.bin")) == errc::invalid);
        CHECK(construct(object("http://css.example/c d.bin")) == errc::invalid);
        CHECK(construct(object("http://css.example/{piece}.bin")) == errc::invalid);
        CHECK(construct(per_piece("http://css.example/{pieces}")) == errc::invalid);
        CHECK(construct(per_piece("http://css.example/{content}.bin")) == errc::invalid);
        CHECK_THROWS_WITH_AS(css_source(layout, hashes(), per_piece("http://css.example/fixed")),
                             "CSS piece template has no {piece} placeholder", p2pcdn::error&);
        // The reason is named for the setting and shows no part of a (possibly presigned) URL.
        try {
            css_source(layout, hashes(), object("gopher://u:secret@css.example/c?sig=s"));
            FAIL("no exception");
        } catch (const p2pcdn::error& e) {
            CHECK(std::string(e.what()).rfind("CSS object URL: ", 0) == 0);
            CHECK(std::string(e.what()).find("secret") == std::string::npos);
            CHECK(std::string(e.what()).find("sig") == std::string::npos);
        }

        CHECK(construct(object(), p2pcdn::piece_hashes()) == errc::state);
        CHECK(construct(object(), p2pcdn::piece_hashes(p2pcdn::hash_algo::sha1, 4)) ==
              errc::invalid);
    }

    TEST_CASE("request_for: object URL with the piece's Range") {
        const css_source css(layout, hashes(), object());
        CHECK(css.ranged());
        CHECK(css.layout().id() == "Movie-1.v2_~x");
        for (auto [i, range] : {std::pair<std::size_t, const char*>{0, "bytes=0-999"},
                                {1, "bytes=1000-1999"},
                                {2, "bytes=2000-2499"}}) {
            CAPTURE(i);
            p2pcdn::http::request req = css.request_for(i);
            CHECK(req.method == "GET");
            CHECK(req.url == "https://u:pw@css.example/c.bin?token=t");
            REQUIRE(req.headers.size() == 1);
            CHECK(req.headers[0].first == "Range");
            CHECK(req.headers[0].second == range);
            CHECK(req.max_response_bytes == (i == 2 ? 500u : 1000u));
        }
        CHECK(code_of([&] { css.request_for(3); }) == errc::range);
        CHECK(code_of([&] { css.request_for(static_cast<std::size_t>(-1)); }) == errc::range);
    }

    TEST_CASE("request_for: a piece template expanded, no Range, never signed") {
        css_config config = per_piece();
        config.signer = std::make_shared<marking_signer>();
        const css_source css(layout, hashes(), config);
        CHECK_FALSE(css.ranged());
        REQUIRE(css.request_signer() != nullptr);
        CHECK(css.request_signer()->scheme() == "marking");
        p2pcdn::http::request req = css.request_for(2);
        // The id's characters are all unreserved, so percent-encoding keeps them as they are.
        CHECK(req.url == "https://css.example/Movie-1.v2_~x/p2?token=t");
        CHECK(req.headers.empty());
        CHECK(req.max_response_bytes == 500);
        CHECK(css.request_for(0).url == "https://css.example/Movie-1.v2_~x/p0?token=t");

        const css_source twice(layout, hashes(), per_piece("http://h/{piece}/{content}-{piece}"));
        CHECK(twice.request_for(1).url == "http://h/1/Movie-1.v2_~x-1");
        CHECK(twice.request_signer() == nullptr);
        CHECK(code_of([&] { twice.request_for(3); }) == errc::range);
    }

    TEST_CASE("classify: the piece, verified") {
        const css_source plain(layout, hashes(), per_piece());
        css_piece ok = classify(plain, 1, answer(200, piece(1)));
        CHECK(ok.error == errc::ok);
        CHECK(ok.piece == 1);
        CHECK(ok.http_status == 200);
        CHECK(ok.bytes == piece(1));
        CHECK_FALSE(ok.retryable);
        CHECK(ok.message.empty());

        const css_source ranged(layout, hashes(), object());
        css_piece partial = classify(
            ranged, 2,
            answer(206, content().substr(2000), {{"content-range", "bytes 2000-2499/2500"}}));
        CHECK(partial.error == errc::ok);
        CHECK(partial.http_status == 206);
        CHECK(partial.bytes == content().substr(2000));
        // A 200 with the whole object (only within the limit, i.e. a one-piece object, on the
        // network) is cut.
        css_piece whole = classify(ranged, 1, answer(200, content()));
        CHECK(whole.error == errc::ok);
        CHECK(whole.bytes == piece(1));
    }

    TEST_CASE("classify: wrong bytes are a hash mismatch, not retried") {
        const css_source plain(layout, hashes(), per_piece());
        std::string wrong = piece(1);
        wrong[10] ^= 1;
        css_piece bad = classify(plain, 1, answer(200, wrong));
        CHECK(bad.error == errc::hash_mismatch);
        CHECK_FALSE(bad.retryable);
        CHECK(bad.bytes.empty());
        CHECK(bad.message ==
              "CSS piece 1: bytes from https://css.example/p?... do not match its hash");

        css_piece other = classify(plain, 0, answer(200, piece(1)));
        CHECK(other.error == errc::hash_mismatch);
        css_piece shorter = classify(plain, 2, answer(200, content().substr(2000, 499)));
        CHECK(shorter.error == errc::hash_mismatch);
        CHECK(shorter.message.find("499 bytes") != std::string::npos);

        const css_source ranged(layout, hashes(), object());
        std::string corrupt = content();
        corrupt[1500] ^= 1;
        CHECK(classify(ranged, 1, answer(200, corrupt)).error == errc::hash_mismatch);
        CHECK(classify(ranged, 1,
                       answer(206, corrupt.substr(1000, 1000),
                              {{"content-range", "bytes 1000-1999/2500"}}))
                  .error == errc::hash_mismatch);
    }

    TEST_CASE("classify: statuses") {
        const css_source css(layout, hashes(), per_piece());
        for (long s : {404L, 410L}) {
            CAPTURE(s);
            css_piece r = classify(css, 0, answer(s));
            CHECK(r.error == errc::not_found);
            CHECK_FALSE(r.retryable);
            CHECK(r.http_status == s);
        }
        for (long s : {408L, 429L, 500L, 502L, 503L, 504L}) {
            CAPTURE(s);
            response res = answer(s);
            res.retry_after_ms = 2000;
            css_piece r = classify(css, 0, res);
            CHECK(r.error == errc::http);
            CHECK(r.retryable);
            CHECK(r.http_status == s);
            CHECK(r.retry_after_ms == 2000);
            CHECK(classify(css, 0, answer(s)).retry_after_ms == -1);
        }
        for (long s : {400L, 401L, 403L, 413L, 416L, 501L, 505L, 302L, 304L, 204L, 100L}) {
            CAPTURE(s);
            response res = answer(s);
            res.retry_after_ms = 2000;
            css_piece r = classify(css, 0, res);
            CHECK(r.error == errc::http);
            CHECK_FALSE(r.retryable);
            CHECK(r.retry_after_ms == -1);
            CHECK(r.bytes.empty());
        }
        CHECK(classify(css, 0, answer(403)).message ==
              "CSS piece 0: HTTP 403 from https://css.example/p?...");
    }

    TEST_CASE("classify: transfer failures") {
        const css_source css(layout, hashes(), object());
        for (errc e : {errc::network, errc::timeout}) {
            css_piece r = classify(css, 0, failure(e));
            CHECK(r.error == e);
            CHECK(r.retryable);
            CHECK(r.http_status == 0);
            CHECK(r.message == "CSS piece 0: transfer failed");
        }
        for (errc e : {errc::tls, errc::protocol, errc::limit, errc::invalid, errc::error}) {
            css_piece r = classify(css, 0, failure(e));
            CHECK(r.error == e);
            CHECK_FALSE(r.retryable);
        }
        css_piece ignored = classify(css, 1, failure(errc::limit, 200));
        CHECK(ignored.error == errc::limit);
        CHECK(ignored.http_status == 200);
        CHECK(ignored.message ==
              "CSS piece 1: transfer failed; the CSS ignored the Range and sent the whole object");
        const css_source plain(layout, hashes(), per_piece());
        CHECK(classify(plain, 1, failure(errc::limit, 200)).message ==
              "CSS piece 1: transfer failed");
    }

    TEST_CASE("classify: the Range contract") {
        const css_source ranged(layout, hashes(), object());
        auto partial = [&](const char* range, std::string body) {
            return classify(ranged, 1, answer(206, std::move(body), {{"content-range", range}}));
        };
        css_piece off = partial("bytes 1001-2000/2500", content().substr(1001, 1000));
        CHECK(off.error == errc::protocol);
        CHECK_FALSE(off.retryable);
        CHECK(off.http_status == 206);
        CHECK(off.message ==
              "CSS piece 1: Content-Range 'bytes 1001-2000/2500' does not match bytes "
              "1000-1999/2500 from https://css.example/p?...");
        CHECK(partial("bytes 1000-1999/9999", piece(1)).error == errc::protocol);
        CHECK(partial("bytes 1000-1999/2500", piece(1).substr(1)).error == errc::protocol);
        CHECK(classify(ranged, 1, answer(206, piece(1))).error == errc::protocol);
        CHECK(classify(ranged, 1, answer(200, piece(1))).error == errc::protocol);

        const css_source plain(layout, hashes(), per_piece());
        css_piece unasked =
            classify(plain, 1, answer(206, piece(1), {{"content-range", "bytes 1000-1999/2500"}}));
        CHECK(unasked.error == errc::protocol);
        CHECK(unasked.message.find("206 to a request without Range") != std::string::npos);
    }

    TEST_CASE("classify: piece out of range, messages free of credentials") {
        const css_source css(layout, hashes(), per_piece());
        CHECK(code_of([&] { classify(css, 3, answer(200, piece(0))); }) == errc::range);
        for (response res : {answer(404), answer(429), answer(200, "x"), answer(206, piece(0))}) {
            css_piece r = classify(css, 0, res);
            CHECK(r.message.find("pw") == std::string::npos);
            CHECK(r.message.find("token") == std::string::npos);
            CHECK(r.message.find('\n') == std::string::npos);
            CHECK(r.message.find("css.example/p") != std::string::npos);
        }
    }

}  // TEST_SUITE
