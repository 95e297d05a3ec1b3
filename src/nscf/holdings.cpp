#include "nscf/holdings.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace p2pcdn::nscf {
namespace {

void check_margin(std::int64_t margin_ms) {
    if (margin_ms < 0 || margin_ms > max_journal_ttl_ms) {
        fail(errc::invalid, "safety margin {} ms is out of range: expected 0 to {}", margin_ms,
             max_journal_ttl_ms);
    }
}

std::size_t index_of(holding_state state) noexcept {
    return static_cast<std::size_t>(state);
}

// The byte-seconds `h` occupies from its ingest until `end_ms` or its object's expiry.
double stored_byte_seconds(const holding& h, std::int64_t end_ms) noexcept {
    const std::int64_t end = std::min(end_ms, h.object_expires_at_ms);
    if (end <= h.ingested_at_ms) {
        return 0;
    }
    return static_cast<double>(h.bytes) * static_cast<double>(end - h.ingested_at_ms) / 1000.0;
}

// The upload of `h` may have landed as late as `at_ms`: its object may live a TTL from there.
void settle(holding& h, std::int64_t at_ms) noexcept {
    h.object_gone_at_ms = std::max(h.object_gone_at_ms, at_ms + h.ttl_ms());
}

[[noreturn]] void refuse(const holding& h, const journal_record& r, const char* why) {
    fail(errc::state, "piece {} is {}: {} refused, {}", h.piece, to_string(h.state),
         to_string(r.kind), why);
}

void require(const holding& h, const journal_record& r, holding_state wanted, const char* why) {
    if (h.state != wanted) {
        refuse(h, r, why);
    }
}

// Nothing leaves the CDN's books while an upload of it may still land.
void require_no_reupload(const holding& h, const journal_record& r) {
    if (h.reuploading()) {
        refuse(h, r, "its re-upload's outcome is unknown: record it first");
    }
}

void end_reupload(holding& h) noexcept {
    h.reupload_started_at_ms = 0;
    h.reupload_ttl_ms = 0;
}

// Invariant 3: the advertisement ends at least the margin before the object's earliest expiry.
void check_advertisement(const holding& h, const journal_record& r, std::int64_t margin_ms) {
    const std::int64_t latest = latest_advertised_expiry(h, margin_ms);
    if (r.expires_at_ms > latest) {
        fail(errc::state,
             "piece {}: {} refused, advertised expiry {} is after {}, the safety margin of {} ms "
             "before the object expires at {}",
             h.piece, to_string(r.kind), r.expires_at_ms, latest, margin_ms,
             h.object_expires_at_ms);
    }
}

}  // namespace

holdings::holdings(std::size_t piece_count) : piece_count_(piece_count) {
    if (piece_count == 0 || piece_count > bitmap::max_bits) {
        fail(errc::invalid, "holdings of {} pieces: expected 1 to {}", piece_count,
             bitmap::max_bits);
    }
}

