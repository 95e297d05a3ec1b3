// Crash test: nscf_crash_child runs controller rounds against the loopback CDN and is killed
// with SIGKILL at random (seeded) moments, many times, then restarted (its constructor runs
// recover()). After every kill the invariants must hold whatever the child was doing: the
// journal opens; every piece the tracker (the child's durable tracker file) advertises is
// published in the journal, exists at the origin, and its source expires a margin before the
// object's TTL; every object of the content on the origin is in the journal, or its TTL has
// passed. At the end a clean run purges everything and leaves nothing on the origin.
#include <doctest/doctest.h>

#include "nscf/journal.hpp"
#include "nscf_lab_support.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <sstream>
#include <thread>

extern char** environ;

namespace {

namespace fs = std::filesystem;
namespace lab_ns = p2pcdn::test::nscf_lab;
using p2pcdn::holding_state;

constexpr std::size_t piece_count = 8;
constexpr std::int64_t margin_ms = 5000;
constexpr double ttl_s = 60;

pid_t spawn_child(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    std::string path = P2PCDN_NSCF_CRASH_CHILD;
    argv.push_back(path.data());
    std::vector<std::string> copies = args;
    for (std::string& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv.data(), environ) == 0);
    return pid;
}

void check_invariants(const lab_ns::lab_info& lab, const fs::path& dir, const std::string& id) {
    p2pcdn::journal_header header;
    header.controller_id = "ccs1";
    header.content_id = id;
    header.piece_count = piece_count;
    const p2pcdn::nscf::journal j((dir / "journal").string(), header);
    const p2pcdn::nscf::holdings& hs = j.state();

    std::istringstream tracker(lab_ns::read_text(dir / "tracker.txt"));
    std::int64_t expires_s = 0;
    tracker >> expires_s;
    std::size_t p = 0;
    while (tracker >> p) {
        CAPTURE(p);
        const p2pcdn::holding* h = hs.find(p);
        REQUIRE_MESSAGE(h != nullptr, "the tracker advertises a piece the journal does not hold");
        CHECK(h->state == holding_state::published);
        CHECK(expires_s * 1000 <= h->object_expires_at_ms - margin_ms);
        CHECK(lab_ns::lab_request("HEAD", lab.origin + lab_ns::piece_path(id, p)).status == 200);
    }
    for (const std::size_t q : lab_ns::origin_pieces(lab, id)) {
        CAPTURE(q);
        CHECK_MESSAGE((hs.find(q) != nullptr || lab_ns::origin_age_s(lab, id, q) > ttl_s),
                      "an object on the origin, within its TTL, that the journal does not hold");
    }
}

}  // namespace

TEST_SUITE("cdn_lab.nscf") {
    TEST_CASE("crash: SIGKILL at random points of rounds, restart, recover, invariants hold") {
        const lab_ns::lab_info lab = lab_ns::read_lab(std::getenv("P2PCDN_CDN_LAB"));
        const std::string id =
            "crash" + std::to_string(getpid()) + "x" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000003);
        const fs::path dir = fs::temp_directory_path() / ("nscf-crash-" + id);
        fs::create_directories(dir);
        std::mt19937 rng(20240611u);
        std::uniform_int_distribution<int> delay_ms(40, 600);

        constexpr int kills = 30;
        for (int k = 0; k < kills; ++k) {
            CAPTURE(k);
            const pid_t pid = spawn_child({dir.string(), id, "run", std::to_string(k * 5)});
            std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
            int status = 0;
            REQUIRE(waitpid(pid, &status, WNOHANG) == 0);  // still running: it never exits
            REQUIRE(kill(pid, SIGKILL) == 0);
            REQUIRE(waitpid(pid, &status, 0) == pid);
            CHECK(WIFSIGNALED(status));
            check_invariants(lab, dir, id);
        }

        // A clean run: the round lets every piece go, then shutdown purges all.
        const pid_t pid = spawn_child({dir.string(), id, "final"});
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
        check_invariants(lab, dir, id);
        CHECK(lab_ns::origin_pieces(lab, id).empty());
        CHECK(lab_ns::read_text(dir / "tracker.txt").empty());

        std::error_code ec;
        fs::remove_all(dir, ec);
    }
}
