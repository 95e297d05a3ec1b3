// Command line helpers of the p2pcdn subcommands.
#include "cli_args.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace p2pcdn_cli {

bool is_help(const char* arg) {
    return std::strcmp(arg, "--help") == 0 || std::strcmp(arg, "-h") == 0;
}

std::optional<std::int64_t> parse_integer(const char* text, std::int64_t min, std::int64_t max) {
    const char* digits = text[0] == '-' ? text + 1 : text;
    if (*digits < '0' || *digits > '9') {
        return std::nullopt;
    }
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max) {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(value);
}

std::optional<std::vector<std::size_t>> parse_pieces(const std::string& text,
                                                     std::size_t piece_count, std::string* error) {
    std::unique_ptr<p2pcdn_bitmap, void (*)(p2pcdn_bitmap*)> bitmap(nullptr, p2pcdn_bitmap_free);
    p2pcdn_bitmap* raw = nullptr;
    int rc = P2PCDN_OK;
    if (text == "all") {
        rc = p2pcdn_bitmap_new(&raw, piece_count);
        bitmap.reset(raw);
        if (rc == P2PCDN_OK) {
            rc = p2pcdn_bitmap_fill(raw, 1);
        }
    } else {
        rc = p2pcdn_bitmap_from_ranges(&raw, piece_count, text.c_str(), text.size());
        bitmap.reset(raw);
    }
    if (rc != P2PCDN_OK) {
        *error = std::string(p2pcdn_strerror(rc)) + ": " + p2pcdn_last_error();
        return std::nullopt;
    }
    std::size_t count = 0;
    p2pcdn_bitmap_count(raw, &count);
    if (count == 0) {
        *error = "no pieces";
        return std::nullopt;
    }
    std::vector<std::size_t> pieces;
    pieces.reserve(count);
    std::size_t next = 0;
    while (next < piece_count && p2pcdn_bitmap_find_next_set(raw, next, &next) == P2PCDN_OK) {
        pieces.push_back(next++);
    }
    return pieces;
}

}  // namespace p2pcdn_cli
