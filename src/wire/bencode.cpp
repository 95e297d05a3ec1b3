#include "wire/bencode.hpp"

#include <fmt/format.h>

#include <limits>

#include "core/error.hpp"

namespace p2pcdn::bencode {
namespace {

constexpr std::uint64_t max_i64 =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

// A byte as it can appear in a one-line message.
std::string show(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte > 0x20 && byte < 0x7f && byte != '\'' && byte != '\\') {
        return fmt::format("'{}'", c);
    }
    return fmt::format("byte 0x{:02x}", byte);
}

}  // namespace

const char* kind_name(kind k) noexcept {
    switch (k) {
        case kind::integer: return "an integer";
        case kind::bytes: return "a byte string";
        case kind::list: return "a list";
        case kind::dict: return "a dictionary";
    }
    return "?";
}

// ---------------------------------------------------------------------------------------------
// value

kind value::type() const noexcept {
    return doc_->items_[index_].type;
}
std::size_t value::offset() const noexcept {
    return doc_->items_[index_].offset;
}
std::int64_t value::integer() const noexcept {
    return doc_->items_[index_].number;
}

std::string_view value::bytes() const noexcept {
    const auto& it = doc_->items_[index_];
    return doc_->data_.substr(static_cast<std::size_t>(it.number), it.length);
}

std::size_t value::size() const noexcept {
    const auto& it = doc_->items_[index_];
    switch (it.type) {
        case kind::list: return it.length;
        case kind::dict: return it.length / 2;
        default: return 0;
    }
}

value::iterator& value::iterator::operator++() noexcept {
    const auto& it = doc_->items_[index_];
    index_ = it.type == kind::list || it.type == kind::dict ? static_cast<std::size_t>(it.number)
                                                            : index_ + 1;
    return *this;
}

value::iterator value::begin() const noexcept {
    const auto& it = doc_->items_[index_];
    if (it.type == kind::list || it.type == kind::dict) {
        return iterator(doc_, index_ + 1);
    }
    return end();
}

value::iterator value::end() const noexcept {
    const auto& it = doc_->items_[index_];
    if (it.type == kind::list || it.type == kind::dict) {
        return iterator(doc_, static_cast<std::size_t>(it.number));
    }
    return iterator(doc_, index_ + 1);
}

std::optional<value> value::find(std::string_view key) const {
    if (type() != kind::dict) {
        return std::nullopt;
    }
    for (auto it = begin(); it != end(); ++it) {
        const std::string_view k = (*it).bytes();
        ++it;
        if (k == key) {
            return *it;
        }
        if (k > key) {
            break;  // sorted: it is not further on
        }
    }
    return std::nullopt;
}

