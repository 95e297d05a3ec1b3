// The NSCF's HTTP tracker link against the real `p2pcdn tracker` daemon, which each test starts
// on a free port and stops by its pid: what the link sends takes effect at the tracker, and
// every failure throws (the daemon's 4xx as errc::http with its message, a stopped daemon as
// errc::network, an answer that is not the endpoint's as a decoder error).
#ifdef P2PCDN_TOOL

#include "core/error.hpp"
#include "fault_server.hpp"
#include "http/config.hpp"
#include "nscf/tracker_link.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using p2pcdn::bitmap;
using p2pcdn::cdn_source;
using p2pcdn::errc;
using p2pcdn::nscf::make_http_link;
using p2pcdn::nscf::network_peer;
using p2pcdn::test::code_of;

namespace {

namespace fs = std::filesystem;

// `p2pcdn tracker --listen 127.0.0.1:0 --port-file <dir>/port`, its log in <dir>/log.
class tracker_daemon {
public:
    tracker_daemon() {
        std::string pattern = (fs::temp_directory_path() / "p2pcdn-link-XXXXXX").string();
        REQUIRE(mkdtemp(pattern.data()) != nullptr);
        dir_ = pattern;
        const std::string port_file = (dir_ / "port").string();
        const std::string log = (dir_ / "log").string();
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT, 0600);
        const char* argv[] = {P2PCDN_TOOL,   "tracker",         "--listen", "127.0.0.1:0",
                              "--port-file", port_file.c_str(), nullptr};
        const int rc = posix_spawn(&pid_, P2PCDN_TOOL, &actions, nullptr,
                                   const_cast<char* const*>(argv), environ);
        posix_spawn_file_actions_destroy(&actions);
        REQUIRE(rc == 0);
        // The daemon writes the file whole once it listens.
        for (int i = 0; i < 200 && port_ == 0; ++i) {
            std::ifstream in(port_file);
            if (!(in >> port_)) {
                port_ = 0;
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
        REQUIRE(port_ != 0);
    }

    ~tracker_daemon() {
        stop();
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    tracker_daemon(const tracker_daemon&) = delete;
    tracker_daemon& operator=(const tracker_daemon&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    // SIGTERM, then its exit status (-1 if it did not exit normally).
    int stop() {
        if (pid_ <= 0) {
            return status_;
        }
        kill(pid_, SIGTERM);
        int raw = 0;
        waitpid(pid_, &raw, 0);
        pid_ = 0;
        status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
        return status_;
    }

    std::string log() const {
        std::ifstream in(dir_ / "log");
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

private:
    fs::path dir_;
    pid_t pid_ = 0;
    int port_ = 0;
    int status_ = -1;
};

p2pcdn::http::client_config quick() {
    p2pcdn::http::client_config config;
    config.connect_timeout_ms = 2000;
    config.timeout_ms = 5000;
    return config;
}

bitmap range(std::size_t n, std::size_t first, std::size_t end) {
    bitmap b(n);
    b.set_range(first, end);
    return b;
}

cdn_source source(const std::string& uri, bitmap pieces, std::int64_t expires_s) {
    cdn_source s;
    s.uri = uri;
    s.pieces = std::move(pieces);
    s.expires_s = expires_s;
    return s;
}

std::int64_t in_an_hour() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count() +
           3600;
}

network_peer ccs(const bitmap* pieces) {
    network_peer self;
    self.peer_id = "ccs-1";
    self.address = p2pcdn::ip_address::parse("192.0.2.50");
    self.port = 8080;
    self.pieces = pieces;
    return self;
}

// The message of what f() throws, or "" when it returns.
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

TEST_SUITE("nscf.http_link") {
    TEST_CASE("join, statistics, publish and withdraw take effect at the daemon") {
        tracker_daemon daemon;
        const auto link = make_http_link(daemon.url() + "/", quick());
        CHECK(std::string(link->kind()) == "http");
        const bitmap held = range(10, 0, 4);
        link->join("movie-1", 10, ccs(&held));
        auto report = link->fetch_stats("movie-1");
        CHECK(report.piece_count == 10);
        CHECK(report.network_peers == 1);
        CHECK(report.user_peers == 0);
        REQUIRE(report.network_copies.size() == 10);
        CHECK(report.network_copies[3] == 1);
        CHECK(report.network_copies[4] == 0);

        const std::string uri = "http://cdn.example/{content}/{piece}";
        link->publish("movie-1", source(uri, range(10, 5, 10), in_an_hour()));
        CHECK(link->fetch_stats("movie-1").cdn_pieces.count() == 5);
        bitmap some(10);
        some.set(9);
        link->withdraw("movie-1", uri, &some);
        CHECK(link->fetch_stats("movie-1").cdn_pieces.count() == 4);
        link->withdraw("movie-1", uri, nullptr);
        CHECK(link->fetch_stats("movie-1").cdn_pieces.count() == 0);
        // Already withdrawn, an unknown content: nothing is advertised, which was asked.
        link->withdraw("movie-1", uri, nullptr);
        link->withdraw("never-announced", "", nullptr);
        // Joining again with no pieces is the same peer.
        link->join("movie-1", 10, ccs(nullptr));
        report = link->fetch_stats("movie-1");
        CHECK(report.network_peers == 1);
        CHECK(daemon.stop() == 0);
    }

    TEST_CASE("the daemon's refusals are errc::http with its message") {
        tracker_daemon daemon;
        const auto link = make_http_link(daemon.url(), quick());
        CHECK(code_of([&] { link->fetch_stats("nope"); }) == errc::http);
        CHECK(message_of([&] { link->fetch_stats("nope"); }) ==
              "tracker " + daemon.url() + " answered 404 to GET /stats: unknown content 'nope'");
        // Publishing for a content the tracker does not have.
        const std::string uri = "http://cdn.example/{piece}";
        CHECK(code_of([&] {
                  link->publish("movie-1", source(uri, range(10, 0, 1), in_an_hour()));
              }) == errc::http);
        link->join("movie-1", 10, ccs(nullptr));
        // 400: an expiry already past; another piece count.
        const std::string expired =
            message_of([&] { link->publish("movie-1", source(uri, range(10, 0, 1), 1000)); });
        CHECK(expired.find("answered 400 to POST /cdn/publish: CDN source expires at 1000") !=
              std::string::npos);
        const std::string count = message_of([&] { link->join("movie-1", 11, ccs(nullptr)); });
        CHECK(
            count.find("answered 400 to POST /announce: content 'movie-1' has 10 pieces, not 11") !=
            std::string::npos);
        CHECK(link->fetch_stats("movie-1").cdn_pieces.count() == 0);
        // The daemon logged each request, without a query string.
        CHECK(daemon.log().find("POST /cdn/publish 400") != std::string::npos);
    }

    TEST_CASE("a wrong URL is never taken for an unknown content") {
        tracker_daemon daemon;
        const auto link = make_http_link(daemon.url() + "/wrong", quick());
        const std::string why = message_of([&] { link->withdraw("movie-1", "", nullptr); });
        CHECK(why.find("answered 404 to POST /cdn/withdraw: no endpoint POST "
                       "/wrong/cdn/withdraw") != std::string::npos);
        CHECK(code_of([&] { link->withdraw("movie-1", "", nullptr); }) == errc::http);
    }

    TEST_CASE("a stopped daemon is errc::network") {
        tracker_daemon daemon;
        const auto link = make_http_link(daemon.url(), quick());
        link->join("movie-1", 10, ccs(nullptr));
        CHECK(daemon.stop() == 0);
        CHECK(code_of([&] { link->fetch_stats("movie-1"); }) == errc::network);
        CHECK(code_of([&] { link->join("movie-1", 10, ccs(nullptr)); }) == errc::network);
        CHECK(code_of([&] { link->withdraw("movie-1", "", nullptr); }) == errc::network);
    }
}

TEST_SUITE("nscf.http_link against other servers") {
    TEST_CASE("answers that are not the endpoint's do not read") {
        // The fault server echoes a POST's body and answers GET /stats/<key> with its own
        // counters: 200s, but neither a peer list nor a statistics report.
        const auto link = make_http_link(p2pcdn::test::server().url(""), quick());
        CHECK(code_of([&] { link->join("movie-1", 10, ccs(nullptr)); }) == errc::parse);
        const std::string why = message_of([&] { link->fetch_stats("movie-1"); });
        CHECK(why.find("answered GET /stats with: member 'v' is missing") != std::string::npos);
        // An error status without the daemon's error answer.
        const auto status =
            make_http_link(p2pcdn::test::server().url("/cdn/link/status-503"), quick());
        CHECK(message_of([&] {
                  status->withdraw("movie-1", "", nullptr);
              }).find("answered 503 to POST /cdn/withdraw") != std::string::npos);
        const auto closed = make_http_link(
            "http://127.0.0.1:" + std::to_string(p2pcdn::test::server().closed), quick());
        CHECK(code_of([&] { closed->fetch_stats("movie-1"); }) == errc::network);
    }

    TEST_CASE("bad base URLs are refused when the link is made") {
        CHECK(code_of([] { make_http_link("ftp://127.0.0.1/", quick()); }) == errc::protocol);
        CHECK(code_of([] { make_http_link("http://127.0.0.1/?key=x", quick()); }) == errc::invalid);
        CHECK(code_of([] { make_http_link("not a url", quick()); }) != errc::ok);
    }
}

#endif  // P2PCDN_TOOL
