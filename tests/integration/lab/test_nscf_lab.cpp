// The NSCF controller against the loopback CDN (nginx WebDAV origin, nginx edges behind the
// 302 redirector, Varnish) and an in-process tracker: a scripted swarm's statistics drive
// ingest, publish, withdraw and purge, and after every step the invariants are checked
// against the objects really on the origin and the edges:
//   - every piece the tracker hands out exists at the origin and through the redirector, is
//     published in the journal, and its source expires a margin before the object's TTL;
//   - every object of the content on the origin is in the journal's holdings;
//   - a withdrawal reaches the tracker while the object still exists (withdrawn before purged).
#include <doctest/doctest.h>

#include "nscf/controller.hpp"
#include "nscf_lab_support.hpp"
#include "policy/threshold_policy.hpp"
#include "policy/ttl_policy.hpp"
#include "swarm/tracker.hpp"
#include "wire/uri_template.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <thread>

namespace {

namespace fs = std::filesystem;
namespace nscf = p2pcdn::nscf;
namespace lab_ns = p2pcdn::test::nscf_lab;
using p2pcdn::bitmap;
using p2pcdn::holding_state;

std::string unique_id(const char* name) {
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return std::string(name) + std::to_string(getpid()) + "x" + std::to_string(now % 1000000007);
}

// A tracker link over the in-process tracker that records the order of calls, checks at each
// withdrawal that the objects withdrawn still exist, and can be taken down.
struct recording_link {
    p2pcdn::tracker& tracker;
    lab_ns::lab_info lab;
    std::string id;
    bool down = false;
    std::vector<std::string> calls;
    std::vector<std::string> violations;

    std::unique_ptr<nscf::tracker_link> make() {
        auto local = std::shared_ptr<nscf::tracker_link>(nscf::make_local_link(tracker));
        nscf::link_callbacks cb;
        cb.join = [this, local](const std::string& c, std::size_t n, const nscf::network_peer& p) {
            local->join(c, n, p);
        };
        cb.fetch_stats = [local](const std::string& c) { return local->fetch_stats(c); };
        cb.publish = [this, local](const std::string& c, const p2pcdn::cdn_source& s) {
            if (down)
                throw std::runtime_error("tracker unreachable");
            for (std::size_t p = s.pieces.find_first_set(); p != bitmap::npos;
                 p = s.pieces.find_next_set(p + 1)) {
                if (lab_ns::lab_request("HEAD", lab.origin + lab_ns::piece_path(id, p)).status !=
                    200)
                    violations.push_back("published piece " + std::to_string(p) + " not uploaded");
            }
            calls.push_back("publish " + std::to_string(s.pieces.count()));
            local->publish(c, s);
        };
        cb.withdraw = [this, local](const std::string& c, const std::string& u, const bitmap* b) {
            if (down)
                throw std::runtime_error("tracker unreachable");
            if (b != nullptr) {
                for (std::size_t p = b->find_first_set(); p != bitmap::npos;
                     p = b->find_next_set(p + 1)) {
                    if (lab_ns::lab_request("HEAD", lab.origin + lab_ns::piece_path(id, p))
                            .status != 200)
                        violations.push_back("piece " + std::to_string(p) +
                                             " purged before withdrawn");
                }
            }
            calls.push_back(b == nullptr ? "withdraw all"
                                         : "withdraw " + std::to_string(b->count()));
            local->withdraw(c, u, b);
        };
        return nscf::make_callback_link(std::move(cb));
    }
};

// The tracker's config, on the fixture's clock.
p2pcdn::tracker_config clocked(std::function<std::int64_t()> clock) {
    p2pcdn::tracker_config c;
    c.clock = std::move(clock);
    return c;
}

struct fixture {
    lab_ns::lab_info lab = lab_ns::read_lab(std::getenv("P2PCDN_CDN_LAB"));
    std::string id;
    p2pcdn::piece_hashes hashes;
    p2pcdn::content_layout layout;
    fs::path dir;
    // Set: the time the tracker (and a controller given now_fn()) see; else the system's.
    std::optional<std::int64_t> fake_now;
    p2pcdn::tracker tracker{clocked([this] { return now_ms(); })};
    recording_link rec{tracker, lab, id, false, {}, {}};

