// The NSCF controller's set-up checks, the tracker links and its events, without any server:
// the CDN client sends only to a closed loopback port (127.0.0.1:9), where every upload fails. The
// behaviour against a real CDN is in tests/integration/lab/test_nscf_lab.cpp and the crash test.
#include <doctest/doctest.h>

#include "nscf/controller.hpp"
#include "policy/threshold_policy.hpp"
#include "swarm/tracker.hpp"
#include "test_support.hpp"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace nscf = p2pcdn::nscf;
using p2pcdn::errc;
using p2pcdn::test::code_of;

struct temp_dir {
    fs::path path = fs::temp_directory_path() / ("nscf-unit-" + std::to_string(getpid()));
    temp_dir() { fs::create_directories(path); }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

nscf::controller_config base_config(p2pcdn::tracker& t, const fs::path& dir) {
    nscf::controller_config c;
    c.layout = p2pcdn::content_layout("unitcontent", 10000, 4096);
    c.cdn.delivery_template = "http://127.0.0.1:9/pieces/{content}/{piece}";
    c.cdn.origin = p2pcdn::cdn::origin_config{};
    c.cdn.origin->ingest_template = "http://127.0.0.1:9/ingest/{content}/{piece}";
    c.policy =
        std::make_shared<p2pcdn::policy::threshold_policy>(p2pcdn::policy::threshold_config{});
    c.link = nscf::make_local_link(t);
    c.journal_path = (dir / "journal").string();
    c.controller_id = "ccs1";
    c.self.peer_id = "ccs-1";
    c.self.port = 6881;
    return c;
}

}  // namespace

