// Bencode (BEP 3): a bounded reader that accepts only the canonical form, and a writer.
//
// The reader parses the whole input in one non-recursive pass into a flat array of items in
// document order (a container is followed by its children), then hands out light `value`
// cursors into it. Byte strings are views into the input, which must outlive the document.
// Canonical means: integers without a leading zero, "-0" or an empty digit run; byte-string
// lengths the same; dictionary keys byte strings in strictly ascending byte order (so no key
// repeats); nothing after the root value. So a document re-encodes to exactly its input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace p2pcdn::bencode {

enum class kind : std::uint8_t { integer, bytes, list, dict };

const char* kind_name(kind k) noexcept;  // "an integer", "a byte string", "a list", "a dictionary"

struct reader_limits {
    std::size_t max_depth = 32;        // nested lists and dictionaries, the root counting as 1
    std::size_t max_items = 1u << 16;  // every integer, byte string, list and dictionary
};

class document;

// A cursor to one item of a document; cheap to copy, valid while the document lives.
class value {
public:
    kind type() const noexcept;
    bool is(kind k) const noexcept { return type() == k; }
    // Where the item starts in the input, for messages.
    std::size_t offset() const noexcept;
    // Unchecked: the item is of that kind.
    std::int64_t integer() const noexcept;
    std::string_view bytes() const noexcept;
    // Lists: the items; dictionaries: the entries (key and value pairs); 0 for scalars.
    std::size_t size() const noexcept;

    // Iteration over the items of a list, or the keys and values of a dictionary alternately.
    class iterator {
    public:
        value operator*() const noexcept { return value(doc_, index_); }
        iterator& operator++() noexcept;
        bool operator==(const iterator& o) const noexcept { return index_ == o.index_; }
        bool operator!=(const iterator& o) const noexcept { return index_ != o.index_; }

    private:
        friend class value;
        iterator(const document* doc, std::size_t index) : doc_(doc), index_(index) {}
        const document* doc_;
        std::size_t index_;
    };
    iterator begin() const noexcept;
    iterator end() const noexcept;

    // Dictionaries: the value of `key`, if present (a scan that stops past where it would be).
    std::optional<value> find(std::string_view key) const;
    // Dictionaries: the entries in order.
    std::vector<std::pair<std::string_view, value>> entries() const;

private:
    friend class document;
    value(const document* doc, std::size_t index) : doc_(doc), index_(index) {}
    const document* doc_;
    std::size_t index_;
};

class document {
public:
    // Throws errc::parse with the offset and the reason for input that is not canonical
    // bencode, and errc::limit past the depth or item limit (before allocating for the item).
    static document parse(std::string_view data, const reader_limits& limits = {});

    value root() const noexcept { return value(this, 0); }
    std::size_t item_count() const noexcept { return items_.size(); }

    document(const document&) = delete;
    document& operator=(const document&) = delete;
    document(document&&) = default;
    document& operator=(document&&) = default;

private:
    friend class value;
    document() = default;
    struct item {
        kind type;
        std::size_t offset;  // where the item starts in the input
        // integer: the value; bytes: the data offset; containers: the index just past the
        // last descendant.
        std::int64_t number;
        std::size_t length;  // bytes: data length; containers: number of children
    };
    std::string_view data_;
    std::vector<item> items_;
};

// Appending writers of single items.
void append_integer(std::string& out, std::int64_t v);
void append_bytes(std::string& out, std::string_view bytes);

// Writes nested lists and dictionaries; dictionary keys must come in strictly ascending byte
// order (errc::invalid otherwise), so whatever it writes is canonical.
class writer {
public:
    writer() = default;
    explicit writer(std::string out) : out_(std::move(out)) {}

    void integer(std::int64_t v);
    void bytes(std::string_view b);
    void begin_list();
    void begin_dict();
    // Dictionaries only: the next key.
    void key(std::string_view k);
    void end();  // closes the innermost open list or dictionary

    // Convenience for dictionary entries.
    void entry(std::string_view k, std::int64_t v) {
        key(k);
        integer(v);
    }
    void entry(std::string_view k, std::string_view v) {
        key(k);
        bytes(v);
    }

    const std::string& str() const noexcept { return out_; }
    // The text; errc::invalid if a container is still open.
    std::string take();

private:
    void before_value();
    struct frame {
        bool dict;
        bool want_value;      // dict: a key was written, its value not yet
        std::size_t key_pos;  // dict: where the last key's bytes are in out_
        std::size_t key_len;
        bool has_key;
    };
    std::string out_;
    std::vector<frame> open_;
};

// Writes `v` again (for a parsed document: exactly its input).
void write(writer& w, value v);
std::string encode(value v);

}  // namespace p2pcdn::bencode
