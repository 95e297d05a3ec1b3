#include "swarm/tracker.hpp"

#include "core/content_layout.hpp"
#include "core/error.hpp"
#include "swarm/swarm_registry.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace p2pcdn {

std::int64_t system_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

namespace {

// The tracker thread wakes at least this often, so expiry runs even without subscriptions and a
// clock that jumps (or a fake one in tests) is read again soon.
constexpr std::int64_t max_thread_wait_ms = 1000;
// step() expires silent peers at most this often: a pass visits every swarm.
constexpr std::int64_t expire_period_ms = 1000;

struct subscription {
    subscription(std::uint64_t id_, std::string content_id_, std::int64_t interval_ms_,
                 stats_callback callback_, std::int64_t first_due_ms)
        : id(id_),
          content_id(std::move(content_id_)),
          interval_ms(interval_ms_),
          callback(std::move(callback_)),
          next_due_ms(first_due_ms) {}

    const std::uint64_t id;
    const std::string content_id;  // empty: every swarm
    const std::int64_t interval_ms;
    // Set once; unsubscribe() moves it out only when no call of it is in flight.
    stats_callback callback;

    // Guarded by state::subs_mutex.
    std::int64_t next_due_ms;
    bool cancelled = false;
    bool in_flight = false;
    std::thread::id caller;  // the thread running the callback while in_flight
};

// The next time a report is due after one due at `due_ms` was delivered at `now_ms`. Normally
// one interval after the previous due time, so reports do not drift by the step's lateness; but
// when that is already past (the host did not call step() for a whole interval or more) the
// missed reports are dropped rather than delivered in a burst: a report is a snapshot of now, and
// several in a row would all say the same.
std::int64_t next_due(std::int64_t due_ms, std::int64_t interval_ms, std::int64_t now_ms) {
    const std::int64_t next = due_ms + interval_ms;
    return next > now_ms ? next : now_ms + interval_ms;
}

// With a fixed tracker seed, each swarm gets its own seed that depends only on the content id,
// so peer selection is reproducible whatever order the swarms were created in.
std::uint64_t swarm_seed(std::uint64_t tracker_seed, std::string_view content_id) {
    if (tracker_seed == 0) {
        return 0;  // the swarm draws a random seed
    }
    std::uint64_t h = 14695981039346656037ull;  // FNV-1a
    for (const char c : content_id) {
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
    // splitmix64's finalizer over the mix of both.
    std::uint64_t z = tracker_seed ^ h;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return z != 0 ? z : 1;
}

void validate_config(const tracker_config& c) {
    if (c.max_swarms == 0) {
        fail(errc::invalid, "max_swarms is 0");
    }
    if (c.max_peers_per_swarm == 0) {
        fail(errc::invalid, "max_peers_per_swarm is 0");
    }
    if (c.max_pieces == 0) {
        fail(errc::invalid, "max_pieces is 0");
    }
    if (c.max_pieces > bitmap::max_bits) {
        fail(errc::invalid, "max_pieces {} is above the bitmap limit of {}", c.max_pieces,
             bitmap::max_bits);
    }
    if (c.interval_s == 0) {
        fail(errc::invalid, "interval_s is 0");
    }
    if (c.min_interval_s == 0) {
        fail(errc::invalid, "min_interval_s is 0");
    }
    if (c.min_interval_s > c.interval_s) {
        fail(errc::invalid, "min_interval_s {} is above interval_s {}", c.min_interval_s,
             c.interval_s);
    }
    if (c.peer_timeout_ms < 0) {
        fail(errc::invalid, "peer_timeout_ms is negative ({})", c.peer_timeout_ms);
    }
    if (c.max_cdn_sources == 0) {
        fail(errc::invalid, "max_cdn_sources is 0");
    }
    if (c.max_cdn_per_answer == 0) {
        fail(errc::invalid, "max_cdn_per_answer is 0");
    }
}

}  // namespace

struct tracker::state {
    explicit state(tracker_config c)
        : config(std::move(c)),
          peer_timeout_ms(config.peer_timeout_ms != 0 ? config.peer_timeout_ms
                                                      : std::int64_t{2} * config.interval_s * 1000),
          registry(config.max_swarms) {}

