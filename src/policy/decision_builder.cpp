#include "policy/decision_builder.hpp"

#include "core/error.hpp"

namespace p2pcdn::policy {

decision_checker::decision_checker(const input& in)
    : piece_count_(in.layout.piece_count()),
      held_(piece_count_),
      ingested_(piece_count_),
      purged_(piece_count_) {
    for (const holding& h : in.holdings) {
        held_.set(h.piece);
    }
}

void decision_checker::check_range(const char* what, std::size_t piece) const {
    if (piece >= piece_count_) {
        fail(errc::invalid, "{} of piece {}: out of range for {} pieces", what, piece,
             piece_count_);
    }
}

void decision_checker::ingest(std::size_t piece) {
    check_range("ingest", piece);
    if (ingested_.test(piece)) {
        fail(errc::invalid, "ingest of piece {}: already ingested in this decision", piece);
    }
    if (purged_.test(piece)) {
        fail(errc::invalid, "ingest of piece {}: already purged in this decision", piece);
    }
    ingested_.set(piece);
}

void decision_checker::purge(std::size_t piece) {
    check_range("purge", piece);
    if (!held_.test(piece)) {
        fail(errc::invalid, "purge of piece {}: the CDN does not hold it", piece);
    }
    if (purged_.test(piece)) {
        fail(errc::invalid, "purge of piece {}: already purged in this decision", piece);
    }
    if (ingested_.test(piece)) {
        fail(errc::invalid, "purge of piece {}: already ingested in this decision", piece);
    }
    purged_.set(piece);
}

}  // namespace p2pcdn::policy
