#include "nscf/journal.hpp"

#include "core/error.hpp"

#include <string_view>
#include <utility>

namespace p2pcdn::nscf {
namespace {

journal_header checked(journal_header header) {
    validate_journal_record(journal_record::make_header(header), errc::invalid);
    // Older versions are read, never written: their readers would refuse newer records.
    if (header.version != journal_format_version) {
        fail(errc::invalid, "journal header version {}: a journal is written in version {}",
             header.version, journal_format_version);
    }
    return header;
}

journal_options checked(journal_options options) {
    if (options.compact_ratio < 2) {
        fail(errc::invalid, "journal compact_ratio is {}, at least 2 is needed",
             options.compact_ratio);
    }
    return options;
}

std::uint64_t line_bytes(const journal_record& record) {
    return encode_journal_record(record).size() + 1;
}

}  // namespace

journal::journal(std::string path, journal_header header, journal_options options)
    : path_(std::move(path)),
      header_(checked(std::move(header))),
      options_(checked(options)),
      file_(locked_file::open(path_)),
      state_(header_.piece_count),
      header_line_bytes_(line_bytes(journal_record::make_header(header_))) {
    // Only the lock holder compacts, so a temporary file seen now is a crashed compaction's.
    remove_file(temporary_path());
    replay();
    if (replayed_.upgraded) {
        // Records of the current version must not follow an older header: an older reader
        // would then meet kinds it does not know. A failure leaves the file as it was.
        compact();
    }
    maybe_compact();
}

void journal::replay() {
    const std::string content = file_.read_all(options_.max_file_bytes);
    holdings rebuilt(header_.piece_count);
    std::size_t line_number = 0;
    std::size_t records = 0;
    bool transitions = false;
    bool totals = false;
    bool upgraded = false;
    const auto at_line = [&](auto&& action) {
        try {
            return action();
        } catch (const error& e) {
            fail(errc::parse, "journal {} line {}: {}", path_, line_number, e.what());
        }
    };

    std::size_t kept = 0;  // the bytes of the whole records read so far
    while (kept < content.size()) {
        const std::size_t newline = content.find('\n', kept);
        if (newline == std::string::npos) {
            break;  // the last record lacks its newline: torn
        }
        const std::string_view line(content.data() + kept, newline - kept);
        ++line_number;
        if (newline + 1 == content.size() && !journal_line_intact(line)) {
            break;  // the last record is torn
        }
        const journal_record r = at_line([&] { return decode_journal_record(line); });
        if (line_number == 1) {
            if (r.kind != journal_kind::header) {
                at_line([&] {
                    fail(errc::parse, "a {} record, expected the header", to_string(r.kind));
                });
            }
            journal_header same_version = r.header;
            same_version.version = header_.version;
            upgraded = r.header.version < header_.version;
            if (same_version != header_) {
                fail(errc::state,
                     "journal {} belongs to controller '{}', content '{}' of {} pieces, not "
                     "controller '{}', content '{}' of {} pieces",
                     path_, r.header.controller_id, r.header.content_id, r.header.piece_count,
                     header_.controller_id, header_.content_id, header_.piece_count);
            }
        } else {
            at_line([&] {
                switch (r.kind) {
                    case journal_kind::header: fail(errc::parse, "a second header");
                    case journal_kind::totals:
                    case journal_kind::snapshot:
                        if (transitions) {
                            fail(errc::parse, "a {} record after a transition", to_string(r.kind));
                        }
                        if (r.kind == journal_kind::totals && std::exchange(totals, true)) {
                            fail(errc::parse, "a second totals record");
                        }
                        rebuilt.restore(r);
                        return;
                    default:
                        transitions = true;
                        rebuilt.apply(r);
                        return;
                }
            });
        }
        ++records;
        kept = newline + 1;
    }

    std::uint64_t holding_bytes = 0;
    for (const auto& item : rebuilt.all()) {
        holding_bytes += line_bytes(journal_record::make_snapshot(item.second));
    }

    // Everything is read and checked: only now may the file change.
    replayed_ = replay_report{};
    replayed_.upgraded = upgraded;
    replayed_.dropped_bytes = content.size() - kept;
    if (kept < content.size()) {
        file_.truncate(kept);
        file_.sync();
    }
    if (kept == 0) {
        const std::string line = encode_journal_record(journal_record::make_header(header_)) + '\n';
        file_.write_at(0, line);
        file_.sync();
        sync_directory_of(path_);
        replayed_.created = true;
        records = 1;
        kept = line.size();
    }
    replayed_.records = records;
    file_bytes_ = kept;
    holding_lines_bytes_ = holding_bytes;
    state_ = std::move(rebuilt);
}

void journal::check_usable() const {
    if (!usable_) {
        fail(errc::io, "journal {} is unusable after an I/O error: open it again", path_);
    }
}

std::uint64_t journal::snapshot_line_bytes(std::size_t piece) const {
    const holding* h = state_.find(piece);
    return h == nullptr ? 0 : line_bytes(journal_record::make_snapshot(*h));
}

std::uint64_t journal::live_bytes() const noexcept {
    // The totals line is the one part not kept up to date: its number changes with every
    // retirement. Encoding a valid totals record cannot fail but for memory.
    std::uint64_t totals = 0;
    try {
        totals = line_bytes(journal_record::make_totals(state_.retired_byte_seconds()));
    } catch (...) {
        totals = max_journal_line_bytes + 1;
    }
    return header_line_bytes_ + holding_lines_bytes_ + totals;
}

void journal::append(const journal_record& record, std::int64_t margin_ms) {
    check_usable();
    state_.check(record, margin_ms);
    std::string line = encode_journal_record(record);
    line.push_back('\n');
    const std::uint64_t before = snapshot_line_bytes(record.piece);
    try {
        file_.write_at(file_bytes_, line);
        file_.sync();
    } catch (...) {
        usable_ = false;
        try {
            file_.truncate(file_bytes_);
        } catch (const error&) {
            // Already unusable; reopening drops the torn line if the truncation did not.
        }
        throw;
    }
    file_bytes_ += line.size();
    try {
        state_.apply(record, margin_ms);
        holding_lines_bytes_ = holding_lines_bytes_ - before + snapshot_line_bytes(record.piece);
    } catch (...) {
        usable_ = false;  // durable but not applied: only a replay can tell the state now
        throw;
    }
    maybe_compact();
}

void journal::maybe_compact() {
    if (!usable_ || file_bytes_ <= options_.min_compact_bytes ||
        file_bytes_ < next_compact_bytes_ ||
        file_bytes_ <= std::uint64_t{options_.compact_ratio} * live_bytes()) {
        return;
    }
    // The caller's record is durable already: a failure here must not look like its failure.
    try {
        compact();
        compaction_error_.clear();
    } catch (const std::exception& e) {
        compaction_error_ = e.what();
        next_compact_bytes_ = file_bytes_ + options_.min_compact_bytes;
    }
}

void journal::compact() {
    check_usable();
    std::string text = encode_journal_record(journal_record::make_header(header_));
    text.push_back('\n');
    for (const journal_record& r : state_.snapshot()) {
        text += encode_journal_record(r);
        text.push_back('\n');
    }
    const std::string temporary = temporary_path();
    locked_file next = locked_file::create(temporary);
    try {
        next.write_at(0, text);
        next.sync();
        next.rename_to(path_);
    } catch (...) {
        try {
            remove_file(temporary);
        } catch (const error&) {
            // Left behind: the next open or compaction removes or overwrites it.
        }
        throw;
    }
    // The new file is in place and locked; dropping the old descriptor releases the old lock.
    file_ = std::move(next);
    file_bytes_ = text.size();
    next_compact_bytes_ = 0;
    ++compactions_;
    try {
        sync_directory_of(path_);
    } catch (...) {
        usable_ = false;  // a crash now could bring the old file back under later appends
        throw;
    }
}

}  // namespace p2pcdn::nscf
