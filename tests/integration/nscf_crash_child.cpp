// The controller that tests/integration/lab/test_nscf_crash.cpp kills: it runs rounds of a
// scripted statistics sequence against the loopback CDN, forever, until SIGKILL. Its tracker
// is a callback link that keeps the advertised source in a file, made durable before the call
// returns: it stands for a remote tracker that survives the controller.
//
//   nscf_crash_child <workdir> <content_id> run <first_round>
//   nscf_crash_child <workdir> <content_id> final      (a round purging all, then shutdown)
//
// P2PCDN_CDN_LAB names the lab's lab.json. Exit 0 on a clean final shutdown.
#include "lab/nscf_lab_support.hpp"
#include "nscf/controller.hpp"
#include "policy/threshold_policy.hpp"
#include "swarm/tracker.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;
namespace nscf = p2pcdn::nscf;
namespace lab_ns = p2pcdn::test::nscf_lab;

constexpr std::size_t piece_count = 8;

// "expires_s piece piece ...", or empty when nothing is advertised.
void write_durably(const fs::path& path, const std::string& text) {
    const std::string tmp = path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
        ::fsync(fd) != 0) {
        throw std::runtime_error("cannot write the tracker file");
    }
    ::close(fd);
    fs::rename(tmp, path);
}

std::string encode(std::int64_t expires_s, const p2pcdn::bitmap& pieces) {
    if (pieces.none()) {
        return "";
    }
    std::string out = std::to_string(expires_s);
    for (std::size_t p = pieces.find_first_set(); p != p2pcdn::bitmap::npos;
         p = pieces.find_next_set(p + 1))
        out += " " + std::to_string(p);
    return out;
}

p2pcdn::bitmap decode(const std::string& text, std::int64_t& expires_s) {
    p2pcdn::bitmap pieces(piece_count);
    std::istringstream in(text);
    expires_s = 0;
    in >> expires_s;
    std::size_t p = 0;
    while (in >> p) pieces.set(p);
    return pieces;
}

std::unique_ptr<nscf::tracker_link> file_link(const fs::path& file) {
    nscf::link_callbacks cb;
    cb.join = [](const std::string&, std::size_t, const nscf::network_peer&) {};
    cb.fetch_stats = [](const std::string&) -> p2pcdn::stats_report {
        throw std::runtime_error("no statistics on demand here");
    };
    cb.publish = [file](const std::string&, const p2pcdn::cdn_source& s) {
        write_durably(file, encode(s.expires_s, s.pieces));
    };
    cb.withdraw = [file](const std::string&, const std::string&, const p2pcdn::bitmap* b) {
        std::int64_t expires_s = 0;
        p2pcdn::bitmap pieces = decode(lab_ns::read_text(file), expires_s);
        if (b == nullptr) {
            pieces.fill(false);
        } else {
            pieces.andnot(*b);
        }
        write_durably(file, encode(expires_s, pieces));
    };
    return nscf::make_callback_link(std::move(cb));
}

// Round r of the script: 4 user peers, copies moving so that every round ingests some pieces
// (fewer than 2 copies) and lets others go (3 or more).
p2pcdn::stats_report scripted(const std::string& id, std::uint64_t r, std::uint32_t all) {
    p2pcdn::stats_report s;
    s.content_id = id;
    s.seq = r;
    s.time_ms = p2pcdn::system_clock_ms();
    s.piece_count = piece_count;
    s.user_peers = 4;
    for (std::size_t i = 0; i < piece_count; ++i) {
        s.copies.push_back(all != 0 ? all : static_cast<std::uint32_t>((i * 7 + r * 3) % 5));
    }
    return s;
}

void settle(nscf::controller& ctl) {
    for (int i = 0; i < 100; ++i) {
        if (ctl.step(20) == 0) {
            return;
        }
    }
}

int run(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr,
                     "usage: nscf_crash_child <workdir> <content_id> run <round> | final\n");
        return 2;
    }
    const fs::path dir = argv[1];
    const std::string id = argv[2];
    const std::string mode = argv[3];
    const lab_ns::lab_info lab = lab_ns::read_lab(std::getenv("P2PCDN_CDN_LAB"));
    p2pcdn::piece_hashes hashes;
    const p2pcdn::content_layout layout = lab_ns::make_content(lab, id, piece_count, hashes);

    nscf::controller_config c =
        lab_ns::lab_controller_config(lab, layout, hashes, (dir / "journal").string());
    p2pcdn::policy::threshold_config t;
    t.low_copies = 2;
    t.high_copies = 3;
    t.min_residency_ms = 0;
    t.ttl_s = 60;
    c.policy = std::make_shared<p2pcdn::policy::threshold_policy>(t);
    c.link = file_link(dir / "tracker.txt");
    nscf::controller ctl(std::move(c));  // recovers

    if (mode == "final") {
        ctl.on_stats(scripted(id, 0, 4));
        settle(ctl);
        const bool clean = ctl.shutdown(true, 20000);
        return clean && ctl.holdings().size() == 0 ? 0 : 1;
    }
    for (std::uint64_t r = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 0;; ++r) {
        ctl.on_stats(scripted(id, r, 0));
        settle(ctl);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

}  // namespace

int main(int argc, char** argv) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "nscf_crash_child: %s\n", e.what());
        return 1;
    }
}
