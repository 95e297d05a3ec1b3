#include "swarm/cdn_directory.hpp"

#include "core/error.hpp"
#include "core/popcount.hpp"
#include "wire/uri_template.hpp"

#include <algorithm>

namespace p2pcdn::swarm_detail {

std::vector<cdn_source>::iterator cdn_directory::locate(std::string_view uri) {
    return std::lower_bound(
        sources_.begin(), sources_.end(), uri,
        [](const cdn_source& source, std::string_view key) { return source.uri < key; });
}

bool cdn_directory::has(std::vector<cdn_source>::iterator it, std::string_view uri) const noexcept {
    return it != sources_.end() && it->uri == uri;
}

void cdn_directory::publish(cdn_source source, std::int64_t now_ms) {
    // Every check before the first change.
    if (source.pieces.size() != piece_count_) {
        fail(errc::invalid, "CDN source has {} pieces, the content has {}", source.pieces.size(),
             piece_count_);
    }
    validate_cdn_uri(source.uri);
    if (expired(source, now_ms)) {
        fail(errc::invalid, "CDN source expires at {}, not after now ({})", source.expires_s,
             seconds_of(now_ms));
    }
    auto at = locate(source.uri);
    const bool present = has(at, source.uri);
    if (source.pieces.none()) {
        if (present) {
            sources_.erase(at);
        }
        drop_expired(now_ms);
        return;
    }
    if (!present) {
        const auto live_count = std::count_if(sources_.begin(), sources_.end(),
                                              [&](const auto& s) { return !expired(s, now_ms); });
        if (static_cast<std::size_t>(live_count) >= max_sources_) {
            fail(errc::limit, "content has the maximum of {} CDN sources", max_sources_);
        }
        // The room for the new source, and for ranking it in answers, comes before the change:
        // the moves below cannot throw.
        const std::size_t position = static_cast<std::size_t>(at - sources_.begin());
        sources_.reserve(sources_.size() + 1);
        ranked_.reserve(sources_.size() + 1);
        sources_.insert(sources_.begin() + static_cast<std::ptrdiff_t>(position),
                        std::move(source));
    } else {
        *at = std::move(source);
    }
    drop_expired(now_ms);
}

std::size_t cdn_directory::withdraw(std::string_view uri, const bitmap* pieces,
                                    std::int64_t now_ms) {
    if (pieces != nullptr && pieces->size() != piece_count_) {
        fail(errc::invalid, "withdrawn pieces bitmap has {} pieces, the content has {}",
             pieces->size(), piece_count_);
    }
    if (!uri.empty()) {
        const auto at = locate(uri);
        if (!has(at, uri) || expired(*at, now_ms)) {
            fail(errc::not_found, "no live CDN source has this URI");
        }
    }
    drop_expired(now_ms);

    std::size_t changed = 0;
    auto cut = [&](cdn_source& source) {
        if (pieces == nullptr) {
            source.pieces.fill(false);
        } else if (source.pieces.count_and(*pieces) != 0) {
            source.pieces.andnot(*pieces);
        } else {
            return;
        }
        ++changed;
    };
    if (uri.empty()) {
        std::for_each(sources_.begin(), sources_.end(), cut);
    } else {
        cut(*locate(uri));  // still there: drop_expired kept it, it is live
    }
    sources_.erase(std::remove_if(sources_.begin(), sources_.end(),
                                  [](const cdn_source& s) { return s.pieces.none(); }),
                   sources_.end());
    return changed;
}

std::size_t cdn_directory::drop_expired(std::int64_t now_ms) noexcept {
    const auto end = std::remove_if(sources_.begin(), sources_.end(),
                                    [&](const cdn_source& s) { return expired(s, now_ms); });
    const auto dropped = static_cast<std::size_t>(sources_.end() - end);
    sources_.erase(end, sources_.end());
    return dropped;
}

std::vector<cdn_source> cdn_directory::live(std::int64_t now_ms) const {
    std::vector<cdn_source> out;
    for (const cdn_source& source : sources_) {
        if (!expired(source, now_ms)) {
            out.push_back(source);
        }
    }
    return out;
}

bitmap cdn_directory::live_pieces(std::int64_t now_ms) const {
    bitmap all;
    for (const cdn_source& source : sources_) {
        if (expired(source, now_ms)) {
            continue;
        }
        if (all.size() == 0) {
            all = source.pieces;
        } else {
            all |= source.pieces;
        }
    }
    return all;
}

void cdn_directory::prepare_answer(std::int64_t now_ms, std::uint32_t max_per_answer,
                                   std::vector<cdn_source>& out) const {
    std::size_t live_count = 0;
    std::size_t longest_uri = 0;
    for (const cdn_source& source : sources_) {
        if (!expired(source, now_ms)) {
            ++live_count;
            longest_uri = std::max(longest_uri, source.uri.size());
        }
    }
    const std::size_t slots = std::min<std::size_t>(live_count, max_per_answer);
    out.resize(slots);
    for (cdn_source& slot : out) {
        slot.pieces = bitmap(piece_count_);
        slot.uri.reserve(longest_uri);
    }
}

void cdn_directory::fill_answer(const std::uint64_t* requester, std::int64_t now_ms,
                                std::vector<cdn_source>& out) {
    ranked_.clear();  // within capacity: ranked_ holds at least sources_.size()
    if (!out.empty()) {
        for (std::size_t i = 0; i < sources_.size(); ++i) {
            const cdn_source& source = sources_[i];
            if (expired(source, now_ms)) {
                continue;
            }
            const std::size_t wanted =
                popcount::count_andnot(source.pieces.words(), requester, words_);
            if (wanted != 0) {
                ranked_.emplace_back(wanted, i);
            }
        }
    }
    const std::size_t used = std::min(ranked_.size(), out.size());
    // Most wanted pieces first; equal counts in URI order (the order of sources_), so the
    // choice depends only on the directory and the requester.
    std::partial_sort(ranked_.begin(), ranked_.begin() + static_cast<std::ptrdiff_t>(used),
                      ranked_.end(), [](const auto& a, const auto& b) {
                          return a.first != b.first ? a.first > b.first : a.second < b.second;
                      });
    for (std::size_t k = 0; k < used; ++k) {
        const cdn_source& source = sources_[ranked_[k].second];
        cdn_source& slot = out[k];
        slot.uri.assign(source.uri);  // fits the capacity prepare_answer reserved
        slot.expires_s = source.expires_s;
        slot.ranged = source.ranged;
        const std::uint64_t* from = source.pieces.words();
        std::uint64_t* to = slot.pieces.words();
        for (std::size_t w = 0; w < words_; ++w) {
            to[w] = from[w] & ~requester[w];
        }
    }
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(used), out.end());
}

std::size_t cdn_directory::memory_bytes() const noexcept {
    std::size_t bytes =
        sources_.capacity() * sizeof(cdn_source) + ranked_.capacity() * sizeof(ranked_[0]);
    for (const cdn_source& source : sources_) {
        bytes += source.uri.capacity() + source.pieces.word_count() * sizeof(std::uint64_t);
    }
    return bytes;
}

}  // namespace p2pcdn::swarm_detail
