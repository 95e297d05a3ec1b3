// The CDN client's job model and the checks it makes before anything goes on the network:
// state names, configuration and submit errors (which must queue nothing), and jobs that end
// without a request (cancelled before the first step).
#include <doctest/doctest.h>

#include "test_support.hpp"

#include "cdn/client.hpp"
#include "core/piece_hasher.hpp"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

using p2pcdn::errc;
using p2pcdn::test::code_of;
namespace cdn = p2pcdn::cdn;

namespace {

cdn::client_config origin_only() {
    cdn::client_config c;
    c.delivery_template = "http://cdn.example/pieces/{content}/{piece}";
    c.origin = cdn::origin_config{};
    c.origin->ingest_template = "http://127.0.0.1:9/ingest/{content}/{piece}";
    return c;
}

cdn::ingest_request ingest(std::vector<std::size_t> pieces) {
    cdn::ingest_request r;
    r.content_id = "film";
    r.ttl_s = 60;
    for (const std::size_t p : pieces) {
        r.pieces.push_back(p);
        r.bytes.push_back(std::string(100, 'x'));
    }
    return r;
}

std::shared_ptr<const cdn::css_source> css_of(const std::string& id, std::size_t pieces) {
    p2pcdn::content_layout layout(id, 1000 * pieces, 1000);
    const std::string bytes(1000 * pieces, 'a');
    auto hashes = p2pcdn::hash_buffer(layout, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                      bytes.size(), {});
    cdn::css_config c;
    c.object_url = "http://css.example/film.bin";
    return std::make_shared<cdn::css_source>(layout, hashes, c);
}

errc construct(const cdn::client_config& c) {
    return code_of([&] { cdn::client client(c); });
}

}  // namespace