    explicit fixture(const char* name, std::size_t pieces = 8)
        : id(unique_id(name)),
          layout(lab_ns::make_content(lab, id, pieces, hashes)),
          dir(fs::temp_directory_path() / ("nscf-lab-" + id)) {
        rec.id = id;
        fs::create_directories(dir);
        tracker.add_content(id, pieces);
    }
    ~fixture() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    std::int64_t now_ms() const { return fake_now ? *fake_now : p2pcdn::system_clock_ms(); }
    std::function<std::int64_t()> now_fn() {
        return [this] { return now_ms(); };
    }

    nscf::controller_config config(std::uint32_t ttl_s = 60) {
        auto c = lab_ns::lab_controller_config(lab, layout, hashes, (dir / "journal").string());
        p2pcdn::policy::threshold_config t;
        t.low_copies = 2;
        t.high_copies = 3;
        t.min_residency_ms = 0;
        t.ttl_s = ttl_s;
        c.policy = std::make_shared<p2pcdn::policy::threshold_policy>(t);
        c.link = rec.make();
        return c;
    }

    // A user peer holding `pieces`.
    void announce(const std::string& peer, std::initializer_list<std::size_t> pieces) {
        bitmap b(layout.piece_count());
        for (const std::size_t p : pieces) b.set(p);
        p2pcdn::announce_request req;
        req.peer_id = peer;
        req.port = 7000;
        req.full = &b;
        tracker.announce(id, 0, req);
    }

    // The invariants, against the tracker's answer and the objects on the origin and edges.
    void check(const nscf::controller& ctl) {
        const nscf::holdings hs = ctl.holdings();
        for (const p2pcdn::cdn_source& s : tracker.cdn_sources(id)) {
            for (std::size_t p = s.pieces.find_first_set(); p != bitmap::npos;
                 p = s.pieces.find_next_set(p + 1)) {
                CAPTURE(p);
                const p2pcdn::holding* h = hs.find(p);
                REQUIRE(h != nullptr);
                CHECK(h->state == holding_state::published);
                CHECK(s.expires_s * 1000 <= h->object_expires_at_ms - 5000);
                CHECK(lab_ns::lab_request("HEAD", lab.origin + lab_ns::piece_path(id, p)).status ==
                      200);
                CHECK(lab_ns::lab_request("GET", p2pcdn::expand_cdn_uri(s, id, p)).status == 200);
            }
        }
        for (const std::size_t p : lab_ns::origin_pieces(lab, id)) {
            CAPTURE(p);
            CHECK_MESSAGE(hs.find(p) != nullptr,
                          "an object on the origin the journal does not hold");
        }
        CHECK(rec.violations.empty());
    }

    void drive(nscf::controller& ctl, int max_steps = 400) {
        for (int i = 0; i < max_steps; ++i) {
            const std::size_t jobs = ctl.step(50);
            check(ctl);
            const nscf::holdings hs = ctl.holdings();
            if (jobs == 0 && hs.count(holding_state::ingesting) == 0 &&
                hs.count(holding_state::stored) == 0 && hs.count(holding_state::withdrawn) == 0 &&
                hs.count(holding_state::purging) == 0 &&
                advertised() == hs.pieces(holding_state::published)) {
                return;
            }
        }
        FAIL("the controller did not settle");
    }

    bitmap advertised() const {
        bitmap out(layout.piece_count());
        for (const auto& s : tracker.cdn_sources(id)) out |= s.pieces;
        return out;
    }
};

bitmap bits(std::size_t n, std::initializer_list<std::size_t> pieces) {
    bitmap b(n);
    for (const std::size_t p : pieces) b.set(p);
    return b;
}

}  // namespace

