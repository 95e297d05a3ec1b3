#include "policy/policy.hpp"

#include "core/error.hpp"
#include "policy/decision_builder.hpp"

namespace p2pcdn::policy {

void check_input(const input& in) {
    const stats_report& s = in.stats;
    const std::size_t n = in.layout.piece_count();
    if (s.content_id != in.layout.id()) {
        fail(errc::invalid, "the statistics are for content '{}', the layout for '{}'",
             s.content_id, in.layout.id());
    }
    if (s.piece_count != n) {
        fail(errc::invalid, "the statistics have {} pieces, the layout {}", s.piece_count, n);
    }
    if (s.copies.size() != n) {
        fail(errc::invalid, "copies has {} entries, expected {}", s.copies.size(), n);
    }
    if (s.seeds > s.user_peers) {
        fail(errc::invalid, "seeds is {}, above the {} user peers", s.seeds, s.user_peers);
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (s.copies[i] > s.user_peers) {
            fail(errc::invalid, "copies[{}] is {}, above the {} user peers", i, s.copies[i],
                 s.user_peers);
        }
    }
    const std::uint32_t max_bytes = in.layout.piece_length();
    for (std::size_t k = 0; k < in.holdings.size(); ++k) {
        const holding& h = in.holdings[k];
        if (h.piece >= n) {
            fail(errc::invalid, "holdings[{}]: piece {} is out of range for {} pieces", k, h.piece,
                 n);
        }
        if (k > 0 && h.piece <= in.holdings[k - 1].piece) {
            fail(errc::invalid,
                 "holdings[{}]: piece {} after piece {}; holdings must be ascending by piece, "
                 "without repeats",
                 k, h.piece, in.holdings[k - 1].piece);
        }
        if (h.bytes == 0 || h.bytes > max_bytes) {
            fail(errc::invalid, "holdings[{}]: {} bytes, expected 1 to the piece length {}", k,
                 h.bytes, max_bytes);
        }
    }
}

void check_decision(const input& in, const decision& d) {
    decision_checker checker(in);
    for (const ingest_item& item : d.ingest) {
        checker.ingest(item.piece);
    }
    for (const std::size_t piece : d.purge) {
        checker.purge(piece);
    }
}

decision policy::decide(const input& in) const {
    check_input(in);
    decision d = make_decision(in);
    try {
        check_decision(in, d);
    } catch (const error& e) {
        fail(errc::invalid, "the policy's decision is invalid: {}", e.what());
    }
    return d;
}

}  // namespace p2pcdn::policy
