// p2pcdn_content: the C face of content_layout, piece_hashes and the piece hasher.
#include "capi/content_handle.hpp"
#include "capi/guard.hpp"
#include "capi/options.hpp"
#include "capi/output.hpp"
#include "core/piece_hasher.hpp"

#include <string>

using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::out_param;
using p2pcdn::capi::required_string;

namespace {

constexpr std::size_t hash_options_sizes[] = {sizeof(p2pcdn_hash_options)};
constexpr p2pcdn_hash_options hash_options_defaults = P2PCDN_HASH_OPTIONS_INIT;

// The C options become the core's settings; the progress callback is wrapped so that its
// non-zero return stops the work.
p2pcdn::hash_settings hash_settings_from(const p2pcdn_hash_options* given) {
    p2pcdn_hash_options opts = p2pcdn::capi::read_options(given, hash_options_defaults,
                                                          hash_options_sizes,
                                                          "p2pcdn_hash_options");
    p2pcdn::hash_settings settings;
    settings.algo = opts.algo == P2PCDN_HASH_NONE ? p2pcdn::hash_algo::sha1
                                                  : p2pcdn::hash_algo_from_int(opts.algo);
    if (opts.read_size != 0) {
        if (opts.read_size > p2pcdn::hash_settings::max_read_size) {
            fail(errc::invalid, "read_size {} is above the maximum {}", opts.read_size,
                 p2pcdn::hash_settings::max_read_size);
        }
        settings.read_size = opts.read_size;
    }
    if (opts.progress != nullptr) {
        settings.progress = [cb = opts.progress, payload = opts.payload](std::uint64_t done,
                                                                         std::uint64_t total) {
            return cb(done, total, payload) == 0;
        };
    }
    return settings;
}

void check_piece(const p2pcdn_content& content, std::size_t i) {
    if (i >= content.layout.piece_count()) {
        fail(errc::range, "piece {} out of range for {} pieces", i, content.layout.piece_count());
    }
}

const p2pcdn::piece_hashes& hashes_of(const p2pcdn_content& content) {
    if (content.hashes.empty()) {
        fail(errc::state, "content '{}' has no piece hashes", content.layout.id());
    }
    return content.hashes;
}

const char* algo_name(p2pcdn::hash_algo algo) {
    return algo == p2pcdn::hash_algo::sha1 ? "SHA-1" : "SHA-256";
}

}  // namespace

