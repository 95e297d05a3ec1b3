// Holdings journal records. Input: a mode line, then journal lines. With the mode line "crc"
// each line gets its correct checksum appended before decoding, so the fuzzer reaches the
// field checks behind it; otherwise the lines are decoded as they are. Every record that
// decodes must encode to the same line, and is fed to a holdings, whose refusals must change
// nothing and whose tallies must stay consistent.
#include <fmt/format.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "nscf/holdings.hpp"
#include "wire/crc32c.hpp"
#include "wire/journal_record.hpp"

using p2pcdn::holding_state;
using p2pcdn::journal_kind;
using p2pcdn::journal_record;
using p2pcdn::nscf::holdings;

namespace {

constexpr std::size_t piece_count = 64;

std::string_view next_line(std::string_view& rest) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    return line;
}

void check_tallies(const holdings& h) {
    std::size_t count = 0;
    std::uint64_t bytes = 0;
    for (const auto s : {holding_state::ingesting, holding_state::stored, holding_state::published,
                         holding_state::withdrawn, holding_state::purging}) {
        count += h.count(s);
        bytes += h.bytes(s);
        if (h.pieces(s).count() != h.count(s)) {
            std::abort();
        }
    }
    std::uint64_t listed = 0;
    for (const auto& item : h.all()) {
        listed += item.second.bytes;
        try {
            p2pcdn::validate_holding(item.second, p2pcdn::errc::invalid);
        } catch (const p2pcdn::error&) {
            std::abort();  // a transition produced a holding the journal could not store
        }
    }
    if (count != h.size() || bytes != h.total_bytes() || listed != bytes) {
        std::abort();
    }
}

void feed(holdings& h, const journal_record& r) {
    const holdings before = h;
    try {
        if (p2pcdn::is_transition(r.kind)) {
            h.apply(r);
        } else if (r.kind != journal_kind::header) {
            h.restore(r);
        }
    } catch (const p2pcdn::error&) {
        if (h != before) {
            std::abort();  // a refusal changed something
        }
    }
    check_tallies(h);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    const bool add_crc = next_line(rest) == "crc";
    holdings h(piece_count);

    while (!rest.empty()) {
        const std::string_view raw = next_line(rest);
        const std::string line =
            add_crc ? fmt::format("{} crc={:08x}", raw, p2pcdn::crc32c(raw)) : std::string(raw);
        journal_record r;
        try {
            r = p2pcdn::decode_journal_record(line);
        } catch (const p2pcdn::error&) {
            continue;
        }
        if (!p2pcdn::journal_line_intact(line)) {
            std::abort();
        }
        try {
            if (p2pcdn::encode_journal_record(r) != line) {
                std::abort();  // the decoder accepted a line that is not canonical
            }
        } catch (const p2pcdn::error&) {
            std::abort();  // the encoder refused what the decoder accepted
        }
        feed(h, r);
    }

    // Compaction's round trip: the snapshot, through the line format, restores an equal state.
    holdings copy(piece_count);
    for (const journal_record& r : h.snapshot()) {
        copy.restore(p2pcdn::decode_journal_record(p2pcdn::encode_journal_record(r)));
    }
    if (copy != h) {
        std::abort();
    }
    return 0;
}
