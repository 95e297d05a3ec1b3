// p2pcdn ingest and p2pcdn purge: manual CDN operations from a CCS configuration file.
#include "ccs_config.hpp"
#include "ccs_content.hpp"
#include "cdn_job_runner.hpp"
#include "cli_args.hpp"
#include "commands.hpp"

#include <p2pcdn/p2pcdn.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

namespace p2pcdn_cli {
namespace {

const char* ingest_usage =
    "usage: p2pcdn ingest --config CCS.json [--pieces RANGES] [--ttl S] [--json] [--progress]\n"
    "\n"
    "Fetches pieces of the configured content from the CSS, checks each against its piece hash\n"
    "and uploads it through the configured ingest chain (docs/protocol.md, \"CCS configuration\n"
    "file\"). Prints each piece's delivery URI, or why it failed.\n"
    "  --config FILE    the CCS configuration (sections content, css and cdn)\n"
    "  --pieces RANGES  the pieces, e.g. 0-9,12 or all (default all)\n"
    "  --ttl S          TTL of the objects in seconds (default: the file's ttl_s, else 3600)\n"
    "  --json           one JSON object on stdout instead of a table\n"
    "  --progress       a progress line on stderr (the default when stderr is a terminal)\n"
    "SIGINT or SIGTERM cancels the job; the pieces' outcomes are still printed.\n"
    "Exit codes: 0 every piece done, 1 some piece failed or was cancelled (details printed),\n"
    "2 bad usage or configuration.\n";

const char* purge_usage =
    "usage: p2pcdn purge --config CCS.json --pieces RANGES [--json] [--progress]\n"
    "\n"
    "Removes pieces of the configured content from the CDN through the configured purge chain\n"
    "(docs/protocol.md, \"CCS configuration file\"). Prints each piece's delivery URI, or why\n"
    "its purge failed.\n"
    "  --config FILE    the CCS configuration (sections content and cdn)\n"
    "  --pieces RANGES  the pieces, e.g. 0-9,12 or all\n"
    "  --json           one JSON object on stdout instead of a table\n"
    "  --progress       a progress line on stderr (the default when stderr is a terminal)\n"
    "SIGINT or SIGTERM cancels the job; the pieces' outcomes are still printed.\n"
    "Exit codes: 0 every piece done, 1 some piece failed or was cancelled (details printed),\n"
    "2 bad usage or configuration.\n";

struct cdn_args {
    std::string config;
    std::string pieces;
    std::int64_t ttl_s = 0;  // 0: the configuration's
    job_output output;
};

bool parse(int argc, char** argv, bool ingest, cdn_args& args) {
    const char* name = argv[0];
    args.output.progress = isatty(2) != 0;
    for (int i = 1; i < argc; ++i) {
        const char* arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (std::strcmp(arg, "--config") == 0 && has_value) {
            args.config = argv[++i];
        } else if (std::strcmp(arg, "--pieces") == 0 && has_value) {
            args.pieces = argv[++i];
        } else if (ingest && std::strcmp(arg, "--ttl") == 0 && has_value) {
            const auto ttl = parse_integer(argv[++i], 1, 10LL * 365 * 24 * 3600);
            if (!ttl) {
                std::fprintf(stderr, "p2pcdn %s: bad TTL '%s' (1 s to ten years)\n", name, argv[i]);
                return false;
            }
            args.ttl_s = *ttl;
        } else if (std::strcmp(arg, "--json") == 0) {
            args.output.json = true;
        } else if (std::strcmp(arg, "--progress") == 0) {
            args.output.progress = true;
        } else {
            std::fprintf(stderr, "p2pcdn %s: unexpected argument '%s'\n", name, arg);
            return false;
        }
    }
    if (args.config.empty()) {
        std::fprintf(stderr, "p2pcdn %s: no --config given\n", name);
        return false;
    }
    if (!ingest && args.pieces.empty()) {
        std::fprintf(stderr, "p2pcdn %s: no --pieces given\n", name);
        return false;
    }
    return true;
}

struct cdn_deleter {
    void operator()(p2pcdn_cdn* cdn) const { p2pcdn_cdn_free(cdn); }
};
using cdn_ptr = std::unique_ptr<p2pcdn_cdn, cdn_deleter>;

// Closes the library's global state when the command ends, however it ends.
struct global_state {
    global_state() : rc(p2pcdn_global_init()) {}
    ~global_state() {
        if (rc > 0) {
            p2pcdn_global_cleanup();
        }
    }
    global_state(const global_state&) = delete;
    global_state& operator=(const global_state&) = delete;
    int rc;
};

int hashing_progress(uint64_t done, uint64_t total, void*) {
    std::fprintf(stderr, "\rhashing %5.1f%%", total ? 100.0 * double(done) / double(total) : 100.0);
    return 0;
}

// Everything a CDN command needs from its configuration, or config_error.
struct cdn_setup {
    std::unique_ptr<ccs_config> config;
    content_ptr content;
    std::vector<std::size_t> pieces;
    cdn_ptr cdn;
};

cdn_setup set_up(const cdn_args& args, bool ingest) {
    cdn_setup s;
    s.config = load_ccs_config(args.config, true);
    const ccs_config& c = *s.config;
    if (!c.content) {
        throw config_error("content: the configuration has no content section");
    }
    if (!c.cdn) {
        throw config_error("cdn: the configuration has no cdn section");
    }
    if (ingest && !c.css) {
        throw config_error("css: the configuration has no css section");
    }
    const bool hashing = ingest && c.content->source == hash_source::content_file;
    s.content = load_content(*c.content, ingest,
                             hashing && args.output.progress ? hashing_progress : nullptr);
    if (hashing && args.output.progress) {
        std::fputc('\n', stderr);
    }
    std::size_t piece_count = 0;
    p2pcdn_content_piece_count(s.content.get(), &piece_count);
    std::string error;
    auto pieces = parse_pieces(args.pieces.empty() ? "all" : args.pieces, piece_count, &error);
    if (!pieces) {
        throw config_error("--pieces: " + error);
    }
    s.pieces = std::move(*pieces);
    p2pcdn_cdn* cdn = nullptr;
    const int rc = p2pcdn_cdn_new(&cdn, c.cdn_options());
    if (rc != P2PCDN_OK) {
        throw config_error(std::string("cdn: ") + p2pcdn_last_error());
    }
    s.cdn.reset(cdn);
    return s;
}

int run(int argc, char** argv, bool ingest) {
    if (argc > 1 && is_help(argv[1])) {
        std::fputs(ingest ? ingest_usage : purge_usage, stdout);
        return exit_ok;
    }
    cdn_args args;
    if (!parse(argc, argv, ingest, args)) {
        std::fputs(ingest ? ingest_usage : purge_usage, stderr);
        return exit_usage;
    }
    const global_state global;
    if (global.rc <= 0) {  // the new reference count, or an error
        std::fprintf(stderr, "p2pcdn %s: %s\n", argv[0], p2pcdn_last_error());
        return exit_failed;
    }
    cdn_setup s;
    std::uint64_t job = 0;
    try {
        s = set_up(args, ingest);
        const ccs_config& c = *s.config;
        const int rc =
            ingest ? p2pcdn_cdn_ingest_from_css(
                         s.cdn.get(), s.content.get(), s.pieces.data(), s.pieces.size(),
                         c.css_options(), args.ttl_s ? args.ttl_s : c.ttl_s, nullptr, nullptr, &job)
                   : p2pcdn_cdn_purge(s.cdn.get(), p2pcdn_content_id(s.content.get()),
                                      s.pieces.data(), s.pieces.size(), nullptr, nullptr, &job);
        if (rc != P2PCDN_OK) {
            throw config_error(std::string(p2pcdn_strerror(rc)) + ": " + p2pcdn_last_error());
        }
    } catch (const config_error& e) {
        std::fprintf(stderr, "p2pcdn %s: %s\n", argv[0], e.what());
        return exit_usage;
    }
    return run_cdn_job(s.cdn.get(), job, args.output) ? exit_ok : exit_failed;
}

}  // namespace

int ingest_command(int argc, char** argv) {
    return run(argc, argv, true);
}

int purge_command(int argc, char** argv) {
    return run(argc, argv, false);
}

}  // namespace p2pcdn_cli