holdings::outcome holdings::step(const journal_record& r, std::int64_t margin_ms) const {
    if (!is_transition(r.kind)) {
        fail(errc::invalid, "a {} record is not a transition", to_string(r.kind));
    }
    check_margin(margin_ms);
    validate_journal_record(r, errc::invalid);
    if (r.piece >= piece_count_) {
        fail(errc::range, "piece {} is out of range: the content has {} pieces", r.piece,
             piece_count_);
    }
    const holding* current = find(r.piece);
    if (r.kind == journal_kind::ingest_started) {
        if (current != nullptr) {
            refuse(*current, r, "a piece is ingested again only once its holding is gone");
        }
        return {started_holding(r), 0};
    }
    if (current == nullptr) {
        fail(errc::state, "piece {} has no holding: {} refused", r.piece, to_string(r.kind));
    }
    holding h = *current;
    switch (r.kind) {
        case journal_kind::ingest_confirmed:
            require(h, r, holding_state::ingesting, "only an ingest in progress has an outcome");
            h.state = holding_state::stored;
            settle(h, r.at_ms);
            return {std::move(h), 0};
        case journal_kind::ingest_failed:
            require(h, r, holding_state::ingesting, "only an ingest in progress has an outcome");
            if (!r.uncertain) {
                return {std::nullopt, 0};  // nothing reached the CDN
            }
            h.state = holding_state::withdrawn;
            settle(h, r.at_ms);
            return {std::move(h), 0};
        case journal_kind::published:
            require(h, r, holding_state::stored,
                    "only a confirmed upload that is not advertised (stored) is published");
            check_advertisement(h, r, margin_ms);
            h.state = holding_state::published;
            h.advertised_expires_at_ms = r.expires_at_ms;
            return {std::move(h), 0};
        case journal_kind::renewed:
            require(h, r, holding_state::published, "only an advertised piece is renewed");
            check_advertisement(h, r, margin_ms);
            h.advertised_expires_at_ms = r.expires_at_ms;
            return {std::move(h), 0};
        case journal_kind::withdrawn:
            require(h, r, holding_state::published, "only an advertised piece is withdrawn");
            h.state = holding_state::withdrawn;
            h.advertised_expires_at_ms = 0;
            return {std::move(h), 0};
        case journal_kind::purge_started:
            if (h.state == holding_state::published) {
                refuse(h, r, "withdraw it from the tracker before purging");
            }
            require_no_reupload(h, r);
            if (h.purge_attempts == std::numeric_limits<std::uint32_t>::max()) {
                fail(errc::limit, "piece {}: purge attempts are at the maximum {}", h.piece,
                     h.purge_attempts);
            }
            if (h.state == holding_state::ingesting) {
                settle(h, r.at_ms);
            }
            h.state = holding_state::purging;
            ++h.purge_attempts;
            return {std::move(h), 0};
        case journal_kind::purge_confirmed:
            require(h, r, holding_state::purging, "no purge was started");
            return {std::nullopt, stored_byte_seconds(h, r.at_ms)};
        case journal_kind::expired:
            if (h.state == holding_state::published) {
                refuse(h, r, "withdraw it from the tracker first");
            }
            if (h.state == holding_state::ingesting) {
                refuse(h, r, "its upload's outcome is unknown: purge or verify it first");
            }
            require_no_reupload(h, r);
            if (r.at_ms < h.object_gone_at_ms) {
                fail(errc::state, "piece {}: expired refused at {}, its object may exist until {}",
                     h.piece, r.at_ms, h.object_gone_at_ms);
            }
            return {std::nullopt, stored_byte_seconds(h, h.object_expires_at_ms)};
        case journal_kind::reupload_started:
            if (h.state != holding_state::stored && h.state != holding_state::published) {
                refuse(h, r, "only a confirmed upload (stored or published) is uploaded again");
            }
            if (h.reuploading()) {
                refuse(h, r, "a re-upload is already in flight");
            }
            if (r.at_ms + r.ttl_ms <= h.object_expires_at_ms) {
                fail(errc::state,
                     "piece {}: reupload_started refused, it would end at {}, not after the "
                     "object's expiry {}",
                     h.piece, r.at_ms + r.ttl_ms, h.object_expires_at_ms);
            }
            // The object may live a new TTL from now on; until confirmed, its earliest expiry
            // (the bound of the advertisements) is still the old one.
            h.reupload_started_at_ms = r.at_ms;
            h.reupload_ttl_ms = r.ttl_ms;
            h.object_gone_at_ms = std::max(h.object_gone_at_ms, r.at_ms + r.ttl_ms);
            return {std::move(h), 0};
        case journal_kind::reupload_confirmed: {
            if (!h.reuploading()) {
                refuse(h, r, "no re-upload is in flight");
            }
            // The object is now the new upload: the old one's storage is retired up to the
            // re-upload's start and the new one counted from there, with its own TTL.
            const std::int64_t started = h.reupload_started_at_ms;
            const double retired = stored_byte_seconds(h, started);
            h.ingested_at_ms = started;
            h.object_expires_at_ms = started + h.reupload_ttl_ms;
            settle(h, r.at_ms);
            end_reupload(h);
            return {std::move(h), retired};
        }
        case journal_kind::reupload_failed:
            if (!h.reuploading()) {
                refuse(h, r, "no re-upload is in flight");
            }
            // A certain failure leaves the old object as it was (object_gone stays raised,
            // which only keeps a purge due longer); an uncertain one may have landed up to now.
            if (r.uncertain) {
                h.object_gone_at_ms = std::max(h.object_gone_at_ms, r.at_ms + h.reupload_ttl_ms);
            }
            end_reupload(h);
            return {std::move(h), 0};
        default: break;
    }
    fail(errc::invalid, "a {} record is not a transition", to_string(r.kind));
}

void holdings::tally(const holding& h, bool add) noexcept {
    const std::size_t i = index_of(h.state);
    if (add) {
        ++counts_[i];
        bytes_[i] += h.bytes;
    } else {
        --counts_[i];
        bytes_[i] -= h.bytes;
    }
}

void holdings::commit(std::size_t piece, outcome&& result) {
    const auto it = items_.find(piece);
    if (it == items_.end()) {
        if (result.next) {
            // The only step here that can throw comes before any change.
            const auto added = items_.emplace(piece, std::move(*result.next)).first;
            tally(added->second, true);
        }
    } else {
        tally(it->second, false);
        if (result.next) {
            it->second = std::move(*result.next);
            tally(it->second, true);
        } else {
            items_.erase(it);
        }
    }
    retired_byte_seconds_ += result.retired_byte_seconds;
}

void holdings::check(const journal_record& record, std::int64_t margin_ms) const {
    step(record, margin_ms);
}

void holdings::apply(const journal_record& record, std::int64_t margin_ms) {
    commit(record.piece, step(record, margin_ms));
}

