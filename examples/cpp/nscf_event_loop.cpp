// nscf_event_loop CSS_TEMPLATE INGEST_TEMPLATE DELIVERY_TEMPLATE FILE PIECE_LENGTH JOURNAL
//
// A CCS host that embeds the Network Storage Control Function (NSCF) in its own poll() event
// loop, through the C ABI only. The library owns no thread here: the host calls
// p2pcdn_tracker_step and p2pcdn_nscf_step(..., 0, ...) when its loop has nothing else to do.
//
//   CSS_TEMPLATE       where the NSCF reads the content's pieces from (the Content Source
//                      Server), e.g. http://origin/css/{content}/{piece}
//   INGEST_TEMPLATE    where it PUTs a piece into the CDN (an origin with WebDAV)
//   DELIVERY_TEMPLATE  the URI UEs GET it from (a redirector in front of the edges), which the
//                      NSCF publishes to the tracker
//   FILE, PIECE_LENGTH the content, for its layout and piece hashes; its id is "event-loop"
//   JOURNAL            the NSCF's journal file (what it holds in the CDN, for crash recovery)
//
// What the loop serves:
//   - a timerfd ticking every 50 ms: the tracker's statistics subscription and the NSCF's step;
//   - a self-pipe written by the SIGINT/SIGTERM handler: a clean stop;
//   - stdin, one command per line: "status" prints the holdings, "quit" stops.
//
// The tracker lives in this process (a p2pcdn_tracker), with a built-in threshold policy. To
// give the policy something to do, the host plays a small swarm: three UEs, two holding the
// first half of the content, so the second half is scarce and gets ingested and published;
// then three more UEs complete, every piece has enough copies, and the NSCF withdraws and
// purges. The host then shuts the NSCF down (nothing left in the CDN) and exits 0; 1 when
// something failed or the swarm did not settle within 30 s.
#include <p2pcdn/p2pcdn.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <poll.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace {

const char* const content_id = "event-loop";

// RAII for the library's handles: each owned pointer is released by its own _free function.
template <typename T, void (*Free)(T*)>
struct freer {
    void operator()(T* p) const noexcept { Free(p); }
};
template <typename T, void (*Free)(T*)>
using owned = std::unique_ptr<T, freer<T, Free>>;

using content_ptr = owned<p2pcdn_content, p2pcdn_content_free>;
using tracker_ptr = owned<p2pcdn_tracker, p2pcdn_tracker_free>;
using policy_ptr = owned<p2pcdn_policy, p2pcdn_policy_free>;
using nscf_ptr = owned<p2pcdn_nscf, p2pcdn_nscf_free>;
using bitmap_ptr = owned<p2pcdn_bitmap, p2pcdn_bitmap_free>;
using peerlist_ptr = owned<p2pcdn_peerlist, p2pcdn_peerlist_free>;
using holdings_ptr = owned<p2pcdn_nscf_holdings, p2pcdn_nscf_holdings_free>;

// Library errors become exceptions in this host; main() reports them.
void check(int rc, const char* what) {
    if (rc < 0) {
        throw std::runtime_error(std::string(what) + ": " + p2pcdn_strerror(rc) + ": " +
                                 p2pcdn_last_error());
    }
}

// p2pcdn_global_init for the lifetime of the program (libcurl and OpenSSL).
struct global_init {
    global_init() { check(p2pcdn_global_init(), "p2pcdn_global_init"); }
    ~global_init() { p2pcdn_global_cleanup(); }
    global_init(const global_init&) = delete;
    global_init& operator=(const global_init&) = delete;
};

// A file descriptor closed on scope exit.
struct fd_guard {
    int fd;
    explicit fd_guard(int f) : fd(f) {
        if (fd < 0) {
            throw std::runtime_error(std::string("fd: ") + std::strerror(errno));
        }
    }
    ~fd_guard() { ::close(fd); }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
};

int signal_pipe_write = -1;

extern "C" void on_signal(int) {
    const int saved = errno;
    const char byte = 's';
    (void)!::write(signal_pipe_write, &byte, 1);  // async-signal-safe; the loop does the rest
    errno = saved;
}