TEST_SUITE("cdn jobs") {
    TEST_CASE("state names are RFC 8007's") {
        using cdn::job_state;
        CHECK(std::strcmp(cdn::to_string(job_state::pending), "pending") == 0);
        CHECK(std::strcmp(cdn::to_string(job_state::active), "active") == 0);
        CHECK(std::strcmp(cdn::to_string(job_state::complete), "complete") == 0);
        CHECK(std::strcmp(cdn::to_string(job_state::processed), "processed") == 0);
        CHECK(std::strcmp(cdn::to_string(job_state::failed), "failed") == 0);
        CHECK(std::strcmp(cdn::to_string(job_state::cancelling), "cancelling") == 0);
        CHECK(std::strcmp(cdn::to_string(job_state::cancelled), "cancelled") == 0);
        CHECK(std::strcmp(cdn::to_string(static_cast<job_state>(99)), "unknown") == 0);
        CHECK(std::strcmp(cdn::to_string(cdn::job_kind::ingest), "ingest") == 0);
        CHECK(std::strcmp(cdn::to_string(cdn::job_kind::purge), "purge") == 0);
        CHECK(std::strcmp(cdn::to_string(cdn::item_state::done), "done") == 0);
        CHECK(std::strcmp(cdn::to_string(cdn::item_state::cancelled), "cancelled") == 0);

        for (job_state s :
             {job_state::complete, job_state::processed, job_state::failed, job_state::cancelled}) {
            CHECK(cdn::is_terminal(s));
        }
        for (job_state s : {job_state::pending, job_state::active, job_state::cancelling}) {
            CHECK_FALSE(cdn::is_terminal(s));
        }
        CHECK(cdn::is_terminal(cdn::item_state::failed));
        CHECK_FALSE(cdn::is_terminal(cdn::item_state::active));
    }

    TEST_CASE("bad configurations are refused") {
        CHECK(construct(origin_only()) == errc::ok);

        auto c = origin_only();
        c.delivery_template = "http://cdn.example/pieces/all";  // no {piece}
        CHECK(construct(c) == errc::invalid);
        c.delivery_template = "ftp://cdn.example/{piece}";
        CHECK(construct(c) == errc::invalid);

        c = origin_only();
        c.origin->ingest_template = "http://origin/{bogus}/{piece}";
        CHECK(construct(c) == errc::invalid);
        c.origin->ingest_template = "http://origin/fixed";
        CHECK(construct(c) == errc::invalid);
        c = origin_only();
        c.origin->content_type = "text/plain\r\nX-Evil: 1";
        CHECK(construct(c) == errc::invalid);

        c = origin_only();
        c.purge_chain = {cdn::driver_kind::origin, cdn::driver_kind::edge};  // edge not set
        CHECK(construct(c) == errc::invalid);
        c.purge_chain = {cdn::driver_kind::origin, cdn::driver_kind::origin};
        CHECK(construct(c) == errc::invalid);
        c.purge_chain = {static_cast<cdn::driver_kind>(7)};
        CHECK(construct(c) == errc::invalid);

        c = origin_only();
        c.edge = cdn::edge_config{};
        CHECK(construct(c) == errc::invalid);  // no edges
        c.edge->edges = {"http://127.0.0.1:6081/some/path"};
        CHECK(construct(c) == errc::invalid);
        c.edge->edges = {"http://127.0.0.1:6081/"};
        CHECK(construct(c) == errc::ok);
        c.edge->method = "PUR GE";
        CHECK(construct(c) == errc::invalid);

        c = origin_only();
        c.cit = cdn::cit_config{};
        c.cit->collection_url = "http://dcdn.example/triggers";
        CHECK(construct(c) == errc::ok);
        c.cit->purge_type = "preposition";
        CHECK(construct(c) == errc::invalid);
        c.cit->purge_type = "invalidate";
        c.cit->ingest_type = "upload";
        CHECK(construct(c) == errc::invalid);
        c.cit->ingest_type = "preposition";
        c.cit->cdn_path = {};
        CHECK(construct(c) == errc::invalid);
        c.cit->cdn_path = {"not-a-pid"};
        CHECK(construct(c) == errc::invalid);
        c.cit->cdn_path = {"AS64496:1"};
        c.cit->max_urls_per_trigger = 0;
        CHECK(construct(c) == errc::invalid);
        c.cit->max_urls_per_trigger = 10;
        c.cit->poll_interval_ms = 0;
        CHECK(construct(c) == errc::invalid);

        c = origin_only();
        c.retry.max_attempts = 0;
        CHECK(construct(c) == errc::invalid);
        c = origin_only();
        c.request_timeout_ms = -1;
        CHECK(construct(c) == errc::invalid);
        c = origin_only();
        c.http.max_parallel = 0;
        CHECK(construct(c) == errc::invalid);
    }

    TEST_CASE("bad submits throw and queue nothing") {
        cdn::client client(origin_only());
        auto code = [&](cdn::ingest_request r) {
            return code_of([&] { client.submit_ingest(std::move(r)); });
        };
        CHECK(code(ingest({})) == errc::invalid);
        CHECK(code(ingest({1, 2, 1})) == errc::invalid);
        auto r = ingest({0, 1});
        r.ttl_s = 0;
        CHECK(code(r) == errc::invalid);
        r.ttl_s = -5;
        CHECK(code(r) == errc::invalid);
        r = ingest({0, 1});
        r.bytes.pop_back();
        CHECK(code(r) == errc::invalid);
        r = ingest({0, 1});
        r.bytes[1].clear();
        CHECK(code(r) == errc::invalid);
        r = ingest({0, 1});
        r.bytes.clear();  // and no CSS
        CHECK(code(r) == errc::invalid);
        r = ingest({0, 1});
        r.content_id = "bad id/with slash";
        CHECK(code(r) == errc::invalid);
        r = ingest({0, 1});
        r.content_id = "";
        CHECK(code(r) == errc::invalid);

        // With a CSS: its content, its piece count and its piece lengths.
        r = ingest({0, 1});
        r.bytes.clear();
        r.css = css_of("other", 4);
        CHECK(code(r) == errc::invalid);
        r.css = css_of("film", 4);
        r.pieces = {0, 4};
        CHECK(code(r) == errc::invalid);
        r = ingest({0, 1});
        r.css = css_of("film", 4);  // bytes of 100, pieces of 1000
        CHECK(code(r) == errc::invalid);

        std::vector<std::size_t> many(cdn::max_job_pieces + 1);
        for (std::size_t i = 0; i < many.size(); ++i) many[i] = i;
        cdn::purge_request big;
        big.content_id = "film";
        big.pieces = many;
        CHECK(code_of([&] { client.submit_purge(big); }) == errc::invalid);
        cdn::purge_request none;
        none.content_id = "film";
        CHECK(code_of([&] { client.submit_purge(none); }) == errc::invalid);

        CHECK(client.active_jobs() == 0);
        CHECK(client.status(1) == nullptr);
        CHECK(client.step(0) == 0);
        CHECK(client.metrics("origin").requests == 0);
    }

    TEST_CASE("a kind without a chain is a state error") {
        auto c = origin_only();
        c.ingest_chain.clear();
        c.purge_chain.clear();
        cdn::client client(c);
        CHECK(code_of([&] { client.submit_ingest(ingest({0})); }) == errc::state);
        cdn::purge_request p;
        p.content_id = "film";
        p.pieces = {0};
        CHECK(code_of([&] { client.submit_purge(p); }) == errc::state);
    }

    TEST_CASE("a submitted job: ids, delivery URIs, and a cancel before any request") {
        cdn::client client(origin_only());
        int calls = 0;
        cdn::job_status seen;
        const auto id = client.submit_ingest(ingest({3, 1, 2}), [&](const cdn::job_status& s) {
            ++calls;
            seen = s;
            client.forget(s.id);  // allowed: the callback holds a copy
        });
        CHECK(id != 0);
        const cdn::job_status* st = client.status(id);
        REQUIRE(st != nullptr);
        CHECK(st->state == cdn::job_state::pending);
        CHECK(st->kind == cdn::job_kind::ingest);
        CHECK(st->ttl_s == 60);
        REQUIRE(st->items.size() == 3);
        CHECK(st->items[0].piece == 3);
        CHECK(st->items[0].uri == "http://cdn.example/pieces/film/3");
        CHECK(st->items[2].uri == client.delivery_uri("film", 2));
        CHECK(client.delivery_uri("a b", 7) == "http://cdn.example/pieces/a%20b/7");
        CHECK(client.active_jobs() == 1);

        client.forget(id);  // not terminal: left alone
        REQUIRE(client.status(id) != nullptr);

        CHECK(client.cancel(id));
        CHECK(client.cancel(id));  // still cancelling: nothing more to do
        CHECK(client.cancel(id + 100) == false);
        CHECK(client.step(0) == 0);
        CHECK(calls == 1);
        CHECK(seen.state == cdn::job_state::cancelled);
        for (const auto& item : seen.items) {
            CHECK(item.state == cdn::item_state::cancelled);
            CHECK(item.error == errc::cancelled);
            CHECK(item.attempts == 0);
            CHECK_FALSE(item.uncertain);  // nothing was sent
        }
        CHECK(client.metrics("origin").requests == 0);
        CHECK(client.status(id) == nullptr);  // the callback forgot it
        CHECK(client.cancel(id) == false);
        CHECK(code_of([&] { client.wait(id); }) == errc::not_found);
        client.step(0);
        CHECK(calls == 1);  // once only
    }

    TEST_CASE("wait and step from a callback are state errors") {
        cdn::client client(origin_only());
        cdn::purge_request p;
        p.content_id = "film";
        p.pieces = {0};
        std::uint64_t id = 0;
        id = client.submit_purge(p, [&](const cdn::job_status&) { client.wait(id); });
        client.cancel(id);
        CHECK(code_of([&] { client.step(0); }) == errc::state);
    }

    TEST_CASE("an injected clock times the job") {
        auto c = origin_only();
        std::int64_t now = 5000;
        c.steady_ms = [&] { return now; };
        cdn::client client(c);
        const auto id = client.submit_ingest(ingest({0}));
        CHECK(client.status(id)->created_ms == 5000);
        now = 7000;
        client.cancel(id);
        const auto st = client.wait(id);
        CHECK(st.finished_ms == 7000);
        client.forget(id);
        CHECK(client.status(id) == nullptr);
    }

    TEST_CASE("metrics are zero for drivers that did nothing, or do not exist") {
        cdn::client client(origin_only());
        for (const char* name : {"css", "origin", "edge", "cit", "nonsense"}) {
            const auto m = client.metrics(name);
            CHECK(m.requests + m.bytes_sent + m.bytes_received + m.retries + m.failures == 0);
        }
    }
}