    std::int64_t now() const { return config.clock(); }

    std::shared_ptr<swarm> make_swarm(const std::string& key, std::size_t piece_count) const {
        return std::make_shared<swarm>(
            key, piece_count, config.max_peers_per_swarm, swarm_seed(config.rng_seed, key),
            cdn_limits{config.max_cdn_sources, config.max_cdn_per_answer});
    }

    // The swarm of a known content; errc::not_found (errc::invalid for a bad id) otherwise.
    std::shared_ptr<swarm> existing(std::string_view content_id) const {
        auto target = registry.find(std::string(content_id));
        if (target == nullptr) {
            content_layout::validate_id(content_id);  // a bad id says so rather than "unknown"
            fail(errc::not_found, "unknown content '{}'", content_id);
        }
        return target;
    }

    const tracker_config config;
    const std::int64_t peer_timeout_ms;
    swarm_registry registry;

    // Subscriptions. Ordered by id, so one step delivers in subscription order.
    std::mutex subs_mutex;
    std::condition_variable subs_done;  // a callback finished; unsubscribe() waits on it
    std::map<std::uint64_t, std::shared_ptr<subscription>> subs;
    std::uint64_t last_sub_id = 0;

    // step() is serialized: the host and the tracker thread may both call it.
    std::mutex step_mutex;
    // The thread inside step() (default id: none). Lets calls made from a callback that would
    // wait on step() itself fail instead of deadlocking.
    std::atomic<std::thread::id> step_owner{std::thread::id()};
    bool expired_once = false;        // guarded by step_mutex
    std::int64_t last_expire_ms = 0;  // guarded by step_mutex
    // Callbacks that threw, and thread steps that threw: counted and otherwise ignored, so a
    // host's bug cannot stop the reports of every other subscription.
    std::atomic<std::uint64_t> callback_failures{0};
    std::atomic<std::uint64_t> thread_step_failures{0};

    // The tracker thread. control_mutex serializes start and stop (one join at a time);
    // wake_mutex guards the flags the thread waits on.
    std::mutex control_mutex;
    std::thread thread;
    std::mutex wake_mutex;
    std::condition_variable wake_cv;
    bool stop = false;
    bool wake = false;

    void wake_thread() {
        {
            const std::lock_guard lock(wake_mutex);
            wake = true;
        }
        wake_cv.notify_one();
    }

    std::size_t expire_all(std::int64_t now_ms) {
        // Swarms left empty stay: a CCS may still be subscribed to one, and the next announce
        // would only make it again. remove_content() is the way to drop a content.
        // Expired CDN sources are erased here too: reads already skip them, this returns their
        // memory (and is not counted: the result is peers).
        const std::int64_t cutoff = now_ms - peer_timeout_ms;
        std::size_t removed = 0;
        for (const auto& s : registry.all()) {
            removed += s->expire(cutoff);
            s->expire_cdn(now_ms);
        }
        return removed;
    }

