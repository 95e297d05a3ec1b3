#include "swarm/tracker.hpp"

#include "core/bitmap.hpp"
#include "core/error.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using p2pcdn::announce_event;
using p2pcdn::announce_request;
using p2pcdn::bitmap;
using p2pcdn::errc;
using p2pcdn::stats_report;
using p2pcdn::tracker;
using p2pcdn::tracker_config;
using p2pcdn::test::code_of;

namespace {

// The tests own time: the tracker reads this instead of the system clock.
struct fake_clock {
    std::atomic<std::int64_t> now{1'000'000};
    void advance(std::int64_t ms) { now.fetch_add(ms); }
};

tracker_config config_with(fake_clock& clock) {
    tracker_config c;
    c.rng_seed = 7;
    c.clock = [&clock] { return clock.now.load(); };
    return c;
}

announce_request request(std::string peer_id, announce_event event = announce_event::update) {
    announce_request r;
    r.peer_id = std::move(peer_id);
    r.port = 6881;
    r.event = event;
    return r;
}

bitmap bits(std::size_t n, std::initializer_list<std::size_t> set) {
    bitmap b(n);
    for (const std::size_t i : set) {
        b.set(i);
    }
    return b;
}

p2pcdn::cdn_source cdn(std::string uri, bitmap pieces, std::int64_t expires_s) {
    p2pcdn::cdn_source source;
    source.uri = std::move(uri);
    source.pieces = std::move(pieces);
    source.expires_s = expires_s;
    return source;
}

announce_request seed_request(std::string peer_id) {
    return request(std::move(peer_id), announce_event::completed);
}

// Reports collected by a callback, with a way to wait for them from another thread.
struct report_log {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<stats_report> reports;

    void add(const stats_report& r) {
        {
            const std::lock_guard lock(mutex);
            reports.push_back(r);
        }
        changed.notify_all();
    }
    std::size_t size() {
        const std::lock_guard lock(mutex);
        return reports.size();
    }
    std::vector<std::string> ids() {
        const std::lock_guard lock(mutex);
        std::vector<std::string> out;
        for (const auto& r : reports) {
            out.push_back(r.content_id);
        }
        return out;
    }
    void clear() {
        const std::lock_guard lock(mutex);
        reports.clear();
    }
    // A generous limit: it only bounds how long a broken build hangs, it is not a timing check.
    bool wait_for_count(std::size_t n) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::seconds(20),
                                [&] { return reports.size() >= n; });
    }
    p2pcdn::stats_callback callback() {
        return [this](const stats_report& r) { add(r); };
    }
};

}  // namespace

