// p2pcdn_bitmap: the C face of p2pcdn::bitmap and its encodings. No logic of its own beyond
// argument checks.
#include "capi/bitmap_handle.hpp"
#include "capi/guard.hpp"
#include "capi/output.hpp"
#include "core/base64.hpp"
#include "core/hex.hpp"
#include "core/piece_ranges.hpp"
#include "wire/bitfield.hpp"

#include <string_view>

using p2pcdn::bitmap;
using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::out_param;

namespace {

bitmap& bits_of(p2pcdn_bitmap* handle) {
    return checked(handle).bits;
}

const bitmap& bits_of(const p2pcdn_bitmap* handle) {
    return checked(handle).bits;
}

void check_index(const bitmap& bits, std::size_t i) {
    if (i >= bits.size()) {
        fail(errc::range, "piece {} out of range for {} pieces", i, bits.size());
    }
}

void check_same_size(const bitmap& a, const bitmap& b) {
    if (a.size() != b.size()) {
        fail(errc::invalid, "bitmaps differ in size: {} and {} pieces", a.size(), b.size());
    }
}

p2pcdn::bitfield::spare_bits spare_mode(unsigned int flags) {
    if (flags == P2PCDN_BITMAP_STRICT) {
        return p2pcdn::bitfield::spare_bits::reject;
    }
    if (flags == P2PCDN_BITMAP_LENIENT) {
        return p2pcdn::bitfield::spare_bits::clear;
    }
    fail(errc::invalid, "unknown bitmap decoder flags {:#x}", flags);
}

// Makes the new handle only after the whole input decoded: a failed decode leaves *out as is.
template <typename Decode>
int decode_new(p2pcdn_bitmap** out, Decode&& decode) {
    return guard([&] {
        auto& result = out_param(out, "out");
        result = p2pcdn::capi::make_handle<p2pcdn_bitmap>(decode());
        return P2PCDN_OK;
    });
}

std::string_view text_input(const char* text, std::size_t len) {
    p2pcdn::capi::check_input(text, len, "text");
    return {text, len};
}

// Wire bytes from a text encoding, then the same strict/lenient bitfield rules as the wire.
bitmap from_bytes(const std::vector<std::uint8_t>& bytes, std::size_t nbits, unsigned int flags) {
    return p2pcdn::bitfield::decode(bytes.data(), bytes.size(), nbits, spare_mode(flags));
}

int find_next(const p2pcdn_bitmap* handle, size_t from, size_t* out, bool set) {
    return guard([&] {
        const bitmap& bits = bits_of(handle);
        std::size_t& result = out_param(out, "out");
        std::size_t found = from >= bits.size() ? bitmap::npos
                            : set               ? bits.find_next_set(from)
                                                : bits.find_next_clear(from);
        if (found == bitmap::npos) {
            fail(errc::not_found, "no {} piece at or after {} in {} pieces", set ? "set" : "clear",
                 from, bits.size());
        }
        result = found;
        return P2PCDN_OK;
    });
}

template <typename Op>
int combine(p2pcdn_bitmap* dst, const p2pcdn_bitmap* src, Op&& op) {
    return guard([&] {
        bitmap& a = bits_of(dst);
        const bitmap& b = bits_of(src);
        check_same_size(a, b);
        op(a, b);
        return P2PCDN_OK;
    });
}

template <typename Count>
int count_pair(const p2pcdn_bitmap* a, const p2pcdn_bitmap* b, size_t* out,
                      Count&& count) {
    return guard([&] {
        const bitmap& x = bits_of(a);
        const bitmap& y = bits_of(b);
        std::size_t& result = out_param(out, "out");
        check_same_size(x, y);
        result = count(x, y);
        return P2PCDN_OK;
    });
}

}  // namespace

