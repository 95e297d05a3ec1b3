// The CDN sources of one content (TR 23.844 steps 5, 6 and 10): what a CCS told the tracker it
// uploaded, handed to peers in announce answers next to the regular peers.
//
// Sources are kept sorted by URI. The URI is the key a CCS publishes and withdraws by, and the
// order makes every read (answers, cdn_sources, the statistics union) independent of the
// history of publishes and replacements. A stored source is never empty: whatever would leave
// one empty removes it instead.
//
// Expiry is lazy. Every read compares against the time it is given and skips expired sources,
// so an expired source is never handed out nor counted, whenever it expired. Writes (publish,
// withdraw) and drop_expired(), which the tracker's expiry pass calls, erase them; an announce
// does not, so the announce path never frees memory.
//
// Not thread-safe: the swarm's lock guards it, which is what makes a withdrawal visible to the
// very next answer and snapshot.
#pragma once

#include "core/bitmap.hpp"
#include "wire/peer_list.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace p2pcdn::swarm_detail {

// Unix seconds of a millisecond clock, rounded down (also before 1970), so "now_ms / 1000 >=
// expires_s" reads the same for every clock.
constexpr std::int64_t seconds_of(std::int64_t now_ms) noexcept {
    return now_ms >= 0 ? now_ms / 1000 : -((-now_ms + 999) / 1000);
}

constexpr bool expired(const cdn_source& source, std::int64_t now_ms) noexcept {
    return seconds_of(now_ms) >= source.expires_s;
}

class cdn_directory {
public:
    cdn_directory(std::size_t piece_count, std::uint32_t max_sources) noexcept
        : piece_count_(piece_count), words_((piece_count + 63) / 64), max_sources_(max_sources) {}

    // No source stored, live or expired. The announce path tests this first, so a content
    // without sources costs one comparison.
    bool empty() const noexcept { return sources_.empty(); }

    // Adds the source, or replaces the one with the same URI. A source with no pieces withdraws
    // that URI (it would be dropped as empty anyway). All or nothing: errc::invalid for a bitmap
    // of the wrong size, a bad URI or an expiry at or before now; errc::limit when a new URI
    // would exceed max_sources live sources (expired ones do not count).
    void publish(cdn_source source, std::int64_t now_ms);

    // Removes `pieces` (nullptr: all) from the source with this URI (empty: every source) and
    // drops the sources left empty; returns how many sources lost at least one piece. All or
    // nothing: errc::invalid for a bitmap of the wrong size, errc::not_found for a named URI
    // with no live source (an expired one is already gone).
    std::size_t withdraw(std::string_view uri, const bitmap* pieces, std::int64_t now_ms);

    // Erases the expired sources; returns how many.
    std::size_t drop_expired(std::int64_t now_ms) noexcept;

    // The live sources, in URI order.
    std::vector<cdn_source> live(std::int64_t now_ms) const;
    // The union of the live sources' pieces: size piece_count, or size 0 when none is live.
    bitmap live_pieces(std::int64_t now_ms) const;

    // An announce answer's sources, in two halves so the swarm's announce stays all or nothing.
    // prepare_answer() runs before the announce changes anything: it makes room in `out` for
    // the most sources the answer can carry (at most max_per_answer), which may throw.
    // fill_answer() runs after, with the requester's bitmap words as the announce left them,
    // and allocates nothing: each chosen source is cut down to source AND NOT requester, the
    // ones left empty are dropped, and at most max_per_answer remain, those covering the most
    // wanted pieces first (ties in URI order).
    void prepare_answer(std::int64_t now_ms, std::uint32_t max_per_answer,
                        std::vector<cdn_source>& out) const;
    void fill_answer(const std::uint64_t* requester, std::int64_t now_ms,
                     std::vector<cdn_source>& out);

    std::size_t memory_bytes() const noexcept;

private:
    // The position of `uri` in sources_, or where it would go.
    std::vector<cdn_source>::iterator locate(std::string_view uri);
    bool has(std::vector<cdn_source>::iterator it, std::string_view uri) const noexcept;

    std::size_t piece_count_;
    std::size_t words_;
    std::uint32_t max_sources_;
    std::vector<cdn_source> sources_;  // sorted by uri, none empty
    // fill_answer's ranking (wanted pieces, position in sources_). Its capacity follows
    // sources_ (reserved by publish), so ranking allocates nothing.
    std::vector<std::pair<std::size_t, std::size_t>> ranked_;
};

}  // namespace p2pcdn::swarm_detail