TEST_SUITE("cdn_lab.nscf") {
    TEST_CASE("statistics drive ingest, publish, withdraw and purge, invariants at every step") {
        fixture f("nscf");
        nscf::controller ctl(f.config());
        ctl.join();
        CHECK(f.tracker.stats(f.id).network_peers == 1);

        // Pieces 2..7 are scarce (fewer than 2 copies among 3 peers): ingested and advertised.
        f.announce("peer-a", {0, 1, 2, 3});
        f.announce("peer-b", {0, 1});
        f.announce("peer-c", {});
        ctl.on_stats(f.tracker.stats(f.id));
        f.drive(ctl);
        CHECK(f.advertised() == bits(8, {2, 3, 4, 5, 6, 7}));
        CHECK(lab_ns::origin_pieces(f.lab, f.id).size() == 6);
        auto m = ctl.metrics();
        CHECK(m.pieces_ingested == 6);
        CHECK(m.bytes_ingested == 5 * lab_ns::piece_length + 5000);
        CHECK(m.rounds == 1);

        // 2, 3 and 4 become popular (3 copies): withdrawn from the tracker, then purged.
        f.announce("peer-a", {0, 1, 2, 3, 4});
        f.announce("peer-b", {0, 1, 2, 3, 4});
        f.announce("peer-c", {2, 3, 4});
        ctl.on_stats(f.tracker.stats(f.id));
        f.drive(ctl);
        CHECK(f.advertised() == bits(8, {5, 6, 7}));
        for (const std::size_t p : {2, 3, 4}) {
            CAPTURE(p);
            CHECK(lab_ns::lab_request("HEAD", f.lab.origin + lab_ns::piece_path(f.id, p)).status ==
                  404);
            if (!f.lab.varnish.empty()) {
                const auto res =
                    lab_ns::lab_request("GET", f.lab.varnish + lab_ns::piece_path(f.id, p));
                CHECK(res.status == 404);
            }
        }
        m = ctl.metrics();
        CHECK(m.pieces_purged == 3);
        CHECK(m.withdrawals >= 1);
        CHECK(m.storage_byte_seconds > 0);
        CHECK(ctl.holdings().size() == 3);

        // Shutdown with purge: nothing advertised, nothing left on the origin.
        CHECK(ctl.shutdown(true));
        f.check(ctl);
        CHECK(f.tracker.cdn_sources(f.id).empty());
        CHECK(lab_ns::origin_pieces(f.lab, f.id).empty());
        CHECK(f.rec.violations.empty());
    }

    TEST_CASE("a tracker that cannot be reached never gets an advertised object purged") {
        fixture f("nscfdown", 4);
        nscf::controller ctl(f.config());
        f.announce("peer-a", {0});
        f.announce("peer-b", {});
        f.announce("peer-c", {});
        ctl.on_stats(f.tracker.stats(f.id));
        f.drive(ctl);
        REQUIRE(f.advertised() == bits(4, {0, 1, 2, 3}));

        f.rec.down = true;
        f.announce("peer-a", {0, 1});
        f.announce("peer-b", {0, 1});
        f.announce("peer-c", {0, 1});
        ctl.on_stats(f.tracker.stats(f.id));
        for (int i = 0; i < 10; ++i) {
            ctl.step(20);
            f.check(ctl);
        }
        // The policy let 0 and 1 go, but they could not be withdrawn: still held and served.
        CHECK(ctl.metrics().link_failures > 0);
        CHECK(ctl.holdings().count(holding_state::published) == 4);
        CHECK(lab_ns::origin_pieces(f.lab, f.id).size() == 4);

        // The next round after the tracker comes back withdraws, then purges.
        f.rec.down = false;
        ctl.on_stats(f.tracker.stats(f.id));
        std::this_thread::sleep_for(std::chrono::milliseconds(60));  // the link's retry wait
        f.drive(ctl);
        CHECK(f.advertised() == bits(4, {2, 3}));
        CHECK(lab_ns::origin_pieces(f.lab, f.id).size() == 2);
        CHECK(ctl.shutdown(true));
        CHECK(lab_ns::origin_pieces(f.lab, f.id).empty());
    }

    TEST_CASE("a failed ingest leaves nothing advertised and nothing on the CDN") {
        fixture f("nscffail", 3);
        fs::remove(f.lab.docroot / "css" / (f.id + ".bin"));  // the CSS answers 404
        nscf::controller ctl(f.config());
        f.announce("peer-a", {});
        f.announce("peer-b", {});
        ctl.on_stats(f.tracker.stats(f.id));
        f.drive(ctl);
        CHECK(ctl.metrics().ingest_failures == 3);
        CHECK(ctl.holdings().size() == 0);
        CHECK(f.tracker.cdn_sources(f.id).empty());
        CHECK(lab_ns::origin_pieces(f.lab, f.id).empty());
    }

    TEST_CASE("a restarted controller recovers its journal and re-publishes its holdings") {
        fixture f("nscfrec", 3);
        {
            nscf::controller ctl(f.config());
            f.announce("peer-a", {});
            f.announce("peer-b", {});
            ctl.on_stats(f.tracker.stats(f.id));
            f.drive(ctl);
            REQUIRE(f.advertised() == bits(3, {0, 1, 2}));
        }
        // The tracker lost the advertisement (a restart of its own); the controller's
        // recovery gives it back from the journal.
        f.tracker.withdraw_cdn(f.id, "", nullptr);
        REQUIRE(f.tracker.cdn_sources(f.id).empty());
        nscf::controller ctl(f.config());
        CHECK(ctl.holdings().count(holding_state::published) == 3);
        CHECK(f.advertised() == bits(3, {0, 1, 2}));
        f.check(ctl);
        CHECK(ctl.shutdown(true));
        CHECK(lab_ns::origin_pieces(f.lab, f.id).empty());
        CHECK(f.tracker.cdn_sources(f.id).empty());
    }
    TEST_CASE("the ttl policy's renewals re-upload: a scarce piece stays advertised across TTLs") {
        fixture f("nscfrenew", 2);
        REQUIRE_MESSAGE(!f.lab.ingest_log.empty(), "a lab without an ingest log");
        const std::int64_t start = p2pcdn::system_clock_ms();
        f.fake_now = start;
        auto c = f.config();
        p2pcdn::policy::ttl_config t;
        t.low_copies = 2;
        t.ttl_s = 20;
        t.renew_before_s = 12;  // renewed 8 s in: before the advertisement must end
        c.policy = std::make_shared<p2pcdn::policy::ttl_policy>(t);
        c.advertisement_ms = 12000;  // leases well inside the TTL less the 5 s margin
        c.clock_ms = f.now_fn();
        nscf::controller ctl(std::move(c));

        const bitmap both = bits(2, {0, 1});
        bool advertised_once = false;
        // 45 s of controller time in 500 ms steps, a statistics round every second; the CDN
        // jobs run in real time, each step drives them to their end.
        for (std::int64_t at = start; at <= start + 45000; at += 500) {
            CAPTURE(at - start);
            *f.fake_now = at;
            // Time moved on: the tracker must still hand out both pieces before any step.
            if (advertised_once) {
                REQUIRE(f.advertised() == both);
            }
            if ((at - start) % 1000 == 0) {
                f.announce("peer-a", {});  // two leechers: every piece stays scarce
                f.announce("peer-b", {});
                ctl.on_stats(f.tracker.stats(f.id));
            }
            for (int i = 0; i < 200 && ctl.step(50) != 0; ++i) {
            }
            REQUIRE(ctl.step(0) == 0);
            f.check(ctl);
            advertised_once = advertised_once || f.advertised() == both;
            if (advertised_once) {
                REQUIRE(f.advertised() == both);
            }
        }
        CHECK(advertised_once);

        const auto m = ctl.metrics();
        CHECK(m.pieces_ingested == 2);
        CHECK(m.reuploads >= 4);  // at least twice each in 45 s of a 20 s TTL
        CHECK(m.renewals >= 4);
        CHECK(m.withdrawals == 0);
        CHECK(m.ingest_failures == 0);
        const nscf::holdings hs = ctl.holdings();
        for (const std::size_t p : {0, 1}) {
            CAPTURE(p);
            const p2pcdn::holding* h = hs.find(p);
            REQUIRE(h != nullptr);
            CHECK(h->state == holding_state::published);
            CHECK(h->ingested_at_ms > start + 20000);  // the object is a later re-upload's
            CHECK(h->ttl_ms() == 20000);
            // The origin received the first PUT (201) and re-uploads that overwrote it (204),
            // each with the new TTL as max-age.
            const auto puts = lab_ns::ingest_log_lines(f.lab, "PUT", lab_ns::piece_path(f.id, p));
            REQUIRE(puts.size() >= 3);
            CHECK_MESSAGE(puts.front().find(" 201 ") != std::string::npos, puts.front());
            for (std::size_t i = 1; i < puts.size(); ++i) {
                CHECK_MESSAGE(puts[i].find(" 204 ") != std::string::npos, puts[i]);
                CHECK_MESSAGE(puts[i].find("max-age=20\"") != std::string::npos, puts[i]);
            }
        }

        CHECK(ctl.shutdown(true));
        CHECK(f.tracker.cdn_sources(f.id).empty());
        CHECK(lab_ns::origin_pieces(f.lab, f.id).empty());
        CHECK(f.rec.violations.empty());
    }
}