    void deliver(subscription& sub);
    void run_thread(tracker& owner);
};

// One due subscription: a snapshot per swarm, each handed to the callback with no registry or
// swarm lock held (the snapshot is a copy), so the callback may call back into the tracker.
void tracker::state::deliver(subscription& sub) {
    std::vector<std::shared_ptr<swarm>> targets;
    if (sub.content_id.empty()) {
        targets = registry.all();
        std::sort(targets.begin(), targets.end(),
                  [](const auto& a, const auto& b) { return a->content_id() < b->content_id(); });
    } else if (auto s = registry.find(sub.content_id)) {
        targets.push_back(std::move(s));
    }
    // A content not (or no longer) there is skipped silently; reports start when it exists.
    if (targets.empty()) {
        return;
    }

    {
        const std::lock_guard lock(subs_mutex);
        if (sub.cancelled) {
            return;
        }
        sub.in_flight = true;
        sub.caller = std::this_thread::get_id();
    }
    struct in_flight_end {
        state& st;
        subscription& sub;
        ~in_flight_end() {
            {
                const std::lock_guard lock(st.subs_mutex);
                sub.in_flight = false;
                sub.caller = std::thread::id();
            }
            st.subs_done.notify_all();
        }
    } const end{*this, sub};

    for (std::size_t i = 0; i < targets.size(); ++i) {
        if (i > 0) {
            // The callback may have unsubscribed itself (or another thread did): stop here.
            const std::lock_guard lock(subs_mutex);
            if (sub.cancelled) {
                return;
            }
        }
        const stats_report report = targets[i]->snapshot(now());
        try {
            sub.callback(report);
        } catch (...) {
            callback_failures.fetch_add(1, std::memory_order_relaxed);
        }
    }
}

void tracker::state::run_thread(tracker& owner) {
    for (;;) {
        std::int64_t wait_ms = max_thread_wait_ms;
        try {
            // step() throws only when a snapshot or a list of swarms cannot be allocated; the
            // thread goes on and tries again later.
            const std::int64_t next = owner.step();
            if (next >= 0 && next < wait_ms) {
                wait_ms = next;
            }
        } catch (...) {
            thread_step_failures.fetch_add(1, std::memory_order_relaxed);
        }
        std::unique_lock lock(wake_mutex);
        wake_cv.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stop || wake; });
        if (stop) {
            return;
        }
        wake = false;
    }
}

tracker::tracker(tracker_config config) {
    validate_config(config);
    if (!config.clock) {
        config.clock = system_clock_ms;
    }
    state_ = std::make_unique<state>(std::move(config));
}

tracker::~tracker() {
    try {
        stop_thread();
    } catch (...) {
        // Only reached when destroyed from one of its own callbacks, which is not allowed.
    }
}

const tracker_config& tracker::config() const noexcept {
    return state_->config;
}

void tracker::add_content(std::string_view content_id, std::size_t piece_count) {
    state& s = *state_;
    content_layout::validate_id(content_id);
    if (piece_count == 0) {
        // content_layout never makes a content of no pieces, and an announce could not create
        // or name one (piece count 0 means "must exist").
        fail(errc::invalid, "content '{}' has no pieces", content_id);
    }
    if (piece_count > s.config.max_pieces) {
        fail(errc::range, "content '{}' has {} pieces, above the limit of {}", content_id,
             piece_count, s.config.max_pieces);
    }
    const std::string key(content_id);
    auto check_existing = [&](const swarm& existing) {
        if (existing.piece_count() != piece_count) {
            fail(errc::exists, "content '{}' exists with {} pieces, not {}", content_id,
                 existing.piece_count(), piece_count);
        }
    };
    if (const auto existing = s.registry.find(key)) {
        check_existing(*existing);
        return;
    }
    auto slot = s.registry.reserve();
    auto fresh = s.make_swarm(key, piece_count);
    const auto [in_map, inserted] = s.registry.insert(slot, std::move(fresh));
    if (!inserted) {
        check_existing(*in_map);  // another thread added it meanwhile
    }
}

bool tracker::remove_content(std::string_view content_id) {
    // Subscriptions to the content stay; they report again if it is added again.
    return state_->registry.erase(std::string(content_id));
}

std::size_t tracker::content_count() const {
    return state_->registry.size();
}

