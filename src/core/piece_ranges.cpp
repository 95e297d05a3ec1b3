#include "core/piece_ranges.hpp"

#include <iterator>
#include <limits>

#include "core/error.hpp"

namespace p2pcdn::piece_ranges {
namespace {

constexpr std::size_t word_bits = bitmap::word_bits;

// Names the character at offset for a message, printable whatever byte the input held.
std::string describe(std::string_view text, std::size_t offset) {
    if (offset >= text.size()) {
        return "end of text";
    }
    const auto c = static_cast<unsigned char>(text[offset]);
    if (c >= 0x20 && c < 0x7f) {
        return fmt::format("'{}'", static_cast<char>(c));
    }
    return fmt::format("byte 0x{:02x}", c);
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::size_t parse_number(std::string_view text, std::size_t& pos) {
    const std::size_t start = pos;
    if (pos >= text.size() || !is_digit(text[pos])) {
        fail(errc::parse, "expected a digit at offset {} of piece ranges, found {}", pos,
             describe(text, pos));
    }
    constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
    std::size_t value = 0;
    for (; pos < text.size() && is_digit(text[pos]); ++pos) {
        const auto digit = static_cast<std::size_t>(text[pos] - '0');
        if (value > (max - digit) / 10) {
            fail(errc::parse, "number at offset {} of piece ranges overflows size_t", start);
        }
        value = value * 10 + digit;
    }
    return value;
}

// Calls f(first, last) for every inclusive range of text, after checking it; the whole text
// is checked before this returns, so a caller that changes state only in f on a second pass
// never sees bad input there.
template <typename F>
void for_each_range(std::string_view text, std::size_t nbits, F&& f) {
    if (text.empty()) {
        return;
    }
    std::size_t pos = 0;
    for (;;) {
        const std::size_t first = parse_number(text, pos);
        std::size_t last = first;
        if (pos < text.size() && text[pos] == '-') {
            ++pos;
            last = parse_number(text, pos);
            if (last < first) {
                fail(errc::parse, "range {}-{} ends before it starts", first, last);
            }
        }
        if (last >= nbits) {
            fail(errc::parse, "piece {} out of range for {} pieces", last, nbits);
        }
        f(first, last);
        if (pos == text.size()) {
            return;
        }
        if (text[pos] != ',') {
            fail(errc::parse, "expected ',' at offset {} of piece ranges, found {}", pos,
                 describe(text, pos));
        }
        ++pos;
    }
}

}  // namespace

bitmap parse(std::string_view text, std::size_t nbits) {
    bitmap result(nbits);
    const std::size_t nwords = result.word_count();
    bitmap::word_type* words = result.words();

    // Ranges may overlap in any order, so setting each one directly could rewrite the same
    // words once per range: quadratic in the text. Instead, the first pass records only the
    // words each range covers completely, as +1/-1 marks of a difference array kept in the
    // result's own words, and a prefix sum turns those into whole words. The second pass then
    // adds the partly covered words at each end, at most two per range. Linear in the text
    // plus the bitmap, and no memory beyond the bitmap.
    for_each_range(text, nbits, [&](std::size_t first, std::size_t last) {
        const std::size_t full_begin = (first + word_bits - 1) / word_bits;
        const std::size_t full_end = (last + 1) / word_bits;
        if (full_begin < full_end) {
            ++words[full_begin];
            if (full_end < nwords) {
                --words[full_end];
            }
        }
    });
    bitmap::word_type depth = 0;
    for (std::size_t w = 0; w < nwords; ++w) {
        depth += words[w];
        words[w] = depth != 0 ? ~bitmap::word_type{0} : 0;
    }
    for_each_range(text, nbits, [&](std::size_t first, std::size_t last) {
        const std::size_t full_begin = (first + word_bits - 1) / word_bits;
        const std::size_t full_end = (last + 1) / word_bits;
        if (full_begin < full_end) {
            result.set_range(first, full_begin * word_bits);
            result.set_range(full_end * word_bits, last + 1);
        } else {
            // Shorter than two words, so this touches at most two.
            result.set_range(first, last + 1);
        }
    });
    return result;
}

std::string format(const bitmap& bits) {
    std::string text;
    for (std::size_t first = bits.find_first_set(); first != bitmap::npos;) {
        const std::size_t end = bits.find_next_clear(first);
        const std::size_t last = (end == bitmap::npos ? bits.size() : end) - 1;
        if (!text.empty()) {
            text += ',';
        }
        if (last == first) {
            fmt::format_to(std::back_inserter(text), "{}", first);
        } else {
            fmt::format_to(std::back_inserter(text), "{}-{}", first, last);
        }
        if (end == bitmap::npos) {
            break;
        }
        first = bits.find_next_set(end);
    }
    return text;
}

}  // namespace p2pcdn::piece_ranges
