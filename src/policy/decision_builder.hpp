// The decision rules of policy.hpp, item by item. decision_checker refuses, the moment it
// sees it, every item that breaks them: check_decision runs a finished decision through one.
// decision_builder keeps the items it accepts: the C ABI hands one to a host's policy
// callback.
#pragma once

#include "core/bitmap.hpp"
#include "policy/policy.hpp"

#include <cstddef>
#include <cstdint>
#include <utility>

namespace p2pcdn::policy {

class decision_checker {
public:
    // `in` must have passed check_input.
    explicit decision_checker(const input& in);

    // errc::invalid for a piece out of range, already ingested, or already purged. An ingest of
    // a held piece is a renewal.
    void ingest(std::size_t piece);
    // errc::invalid for a piece out of range, not held, already purged, or already ingested.
    void purge(std::size_t piece);

private:
    void check_range(const char* what, std::size_t piece) const;

    std::size_t piece_count_;
    bitmap held_;  // pieces of the holdings, expired or not
    bitmap ingested_;
    bitmap purged_;
};

class decision_builder {
public:
    // `in` must have passed check_input.
    explicit decision_builder(const input& in) : checker_(in) {}

    // As decision_checker's; a refused item is not kept.
    void ingest(std::size_t piece, std::uint32_t ttl_s) {
        checker_.ingest(piece);
        decision_.ingest.push_back({piece, ttl_s});
    }
    void purge(std::size_t piece) {
        checker_.purge(piece);
        decision_.purge.push_back(piece);
    }

    const decision& current() const noexcept { return decision_; }
    decision take() && { return std::move(decision_); }

private:
    decision_checker checker_;
    decision decision_;
};

}  // namespace p2pcdn::policy