TEST_SUITE("nscf.controller") {
    TEST_CASE("a config missing a part or out of bounds is refused before anything starts") {
        temp_dir dir;
        p2pcdn::tracker t{p2pcdn::tracker_config{}};
        auto refused = [&](auto&& change) {
            nscf::controller_config c = base_config(t, dir.path);
            change(c);
            return code_of([&] { nscf::controller ctl(std::move(c)); });
        };
        CHECK(refused([](auto& c) { c.layout.reset(); }) == errc::invalid);
        CHECK(refused([](auto& c) { c.policy.reset(); }) == errc::invalid);
        CHECK(refused([](auto& c) { c.link.reset(); }) == errc::invalid);
        CHECK(refused([](auto& c) { c.journal_path.clear(); }) == errc::invalid);
        CHECK(refused([](auto& c) { c.safety_margin_ms = 999; }) == errc::invalid);
        CHECK(refused([](auto& c) { c.advertisement_ms = 2 * c.safety_margin_ms; }) ==
              errc::invalid);
        CHECK(refused([](auto& c) { c.default_ttl_s = 0; }) == errc::invalid);
        CHECK(refused([](auto& c) { c.purge_retry_ms = -1; }) == errc::invalid);
        CHECK(refused([](auto& c) { c.self.peer_id = std::string(21, 'x'); }) == errc::invalid);
        CHECK(refused([](auto& c) { c.controller_id = "bad id"; }) == errc::invalid);
        // The published template must name what the client ingests.
        CHECK(refused([](auto& c) {
                  c.delivery_template = "http://127.0.0.1:9/other/{content}/{piece}";
              }) == errc::invalid);
        CHECK(refused([](auto& c) { c.css.object_url = "ftp://x/y"; }) != errc::ok);
        CHECK_FALSE(fs::exists(dir.path / "journal"));
    }

    TEST_CASE("one controller per journal, join announces a network peer, stats are checked") {
        temp_dir dir;
        p2pcdn::tracker t{p2pcdn::tracker_config{}};
        t.add_content("unitcontent", 3);
        p2pcdn::bitmap own(3);
        own.set(1);
        nscf::controller_config c = base_config(t, dir.path);
        c.self.pieces = &own;
        nscf::controller ctl(std::move(c));
        CHECK(code_of([&] { nscf::controller again(base_config(t, dir.path)); }) == errc::state);

        ctl.join();
        const p2pcdn::stats_report s = t.stats("unitcontent");
        CHECK(s.network_peers == 1);
        CHECK(s.user_peers == 0);
        REQUIRE(s.network_copies.size() == 3);
        CHECK(s.network_copies[1] == 1);

        p2pcdn::stats_report other = s;
        other.content_id = "another";
        CHECK(code_of([&] { ctl.on_stats(other); }) == errc::invalid);
        other = s;
        other.piece_count = 4;
        CHECK(code_of([&] { ctl.on_stats(other); }) == errc::invalid);

        // Nothing held: a step has nothing to do and the tracker is told so.
        CHECK(ctl.step(0) == 0);
        CHECK(ctl.holdings().size() == 0);
        CHECK(ctl.metrics().publishes >= 1);
        CHECK(t.cdn_sources("unitcontent").empty());
        ctl.start(10);
        CHECK(ctl.running());
        CHECK(code_of([&] { ctl.step(0); }) == errc::state);
        CHECK(code_of([&] { ctl.start(10); }) == errc::state);
        ctl.stop();
        CHECK_FALSE(ctl.running());
        CHECK(ctl.shutdown(true, 1000));
    }

    TEST_CASE("callback link: every callback required, failures passed on") {
        nscf::link_callbacks cb;
        CHECK(code_of([&] { nscf::make_callback_link(cb); }) == errc::invalid);
        int published = 0;
        cb.join = [](const std::string&, std::size_t, const nscf::network_peer&) {};
        cb.fetch_stats = [](const std::string&) -> p2pcdn::stats_report {
            throw std::runtime_error("down");
        };
        cb.publish = [&](const std::string&, const p2pcdn::cdn_source&) { ++published; };
        CHECK(code_of([&] { nscf::make_callback_link(cb); }) == errc::invalid);
        cb.withdraw = [](const std::string&, const std::string&, const p2pcdn::bitmap*) {};
        auto link = nscf::make_callback_link(cb);
        CHECK(std::string(link->kind()) == "callback");
        CHECK_THROWS_AS(link->fetch_stats("x"), std::runtime_error);
        link->publish("x", p2pcdn::cdn_source{});
        CHECK(published == 1);
    }

    TEST_CASE("local link: withdrawing what the tracker does not know is not an error") {
        p2pcdn::tracker t{p2pcdn::tracker_config{}};
        auto link = nscf::make_local_link(t);
        CHECK(std::string(link->kind()) == "local");
        link->withdraw("unknown", "http://cdn/{piece}", nullptr);
        t.add_content("known", 2);
        p2pcdn::cdn_source s;
        s.uri = "http://cdn/{piece}";
        s.pieces = p2pcdn::bitmap(2);
        s.pieces.set(0);
        s.expires_s = p2pcdn::system_clock_ms() / 1000 + 600;
        link->publish("known", s);
        CHECK(t.cdn_sources("known").size() == 1);
        link->withdraw("known", "http://cdn/other/{piece}", nullptr);
        link->withdraw("known", s.uri, nullptr);
        CHECK(t.cdn_sources("known").empty());
        CHECK(code_of([&] { link->publish("unknown", s); }) == errc::not_found);
        CHECK(link->fetch_stats("known").piece_count == 2);
    }

    TEST_CASE("events: recovery's before the constructor returns, then each round in order") {
        temp_dir dir;
        p2pcdn::tracker t{p2pcdn::tracker_config{}};
        t.add_content("unitcontent", 3);
        std::vector<nscf::controller_event> seen;
        nscf::controller_config c = base_config(t, dir.path);
        c.on_event = [&seen](const nscf::controller_event& e) { seen.push_back(e); };
        nscf::controller ctl(std::move(c));
        REQUIRE(seen.size() == 2);
        CHECK(seen[0].kind == nscf::event_kind::tracker_updated);
        CHECK(seen[0].pieces.none());
        CHECK(seen[1].kind == nscf::event_kind::recovered);
        CHECK(seen[1].held == 0);

        // A second controller on the locked journal fails and tells its host nothing.
        std::vector<nscf::controller_event> refused;
        nscf::controller_config twin = base_config(t, dir.path);
        twin.on_event = [&refused](const nscf::controller_event& e) { refused.push_back(e); };
        CHECK(code_of([&] { nscf::controller again(std::move(twin)); }) == errc::state);
        CHECK(refused.empty());

        // One UE that holds nothing: the threshold policy ingests all three pieces; the CDN
        // refuses them.
        p2pcdn::announce_request ue;
        ue.peer_id = "ue-1";
        ue.address = p2pcdn::ip_address::parse("192.0.2.1");
        ue.port = 6881;
        ue.event = p2pcdn::announce_event::started;
        t.announce("unitcontent", 3, ue);
        ctl.request_stats();
        for (int i = 0; i < 200 && (seen.size() < 5 || ctl.step(0) != 0); ++i) {
            ctl.step(20);
        }
        REQUIRE(seen.size() >= 5);
        CHECK(seen[2].kind == nscf::event_kind::round);
        CHECK(seen[2].seq >= 1);
        CHECK(seen[2].ingest == 3);
        CHECK(seen[2].min_copies == 0);
        CHECK(seen[3].kind == nscf::event_kind::ingest_started);
        CHECK(seen[3].pieces.count() == 3);
        CHECK(seen[3].bytes == 10000);
        CHECK(seen[3].ttl_s == 3600);
        CHECK(seen[3].uri == "http://127.0.0.1:9/pieces/{content}/{piece}");
        CHECK(seen[4].kind == nscf::event_kind::ingest_failed);
        CHECK(seen[4].pieces.count() == 3);
        CHECK(seen[4].error != errc::ok);
        CHECK_FALSE(seen[4].message.empty());
        CHECK(std::string(nscf::event_name(seen[4].kind)) == "ingest_failed");
        CHECK(ctl.holdings().size() == 0);
        CHECK(ctl.metrics().ingest_failures == 3);
    }
}