std::vector<std::pair<std::string_view, value>> value::entries() const {
    std::vector<std::pair<std::string_view, value>> out;
    out.reserve(size());
    for (auto it = begin(); it != end(); ++it) {
        const std::string_view k = (*it).bytes();
        ++it;
        out.emplace_back(k, *it);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Reader

document document::parse(std::string_view data, const reader_limits& limits) {
    document doc;
    doc.data_ = data;
    auto& items = doc.items_;

    struct open_container {
        std::size_t index;
        bool dict;
        std::string_view last_key;  // dict: the previous key, for the order check
        bool has_key;
    };
    std::vector<open_container> stack;
    const std::size_t n = data.size();
    std::size_t pos = 0;

    // Digits of a non-negative decimal starting at pos, canonical, stopping at `stop`.
    auto read_unsigned = [&](const char* what, std::size_t start, std::uint64_t max) {
        if (pos >= n || !is_digit(data[pos])) {
            if (pos >= n) {
                fail(errc::parse, "bencode: {} at offset {} ends early", what, start);
            }
            fail(errc::parse, "bencode: {} at offset {} has {} where a digit belongs", what, start,
                 show(data[pos]));
        }
        if (data[pos] == '0' && pos + 1 < n && is_digit(data[pos + 1])) {
            fail(errc::parse, "bencode: {} at offset {} has a leading zero", what, start);
        }
        std::uint64_t v = 0;
        while (pos < n && is_digit(data[pos])) {
            const auto d = static_cast<std::uint64_t>(data[pos] - '0');
            if (v > (max - d) / 10) {
                fail(errc::parse, "bencode: {} at offset {} is too large", what, start);
            }
            v = v * 10 + d;
            ++pos;
        }
        return v;
    };

    bool done = false;
    while (!done) {
        if (pos >= n) {
            fail(errc::parse, "bencode: input ends early at offset {}", pos);
        }
        const char c = data[pos];
        if (!stack.empty() && c == 'e') {
            const open_container top = stack.back();
            auto& it = items[top.index];
            if (top.dict && it.length % 2 != 0) {
                fail(errc::parse, "bencode: dictionary key at offset {} has no value",
                     items[items.size() - 1].offset);
            }
            it.number = static_cast<std::int64_t>(items.size());
            ++pos;
            stack.pop_back();
            done = stack.empty();
            continue;
        }
        const bool is_key =
            !stack.empty() && stack.back().dict && items[stack.back().index].length % 2 == 0;
        if (is_key && !is_digit(c)) {
            fail(errc::parse, "bencode: dictionary key at offset {} is not a byte string", pos);
        }
        if (items.size() >= limits.max_items) {
            fail(errc::limit, "bencode: more than {} items", limits.max_items);
        }
        const std::size_t start = pos;
        item it{kind::integer, start, 0, 0};
        if (c == 'i') {
            ++pos;
            const bool negative = pos < n && data[pos] == '-';
            if (negative)
                ++pos;
            const std::uint64_t magnitude =
                read_unsigned("integer", start, max_i64 + (negative ? 1 : 0));
            if (negative && magnitude == 0) {
                fail(errc::parse, "bencode: integer at offset {} is -0", start);
            }
            if (pos >= n) {
                fail(errc::parse, "bencode: integer at offset {} ends early", start);
            }
            if (data[pos] != 'e') {
                fail(errc::parse, "bencode: integer at offset {} has {} where 'e' belongs", start,
                     show(data[pos]));
            }
            ++pos;
            it.number = negative ? static_cast<std::int64_t>(0 - magnitude)  // two's complement
                                 : static_cast<std::int64_t>(magnitude);
        } else if (is_digit(c)) {
            const std::uint64_t length = read_unsigned("byte string length", start,
                                                       std::numeric_limits<std::uint64_t>::max());
            if (pos >= n || data[pos] != ':') {
                if (pos >= n) {
                    fail(errc::parse, "bencode: byte string at offset {} ends early", start);
                }
                fail(errc::parse, "bencode: byte string at offset {} has {} where ':' belongs",
                     start, show(data[pos]));
            }
            ++pos;
            // Checked against what is left before anything is made of it.
            if (length > n - pos) {
                fail(errc::parse,
                     "bencode: byte string at offset {} is {} bytes long, only {} remain", start,
                     length, n - pos);
            }
            it.type = kind::bytes;
            it.number = static_cast<std::int64_t>(pos);
            it.length = static_cast<std::size_t>(length);
            pos += it.length;
        } else if (c == 'l' || c == 'd') {
            if (stack.size() >= limits.max_depth) {
                fail(errc::limit, "bencode: nesting at offset {} is deeper than {}", start,
                     limits.max_depth);
            }
            ++pos;
            it.type = c == 'l' ? kind::list : kind::dict;
        } else {
            fail(errc::parse, "bencode: unexpected {} at offset {}", show(c), start);
        }

        if (!stack.empty()) {
            auto& parent = stack.back();
            if (is_key) {
                const std::string_view key =
                    data.substr(static_cast<std::size_t>(it.number), it.length);
                if (parent.has_key && parent.last_key == key) {
                    fail(errc::parse,
                         "bencode: dictionary key at offset {} repeats the previous key", start);
                }
                if (parent.has_key && key < parent.last_key) {
                    fail(errc::parse,
                         "bencode: dictionary key at offset {} sorts before the previous key",
                         start);
                }
                parent.last_key = key;
                parent.has_key = true;
            }
            ++items[parent.index].length;
        }
        items.push_back(it);
        if (it.type == kind::list || it.type == kind::dict) {
            stack.push_back({items.size() - 1, it.type == kind::dict, {}, false});
        } else {
            done = stack.empty();
        }
    }
    if (pos != n) {
        fail(errc::parse, "bencode: {} bytes after the end at offset {}", n - pos, pos);
    }
    return doc;
}

// ---------------------------------------------------------------------------------------------
// Writer

void append_integer(std::string& out, std::int64_t v) {
    fmt::format_to(std::back_inserter(out), "i{}e", v);
}

void append_bytes(std::string& out, std::string_view bytes) {
    fmt::format_to(std::back_inserter(out), "{}:", bytes.size());
    out.append(bytes);
}

void writer::before_value() {
    if (open_.empty()) {
        return;
    }
    frame& top = open_.back();
    if (top.dict) {
        if (!top.want_value) {
            fail(errc::invalid, "bencode writer: a dictionary value needs a key first");
        }
        top.want_value = false;
    }
}

void writer::integer(std::int64_t v) {
    before_value();
    append_integer(out_, v);
}

void writer::bytes(std::string_view b) {
    before_value();
    append_bytes(out_, b);
}

void writer::begin_list() {
    before_value();
    out_ += 'l';
    open_.push_back({false, false, 0, 0, false});
}

void writer::begin_dict() {
    before_value();
    out_ += 'd';
    open_.push_back({true, false, 0, 0, false});
}

void writer::key(std::string_view k) {
    if (open_.empty() || !open_.back().dict || open_.back().want_value) {
        fail(errc::invalid, "bencode writer: a key outside a dictionary or after another key");
    }
    frame& top = open_.back();
    if (top.has_key && !(std::string_view(out_).substr(top.key_pos, top.key_len) < k)) {
        fail(errc::invalid, "bencode writer: key '{}' is not above the previous key",
             k.substr(0, 64));
    }
    append_bytes(out_, k);
    top.key_pos = out_.size() - k.size();
    top.key_len = k.size();
    top.has_key = true;
    top.want_value = true;
}

void writer::end() {
    if (open_.empty() || open_.back().want_value) {
        fail(errc::invalid, "bencode writer: end() without an open container or after a key");
    }
    open_.pop_back();
    out_ += 'e';
}

std::string writer::take() {
    if (!open_.empty()) {
        fail(errc::invalid, "bencode writer: {} containers still open", open_.size());
    }
    return std::move(out_);
}

void write(writer& w, value v) {
    switch (v.type()) {
        case kind::integer: w.integer(v.integer()); return;
        case kind::bytes: w.bytes(v.bytes()); return;
        case kind::list:
            w.begin_list();
            for (const value item : v) write(w, item);  // depth bounded by the reader
            w.end();
            return;
        case kind::dict:
            w.begin_dict();
            for (auto it = v.begin(); it != v.end(); ++it) {
                w.key((*it).bytes());
                ++it;
                write(w, *it);
            }
            w.end();
            return;
    }
}

std::string encode(value v) {
    writer w;
    write(w, v);
    return w.take();
}

}  // namespace p2pcdn::bencode