peer_list tracker::announce(std::string_view content_id, std::size_t piece_count,
                            const announce_request& request) {
    state& s = *state_;
    const std::string key(content_id);
    const std::int64_t now = s.now();

    auto answer_from = [&](swarm& target) {
        if (piece_count != 0 && piece_count != target.piece_count()) {
            fail(errc::invalid, "content '{}' has {} pieces, not {}", content_id,
                 target.piece_count(), piece_count);
        }
        // If the swarm was removed since the lookup, the announce lands in a swarm no one
        // reaches any more and is lost, like an announce just before the removal.
        peer_list answer = target.announce(request, now);
        answer.interval_s = s.config.interval_s;
        answer.min_interval_s = s.config.min_interval_s;
        return answer;
    };

    if (const auto existing = s.registry.find(key)) {
        return answer_from(*existing);
    }

    // An unknown content. All or nothing: the announce is applied to a new swarm that no other
    // thread can see yet, and the swarm is published only if that succeeded. So a bad announce
    // never leaves an empty swarm behind, not even for a moment (a subscription, stats() or the
    // max_swarms count could otherwise see it), and the swarm's own checks stay the only ones.
    content_layout::validate_id(content_id);
    if (!s.config.create_swarms) {
        fail(errc::not_found, "unknown content '{}'", content_id);
    }
    const std::size_t count =
        piece_count != 0 ? piece_count : (request.full != nullptr ? request.full->size() : 0);
    if (count == 0) {
        fail(errc::not_found, "unknown content '{}' and the announce does not say its piece count",
             content_id);
    }
    if (count > s.config.max_pieces) {
        fail(errc::range, "content '{}' has {} pieces, above the limit of {}", content_id, count,
             s.config.max_pieces);
    }
    auto make_swarm = [&] { return s.make_swarm(key, count); };
    if (request.event == announce_event::stopped) {
        // The peer leaves a swarm it was never in. The request is still checked by a swarm
        // (same errors as anywhere else), but nothing is kept, so it takes no slot either.
        peer_list answer = make_swarm()->announce(request, now);
        answer.interval_s = s.config.interval_s;
        answer.min_interval_s = s.config.min_interval_s;
        return answer;
    }
    // The slot is taken before the swarm is built: at the limit, an announce costs no
    // allocation of piece_count counters. It goes back when `slot` is destroyed unless the
    // swarm is inserted.
    auto slot = s.registry.reserve();
    auto fresh = make_swarm();
    peer_list answer = fresh->announce(request, now);
    const auto [in_map, inserted] = s.registry.insert(slot, std::move(fresh));
    if (!inserted) {
        // Another thread created the swarm meanwhile: its swarm is the one, and this announce is
        // applied to it again (the first application only touched the discarded swarm).
        return answer_from(*in_map);
    }
    answer.interval_s = s.config.interval_s;
    answer.min_interval_s = s.config.min_interval_s;
    return answer;
}

bool tracker::leave(std::string_view content_id, std::string_view peer_id) {
    // An unknown content has no peers: the peer was not there.
    const auto target = state_->registry.find(std::string(content_id));
    return target != nullptr && target->leave(peer_id);
}

std::size_t tracker::expire() {
    return state_->expire_all(state_->now());
}

stats_report tracker::stats(std::string_view content_id) const {
    return state_->existing(content_id)->snapshot(state_->now());
}

// Unlike an announce, publishing never makes a swarm: a CCS publishes for a content that peers
// announce or the host added, and a typo in its id should say so.
void tracker::publish_cdn(std::string_view content_id, cdn_source source) {
    const auto target = state_->existing(content_id);
    target->publish_cdn(std::move(source), state_->now());
}

std::size_t tracker::withdraw_cdn(std::string_view content_id, std::string_view uri,
                                  const bitmap* pieces) {
    const auto target = state_->existing(content_id);
    return target->withdraw_cdn(uri, pieces, state_->now());
}

std::vector<cdn_source> tracker::cdn_sources(std::string_view content_id) const {
    const auto target = state_->existing(content_id);
    return target->cdn_sources(state_->now());
}

std::uint64_t tracker::subscribe(std::string content_id, std::int64_t interval_ms,
                                 stats_callback callback) {
    state& s = *state_;
    if (!content_id.empty()) {
        content_layout::validate_id(content_id);
    }
    if (interval_ms <= 0) {
        fail(errc::invalid, "statistics interval {} ms is not positive", interval_ms);
    }
    if (!callback) {
        fail(errc::invalid, "statistics callback is empty");
    }
    const std::int64_t now = s.now();
    std::uint64_t id = 0;
    {
        const std::lock_guard lock(s.subs_mutex);
        id = ++s.last_sub_id;
        // The first report is due at once.
        s.subs.emplace(id, std::make_shared<subscription>(id, std::move(content_id), interval_ms,
                                                          std::move(callback), now));
    }
    s.wake_thread();
    return id;
}

