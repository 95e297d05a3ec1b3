#include "commands.hpp"
#include "sim/scenario_args.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace p2pcdn_sim;

namespace {

command_options parse(std::vector<std::string> args) {
    args.insert(args.begin(), "simulate");
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    return parse_simulate_args(static_cast<int>(argv.size()), argv.data());
}

int command(std::vector<std::string> args) {
    args.insert(args.begin(), "simulate");
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    return p2pcdn_cli::simulate_command(static_cast<int>(argv.size()), argv.data());
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("simulate arguments: values reach the scenario") {
    const auto o = parse({"--workload", "decay", "--peers", "123", "--pieces", "50", "--policy",
                          "ttl", "--ttl", "90", "--class", "x:2:20:1", "--cdn-rate", "8", "--seed",
                          "9", "--json", "out.json"});
    CHECK(o.sim.workload.kind == workload_kind::decay);
    CHECK(o.sim.workload.peers == 123);
    CHECK(o.sim.model.pieces == 50);
    CHECK(o.sim.policy.kind == policy_kind::ttl);
    CHECK(o.sim.policy.ttl.ttl_s == 90);
    REQUIRE(o.sim.model.classes.size() == 1);
    CHECK(o.sim.model.classes[0].up == doctest::Approx(2 * mbit));
    CHECK(o.sim.model.cdn_rate == doctest::Approx(8 * mbit));
    CHECK(o.sim.model.seed == 9);
    CHECK(o.json_path == "out.json");
    CHECK(o.sim.model.cdn_fallback == P2PCDN_CDN_FILL_FIRST);  // the default
    CHECK(parse({"--cdn-fallback", "off"}).sim.model.cdn_fallback == P2PCDN_CDN_FILL_OFF);
    CHECK(parse({"--cdn-fallback", "idle"}).sim.model.cdn_fallback == P2PCDN_CDN_FILL_IDLE);
    CHECK_FALSE(parse({"--cdn-fallback", "first"}).sim.model.cdn_topup);
    const auto rate = parse({"--cdn-fallback", "rate", "--deadline", "90", "--rate-window", "8"});
    CHECK(rate.sim.model.cdn_topup);
    CHECK(rate.sim.model.cdn_fallback == P2PCDN_CDN_FILL_FIRST);
    CHECK(rate.sim.model.deadline == 90);
    CHECK(rate.sim.model.rate_window == 8);
    CHECK(o.sim.model.cdn_spare);          // the default
    CHECK(o.sim.model.peer_timeout == 1);  // the default
    CHECK_FALSE(parse({"--cdn-share", "fair"}).sim.model.cdn_spare);
    CHECK(parse({"--peer-timeout", "0"}).sim.model.peer_timeout == 0);
    CHECK(parse({"--help"}).help);
}

TEST_CASE("simulate arguments: bad ones are usage errors naming the option") {
    const std::vector<std::vector<std::string>> bad = {
        {"--peers", "0"},
        {"--peers", "-5"},
        {"--peers", "12x"},
        {"--pieces"},
        {"--workload", "storm"},
        {"--policy", "lru"},
        {"--class", "a:1:2"},
        {"--class", "a:1:0:1"},
        {"--free-riders", "1.5"},
        {"--cdn-rate", "nan"},
        {"--cdn-fallback", "on"},
        {"--deadline", "-1"},
        {"--rate-window", "0"},
        {"--cdn-share", "max-min"},
        {"--peer-timeout", "-1"},
        {"--bogus", "1"},
        {"--policy", "threshold", "--low-copies", "5", "--high-copies", "3"},
        {"--peers", "1000000", "--pieces", "1000"},
    };
    for (const auto& args : bad) {
        CAPTURE(args.front());
        CHECK_THROWS_AS(parse(args), usage_error);
        CHECK(command(args) == p2pcdn_cli::exit_usage);
    }
    try {
        parse({"--peers", "0"});
    } catch (const usage_error& e) {
        CHECK(std::string(e.what()).find("--peers") != std::string::npos);
    }
}

TEST_CASE("simulate command: writes the JSON and the SVG it is asked for") {
    const std::string json = "sim_test_out.json";
    const std::string svg = "sim_test_out.svg";
    std::remove(json.c_str());
    std::remove(svg.c_str());
    CHECK(command({"--peers", "10", "--pieces", "10", "--piece-size", "16384", "--policy", "all",
                   "--json", json, "--svg", svg}) == p2pcdn_cli::exit_ok);
    const std::string j = slurp(json);
    CHECK(j.find("\"cdn_egress_bytes\"") != std::string::npos);
    CHECK(j.find("\"series\"") != std::string::npos);
    const std::string s = slurp(svg);
    CHECK(s.rfind("<svg", 0) == 0);
    CHECK(s.find("</svg>") != std::string::npos);
    CHECK(s.find("<polyline") != std::string::npos);
    CHECK(command({"--peers", "5", "--pieces", "5", "--json", "/nonexistent-dir/x.json"}) ==
          p2pcdn_cli::exit_failed);
    std::remove(json.c_str());
    std::remove(svg.c_str());
}