extern "C" {

P2PCDN_API int p2pcdn_hash_options_init(p2pcdn_hash_options* opts, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(opts, version, hash_options_sizes, "p2pcdn_hash_options");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_content_new(p2pcdn_content** out, const char* content_id,
                                  uint64_t total_length, uint32_t piece_length) {
    return guard([&] {
        auto& result = out_param(out, "out");
        p2pcdn::content_layout layout(required_string(content_id, "content_id"), total_length,
                                      piece_length);
        result = p2pcdn::capi::make_handle<p2pcdn_content>(std::move(layout),
                                                           p2pcdn::piece_hashes());
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_content_new_from_file(p2pcdn_content** out, const char* content_id,
                                            const char* path, uint32_t piece_length,
                                            const p2pcdn_hash_options* opts) {
    return guard([&] {
        auto& result = out_param(out, "out");
        std::string file = required_string(path, "path");
        p2pcdn::hash_settings settings = hash_settings_from(opts);
        p2pcdn::content_layout layout(required_string(content_id, "content_id"),
                                      p2pcdn::file_size(file), piece_length);
        p2pcdn::piece_hashes hashes = p2pcdn::hash_file(layout, file, settings);
        result = p2pcdn::capi::make_handle<p2pcdn_content>(std::move(layout), std::move(hashes));
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_content_copy(p2pcdn_content** out, const p2pcdn_content* src) {
    return guard([&] {
        auto& result = out_param(out, "out");
        const p2pcdn_content& content = checked(src);
        result = p2pcdn::capi::make_handle<p2pcdn_content>(content.layout, content.hashes);
        return P2PCDN_OK;
    });
}

P2PCDN_API void p2pcdn_content_free(p2pcdn_content* content) {
    p2pcdn::capi::release_handle(content);
}

P2PCDN_API const char* p2pcdn_content_id(const p2pcdn_content* content) {
    return p2pcdn::capi::guard_pointer([&] { return checked(content).layout.id().c_str(); });
}

P2PCDN_API int p2pcdn_content_total_length(const p2pcdn_content* content, uint64_t* out) {
    return guard([&] {
        const p2pcdn_content& c = checked(content);
        out_param(out, "out") = c.layout.total_length();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_content_piece_length(const p2pcdn_content* content, uint32_t* out) {
    return guard([&] {
        const p2pcdn_content& c = checked(content);
        out_param(out, "out") = c.layout.piece_length();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_content_piece_count(const p2pcdn_content* content, size_t* out) {
    return guard([&] {
        const p2pcdn_content& c = checked(content);
        out_param(out, "out") = c.layout.piece_count();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_content_piece_range(const p2pcdn_content* content, size_t i,
                                          uint64_t* offset, uint32_t* length) {
    return guard([&] {
        const p2pcdn_content& c = checked(content);
        auto& offset_out = out_param(offset, "offset");
        auto& length_out = out_param(length, "length");
        check_piece(c, i);
        p2pcdn::byte_range range = c.layout.piece_range(i);
        offset_out = range.offset;
        length_out = range.length;
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_content_hash_file(p2pcdn_content* content, const char* path,
                                        const p2pcdn_hash_options* opts) {
    return guard([&] {
        p2pcdn_content& c = checked(content);
        std::string file = required_string(path, "path");
        // Computed aside and swapped in: a failure keeps the hashes held before.
        c.hashes = p2pcdn::hash_file(c.layout, file, hash_settings_from(opts));
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_content_hash_buffer(p2pcdn_content* content, const void* data, size_t len,
                                          const p2pcdn_hash_options* opts) {
    return guard([&] {
        p2pcdn_content& c = checked(content);
        p2pcdn::capi::check_input(data, len, "data");
        c.hashes = p2pcdn::hash_buffer(c.layout, static_cast<const std::uint8_t*>(data), len,
                                       hash_settings_from(opts));
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_content_hash_algo(const p2pcdn_content* content) {
    return guard([&] { return static_cast<int>(checked(content).hashes.algo()); });
}

P2PCDN_API int p2pcdn_content_verify_piece(const p2pcdn_content* content, size_t i,
                                           const void* data, size_t len) {
    return guard([&] {
        const p2pcdn_content& c = checked(content);
        p2pcdn::capi::check_input(data, len, "data");
        check_piece(c, i);
        const p2pcdn::piece_hashes& hashes = hashes_of(c);
        std::uint32_t expected = c.layout.piece_range(i).length;
        if (len != expected) {
            fail(errc::hash_mismatch, "piece {} is {} bytes, expected {}", i, len, expected);
        }
        if (!p2pcdn::verify_piece(c.layout, hashes, i, static_cast<const std::uint8_t*>(data),
                                  len)) {
            fail(errc::hash_mismatch, "piece {} does not match its {} hash", i,
                 algo_name(hashes.algo()));
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_content_piece_hash(const p2pcdn_content* content, size_t i, void* buf,
                                         size_t cap, size_t* size) {
    return guard([&] {
        const p2pcdn_content& c = checked(content);
        check_piece(c, i);
        const p2pcdn::piece_hashes& hashes = hashes_of(c);
        p2pcdn::capi::copy_bytes_out(hashes.digest(i), p2pcdn::digest_size(hashes.algo()), buf,
                                     cap, size);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_content_hashes_export(const p2pcdn_content* content, unsigned int format,
                                            void* buf, size_t cap, size_t* size) {
    return guard([&] {
        const p2pcdn::piece_hashes& hashes = hashes_of(checked(content));
        if (format == P2PCDN_HASHES_RAW) {
            p2pcdn::capi::copy_bytes_out(hashes.raw().data(), hashes.raw().size(), buf, cap, size);
        } else if (format == P2PCDN_HASHES_HEX) {
            p2pcdn::capi::copy_text_out(hashes.hex(), static_cast<char*>(buf), cap, size);
        } else {
            fail(errc::invalid, "unknown hash list format {}", format);
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_content_hashes_import(p2pcdn_content* content, int algo,
                                            unsigned int format, const void* data, size_t len) {
    return guard([&] {
        p2pcdn_content& c = checked(content);
        p2pcdn::capi::check_input(data, len, "data");
        p2pcdn::hash_algo kind = p2pcdn::hash_algo_from_int(algo);
        std::size_t pieces = c.layout.piece_count();
        if (format == P2PCDN_HASHES_RAW) {
            c.hashes = p2pcdn::piece_hashes::from_raw(kind, pieces,
                                                      static_cast<const std::uint8_t*>(data), len);
        } else if (format == P2PCDN_HASHES_HEX) {
            c.hashes = p2pcdn::piece_hashes::from_hex(
                kind, pieces, std::string_view(static_cast<const char*>(data), len));
        } else {
            fail(errc::invalid, "unknown hash list format {}", format);
        }
        return P2PCDN_OK;
    });
}

}  // extern "C"