bool tracker::unsubscribe(std::uint64_t id) {
    state& s = *state_;
    stats_callback released;  // destroyed after the lock, in case it calls into the tracker
    {
        std::unique_lock lock(s.subs_mutex);
        const auto it = s.subs.find(id);
        if (it == s.subs.end()) {
            return false;
        }
        const std::shared_ptr<subscription> sub = it->second;
        s.subs.erase(it);
        sub->cancelled = true;  // a step() holding it delivers nothing more
        const auto self = std::this_thread::get_id();
        // Called from its own callback: that call is on this stack, waiting would never end.
        s.subs_done.wait(lock, [&] { return !sub->in_flight || sub->caller == self; });
        if (!sub->in_flight) {
            // Nothing can call it any more: drop it now rather than when the last step() lets
            // go, so whatever it holds (a ctypes function, a payload) is released on return.
            released = std::move(sub->callback);
        }
    }
    return true;
}

std::int64_t tracker::step() {
    state& s = *state_;
    const auto self = std::this_thread::get_id();
    if (s.step_owner.load() == self) {
        fail(errc::state, "step called from a statistics callback");
    }
    const std::lock_guard step_lock(s.step_mutex);
    s.step_owner.store(self);
    struct owner_reset {
        state& st;
        ~owner_reset() { st.step_owner.store(std::thread::id()); }
    } const reset{s};

    const std::int64_t now = s.now();
    // "now < last" lets a clock that stepped back expire again without waiting it out.
    if (!s.expired_once || now - s.last_expire_ms >= expire_period_ms || now < s.last_expire_ms) {
        s.expired_once = true;
        s.last_expire_ms = now;
        s.expire_all(now);
    }

    // Claim the due subscriptions and reschedule them before any callback runs, so a
    // subscription made or dropped by a callback sees a consistent schedule.
    std::vector<std::shared_ptr<subscription>> due;
    {
        const std::lock_guard lock(s.subs_mutex);
        for (auto& [id, sub] : s.subs) {
            if (sub->next_due_ms <= now) {
                sub->next_due_ms = next_due(sub->next_due_ms, sub->interval_ms, now);
                due.push_back(sub);
            }
        }
    }
    for (const auto& sub : due) {
        s.deliver(*sub);
    }

    const std::int64_t after = s.now();
    const std::lock_guard lock(s.subs_mutex);
    if (s.subs.empty()) {
        return -1;
    }
    std::int64_t first = s.subs.begin()->second->next_due_ms;
    for (const auto& entry : s.subs) {
        first = std::min(first, entry.second->next_due_ms);
    }
    return std::max<std::int64_t>(first - after, 0);
}

void tracker::start_thread() {
    state& s = *state_;
    const std::lock_guard control(s.control_mutex);
    if (s.thread.joinable()) {
        fail(errc::state, "the tracker thread is already running");
    }
    {
        const std::lock_guard lock(s.wake_mutex);
        s.stop = false;
        s.wake = false;
    }
    s.thread = std::thread([this] { state_->run_thread(*this); });
}

void tracker::stop_thread() {
    state& s = *state_;
    // From a callback, the thread to join (or the host's step() the thread waits for) is the
    // caller itself.
    if (s.step_owner.load() == std::this_thread::get_id()) {
        fail(errc::state, "stop_thread called from a statistics callback");
    }
    const std::lock_guard control(s.control_mutex);
    if (!s.thread.joinable()) {
        return;
    }
    {
        const std::lock_guard lock(s.wake_mutex);
        s.stop = true;
    }
    s.wake_cv.notify_all();
    s.thread.join();
}

}  // namespace p2pcdn
