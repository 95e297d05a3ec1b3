// p2pcdn hash: the content layout and piece hashes of a file, as text or JSON.
#include "commands.hpp"

#include <p2pcdn/p2pcdn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

namespace p2pcdn_cli {
namespace {

const char* hash_usage =
    "usage: p2pcdn hash [--piece-length N] [--algo sha1|sha256] [--id ID] [--json] FILE\n"
    "\n"
    "Splits FILE into pieces and prints the content layout and every piece hash.\n"
    "  --piece-length N  bytes per piece (default 262144)\n"
    "  --algo A          sha1 (BitTorrent v1, default) or sha256\n"
    "  --id ID           content id (default: the file name, if it is a valid id)\n"
    "  --json            one JSON object on stdout\n"
    "Progress goes to stderr when it is a terminal.\n";

struct hash_args {
    const char* path = nullptr;
    std::string id;
    unsigned long piece_length = 262144;
    int algo = P2PCDN_HASH_SHA1;
    bool json = false;
};

bool parse(int argc, char** argv, hash_args& args) {
    for (int i = 1; i < argc; ++i) {
        const char* arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (std::strcmp(arg, "--piece-length") == 0 && has_value) {
            char* end = nullptr;
            args.piece_length = std::strtoul(argv[++i], &end, 10);
            if (*end != '\0' || args.piece_length == 0 ||
                args.piece_length > P2PCDN_PIECE_LENGTH_MAX) {
                std::fprintf(stderr, "p2pcdn hash: bad piece length '%s'\n", argv[i]);
                return false;
            }
        } else if (std::strcmp(arg, "--algo") == 0 && has_value) {
            const char* name = argv[++i];
            if (std::strcmp(name, "sha1") == 0) {
                args.algo = P2PCDN_HASH_SHA1;
            } else if (std::strcmp(name, "sha256") == 0) {
                args.algo = P2PCDN_HASH_SHA256;
            } else {
                std::fprintf(stderr, "p2pcdn hash: unknown algorithm '%s'\n", name);
                return false;
            }
        } else if (std::strcmp(arg, "--id") == 0 && has_value) {
            args.id = argv[++i];
        } else if (std::strcmp(arg, "--json") == 0) {
            args.json = true;
        } else if (arg[0] != '-' && args.path == nullptr) {
            args.path = arg;
        } else {
            std::fprintf(stderr, "p2pcdn hash: unexpected argument '%s'\n", arg);
            return false;
        }
    }
    if (args.path == nullptr) {
        std::fputs("p2pcdn hash: no FILE given\n", stderr);
        return false;
    }
    if (args.id.empty()) {
        const char* slash = std::strrchr(args.path, '/');
        args.id = slash != nullptr ? slash + 1 : args.path;
    }
    return true;
}

int show_progress(uint64_t done, uint64_t total, void*) {
    std::fprintf(stderr, "\rhashing %5.1f%%", total ? 100.0 * double(done) / double(total) : 100.0);
    return 0;
}

std::string hex(const std::vector<unsigned char>& bytes, std::size_t from, std::size_t len) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t k = from; k < from + len; ++k) {
        out += digits[bytes[k] >> 4];
        out += digits[bytes[k] & 15];
    }
    return out;
}

void print(const hash_args& args, p2pcdn_content* content) {
    uint64_t total = 0;
    uint32_t piece_length = 0;
    std::size_t pieces = 0, size = 0;
    p2pcdn_content_total_length(content, &total);
    p2pcdn_content_piece_length(content, &piece_length);
    p2pcdn_content_piece_count(content, &pieces);
    p2pcdn_content_hashes_export(content, P2PCDN_HASHES_RAW, nullptr, 0, &size);
    std::vector<unsigned char> raw(size);
    p2pcdn_content_hashes_export(content, P2PCDN_HASHES_RAW, raw.data(), raw.size(), &size);
    const std::size_t digest = pieces ? size / pieces : 0;
    const char* algo = args.algo == P2PCDN_HASH_SHA1 ? "sha1" : "sha256";

    if (args.json) {
        // The id is from RFC 3986's unreserved set, so it needs no JSON escaping.
        std::printf(
            "{\"v\":1,\"content\":\"%s\",\"length\":%llu,\"piece_length\":%lu,"
            "\"pieces\":%zu,\"algo\":\"%s\",\"hashes\":[",
            p2pcdn_content_id(content), static_cast<unsigned long long>(total),
            static_cast<unsigned long>(piece_length), pieces, algo);
        for (std::size_t i = 0; i < pieces; ++i) {
            std::printf("%s\"%s\"", i ? "," : "", hex(raw, i * digest, digest).c_str());
        }
        std::printf("]}\n");
        return;
    }
    std::printf("content      %s\nlength       %llu\npiece length %lu\npieces       %zu\n",
                p2pcdn_content_id(content), static_cast<unsigned long long>(total),
                static_cast<unsigned long>(piece_length), pieces);
    for (std::size_t i = 0; i < pieces; ++i) {
        std::printf("%-8zu %s %s\n", i, algo, hex(raw, i * digest, digest).c_str());
    }
}

}  // namespace

int hash_command(int argc, char** argv) {
    if (argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
        std::fputs(hash_usage, stdout);
        return exit_ok;
    }
    hash_args args;
    if (!parse(argc, argv, args)) {
        std::fputs(hash_usage, stderr);
        return exit_usage;
    }
    p2pcdn_hash_options opts = P2PCDN_HASH_OPTIONS_INIT;
    opts.algo = args.algo;
    if (isatty(2)) {
        opts.progress = show_progress;
    }
    p2pcdn_content* content = nullptr;
    int rc = p2pcdn_content_new_from_file(&content, args.id.c_str(), args.path,
                                          static_cast<uint32_t>(args.piece_length), &opts);
    if (opts.progress != nullptr) {
        std::fputs("\r", stderr);
    }
    if (rc != P2PCDN_OK) {
        std::fprintf(stderr, "p2pcdn hash: %s: %s\n", p2pcdn_strerror(rc), p2pcdn_last_error());
        return exit_failed;
    }
    print(args, content);
    p2pcdn_content_free(content);
    return exit_ok;
}

}  // namespace p2pcdn_cli
