// p2pcdn policy: a dry-run decision of the configured storage-control policy on a statistics
// report.
#include "ccs_config.hpp"
#include "ccs_content.hpp"
#include "cli_args.hpp"
#include "commands.hpp"
#include "holdings_file.hpp"

#include <p2pcdn/p2pcdn.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace p2pcdn_cli {
namespace {

const char* policy_usage =
    "usage: p2pcdn policy --stats FILE --config CCS.json [--holdings FILE] [--now MS] [--json]\n"
    "\n"
    "Runs the configured storage-control policy once on a statistics report (docs/protocol.md,\n"
    "\"Statistics report\") and prints its decision: the pieces to ingest, with their TTL, and\n"
    "the pieces to purge, most wanted first. Nothing is sent anywhere.\n"
    "  --stats FILE     the statistics report (JSON), as a tracker sends it\n"
    "  --config FILE    the CCS configuration (sections content and policy)\n"
    "  --holdings FILE  the pieces the CDN holds now (docs/protocol.md, \"Holdings file\");\n"
    "                   default none\n"
    "  --now MS         the time of the decision, Unix ms (default: now)\n"
    "  --json           one JSON object on stdout instead of a table\n"
    "Exit codes: 0 decided, 1 the statistics or holdings could not be used, 2 bad usage or\n"
    "configuration.\n";

constexpr std::size_t stats_file_max_bytes = std::size_t{64} << 20;

struct policy_args {
    std::string stats;
    std::string config;
    std::string holdings;
    std::int64_t now_ms = 0;
    bool now_given = false;
    bool json = false;
};

bool parse(int argc, char** argv, policy_args& args) {
    for (int i = 1; i < argc; ++i) {
        const char* arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (std::strcmp(arg, "--stats") == 0 && has_value) {
            args.stats = argv[++i];
        } else if (std::strcmp(arg, "--config") == 0 && has_value) {
            args.config = argv[++i];
        } else if (std::strcmp(arg, "--holdings") == 0 && has_value) {
            args.holdings = argv[++i];
        } else if (std::strcmp(arg, "--now") == 0 && has_value) {
            const auto now = parse_integer(argv[++i], 0, std::numeric_limits<std::int64_t>::max());
            if (!now) {
                std::fprintf(stderr, "p2pcdn policy: bad time '%s' (Unix ms)\n", argv[i]);
                return false;
            }
            args.now_ms = *now;
            args.now_given = true;
        } else if (std::strcmp(arg, "--json") == 0) {
            args.json = true;
        } else {
            std::fprintf(stderr, "p2pcdn policy: unexpected argument '%s'\n", arg);
            return false;
        }
    }
    if (args.stats.empty() || args.config.empty()) {
        std::fprintf(stderr, "p2pcdn policy: %s\n",
                     args.stats.empty() ? "no --stats given" : "no --config given");
        return false;
    }
    return true;
}

struct stats_deleter {
    void operator()(p2pcdn_stats* s) const { p2pcdn_stats_free(s); }
};
struct policy_deleter {
    void operator()(p2pcdn_policy* p) const { p2pcdn_policy_free(p); }
};
struct decision_deleter {
    void operator()(p2pcdn_decision* d) const { p2pcdn_decision_free(d); }
};

// An input the command was given cannot be used: exit 1, not 2.
class input_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::unique_ptr<p2pcdn_stats, stats_deleter> read_stats(const std::string& path) {
    std::string text;
    try {
        text = read_text_file(path, stats_file_max_bytes, "--stats");
    } catch (const config_error& e) {
        throw input_error(e.what());
    }
    p2pcdn_stats* stats = nullptr;
    const int rc = p2pcdn_stats_from_json(&stats, text.data(), text.size());
    if (rc != P2PCDN_OK) {
        throw input_error("--stats '" + path + "': " + p2pcdn_last_error());
    }
    return std::unique_ptr<p2pcdn_stats, stats_deleter>(stats);
}

struct decision_view {
    std::vector<p2pcdn_ingest_item> ingests;
    std::vector<std::size_t> purges;
    std::vector<std::uint32_t> copies;
};

void print_json(const decision_view& d, const char* content_id, const char* policy,
                std::int64_t now_ms) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("v");
    w.Int(1);
    w.Key("content");
    w.String(content_id);
    w.Key("policy");
    w.String(policy);
    w.Key("now");
    w.Int64(now_ms);
    w.Key("ingest");
    w.StartArray();
    for (const auto& item : d.ingests) {
        w.StartObject();
        w.Key("piece");
        w.Uint64(item.piece);
        w.Key("ttl_s");
        w.Uint(item.ttl_s);
        w.Key("copies");
        w.Uint(d.copies[item.piece]);
        w.EndObject();
    }
    w.EndArray();
    w.Key("purge");
    w.StartArray();
    for (const std::size_t piece : d.purges) {
        w.StartObject();
        w.Key("piece");
        w.Uint64(piece);
        w.Key("copies");
        w.Uint(d.copies[piece]);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::printf("%s\n", buffer.GetString());
}

void print_table(const decision_view& d, const char* content_id, const char* policy,
                 std::int64_t now_ms) {
    std::printf("content %s, policy %s, now %lld\n", content_id, policy,
                static_cast<long long>(now_ms));
    std::printf("%-7s %-8s %-7s %s\n", "action", "piece", "copies", "ttl_s");
    for (const auto& item : d.ingests) {
        std::printf("%-7s %-8zu %-7u %u\n", "ingest", item.piece, d.copies[item.piece], item.ttl_s);
    }
    for (const std::size_t piece : d.purges) {
        std::printf("%-7s %-8zu %-7u -\n", "purge", piece, d.copies[piece]);
    }
    std::printf("%zu to ingest, %zu to purge\n", d.ingests.size(), d.purges.size());
}

int decide(const policy_args& args) {
    std::unique_ptr<ccs_config> config;
    content_ptr content;
    std::unique_ptr<p2pcdn_policy, policy_deleter> policy;
    try {
        config = load_ccs_config(args.config, false);
        if (!config->content) {
            throw config_error("content: the configuration has no content section");
        }
        content = load_content(*config->content, false, nullptr);
        policy.reset(make_policy(*config));
    } catch (const config_error& e) {
        std::fprintf(stderr, "p2pcdn policy: %s\n", e.what());
        return exit_usage;
    }
    const char* policy_name = policy_kind_name(config->policy->kind);
    try {
        const auto stats = read_stats(args.stats);
        std::vector<p2pcdn_holding> holdings;
        if (!args.holdings.empty()) {
            try {
                holdings = parse_holdings(
                    read_text_file(args.holdings, holdings_file_max_bytes, "--holdings"),
                    content.get(), "--holdings '" + args.holdings + "'");
            } catch (const config_error& e) {
                throw input_error(e.what());
            }
        }
        const std::int64_t now_ms = args.now_given
                                        ? args.now_ms
                                        : std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count();
        p2pcdn_decision* raw = nullptr;
        int rc = p2pcdn_policy_decide(policy.get(), stats.get(), holdings.data(), holdings.size(),
                                      content.get(), now_ms, &raw);
        if (rc != P2PCDN_OK) {
            throw input_error(std::string("no decision: ") + p2pcdn_last_error());
        }
        const std::unique_ptr<p2pcdn_decision, decision_deleter> decision(raw);
        decision_view d;
        std::size_t ingests = 0, purges = 0, copies = 0;
        p2pcdn_decision_counts(raw, &ingests, &purges);
        d.ingests.resize(ingests);
        d.purges.resize(purges);
        p2pcdn_decision_ingests(raw, d.ingests.data(), ingests, &ingests);
        p2pcdn_decision_purges(raw, d.purges.data(), purges, &purges);
        p2pcdn_stats_copies(stats.get(), nullptr, 0, &copies);
        d.copies.resize(copies);
        p2pcdn_stats_copies(stats.get(), d.copies.data(), copies, &copies);
        const char* id = p2pcdn_content_id(content.get());
        if (args.json) {
            print_json(d, id, policy_name, now_ms);
        } else {
            print_table(d, id, policy_name, now_ms);
        }
    } catch (const input_error& e) {
        std::fprintf(stderr, "p2pcdn policy: %s\n", e.what());
        return exit_failed;
    }
    return exit_ok;
}

}  // namespace

int policy_command(int argc, char** argv) {
    if (argc > 1 && is_help(argv[1])) {
        std::fputs(policy_usage, stdout);
        return exit_ok;
    }
    policy_args args;
    if (!parse(argc, argv, args)) {
        std::fputs(policy_usage, stderr);
        return exit_usage;
    }
    return decide(args);
}

}  // namespace p2pcdn_cli