// A simulated UE of the host's swarm announcing to the in-process tracker.
void announce_ue(p2pcdn_tracker* tracker, int n, const p2pcdn_bitmap* held, int event) {
    const std::string id = "ue-" + std::to_string(n);
    p2pcdn_announce a;
    check(p2pcdn_announce_init(&a, P2PCDN_ANNOUNCE_VERSION), "p2pcdn_announce_init");
    a.content_id = content_id;
    a.peer_id = id.data();
    a.peer_id_len = id.size();
    a.address = "127.0.0.1";
    a.port = static_cast<uint16_t>(7000 + n);
    a.event = event;
    a.bitmap = held;
    a.numwant = P2PCDN_NUMWANT_NONE;
    check(p2pcdn_tracker_announce(tracker, &a, nullptr), "p2pcdn_tracker_announce");
}

struct host {
    p2pcdn_tracker* tracker;
    p2pcdn_nscf* nscf;
    size_t pieces;
    bool stop = false;
    int phase = 0;  // 0: waiting for the scarce half in the CDN; 1: waiting for it to go
};

// The tracker's statistics subscription: runs inside p2pcdn_tracker_step, on the loop's
// thread, and hands the report to the NSCF (TR 23.844 steps 3 and 9).
extern "C" int on_stats(const p2pcdn_stats* stats, void* payload) {
    auto* h = static_cast<host*>(payload);
    const int rc = p2pcdn_nscf_on_stats(h->nscf, stats);
    if (rc < 0) {
        std::cerr << "p2pcdn_nscf_on_stats: " << p2pcdn_last_error() << "\n";
    }
    return 0;  // keep the subscription
}

size_t count_in(const p2pcdn_nscf_holdings* snapshot, int state) {
    size_t n = 0;
    check(p2pcdn_nscf_holdings_count_in(snapshot, state, &n), "p2pcdn_nscf_holdings_count_in");
    return n;
}

void print_status(const host& h) {
    p2pcdn_nscf_holdings* raw = nullptr;
    check(p2pcdn_nscf_snapshot(h.nscf, &raw), "p2pcdn_nscf_snapshot");
    holdings_ptr snapshot(raw);
    size_t count = 0;
    check(p2pcdn_nscf_holdings_count(snapshot.get(), &count), "p2pcdn_nscf_holdings_count");
    std::cout << "holdings: " << count << "\n";
    for (size_t i = 0; i < count; ++i) {
        p2pcdn_nscf_holding holding;
        check(p2pcdn_nscf_holding_init(&holding, P2PCDN_NSCF_HOLDING_VERSION), "holding_init");
        check(p2pcdn_nscf_holdings_at(snapshot.get(), i, &holding), "p2pcdn_nscf_holdings_at");
        static const char* const names[] = {"ingesting", "stored", "published", "withdrawn",
                                            "purging"};
        const bool known = holding.state >= 0 && holding.state < 5;
        std::cout << "  piece " << holding.piece << " " << (known ? names[holding.state] : "?")
                  << " " << holding.uri << "\n";
    }
}

// What the host does between events: move its simulated swarm along once the NSCF settled.
void advance(host& h, const p2pcdn_bitmap* full, size_t scarce) {
    p2pcdn_nscf_holdings* raw = nullptr;
    check(p2pcdn_nscf_snapshot(h.nscf, &raw), "p2pcdn_nscf_snapshot");
    holdings_ptr snapshot(raw);
    size_t total = 0;
    check(p2pcdn_nscf_holdings_count(snapshot.get(), &total), "p2pcdn_nscf_holdings_count");
    const size_t published = count_in(snapshot.get(), P2PCDN_HOLDING_PUBLISHED);
    if (h.phase == 0 && published == scarce && total == scarce) {
        std::cout << "published " << published << " scarce pieces to the tracker\n";
        print_status(h);
        for (int n = 4; n <= 6; ++n) {
            announce_ue(h.tracker, n, full, P2PCDN_EVENT_COMPLETED);
        }
        std::cout << "three UEs completed: every piece has enough copies\n";
        h.phase = 1;
    } else if (h.phase == 1 && total == 0) {
        std::cout << "the NSCF withdrew and purged every piece\n";
        h.stop = true;
    }
}