std::vector<journal_record> holdings::snapshot() const {
    std::vector<journal_record> out;
    out.reserve(items_.size() + 1);
    for (const auto& item : items_) out.push_back(journal_record::make_snapshot(item.second));
    out.push_back(journal_record::make_totals(retired_byte_seconds_));
    return out;
}

void holdings::restore(const journal_record& record) {
    if (record.kind == journal_kind::totals) {
        validate_journal_record(record, errc::invalid);
        retired_byte_seconds_ = record.retired_byte_seconds;
        return;
    }
    if (record.kind != journal_kind::snapshot) {
        fail(errc::invalid, "a {} record is not a snapshot", to_string(record.kind));
    }
    const holding& h = record.snapshot;
    validate_holding(h, errc::invalid);
    if (h.piece >= piece_count_) {
        fail(errc::range, "piece {} is out of range: the content has {} pieces", h.piece,
             piece_count_);
    }
    if (find(h.piece) != nullptr) {
        fail(errc::state, "piece {} already has a holding", h.piece);
    }
    commit(h.piece, outcome{h, 0});
}

const holding* holdings::find(std::size_t piece) const noexcept {
    const auto it = items_.find(piece);
    return it == items_.end() ? nullptr : &it->second;
}

template <typename Pred>
std::vector<std::size_t> holdings::select(Pred&& pred) const {
    std::vector<std::size_t> out;
    for (const auto& item : items_) {
        if (pred(item.second)) {
            out.push_back(item.first);
        }
    }
    return out;
}

std::vector<std::size_t> holdings::uncertain() const {
    return select([](const holding& h) { return h.state == holding_state::ingesting; });
}

std::vector<std::size_t> holdings::reuploads() const {
    return select([](const holding& h) { return h.reuploading(); });
}

namespace {

enum class advert_action { none, renew, withdraw };

advert_action advert_due(const holding& h, std::int64_t now_ms, std::int64_t margin_ms) noexcept {
    if (h.state != holding_state::published) {
        return advert_action::none;
    }
    const std::int64_t latest = latest_advertised_expiry(h, margin_ms);
    if (h.advertised_expires_at_ms > latest) {
        return advert_action::withdraw;
    }
    if (h.advertised_expires_at_ms - margin_ms > now_ms) {
        return advert_action::none;
    }
    return latest > now_ms && latest > h.advertised_expires_at_ms ? advert_action::renew
                                                                  : advert_action::withdraw;
}

}  // namespace

std::vector<std::size_t> holdings::to_withdraw(std::int64_t now_ms, std::int64_t margin_ms) const {
    check_margin(margin_ms);
    return select([&](const holding& h) {
        return advert_due(h, now_ms, margin_ms) == advert_action::withdraw;
    });
}

std::vector<std::size_t> holdings::to_renew(std::int64_t now_ms, std::int64_t margin_ms) const {
    check_margin(margin_ms);
    return select(
        [&](const holding& h) { return advert_due(h, now_ms, margin_ms) == advert_action::renew; });
}

std::vector<std::size_t> holdings::purge_due(std::int64_t now_ms) const {
    return select([&](const holding& h) {
        return (h.state == holding_state::withdrawn || h.state == holding_state::purging) &&
               !h.reuploading() && now_ms < h.object_gone_at_ms;
    });
}

std::vector<std::size_t> holdings::expiry_due(std::int64_t now_ms) const {
    return select([&](const holding& h) {
        return (h.state == holding_state::stored || h.state == holding_state::withdrawn ||
                h.state == holding_state::purging) &&
               !h.reuploading() && now_ms >= h.object_gone_at_ms;
    });
}

bitmap holdings::pieces(holding_state state) const {
    bitmap out(piece_count_);
    for (const auto& item : items_) {
        if (item.second.state == state) {
            out.set(item.first);
        }
    }
    return out;
}

std::size_t holdings::count(holding_state state) const noexcept {
    return index_of(state) < holding_state_count ? counts_[index_of(state)] : 0;
}

std::uint64_t holdings::bytes(holding_state state) const noexcept {
    return index_of(state) < holding_state_count ? bytes_[index_of(state)] : 0;
}

std::uint64_t holdings::total_bytes() const noexcept {
    std::uint64_t total = 0;
    for (const std::uint64_t b : bytes_) total += b;
    return total;
}

double holdings::storage_byte_seconds(std::int64_t now_ms) const noexcept {
    double total = retired_byte_seconds_;
    for (const auto& item : items_) total += stored_byte_seconds(item.second, now_ms);
    return total;
}

bool operator==(const holdings& a, const holdings& b) noexcept {
    return a.piece_count_ == b.piece_count_ && a.items_ == b.items_ &&
           a.retired_byte_seconds_ == b.retired_byte_seconds_;
}

}  // namespace p2pcdn::nscf