TEST_SUITE("tracker") {

TEST_CASE("nonsensical settings") {
    fake_clock clock;
    auto with = [&](auto change) {
        tracker_config c = config_with(clock);
        change(c);
        return code_of([&] { tracker t(c); });
    };
    CHECK(with([](tracker_config&) {}) == errc::ok);
    CHECK(with([](tracker_config& c) { c.max_swarms = 0; }) == errc::invalid);
    CHECK(with([](tracker_config& c) { c.max_peers_per_swarm = 0; }) == errc::invalid);
    CHECK(with([](tracker_config& c) { c.max_pieces = 0; }) == errc::invalid);
    CHECK(with([](tracker_config& c) { c.max_pieces = bitmap::max_bits + 1; }) == errc::invalid);
    CHECK(with([](tracker_config& c) { c.interval_s = 0; }) == errc::invalid);
    CHECK(with([](tracker_config& c) { c.min_interval_s = 0; }) == errc::invalid);
    CHECK(with([](tracker_config& c) { c.min_interval_s = c.interval_s + 1; }) == errc::invalid);
    CHECK(with([](tracker_config& c) { c.peer_timeout_ms = -1; }) == errc::invalid);
    CHECK(with([](tracker_config& c) { c.max_cdn_sources = 0; }) == errc::invalid);
    CHECK(with([](tracker_config& c) { c.max_cdn_per_answer = 0; }) == errc::invalid);
}

TEST_CASE("the system clock by default") {
    tracker t(tracker_config{});
    const auto before = p2pcdn::system_clock_ms();
    t.add_content("a", 4);
    const auto report = t.stats("a");
    CHECK(report.time_ms >= before);
    CHECK(report.time_ms <= p2pcdn::system_clock_ms());
}

TEST_CASE("add and remove contents") {
    fake_clock clock;
    tracker t(config_with(clock));
    CHECK(t.content_count() == 0);
    t.add_content("a", 10);
    t.add_content("b", 3);
    CHECK(t.content_count() == 2);
    t.add_content("a", 10);  // idempotent
    CHECK(t.content_count() == 2);
    CHECK(t.stats("a").piece_count == 10);
    CHECK(t.stats("b").piece_count == 3);

    CHECK(t.remove_content("a"));
    CHECK_FALSE(t.remove_content("a"));
    CHECK_FALSE(t.remove_content("never"));
    CHECK(t.content_count() == 1);
    CHECK(code_of([&] { t.stats("a"); }) == errc::not_found);
    t.add_content("a", 12);  // a removed content may come back with another size
    CHECK(t.stats("a").piece_count == 12);
}

TEST_CASE("add_content errors change nothing") {
    fake_clock clock;
    tracker_config c = config_with(clock);
    c.max_swarms = 2;
    c.max_pieces = 100;
    tracker t(c);
    t.add_content("a", 10);
    t.announce("a", 0, seed_request("p1"));
    const auto before = t.stats("a");

    CHECK_THROWS_WITH_AS(t.add_content("a", 11), "content 'a' exists with 10 pieces, not 11",
                         p2pcdn::error&);
    CHECK(code_of([&] { t.add_content("a", 11); }) == errc::exists);
    CHECK_THROWS_WITH_AS(t.add_content("b", 101),
                         "content 'b' has 101 pieces, above the limit of 100", p2pcdn::error&);
    CHECK(code_of([&] { t.add_content("b", 101); }) == errc::range);
    CHECK(code_of([&] { t.add_content("b", 0); }) == errc::invalid);
    CHECK(code_of([&] { t.add_content("", 5); }) == errc::invalid);
    CHECK(code_of([&] { t.add_content("a b", 5); }) == errc::invalid);
    CHECK(t.content_count() == 1);

    t.add_content("b", 100);
    CHECK_THROWS_WITH_AS(t.add_content("c", 5), "the tracker holds 2 contents, its limit",
                         p2pcdn::error&);
    CHECK(code_of([&] { t.add_content("c", 5); }) == errc::limit);
    CHECK(code_of([&] { t.announce("c", 5, request("p2")); }) == errc::limit);
    CHECK(t.content_count() == 2);
    CHECK(code_of([&] { t.stats("c"); }) == errc::not_found);
    // Existing contents are still reachable at the limit.
    t.add_content("a", 10);
    const auto after = t.stats("a");
    CHECK(after.user_peers == before.user_peers);
    CHECK(after.seeds == before.seeds);
    CHECK(after.copies == before.copies);

    // A removal frees the slot.
    CHECK(t.remove_content("b"));
    t.add_content("c", 5);
    CHECK(t.content_count() == 2);
}

TEST_CASE("announce creates swarms only when allowed") {
    fake_clock clock;
    SUBCASE("create_swarms off") {
        tracker_config c = config_with(clock);
        c.create_swarms = false;
        tracker t(c);
        CHECK_THROWS_WITH_AS(t.announce("x", 10, request("p1")), "unknown content 'x'",
                             p2pcdn::error&);
        CHECK(t.content_count() == 0);
        t.add_content("x", 10);
        const auto answer = t.announce("x", 10, request("p1"));
        CHECK(answer.interval_s == c.interval_s);
        CHECK(t.stats("x").user_peers == 1);
    }
    SUBCASE("create_swarms on") {
        tracker_config c = config_with(clock);
        c.interval_s = 900;
        c.min_interval_s = 30;
        tracker t(c);
        CHECK_THROWS_WITH_AS(
            t.announce("x", 0, request("p1")),
            "unknown content 'x' and the announce does not say its piece count", p2pcdn::error&);
        CHECK(code_of([&] { t.announce("x", 0, request("p1")); }) == errc::not_found);
        CHECK(t.content_count() == 0);

        const auto answer = t.announce("x", 10, request("p1"));
        CHECK(answer.interval_s == 900);
        CHECK(answer.min_interval_s == 30);
        CHECK(t.content_count() == 1);
        CHECK(t.stats("x").piece_count == 10);
        CHECK(t.stats("x").user_peers == 1);

        // The full bitmap's size says the piece count.
        bitmap held(6);
        held.set(2);
        announce_request r = request("p1");
        r.full = &held;
        t.announce("y", 0, r);
        const auto y = t.stats("y");
        CHECK(y.piece_count == 6);
        CHECK(y.copies == std::vector<std::uint32_t>{0, 0, 1, 0, 0, 0});

        // Known contents need no piece count; the answer always carries the intervals.
        const auto again = t.announce("x", 0, request("p2"));
        CHECK(again.interval_s == 900);
        CHECK(again.min_interval_s == 30);
        CHECK(again.peers.size() == 1);
        CHECK(t.stats("x").user_peers == 2);
    }
    SUBCASE("bad content id") {
        tracker t(config_with(clock));
        CHECK(code_of([&] { t.announce("a/b", 10, request("p1")); }) == errc::invalid);
        CHECK(code_of([&] { t.stats("a/b"); }) == errc::invalid);
        CHECK(t.content_count() == 0);
    }
}

TEST_CASE("piece count mismatch and limits leave the swarm as it was") {
    fake_clock clock;
    tracker_config c = config_with(clock);
    c.max_peers_per_swarm = 2;
    c.max_pieces = 64;
    tracker t(c);
    t.announce("a", 8, seed_request("s1"));
    t.announce("a", 8, request("l1"));
    const auto before = t.stats("a");
    REQUIRE(before.user_peers == 2);

    CHECK_THROWS_WITH_AS(t.announce("a", 9, request("l2")), "content 'a' has 8 pieces, not 9",
                         p2pcdn::error&);
    CHECK(code_of([&] { t.announce("a", 9, request("l2")); }) == errc::invalid);
    CHECK(code_of([&] { t.announce("a", 8, request("l3")); }) == errc::limit);
    CHECK(code_of([&] { t.announce("b", 65, request("l1")); }) == errc::range);
    CHECK(code_of([&] { t.announce("b", 0, request("l1")); }) == errc::not_found);

    const auto after = t.stats("a");
    CHECK(after.user_peers == before.user_peers);
    CHECK(after.seeds == before.seeds);
    CHECK(after.copies == before.copies);
    CHECK(t.content_count() == 1);
}

TEST_CASE("a bad announce to an unknown content leaves no swarm") {
    fake_clock clock;
    tracker t(config_with(clock));
    t.add_content("keep", 4);

    CHECK(code_of([&] { t.announce("new", 10, request("")); }) == errc::invalid);  // no peer id
    announce_request out_of_range = request("p1");
    out_of_range.have = {10};
    CHECK(code_of([&] { t.announce("new", 10, out_of_range); }) == errc::range);
    bitmap wrong(5);
    announce_request wrong_size = request("p1");
    wrong_size.full = &wrong;
    CHECK(code_of([&] { t.announce("new", 10, wrong_size); }) == errc::invalid);
    CHECK(t.content_count() == 1);
    CHECK(code_of([&] { t.stats("new"); }) == errc::not_found);

    // A peer stopping in a content the tracker never saw: answered, nothing kept.
    const auto answer = t.announce("new", 10, request("p1", announce_event::stopped));
    CHECK(answer.peers.empty());
    CHECK(t.content_count() == 1);

    // A limit reached by an empty swarm left behind would show here.
    tracker_config one = config_with(clock);
    one.max_swarms = 1;
    tracker small(one);
    CHECK(code_of([&] { small.announce("x", 10, request("")); }) == errc::invalid);
    small.announce("y", 10, request("p1"));
    CHECK(small.content_count() == 1);
}

TEST_CASE("leave") {
    fake_clock clock;
    tracker t(config_with(clock));
    t.announce("a", 4, request("p1"));
    t.announce("a", 4, request("p2"));
    CHECK(t.leave("a", "p1"));
    CHECK_FALSE(t.leave("a", "p1"));
    CHECK_FALSE(t.leave("other", "p2"));
    CHECK(t.stats("a").user_peers == 1);
}

TEST_CASE("announces from many threads") {
    fake_clock clock;
    tracker t(config_with(clock));
    constexpr int threads = 4;
    constexpr int contents = 8;
    constexpr int peers_per_content = 25;  // per thread
    constexpr std::size_t pieces = 16;
    auto content = [](int k) { return "c" + std::to_string(k); };

    // Thread th, peer i of content k holds pieces {i % pieces, th} and is a seed when i % 5
    // is 0; peers with i % 7 == 3 leave again. A subscription and a stats reader run meanwhile,
    // so the snapshots race with the announces.
    std::atomic<int> reports{0};
    t.subscribe("", 1, [&](const stats_report&) { reports.fetch_add(1); });
    std::atomic<bool> done{false};
    std::thread stepper([&] {
        while (!done.load()) {
            clock.advance(1);
            t.step();
            (void)code_of([&] { t.stats("c0"); });
        }
    });
    std::vector<std::thread> workers;
    for (int th = 0; th < threads; ++th) {
        workers.emplace_back([&, th] {
            for (int i = 0; i < peers_per_content; ++i) {
                for (int k = 0; k < contents; ++k) {
                    const std::string id = "t" + std::to_string(th) + "-" + std::to_string(i);
                    if (i % 5 == 0) {
                        t.announce(content(k), pieces, seed_request(id));
                        continue;
                    }
                    bitmap held(pieces);
                    held.set(static_cast<std::size_t>(i) % pieces);
                    held.set(static_cast<std::size_t>(th));
                    announce_request r = request(id, announce_event::started);
                    r.full = &held;
                    t.announce(content(k), pieces, r);
                    if (i % 7 == 3) {
                        CHECK(t.leave(content(k), id));
                    }
                }
            }
        });
    }
    for (auto& w : workers) {
        w.join();
    }
    done.store(true);
    stepper.join();

    // The expectation, counted one thread at a time.
    std::vector<std::uint32_t> copies(pieces, 0);
    std::uint32_t users = 0;
    std::uint32_t seeds = 0;
    for (int th = 0; th < threads; ++th) {
        for (int i = 0; i < peers_per_content; ++i) {
            if (i % 5 == 0) {
                ++users;
                ++seeds;
                for (auto& n : copies) {
                    ++n;
                }
            } else if (i % 7 != 3) {
                ++users;
                const std::size_t a = static_cast<std::size_t>(i) % pieces;
                const auto b = static_cast<std::size_t>(th);
                ++copies[a];
                if (b != a) {
                    ++copies[b];
                }
            }
        }
    }
    CHECK(t.content_count() == contents);
    for (int k = 0; k < contents; ++k) {
        const auto report = t.stats(content(k));
        CHECK(report.user_peers == users);
        CHECK(report.seeds == seeds);
        CHECK(report.copies == copies);
    }
    // The stepper may not have come round while the swarms existed; one more step reports
    // every one of them.
    const int reported = reports.load();
    clock.advance(1);
    t.step();
    CHECK(reports.load() == reported + contents);
}

TEST_CASE("max_swarms holds exactly under racing creators") {
    fake_clock clock;
    tracker_config c = config_with(clock);
    c.max_swarms = 100;
    tracker t(c);
    constexpr int threads = 8;
    constexpr int per_thread = 40;
    std::atomic<int> added{0};
    std::atomic<int> refused{0};
    std::atomic<int> other{0};
    std::vector<std::thread> workers;
    for (int th = 0; th < threads; ++th) {
        workers.emplace_back([&, th] {
            for (int i = 0; i < per_thread; ++i) {
                const std::string id = "c" + std::to_string(th) + "-" + std::to_string(i);
                // Half through add_content, half through announces.
                const errc code = code_of([&] {
                    if (i % 2 == 0) {
                        t.add_content(id, 4);
                    } else {
                        t.announce(id, 4, request("p" + std::to_string(th)));
                    }
                });
                (code == errc::ok ? added : code == errc::limit ? refused : other).fetch_add(1);
            }
        });
    }
    for (auto& w : workers) {
        w.join();
    }
    // Every id is distinct, so a refusal means 100 slots were taken by swarms that all got in.
    CHECK(other.load() == 0);
    CHECK(added.load() == 100);
    CHECK(refused.load() == threads * per_thread - 100);
    CHECK(t.content_count() == 100);
}

TEST_CASE("threads creating the same swarm at once make one") {
    fake_clock clock;
    tracker t(config_with(clock));
    constexpr int threads = 8;
    constexpr int rounds = 20;
    std::vector<std::thread> workers;
    for (int th = 0; th < threads; ++th) {
        workers.emplace_back([&, th] {
            for (int r = 0; r < rounds; ++r) {
                const std::string content = "s" + std::to_string(r);
                t.announce(content, 4, request("p" + std::to_string(th)));
            }
        });
    }
    for (auto& w : workers) {
        w.join();
    }
    CHECK(t.content_count() == rounds);
    for (int r = 0; r < rounds; ++r) {
        CHECK(t.stats("s" + std::to_string(r)).user_peers == threads);
    }
}

TEST_CASE("subscription arguments") {
    fake_clock clock;
    tracker t(config_with(clock));
    auto noop = [](const stats_report&) {};
    CHECK(code_of([&] { t.subscribe("a", 0, noop); }) == errc::invalid);
    CHECK(code_of([&] { t.subscribe("a", -5, noop); }) == errc::invalid);
    CHECK(code_of([&] { t.subscribe("a", 10, nullptr); }) == errc::invalid);
    CHECK(code_of([&] { t.subscribe("a b", 10, noop); }) == errc::invalid);
    CHECK(t.step() == -1);  // none of those made a subscription
    const auto first = t.subscribe("a", 10, noop);
    const auto second = t.subscribe("", 10, noop);
    CHECK(first > 0);
    CHECK(second > 0);
    CHECK(first != second);
    CHECK(t.unsubscribe(first));
    CHECK_FALSE(t.unsubscribe(first));
    CHECK_FALSE(t.unsubscribe(12345));
    CHECK(t.unsubscribe(second));
    CHECK(t.step() == -1);
}

TEST_CASE("step delivers on schedule") {
    fake_clock clock;
    tracker t(config_with(clock));
    t.add_content("a", 4);
    t.announce("a", 0, seed_request("s1"));
    report_log log;
    const auto id = t.subscribe("a", 100, log.callback());

    // Due at once.
    CHECK(t.step() == 100);
    REQUIRE(log.size() == 1);
    CHECK(log.reports[0].content_id == "a");
    CHECK(log.reports[0].seeds == 1);
    CHECK(log.reports[0].time_ms == clock.now.load());

    // Nothing until the interval is over.
    CHECK(t.step() == 100);
    clock.advance(60);
    CHECK(t.step() == 40);
    CHECK(log.size() == 1);
    clock.advance(40);
    CHECK(t.step() == 100);
    CHECK(log.size() == 2);
    CHECK(log.reports[1].seq > log.reports[0].seq);

    // A late step keeps the schedule: due at +200, delivered at +230, next due at +300.
    clock.advance(130);
    CHECK(t.step() == 70);
    CHECK(log.size() == 3);

    // Far behind: one report, not a burst; the next is one interval from now.
    clock.advance(1000);
    CHECK(t.step() == 100);
    CHECK(log.size() == 4);
    CHECK(t.step() == 100);
    CHECK(log.size() == 4);

    // Exactly one interval behind also resumes from now.
    clock.advance(200);
    CHECK(t.step() == 100);
    CHECK(log.size() == 5);
    CHECK(t.step() == 100);
    CHECK(log.size() == 5);

    CHECK(t.unsubscribe(id));
    clock.advance(1000);
    CHECK(t.step() == -1);
    CHECK(log.size() == 5);
}

TEST_CASE("a subscription to every swarm covers swarms added later") {
    fake_clock clock;
    tracker t(config_with(clock));
    t.add_content("b", 4);
    report_log all;
    report_log later;
    t.subscribe("", 50, all.callback());
    t.subscribe("z", 50, later.callback());  // unknown: skipped until it exists

    CHECK(t.step() == 50);
    CHECK(all.ids() == std::vector<std::string>{"b"});
    CHECK(later.size() == 0);

    t.add_content("a", 2);
    t.announce("z", 3, request("p1"));
    clock.advance(50);
    t.step();
    // Every swarm once, in content id order.
    CHECK(all.ids() == std::vector<std::string>{"b", "a", "b", "z"});
    CHECK(later.ids() == std::vector<std::string>{"z"});

    t.remove_content("z");
    clock.advance(50);
    t.step();
    CHECK(all.ids() == std::vector<std::string>{"b", "a", "b", "z", "a", "b"});
    CHECK(later.size() == 1);
}

TEST_CASE("calls from inside a callback") {
    fake_clock clock;
    tracker t(config_with(clock));
    t.add_content("a", 4);
    t.add_content("b", 4);

    SUBCASE("unsubscribe itself") {
        int calls = 0;
        std::uint64_t id = 0;
        id = t.subscribe("", 10, [&](const stats_report&) {
            ++calls;
            CHECK(t.unsubscribe(id));
        });
        CHECK(t.step() == -1);
        CHECK(calls == 1);  // the second swarm's report is not delivered any more
        clock.advance(100);
        t.step();
        CHECK(calls == 1);
    }
    SUBCASE("subscribe, stats and unsubscribe of another") {
        report_log log;
        const auto other = t.subscribe("b", 10, log.callback());
        std::uint64_t added = 0;
        errc step_code = errc::ok;
        errc stop_code = errc::ok;
        std::uint64_t seen_seeds = 99;
        t.subscribe("a", 10, [&](const stats_report&) {
            if (added != 0) {
                return;
            }
            seen_seeds = t.stats("b").seeds;
            added = t.subscribe("a", 10, log.callback());
            CHECK(t.unsubscribe(other));
            step_code = code_of([&] { t.step(); });
            stop_code = code_of([&] { t.stop_thread(); });
        });
        // "b"'s subscription (id order: first) reports before it is removed.
        CHECK(t.step() == 0);  // the new one is due at once
        CHECK(log.ids() == std::vector<std::string>{"b"});
        CHECK(added > 0);
        CHECK(seen_seeds == 0);
        CHECK(step_code == errc::state);
        CHECK(stop_code == errc::state);
        t.step();
        CHECK(log.ids() == std::vector<std::string>{"b", "a"});
    }
}

TEST_CASE("a callback that throws does not stop the others") {
    fake_clock clock;
    tracker t(config_with(clock));
    t.add_content("a", 4);
    t.add_content("b", 4);
    int thrown = 0;
    report_log log;
    t.subscribe("", 10, [&](const stats_report& r) {
        ++thrown;
        if (r.content_id == "a") {
            throw std::runtime_error("host bug");
        }
        throw p2pcdn::error(errc::user, "host said no");
    });
    t.subscribe("", 10, log.callback());
    CHECK_NOTHROW(t.step());
    CHECK(thrown == 2);  // both swarms, despite the first throw
    CHECK(log.size() == 2);
    clock.advance(10);
    CHECK_NOTHROW(t.step());
    CHECK(thrown == 4);  // still scheduled
    CHECK(log.size() == 4);
}

TEST_CASE("expire through the clock") {
    fake_clock clock;
    tracker_config c = config_with(clock);
    c.interval_s = 10;
    c.min_interval_s = 5;  // timeout: 2 * 10 s
    tracker t(c);
    const auto start = clock.now.load();
    t.announce("a", 4, request("early"));
    clock.advance(15'000);
    t.announce("a", 4, request("late"));
    t.announce("b", 4, request("other"));

    clock.now.store(start + 20'000);  // "early" is exactly at the timeout: kept
    CHECK(t.expire() == 0);
    clock.advance(1);
    CHECK(t.expire() == 1);
    CHECK(t.stats("a").user_peers == 1);

    // step() expires too; the swarms it empties are kept.
    clock.advance(20'000);
    CHECK(t.step() == -1);
    CHECK(t.stats("a").user_peers == 0);
    CHECK(t.stats("b").user_peers == 0);
    CHECK(t.content_count() == 2);

    SUBCASE("an explicit timeout") {
        tracker_config short_timeout = config_with(clock);
        short_timeout.peer_timeout_ms = 500;
        tracker s(short_timeout);
        s.announce("a", 4, request("p"));
        clock.advance(501);
        CHECK(s.expire() == 1);
    }
}

TEST_CASE("the tracker thread delivers reports") {
    fake_clock clock;
    tracker t(config_with(clock));
    t.add_content("a", 4);
    report_log log;
    t.start_thread();
    CHECK(code_of([&] { t.start_thread(); }) == errc::state);

    // subscribe() wakes the thread; the first report is due at once.
    const auto id = t.subscribe("a", 100, log.callback());
    REQUIRE(log.wait_for_count(1));
    // The thread reads the clock again within its wait; the next report follows the interval.
    clock.advance(100);
    REQUIRE(log.wait_for_count(2));

    // unsubscribe() from another thread waits for a callback in flight.
    std::mutex gate_mutex;
    std::condition_variable gate;
    bool entered = false;
    bool release = false;
    bool finished = false;
    t.subscribe("a", 100, [&](const stats_report&) {
        std::unique_lock lock(gate_mutex);
        if (finished) {
            return;
        }
        entered = true;
        gate.notify_all();
        gate.wait(lock, [&] { return release; });
        finished = true;
    });
    {
        std::unique_lock lock(gate_mutex);
        REQUIRE(gate.wait_for(lock, std::chrono::seconds(20), [&] { return entered; }));
    }
    bool finished_when_unsubscribed = false;
    std::thread remover([&] {
        // The subscription of the blocked callback is the latest one.
        CHECK(t.unsubscribe(id + 1));
        const std::lock_guard lock(gate_mutex);
        finished_when_unsubscribed = finished;
    });
    {
        const std::lock_guard lock(gate_mutex);
        release = true;
    }
    gate.notify_all();
    remover.join();
    CHECK(finished_when_unsubscribed);

    t.stop_thread();
    t.stop_thread();  // no thread: nothing to do
    const auto delivered = log.size();
    clock.advance(1000);
    CHECK(log.size() == delivered);  // no thread, no step, no report
    CHECK(t.step() >= 0);            // host-driven again
    CHECK(log.size() == delivered + 1);

    t.start_thread();  // restartable; the destructor stops it
}

TEST_CASE("answers name their content") {
    fake_clock clock;
    tracker t(config_with(clock));
    const auto created = t.announce("fresh", 12, request("p"));
    CHECK(created.content_id == "fresh");
    CHECK(created.piece_count == 12);
    const auto known = t.announce("fresh", 0, request("q"));
    CHECK(known.content_id == "fresh");
    CHECK(known.piece_count == 12);
    const auto stopped = t.announce("never", 5, request("p", announce_event::stopped));
    CHECK(stopped.content_id == "never");
    CHECK(stopped.piece_count == 5);
}

TEST_CASE("the CDN directory through the tracker") {
    fake_clock clock;  // 1000 s
    tracker_config c = config_with(clock);
    c.max_cdn_sources = 2;
    c.max_cdn_per_answer = 1;
    tracker t(c);
    t.add_content("movie", 10);

    t.publish_cdn("movie", cdn("https://cdn.example/{content}/{piece}", bits(10, {1, 2, 3}), 1100));
    t.publish_cdn("movie", cdn("https://other.example/{piece}", bits(10, {4}), 1200));
    const auto live = t.cdn_sources("movie");
    REQUIRE(live.size() == 2);
    CHECK(live[0].uri == "https://cdn.example/{content}/{piece}");
    CHECK(live[1].uri == "https://other.example/{piece}");
    CHECK(t.stats("movie").cdn_pieces == bits(10, {1, 2, 3, 4}));

    // One source per answer (max_cdn_per_answer), the most wanted; the answer is complete.
    auto r = request("p");
    r.have = {1};
    const auto answer = t.announce("movie", 10, r);
    CHECK(answer.content_id == "movie");
    CHECK(answer.piece_count == 10);
    CHECK(answer.interval_s == c.interval_s);
    REQUIRE(answer.cdn.size() == 1);
    CHECK(answer.cdn[0].uri == "https://cdn.example/{content}/{piece}");
    CHECK(answer.cdn[0].pieces == bits(10, {2, 3}));
    CHECK(answer.cdn[0].expires_s == 1100);
    CHECK(t.announce("movie", 10, seed_request("s")).cdn.empty());

    // The limit is per content; replacing is not adding.
    CHECK(code_of([&] {
              t.publish_cdn("movie", cdn("https://third.example/{piece}", bits(10, {5}), 1100));
          }) == errc::limit);
    t.publish_cdn("movie", cdn("https://other.example/{piece}", bits(10, {4, 5}), 1200));
    CHECK(t.stats("movie").cdn_pieces == bits(10, {1, 2, 3, 4, 5}));

    // Withdraw, from the very next answer and report on.
    const bitmap some = bits(10, {2, 3, 5});
    CHECK(t.withdraw_cdn("movie", "", &some) == 2);
    CHECK(t.stats("movie").cdn_pieces == bits(10, {1, 4}));
    const auto after = t.announce("movie", 10, request("p"));
    REQUIRE(after.cdn.size() == 1);
    CHECK(after.cdn[0].uri ==
          "https://other.example/{piece}");  // cdn.example: only 1, which p holds
    CHECK(after.cdn[0].pieces == bits(10, {4}));
    CHECK(t.withdraw_cdn("movie", "https://other.example/{piece}", nullptr) == 1);
    CHECK(t.cdn_sources("movie").size() == 1);

    // Expiry through the clock: gone at expires_s, erased by expire().
    clock.now.store(1'100'000);
    CHECK(t.cdn_sources("movie").empty());
    CHECK(t.stats("movie").cdn_pieces.size() == 0);
    CHECK(t.announce("movie", 10, request("q")).cdn.empty());
    CHECK(t.expire() == 0);  // counts peers only
    CHECK(code_of([&] {
              t.withdraw_cdn("movie", "https://cdn.example/{content}/{piece}", nullptr);
          }) == errc::not_found);
}

TEST_CASE("CDN directory errors") {
    fake_clock clock;  // 1000 s
    tracker t(config_with(clock));
    t.add_content("movie", 10);
    t.publish_cdn("movie", cdn("http://a.example/{piece}", bits(10, {1}), 2000));
    const bitmap one = bits(10, {1});
    const bitmap wrong = bits(11, {1});

    CHECK(code_of([&] {
              t.publish_cdn("nope", cdn("http://a.example/{piece}", bits(10, {1}), 2000));
          }) == errc::not_found);
    CHECK(code_of([&] {
              t.publish_cdn("bad id\n", cdn("http://a.example/{piece}", bits(10, {1}), 2000));
          }) == errc::invalid);
    CHECK(code_of([&] { t.withdraw_cdn("nope", "", nullptr); }) == errc::not_found);
    CHECK(code_of([&] { t.cdn_sources("nope"); }) == errc::not_found);
    CHECK(code_of([&] { t.withdraw_cdn("movie", "http://b.example/{piece}", &one); }) ==
          errc::not_found);
    CHECK(code_of([&] { t.withdraw_cdn("movie", "", &wrong); }) == errc::invalid);
    CHECK(code_of([&] {
              t.publish_cdn("movie", cdn("ftp://a.example/{piece}", bits(10, {2}), 2000));
          }) == errc::invalid);
    CHECK(code_of([&] {
              t.publish_cdn("movie", cdn("http://a.example/{piece}", bits(9, {2}), 2000));
          }) == errc::invalid);
    CHECK(code_of([&] {
              t.publish_cdn("movie", cdn("http://a.example/{piece}", bits(10, {2}), 1000));
          }) == errc::invalid);
    try {
        t.publish_cdn("movie", cdn("http://a.example/{piece}", bits(10, {2}), 999));
        FAIL("no error");
    } catch (const p2pcdn::error& e) {
        CHECK(std::string(e.what()) == "CDN source expires at 999, not after now (1000)");
    }
    CHECK(t.withdraw_cdn("movie", "", &one) == 1);
    CHECK(t.cdn_sources("movie").empty());
    CHECK(t.withdraw_cdn("movie", "", nullptr) == 0);  // nothing left: no error
}

}  // TEST_SUITE