int run(int argc, char** argv) {
    if (argc != 7) {
        std::cerr << "usage: nscf_event_loop CSS_TEMPLATE INGEST_TEMPLATE DELIVERY_TEMPLATE "
                     "FILE PIECE_LENGTH JOURNAL\n";
        return 2;
    }
    // Line by line, also into a pipe: whoever reads this log sees each step as it happens.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const global_init library;

    p2pcdn_content* raw_content = nullptr;
    check(p2pcdn_content_new_from_file(&raw_content, content_id, argv[4],
                                       static_cast<uint32_t>(std::strtoul(argv[5], nullptr, 10)),
                                       nullptr),
          "p2pcdn_content_new_from_file");
    content_ptr content(raw_content);
    size_t pieces = 0;
    check(p2pcdn_content_piece_count(content.get(), &pieces), "p2pcdn_content_piece_count");
    if (pieces < 2) {
        std::cerr << "nscf_event_loop: the content needs at least 2 pieces\n";
        return 2;
    }

    // Declared before the NSCF, so they outlive it: it borrows the tracker and the policy.
    p2pcdn_tracker* raw_tracker = nullptr;
    check(p2pcdn_tracker_new(&raw_tracker, nullptr), "p2pcdn_tracker_new");
    tracker_ptr tracker(raw_tracker);
    check(p2pcdn_tracker_add_content(tracker.get(), content_id, pieces), "add_content");

    p2pcdn_policy_threshold_options threshold;
    check(p2pcdn_policy_threshold_options_init(&threshold, P2PCDN_POLICY_THRESHOLD_OPTIONS_VERSION),
          "threshold_options_init");
    threshold.low_copies = 2;   // fewer UE copies than this: into the CDN
    threshold.high_copies = 3;  // this many or more: out of it
    threshold.min_residency_ms = 1;
    threshold.ttl_s = 600;
    p2pcdn_policy* raw_policy = nullptr;
    check(p2pcdn_policy_new_threshold(&raw_policy, &threshold), "p2pcdn_policy_new_threshold");
    policy_ptr policy(raw_policy);

    p2pcdn_css_options css;
    check(p2pcdn_css_options_init(&css, P2PCDN_CSS_OPTIONS_VERSION), "css_options_init");
    css.piece_template = argv[1];
    p2pcdn_cdn_options cdn;
    check(p2pcdn_cdn_options_init(&cdn, P2PCDN_CDN_OPTIONS_VERSION), "cdn_options_init");
    cdn.origin_ingest_template = argv[2];
    cdn.delivery_template = argv[3];
    p2pcdn_nscf_options opts;
    check(p2pcdn_nscf_options_init(&opts, P2PCDN_NSCF_OPTIONS_VERSION), "nscf_options_init");
    opts.content = content.get();
    opts.css = &css;
    opts.cdn = &cdn;
    opts.policy = policy.get();
    opts.tracker = tracker.get();
    opts.journal_path = argv[6];
    opts.controller_id = "event-loop-host";
    static const char nscf_peer_id[] = "ccs-event-loop";
    opts.peer_id = nscf_peer_id;
    opts.peer_id_len = sizeof nscf_peer_id - 1;
    opts.address = "127.0.0.1";
    opts.port = 6999;
    p2pcdn_nscf* raw_nscf = nullptr;
    check(p2pcdn_nscf_new(&raw_nscf, &opts), "p2pcdn_nscf_new");
    nscf_ptr nscf(raw_nscf);
    check(p2pcdn_nscf_join(nscf.get()), "p2pcdn_nscf_join");  // step 2: a network peer
    std::cout << "NSCF joined the swarm of " << content_id << " (" << pieces << " pieces)\n";

    // The host's swarm: UEs 1 and 2 hold the first half, UE 3 holds nothing.
    p2pcdn_bitmap* raw_bits = nullptr;
    check(p2pcdn_bitmap_new(&raw_bits, pieces), "p2pcdn_bitmap_new");
    bitmap_ptr half(raw_bits);
    check(p2pcdn_bitmap_set_range(half.get(), 0, pieces / 2, 1), "p2pcdn_bitmap_set_range");
    check(p2pcdn_bitmap_new(&raw_bits, pieces), "p2pcdn_bitmap_new");
    bitmap_ptr full(raw_bits);
    check(p2pcdn_bitmap_fill(full.get(), 1), "p2pcdn_bitmap_fill");
    announce_ue(tracker.get(), 1, half.get(), P2PCDN_EVENT_STARTED);
    announce_ue(tracker.get(), 2, half.get(), P2PCDN_EVENT_STARTED);
    announce_ue(tracker.get(), 3, nullptr, P2PCDN_EVENT_STARTED);
    const size_t scarce = pieces - pieces / 2;
    std::cout << "three UEs joined; " << scarce << " pieces are scarce\n";

    host h{tracker.get(), nscf.get(), pieces};
    uint64_t subscription = 0;
    check(p2pcdn_tracker_subscribe(tracker.get(), content_id, 200, on_stats, &h, &subscription),
          "p2pcdn_tracker_subscribe");

    // The event sources: a 50 ms timer, the signal self-pipe, stdin.
    fd_guard timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    const itimerspec tick{{0, 50 * 1000 * 1000}, {0, 50 * 1000 * 1000}};
    check(::timerfd_settime(timer.fd, 0, &tick, nullptr) == 0 ? 0 : P2PCDN_EIO, "timerfd");
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe2 failed");
    }
    fd_guard signal_read(pipe_fds[0]), signal_write(pipe_fds[1]);
    signal_pipe_write = signal_write.fd;
    struct sigaction action {};
    action.sa_handler = on_signal;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);

    pollfd fds[3] = {{timer.fd, POLLIN, 0}, {signal_read.fd, POLLIN, 0}, {0, POLLIN, 0}};
    std::string line;
    const std::time_t deadline = std::time(nullptr) + 30;
    while (!h.stop) {
        if (::poll(fds, 3, 1000) < 0 && errno != EINTR) {
            throw std::runtime_error("poll failed");
        }
        if (fds[1].revents & POLLIN) {
            std::cout << "signal: stopping\n";
            break;
        }
        if (fds[2].revents & (POLLIN | POLLHUP)) {
            char buf[256];
            const ssize_t n = ::read(0, buf, sizeof buf);
            if (n <= 0) {
                fds[2].fd = -1;  // stdin closed: stop watching it
            } else {
                line.append(buf, static_cast<size_t>(n));
                for (size_t nl; (nl = line.find('\n')) != std::string::npos;
                     line.erase(0, nl + 1)) {
                    const std::string command = line.substr(0, nl);
                    if (command == "status") {
                        print_status(h);
                    } else if (command == "quit") {
                        h.stop = true;
                    }
                }
            }
        }
        if (fds[0].revents & POLLIN) {
            uint64_t expirations = 0;
            (void)!::read(timer.fd, &expirations, sizeof expirations);
            // The library's share of the loop: never blocking (timeouts 0).
            check(p2pcdn_tracker_step(tracker.get(), nullptr), "p2pcdn_tracker_step");
            size_t running = 0;
            check(p2pcdn_nscf_step(nscf.get(), 0, &running), "p2pcdn_nscf_step");
            advance(h, full.get(), scarce);
        }
        if (std::time(nullptr) > deadline) {
            std::cerr << "nscf_event_loop: the swarm did not settle in 30 s\n";
            print_status(h);
            break;
        }
    }
    const bool settled = h.stop && h.phase == 1;

    // Clean stop: no more reports, then everything withdrawn and purged.
    check(p2pcdn_tracker_unsubscribe(tracker.get(), subscription), "p2pcdn_tracker_unsubscribe");
    int clean = 0;
    check(p2pcdn_nscf_shutdown(nscf.get(), 1, 30000, &clean), "p2pcdn_nscf_shutdown");
    p2pcdn_nscf_metrics metrics;
    check(p2pcdn_nscf_metrics_init(&metrics, P2PCDN_NSCF_METRICS_VERSION), "metrics_init");
    check(p2pcdn_nscf_metrics_get(nscf.get(), &metrics), "p2pcdn_nscf_metrics_get");
    std::cout << "ingested " << metrics.pieces_ingested << " pieces (" << metrics.bytes_ingested
              << " bytes), purged " << metrics.pieces_purged << ", " << metrics.publishes
              << " publishes, " << metrics.withdrawals << " withdrawals; shutdown "
              << (clean ? "clean" : "NOT clean") << "\n";
    return settled && clean ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "nscf_event_loop: " << e.what() << "\n";
        return 1;
    }
}