extern "C" {

P2PCDN_API int p2pcdn_bitmap_new(p2pcdn_bitmap** out, size_t nbits) {
    return decode_new(out, [&] { return bitmap(nbits); });
}

P2PCDN_API int p2pcdn_bitmap_copy(p2pcdn_bitmap** out, const p2pcdn_bitmap* src) {
    return decode_new(out, [&] { return bits_of(src); });
}

P2PCDN_API void p2pcdn_bitmap_free(p2pcdn_bitmap* handle) {
    p2pcdn::capi::release_handle(handle);
}

P2PCDN_API int p2pcdn_bitmap_size(const p2pcdn_bitmap* handle, size_t* out) {
    return guard([&] {
        const bitmap& bits = bits_of(handle);
        out_param(out, "out") = bits.size();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_bitmap_test(const p2pcdn_bitmap* handle, size_t i) {
    return guard([&] {
        const bitmap& bits = bits_of(handle);
        check_index(bits, i);
        return bits.test(i) ? 1 : 0;
    });
}

P2PCDN_API int p2pcdn_bitmap_set(p2pcdn_bitmap* handle, size_t i) {
    return guard([&] {
        bitmap& bits = bits_of(handle);
        check_index(bits, i);
        bits.set(i);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_bitmap_clear(p2pcdn_bitmap* handle, size_t i) {
    return guard([&] {
        bitmap& bits = bits_of(handle);
        check_index(bits, i);
        bits.clear(i);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_bitmap_set_range(p2pcdn_bitmap* handle, size_t begin, size_t end,
                                       int value) {
    return guard([&] {
        bitmap& bits = bits_of(handle);
        if (begin > end || end > bits.size()) {
            fail(errc::range, "range [{}, {}) out of range for {} pieces", begin, end, bits.size());
        }
        if (value != 0) {
            bits.set_range(begin, end);
        } else {
            bits.clear_range(begin, end);
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_bitmap_fill(p2pcdn_bitmap* handle, int value) {
    return guard([&] {
        bits_of(handle).fill(value != 0);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_bitmap_count(const p2pcdn_bitmap* handle, size_t* out) {
    return guard([&] {
        const bitmap& bits = bits_of(handle);
        out_param(out, "out") = bits.count();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_bitmap_is_all(const p2pcdn_bitmap* handle) {
    return guard([&] { return bits_of(handle).all() ? 1 : 0; });
}

P2PCDN_API int p2pcdn_bitmap_is_none(const p2pcdn_bitmap* handle) {
    return guard([&] { return bits_of(handle).none() ? 1 : 0; });
}

P2PCDN_API int p2pcdn_bitmap_find_next_set(const p2pcdn_bitmap* handle, size_t from,
                                           size_t* out) {
    return find_next(handle, from, out, true);
}

P2PCDN_API int p2pcdn_bitmap_find_next_clear(const p2pcdn_bitmap* handle, size_t from,
                                             size_t* out) {
    return find_next(handle, from, out, false);
}

P2PCDN_API int p2pcdn_bitmap_and(p2pcdn_bitmap* dst, const p2pcdn_bitmap* src) {
    return combine(dst, src, [](bitmap& a, const bitmap& b) { a &= b; });
}

P2PCDN_API int p2pcdn_bitmap_or(p2pcdn_bitmap* dst, const p2pcdn_bitmap* src) {
    return combine(dst, src, [](bitmap& a, const bitmap& b) { a |= b; });
}

P2PCDN_API int p2pcdn_bitmap_andnot(p2pcdn_bitmap* dst, const p2pcdn_bitmap* src) {
    return combine(dst, src, [](bitmap& a, const bitmap& b) { a.andnot(b); });
}

P2PCDN_API int p2pcdn_bitmap_xor(p2pcdn_bitmap* dst, const p2pcdn_bitmap* src) {
    return combine(dst, src, [](bitmap& a, const bitmap& b) { a ^= b; });
}

P2PCDN_API int p2pcdn_bitmap_count_and(const p2pcdn_bitmap* a, const p2pcdn_bitmap* b,
                                       size_t* out) {
    return count_pair(a, b, out, [](const bitmap& x, const bitmap& y) { return x.count_and(y); });
}

P2PCDN_API int p2pcdn_bitmap_count_andnot(const p2pcdn_bitmap* a, const p2pcdn_bitmap* b,
                                          size_t* out) {
    return count_pair(a, b, out,
                      [](const bitmap& x, const bitmap& y) { return x.count_andnot(y); });
}

P2PCDN_API int p2pcdn_bitmap_equal(const p2pcdn_bitmap* a, const p2pcdn_bitmap* b) {
    return guard([&] { return bits_of(a) == bits_of(b) ? 1 : 0; });
}

P2PCDN_API int p2pcdn_bitmap_from_wire(p2pcdn_bitmap** out, size_t nbits, const void* data,
                                       size_t len, unsigned int flags) {
    return decode_new(out, [&] {
        p2pcdn::capi::check_input(data, len, "data");
        return p2pcdn::bitfield::decode(static_cast<const std::uint8_t*>(data), len, nbits,
                                        spare_mode(flags));
    });
}

P2PCDN_API int p2pcdn_bitmap_to_wire(const p2pcdn_bitmap* handle, void* buf, size_t cap,
                                     size_t* size) {
    return guard([&] {
        const bitmap& bits = bits_of(handle);
        if (p2pcdn::capi::output_fits(p2pcdn::bitfield::byte_size(bits.size()), buf, cap, size)) {
            p2pcdn::bitfield::encode_into(bits, static_cast<std::uint8_t*>(buf));
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_bitmap_from_hex(p2pcdn_bitmap** out, size_t nbits, const char* text,
                                      size_t len, unsigned int flags) {
    return decode_new(out, [&] {
        return from_bytes(p2pcdn::hex::decode(text_input(text, len)), nbits, flags);
    });
}

P2PCDN_API int p2pcdn_bitmap_to_hex(const p2pcdn_bitmap* handle, char* buf, size_t cap,
                                    size_t* size) {
    return guard([&] {
        auto bytes = p2pcdn::bitfield::encode(bits_of(handle));
        p2pcdn::capi::copy_text_out(p2pcdn::hex::encode(bytes.data(), bytes.size()), buf, cap,
                                    size);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_bitmap_from_base64(p2pcdn_bitmap** out, size_t nbits, const char* text,
                                         size_t len, unsigned int flags) {
    return decode_new(out, [&] {
        return from_bytes(p2pcdn::base64::decode(text_input(text, len)), nbits, flags);
    });
}

P2PCDN_API int p2pcdn_bitmap_to_base64(const p2pcdn_bitmap* handle, char* buf, size_t cap,
                                       size_t* size) {
    return guard([&] {
        auto bytes = p2pcdn::bitfield::encode(bits_of(handle));
        p2pcdn::capi::copy_text_out(p2pcdn::base64::encode(bytes.data(), bytes.size()), buf, cap,
                                    size);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_bitmap_from_ranges(p2pcdn_bitmap** out, size_t nbits, const char* text,
                                         size_t len) {
    return decode_new(out,
                      [&] { return p2pcdn::piece_ranges::parse(text_input(text, len), nbits); });
}

P2PCDN_API int p2pcdn_bitmap_to_ranges(const p2pcdn_bitmap* handle, char* buf, size_t cap,
                                       size_t* size) {
    return guard([&] {
        p2pcdn::capi::copy_text_out(p2pcdn::piece_ranges::format(bits_of(handle)), buf, cap, size);
        return P2PCDN_OK;
    });
}

}  // extern "C"
