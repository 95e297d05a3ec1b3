// The CDN client's retry rules and reporting against the fault server's object store
// (fault_server.py, /cdn/<key>/<fault>/...): which answers succeed, which are retried (and how
// long the client waits), which are final; the attempt limit and the job budget; cancel; the
// uncertain flag; metrics; credentials kept out of messages; TLS verification.
#include "cdn/client.hpp"
#include "cdn/object_headers.hpp"
#include "fault_server.hpp"
#include "http/client.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

using p2pcdn::errc;
using p2pcdn::test::server;
namespace cdn = p2pcdn::cdn;
namespace http = p2pcdn::http;

namespace {

constexpr const char* secret = "TOPSECRET-4711";

// A fresh /cdn/ key: unique per process and call, so runs against one server do not mix.
std::string fresh_key(const char* name) {
    static int counter = 0;
    return std::string(name) + "-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

std::string store_url(const std::string& key, const std::string& fault) {
    return server().url("/cdn/" + key + "/" + fault + "/{content}/{piece}");
}

// A client with one origin (and the delivery URL on the fault server too, so that edge purges
// send its path there); short backoffs keep the tests quick.
cdn::client_config config_for(const std::string& ingest_template) {
    cdn::client_config c;
    c.delivery_template = ingest_template;
    c.origin = cdn::origin_config{};
    c.origin->ingest_template = ingest_template;
    c.retry.base_delay_ms = 10;
    c.retry.max_delay_ms = 40;
    c.retry.seed = 99;
    c.request_timeout_ms = 10000;
    return c;
}

std::string piece_text(std::size_t i) {
    return "piece " + std::to_string(i) + " " + std::string(1000 + i, static_cast<char>('a' + i));
}

cdn::ingest_request ingest_of(std::vector<std::size_t> pieces, std::int64_t ttl_s = 60) {
    cdn::ingest_request r;
    r.content_id = "film";
    r.ttl_s = ttl_s;
    for (const std::size_t p : pieces) {
        r.pieces.push_back(p);
        r.bytes.push_back(piece_text(p));
    }
    return r;
}

cdn::purge_request purge_of(std::vector<std::size_t> pieces) {
    cdn::purge_request r;
    r.content_id = "film";
    r.pieces = std::move(pieces);
    return r;
}

struct seen_request {
    std::string method;
    std::string path;
    std::size_t length = 0;
    double time = 0;
    std::vector<std::pair<std::string, std::vector<std::string>>> headers;

    std::vector<std::string> values(const std::string& name) const {
        for (const auto& h : headers) {
            if (h.first == name) {
                return h.second;
            }
        }
        return {};
    }
    std::string value(const std::string& name) const {
        const auto v = values(name);
        return v.size() == 1 ? v.front() : std::string("<") + std::to_string(v.size()) + ">";
    }
};

// What the fault server recorded under a key.
std::vector<seen_request> requests_of(const std::string& key) {
    http::client c(http::client_config{});
    http::request req;
    req.url = server().url("/requests/" + key);
    const http::response res = c.perform(req);
    REQUIRE(res.status == 200);
    rapidjson::Document doc;
    doc.Parse(res.body.c_str());
    REQUIRE(!doc.HasParseError());
    std::vector<seen_request> out;
    for (const auto& r : doc["requests"].GetArray()) {
        seen_request s;
        s.method = r["method"].GetString();
        s.path = r["path"].GetString();
        s.length = r["length"].GetUint64();
        s.time = r["time"].GetDouble();
        for (const auto& h : r["headers"].GetObject()) {
            std::vector<std::string> values;
            for (const auto& v : h.value.GetArray()) values.emplace_back(v.GetString());
            s.headers.emplace_back(h.name.GetString(), std::move(values));
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::size_t count_method(const std::vector<seen_request>& seen, const std::string& method) {
    std::size_t n = 0;
    for (const auto& s : seen) n += s.method == method ? 1 : 0;
    return n;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Adds a bearer token and a signature query parameter to every attempt, and counts them.
class test_signer final : public cdn::signer {
public:
    void sign(http::request& req, std::int64_t now_s) const override {
        (void)now_s;
        ++calls;
        req.headers.emplace_back("Authorization", std::string("Bearer ") + secret);
        req.url +=
            std::string(req.url.find('?') == std::string::npos ? "?" : "&") + "signature=" + secret;
    }
    std::string_view scheme() const noexcept override { return "test"; }
    mutable std::atomic<int> calls{0};
};

void check_free_of_secret(const cdn::job_status& st) {
    for (const auto& item : st.items) {
        CHECK_FALSE(contains(item.message, secret));
        CHECK_FALSE(contains(item.uri, secret));
    }
}

}  // namespace

TEST_SUITE("cdn.client") {
    TEST_CASE("ingest PUTs each piece with type, length, TTL and digest, and GET gives it back") {
        const std::string key = fresh_key("put");
        auto config = config_for(store_url(key, "ok"));
        config.origin->content_type = "application/x-p2pcdn-piece";
        config.origin->send_expires = true;
        std::int64_t now_s = 1700000000;
        config.unix_s = [&] { return now_s; };
        cdn::client client(config);
        const auto st = client.wait(client.submit_ingest(ingest_of({0, 1, 2}, 300)));
        CHECK(st.state == cdn::job_state::complete);
        CHECK(st.retries == 0);
        for (const auto& item : st.items) {
            CHECK(item.state == cdn::item_state::done);
            CHECK(item.http_status == 201);
            CHECK(item.attempts == 1);
            CHECK_FALSE(item.uncertain);
            CHECK(item.uri == client.delivery_uri("film", item.piece));
        }

        const auto seen = requests_of(key);
        REQUIRE(seen.size() == 3);
        std::uint64_t sent = 0;
        for (const auto& r : seen) {
            CAPTURE(r.path);
            CHECK(r.method == "PUT");
            const std::size_t piece = r.path.back() - '0';
            const std::string body = piece_text(piece);
            CHECK(r.length == body.size());
            CHECK(r.value("content-length") == std::to_string(body.size()));  // once only
            CHECK(r.value("content-type") == "application/x-p2pcdn-piece");
            CHECK(r.value("cache-control") == "public, max-age=300");
            CHECK(r.value("expires") == cdn::format_http_date(now_s + 300));
            CHECK(r.value("content-digest") == cdn::content_digest_sha256(body));
            sent += body.size();
        }

        // The object is what was sent, with its TTL.
        http::client reader(http::client_config{});
        http::request get;
        get.url = client.delivery_uri("film", 2);
        const http::response back = reader.perform(get);
        CHECK(back.status == 200);
        CHECK(back.body == piece_text(2));
        REQUIRE(back.header("cache-control") != nullptr);
        CHECK(*back.header("cache-control") == "public, max-age=300");

        // Again: an overwrite, 204, just as good.
        const auto again = client.wait(client.submit_ingest(ingest_of({2})));
        CHECK(again.state == cdn::job_state::complete);
        CHECK(again.items[0].http_status == 204);

        const auto m = client.metrics("origin");
        CHECK(m.requests == 4);
        CHECK(m.bytes_sent == sent + piece_text(2).size());
        CHECK(m.retries == 0);
        CHECK(m.failures == 0);

        // Stores that answer a PUT with 200 are just as good.
        cdn::client plain(config_for(store_url(fresh_key("put200"), "only-PUT-200")));
        const auto ok = plain.wait(plain.submit_ingest(ingest_of({1})));
        CHECK(ok.state == cdn::job_state::complete);
        CHECK(ok.items[0].http_status == 200);
    }

    TEST_CASE("purge: DELETE answered 204, and 404 (already gone) is a success too") {
        const std::string key = fresh_key("del");
        cdn::client client(config_for(store_url(key, "ok")));
        REQUIRE(client.wait(client.submit_ingest(ingest_of({4}))).state ==
                cdn::job_state::complete);
        const auto first = client.wait(client.submit_purge(purge_of({4})));
        CHECK(first.state == cdn::job_state::complete);
        CHECK(first.items[0].http_status == 204);
        const auto second = client.wait(client.submit_purge(purge_of({4, 5})));
        CHECK(second.state == cdn::job_state::complete);
        CHECK(second.items[0].http_status == 404);
        CHECK(second.items[1].http_status == 404);
        CHECK(count_method(requests_of(key), "DELETE") == 3);
    }

    TEST_CASE("400 and 403 are final: one request each, never retried") {
        for (const char* code : {"400", "403"}) {
            CAPTURE(code);
            const std::string key = fresh_key("final");
            cdn::client client(config_for(store_url(key, std::string("status-") + code)));
            const auto st = client.wait(client.submit_ingest(ingest_of({0, 1})));
            CHECK(st.state == cdn::job_state::failed);
            CHECK(st.retries == 0);
            for (const auto& item : st.items) {
                CHECK(item.state == cdn::item_state::failed);
                CHECK(item.error == errc::http);
                CHECK(item.http_status == std::stol(code));
                CHECK(item.attempts == 1);
                CHECK(item.driver == "origin");
                CHECK(contains(item.message, std::string("answered HTTP ") + code));
                CHECK_FALSE(item.uncertain);  // refused: nothing was stored
            }
            CHECK(requests_of(key).size() == 2);
            CHECK(client.metrics("origin").failures == 2);

            const auto purge = client.wait(client.submit_purge(purge_of({0})));
            CHECK(purge.state == cdn::job_state::failed);
            CHECK(requests_of(key).size() == 3);
        }
    }

    TEST_CASE("503 with Retry-After: the retry waits at least that long") {
        const std::string key = fresh_key("ra");
        auto config = config_for(store_url(key, "flaky-1-503-1"));
        config.retry.max_delay_ms = 10;  // the jitter alone would retry at once
        cdn::client client(config);
        const auto st = client.wait(client.submit_ingest(ingest_of({0})));
        CHECK(st.state == cdn::job_state::complete);
        CHECK(st.retries == 1);
        CHECK(st.items[0].attempts == 2);
        const auto seen = requests_of(key);
        REQUIRE(seen.size() == 2);
        CHECK(seen[1].time - seen[0].time >= 0.95);
        CHECK(client.metrics("origin").retries == 1);
    }

    TEST_CASE("408, 429, 500, 502, 504 are retried until they pass") {
        for (const char* code : {"408", "429", "500", "502", "504"}) {
            CAPTURE(code);
            const std::string key = fresh_key("transient");
            cdn::client client(config_for(store_url(key, std::string("flaky-2-") + code)));
            const auto st = client.wait(client.submit_ingest(ingest_of({7})));
            CHECK(st.state == cdn::job_state::complete);
            CHECK(st.retries == 2);
            CHECK(st.items[0].attempts == 3);
            CHECK(st.items[0].http_status == 201);
            CHECK(requests_of(key).size() == 3);
        }
    }

    TEST_CASE("connection refused is retried, then fails with the attempt limit") {
        auto config = config_for("http://127.0.0.1:" + std::to_string(server().closed) +
                                 "/cdn/x/ok/{content}/{piece}");
        config.retry.max_attempts = 3;
        cdn::client client(config);
        const auto st = client.wait(client.submit_purge(purge_of({1})));
        CHECK(st.state == cdn::job_state::failed);
        const auto& item = st.items[0];
        CHECK(item.error == errc::network);
        CHECK(item.http_status == 0);
        CHECK(item.attempts == 3);
        CHECK(contains(item.message, "gave up after 3 attempts"));
        const auto m = client.metrics("origin");
        CHECK(m.requests == 3);
        CHECK(m.retries == 2);
        CHECK(m.failures == 1);
    }

    TEST_CASE("the per-request attempt limit") {
        const std::string key = fresh_key("limit");
        auto config = config_for(store_url(key, "status-503"));
        config.retry.max_attempts = 4;
        cdn::client client(config);
        const auto st = client.wait(client.submit_ingest(ingest_of({0})));
        CHECK(st.state == cdn::job_state::failed);
        CHECK(st.items[0].attempts == 4);
        CHECK(st.items[0].http_status == 503);
        CHECK(contains(st.items[0].message, "answered HTTP 503; gave up after 4 attempts"));
        CHECK(requests_of(key).size() == 4);
    }

    TEST_CASE("the job's retry budget: spent, then every failure is final") {
        const std::string key = fresh_key("budget");
        auto config = config_for(store_url(key, "status-502"));
        config.retry.max_attempts = 10;
        config.retry.job_budget = 2;
        cdn::client client(config);
        const auto st = client.wait(client.submit_ingest(ingest_of({0, 1, 2})));
        CHECK(st.state == cdn::job_state::failed);
        CHECK(st.retries == 2);
        std::size_t spent = 0;
        for (const auto& item : st.items) {
            CHECK(item.state == cdn::item_state::failed);
            spent += contains(item.message, "retry budget is spent") ? 1 : 0;
        }
        CHECK(spent == 3);
        CHECK(requests_of(key).size() == 5);  // 3 first attempts + the 2 retries of the budget
        CHECK(client.metrics("origin").retries == 2);
    }

    TEST_CASE("a PUT that never got an answer leaves its item uncertain") {
        const std::string key = fresh_key("noanswer");
        auto config = config_for(store_url(key, "noanswer"));
        config.retry.max_attempts = 2;
        cdn::client client(config);
        const auto st = client.wait(client.submit_ingest(ingest_of({3})));
        CHECK(st.state == cdn::job_state::failed);
        CHECK(st.items[0].error == errc::network);
        CHECK(st.items[0].attempts == 2);
        CHECK(st.items[0].uncertain);
        CHECK(requests_of(key).size() == 2);

        // A purge is never uncertain: removing twice is what it is for.
        const auto purge = client.wait(client.submit_purge(purge_of({3})));
        CHECK(purge.state == cdn::job_state::failed);
        CHECK_FALSE(purge.items[0].uncertain);
    }

    TEST_CASE("a 413 for one piece is final (there is nothing to split)") {
        const std::string key = fresh_key("toolarge");
        cdn::client client(config_for(store_url(key, "limit-100")));
        const auto st = client.wait(client.submit_ingest(ingest_of({0})));
        CHECK(st.state == cdn::job_state::failed);
        CHECK(st.items[0].error == errc::limit);
        CHECK(st.items[0].http_status == 413);
        CHECK(requests_of(key).size() == 1);
    }

    TEST_CASE("cancel mid-job: nothing more is sent, in-flight PUTs become uncertain") {
        const std::string key = fresh_key("cancel");
        auto config = config_for(store_url(key, "slow-1500"));
        config.http.max_parallel = 2;  // two in flight, two waiting to be sent
        cdn::client client(config);
        int calls = 0;
        const auto id =
            client.submit_ingest(ingest_of({0, 1, 2, 3}), [&](const cdn::job_status&) { ++calls; });
        for (int i = 0; i < 50 && client.metrics("origin").requests < 2; ++i) client.step(20);
        REQUIRE(client.metrics("origin").requests == 2);
        REQUIRE(client.status(id)->state == cdn::job_state::active);
        CHECK(client.cancel(id));
        const auto st = client.wait(id);
        CHECK(calls == 1);
        CHECK(st.state == cdn::job_state::cancelled);
        std::size_t uncertain = 0;
        for (const auto& item : st.items) {
            CHECK(item.state == cdn::item_state::cancelled);
            CHECK(item.error == errc::cancelled);
            uncertain += item.uncertain ? 1 : 0;
        }
        CHECK(uncertain == 2);  // the two whose PUT was in flight
        CHECK(client.metrics("origin").requests == 2);
        CHECK(client.cancel(id) == false);  // terminal
        CHECK(client.active_jobs() == 0);
    }

    TEST_CASE("purge chain: DELETE at the origin, then PURGE at every edge") {
        const std::string key = fresh_key("chain");
        auto config = config_for(store_url(key, "ok"));
        config.edge = cdn::edge_config{};
        config.edge->edges = {server().url(""),
                              "http://127.0.0.1:" + std::to_string(server().other)};
        config.purge_chain = {cdn::driver_kind::origin, cdn::driver_kind::edge};
        cdn::client client(config);
        REQUIRE(client.wait(client.submit_ingest(ingest_of({0, 1}))).state ==
                cdn::job_state::complete);
        const auto st = client.wait(client.submit_purge(purge_of({0, 1})));
        CHECK(st.state == cdn::job_state::complete);
        const auto seen = requests_of(key);
        REQUIRE(seen.size() == 8);  // 2 PUT, 2 DELETE, 2 x 2 PURGE
        CHECK(count_method(seen, "DELETE") == 2);
        CHECK(count_method(seen, "PURGE") == 4);
        for (const std::string piece : {"/0", "/1"}) {
            double deleted = -1;
            for (const auto& r : seen) {
                const bool mine = r.path.size() >= 2 && r.path.substr(r.path.size() - 2) == piece;
                if (mine && r.method == "DELETE") {
                    deleted = r.time;
                }
                if (mine && r.method == "PURGE") {
                    CHECK(deleted >= 0);  // never before the origin's DELETE
                    CHECK(r.time >= deleted);
                }
            }
        }
        CHECK(client.metrics("edge").requests == 4);
        CHECK(client.metrics("origin").requests == 4);
    }

    TEST_CASE("edge: PURGE answered 404 is a success, 405 a failure") {
        const std::string ok_key = fresh_key("edge404");
        auto config = config_for(store_url(ok_key, "only-PURGE-404"));
        config.edge = cdn::edge_config{};
        config.edge->edges = {server().url("")};
        config.purge_chain = {cdn::driver_kind::edge};
        cdn::client client(config);
        const auto st = client.wait(client.submit_purge(purge_of({0})));
        CHECK(st.state == cdn::job_state::complete);
        CHECK(st.items[0].http_status == 404);

        const std::string bad_key = fresh_key("edge405");
        config = config_for(store_url(bad_key, "only-PURGE-405"));
        config.edge = cdn::edge_config{};
        config.edge->edges = {server().url("")};
        config.purge_chain = {cdn::driver_kind::edge};
        cdn::client refused(config);
        const auto bad = refused.wait(refused.submit_purge(purge_of({0})));
        CHECK(bad.state == cdn::job_state::failed);
        CHECK(bad.items[0].driver == "edge");
        CHECK(requests_of(bad_key).size() == 1);
    }

    TEST_CASE("every attempt is signed, and no message shows the credentials") {
        const std::string key = fresh_key("signed");
        auto signer = std::make_shared<test_signer>();
        auto config = config_for(store_url(key, "flaky-1-503"));
        config.origin->signer = signer;
        cdn::client client(config);
        const auto st = client.wait(client.submit_ingest(ingest_of({0})));
        CHECK(st.state == cdn::job_state::complete);
        CHECK(signer->calls == 2);
        const auto seen = requests_of(key);
        REQUIRE(seen.size() == 2);
        for (const auto& r : seen) {
            CHECK(r.value("authorization") == std::string("Bearer ") + secret);
            CHECK(contains(r.path, std::string("signature=") + secret));
        }

        const std::string denied = fresh_key("signed403");
        config = config_for(store_url(denied, "status-403"));
        config.origin->signer = signer;
        cdn::client refused(config);
        const auto bad = refused.wait(refused.submit_ingest(ingest_of({0})));
        CHECK(bad.state == cdn::job_state::failed);
        check_free_of_secret(bad);

        config = config_for("http://127.0.0.1:" + std::to_string(server().closed) +
                            "/cdn/x/ok/{content}/{piece}");
        config.origin->signer = signer;
        config.retry.max_attempts = 1;
        cdn::client unreachable(config);
        const auto gone = unreachable.wait(unreachable.submit_ingest(ingest_of({0})));
        CHECK(gone.items[0].error == errc::network);
        CHECK_FALSE(gone.items[0].message.empty());
        check_free_of_secret(gone);
    }

    TEST_CASE("TLS is verified by default: fails without the CA, works with it") {
        const std::string key = fresh_key("tls");
        const std::string url = server().tls_url("/cdn/" + key + "/ok/{content}/{piece}");
        cdn::client strict(config_for(url));
        const auto refused = strict.wait(strict.submit_ingest(ingest_of({0})));
        CHECK(refused.state == cdn::job_state::failed);
        CHECK(refused.items[0].error == errc::tls);
        CHECK(refused.items[0].attempts == 1);    // not a transient failure: not retried
        CHECK_FALSE(refused.items[0].uncertain);  // the handshake failed: nothing was sent

        auto config = config_for(url);
        config.http.ca_file = server().ca_file;
        cdn::client trusting(config);
        const auto st = trusting.wait(trusting.submit_ingest(ingest_of({0})));
        CHECK(st.state == cdn::job_state::complete);
        CHECK(requests_of(key).size() == 1);  // the refused handshake never got to HTTP
    }

    TEST_CASE("an ingest without bytes fetches them from the CSS, verified, with retries") {
        const std::string key = fresh_key("css");
        auto config = config_for(store_url(key, "ok"));
        config.retry.max_attempts = 3;
        cdn::client client(config);
        cdn::css_config css;
        css.object_url = server().url("/content.bin");
        const auto layout = p2pcdn::test::test_layout();
        cdn::ingest_request req;
        req.content_id = layout.id();
        req.pieces = {0, 3, layout.piece_count() - 1};
        req.ttl_s = 60;
        req.css = std::make_shared<cdn::css_source>(layout, p2pcdn::test::test_hashes(), css);
        const auto st = client.wait(client.submit_ingest(req));
        CHECK(st.state == cdn::job_state::complete);
        http::client reader(http::client_config{});
        for (const std::size_t piece : req.pieces) {
            http::request get;
            get.url = client.delivery_uri(layout.id(), piece);
            CHECK(reader.perform(get).body == p2pcdn::test::piece_bytes(piece));
        }
        CHECK(client.metrics("css").requests == 3);
        CHECK(client.metrics("origin").requests == 3);

        // Bytes that do not match the piece hash are never uploaded, and not retried.
        css.object_url.clear();
        css.piece_template = server().url("/wrong/{piece}");
        req.css = std::make_shared<cdn::css_source>(layout, p2pcdn::test::test_hashes(), css);
        req.pieces = {1};
        const auto wrong = client.wait(client.submit_ingest(req));
        CHECK(wrong.state == cdn::job_state::failed);
        CHECK(wrong.items[0].error == errc::hash_mismatch);
        CHECK(wrong.items[0].driver == "css");
        CHECK(wrong.items[0].attempts == 1);
        CHECK_FALSE(wrong.items[0].uncertain);

        // A CSS answering 503 is retried under the same rules, then the item fails.
        css.piece_template = server().url("/status/503/{piece}");
        req.css = std::make_shared<cdn::css_source>(layout, p2pcdn::test::test_hashes(), css);
        const auto busy = client.wait(client.submit_ingest(req));
        CHECK(busy.state == cdn::job_state::failed);
        CHECK(busy.items[0].attempts == 3);
        CHECK(busy.items[0].http_status == 503);
        CHECK(client.metrics("css").retries == 2);
        CHECK(client.metrics("css").failures == 2);
        CHECK(client.metrics("origin").requests == 3);  // nothing more uploaded
        CHECK(count_method(requests_of(key), "PUT") == 3);
    }
}
