// Loading the content of a CCS configuration.
#include "ccs_content.hpp"

#include "json_reader.hpp"

#include <limits>

#include <sys/stat.h>

namespace p2pcdn_cli {
namespace {

std::size_t digest_size(int algo) {
    return algo == P2PCDN_HASH_SHA256 ? 32 : 20;
}

bool is_hex(std::string_view s) {
    for (const char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

std::uint64_t piece_count(std::uint64_t length, std::uint32_t piece_length) {
    return (length - 1) / piece_length + 1;
}

[[noreturn]] void fail_library(const std::string& what, int rc) {
    throw config_error(what + ": " + p2pcdn_strerror(rc) + ": " + p2pcdn_last_error());
}

content_ptr new_content(const std::string& id, std::uint64_t length, std::uint32_t piece_length,
                        const char* member) {
    p2pcdn_content* content = nullptr;
    const int rc = p2pcdn_content_new(&content, id.c_str(), length, piece_length);
    if (rc != P2PCDN_OK) {
        fail_library(std::string("content.") + member, rc);
    }
    return content_ptr(content);
}

void import_hashes(p2pcdn_content* content, int algo, unsigned format, std::string_view data,
                   const std::string& what) {
    const int rc = p2pcdn_content_hashes_import(content, algo, format, data.data(), data.size());
    if (rc != P2PCDN_OK) {
        fail_library(what, rc);
    }
}

// A layout the configuration gives must be the one its hash source has.
void check_same(const std::optional<std::uint64_t>& given, std::uint64_t actual, const char* member,
                const std::string& source) {
    if (given && *given != actual) {
        throw config_error(std::string("content.") + member + ": is " + std::to_string(*given) +
                           ", but " + source + " says " + std::to_string(actual));
    }
}

content_ptr from_hash_file(const content_config& c) {
    const std::string what = "content.hash_file";
    const hash_file file = parse_hash_file(read_text_file(c.path, hash_file_max_bytes, what),
                                           what + " '" + c.path + "'");
    if (!c.id.empty() && c.id != file.id) {
        throw config_error("content.id: is '" + c.id + "', but the hash file says '" + file.id +
                           "'");
    }
    check_same(c.length, file.length, "length", "the hash file");
    check_same(c.piece_length, file.piece_length, "piece_length", "the hash file");
    content_ptr content = new_content(file.id, file.length, file.piece_length, "hash_file");
    import_hashes(content.get(), file.algo, P2PCDN_HASHES_HEX, file.hex, what);
    return content;
}

content_ptr from_hash_list(const content_config& c, bool with_hashes) {
    content_ptr content = new_content(c.id, *c.length, *c.piece_length, "length");
    if (with_hashes) {
        const std::string what = "content.hash_list";
        std::string data = read_text_file(c.path, hash_file_max_bytes, what);
        if (c.hex) {
            while (!data.empty() && (data.back() == '\n' || data.back() == '\r' ||
                                     data.back() == ' ' || data.back() == '\t')) {
                data.pop_back();
            }
        }
        import_hashes(content.get(), c.algo, c.hex ? P2PCDN_HASHES_HEX : P2PCDN_HASHES_RAW, data,
                      what + " '" + c.path + "'");
    }
    return content;
}

content_ptr from_content_file(const content_config& c, bool with_hashes,
                              p2pcdn_progress_cb progress) {
    const std::string what = "content.file";
    if (!with_hashes) {
        struct stat st {};
        if (::stat(c.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
            throw config_error(what + ": '" + c.path + "' is not a non-empty regular file");
        }
        check_same(c.length, static_cast<std::uint64_t>(st.st_size), "length", "the file");
        return new_content(c.id, static_cast<std::uint64_t>(st.st_size), *c.piece_length, "file");
    }
    p2pcdn_hash_options opts = P2PCDN_HASH_OPTIONS_INIT;
    opts.algo = c.algo;
    opts.progress = progress;
    p2pcdn_content* raw = nullptr;
    const int rc =
        p2pcdn_content_new_from_file(&raw, c.id.c_str(), c.path.c_str(), *c.piece_length, &opts);
    if (rc != P2PCDN_OK) {
        fail_library(what + " '" + c.path + "'", rc);
    }
    content_ptr content(raw);
    std::uint64_t length = 0;
    p2pcdn_content_total_length(raw, &length);
    check_same(c.length, length, "length", "the file");
    return content;
}

}  // namespace

hash_file parse_hash_file(std::string_view text, const std::string& what) {
    const json_document doc(text, hash_file_max_bytes, what);
    const json_object root(doc.root(), "");
    const auto prefix = [&what](const config_error& e) {
        return config_error(what + ": " + e.what());
    };
    try {
        const auto version = root.integer("v", 1, 1);
        if (!version) {
            root.fail("v", "is missing");
        }
        hash_file file;
        file.id = root.required_text("content", P2PCDN_CONTENT_ID_MAX);
        const auto length =
            root.unsigned_integer("length", 1, std::numeric_limits<std::uint64_t>::max());
        const auto piece_length = root.unsigned_integer("piece_length", 1, P2PCDN_PIECE_LENGTH_MAX);
        if (!length || !piece_length) {
            root.fail(length ? "piece_length" : "length", "is missing");
        }
        file.length = *length;
        file.piece_length = static_cast<std::uint32_t>(*piece_length);
        const std::uint64_t count = piece_count(file.length, file.piece_length);
        if (count > P2PCDN_BITMAP_MAX_BITS) {
            root.fail("length", "makes " + std::to_string(count) + " pieces, above the limit " +
                                    std::to_string(P2PCDN_BITMAP_MAX_BITS));
        }
        const auto pieces = root.unsigned_integer("pieces", count, count);
        if (!pieces) {
            root.fail("pieces", "is missing");
        }
        const std::string algo = root.required_text("algo", 16);
        if (algo != "sha1" && algo != "sha256") {
            root.fail("algo", "is '" + algo + "', expected sha1 or sha256");
        }
        file.algo = algo == "sha1" ? P2PCDN_HASH_SHA1 : P2PCDN_HASH_SHA256;
        const rapidjson::Value* hashes = root.array("hashes", count);
        if (hashes == nullptr || hashes->Size() != count) {
            root.fail("hashes", "must hold one digest per piece, " + std::to_string(count));
        }
        const std::size_t hex_size = 2 * digest_size(file.algo);
        file.hex.reserve(static_cast<std::size_t>(count) * hex_size);
        for (rapidjson::SizeType i = 0; i < hashes->Size(); ++i) {
            const rapidjson::Value& h = (*hashes)[i];
            if (!h.IsString() || h.GetStringLength() != hex_size ||
                !is_hex({h.GetString(), h.GetStringLength()})) {
                throw config_error(element_path("hashes", i) + ": is not " +
                                   std::to_string(hex_size) + " hex digits");
            }
            file.hex.append(h.GetString(), h.GetStringLength());
        }
        return file;
    } catch (const config_error& e) {
        throw prefix(e);
    }
}

content_ptr load_content(const content_config& config, bool with_hashes,
                         p2pcdn_progress_cb progress) {
    switch (config.source) {
        case hash_source::hash_file: return from_hash_file(config);
        case hash_source::content_file: return from_content_file(config, with_hashes, progress);
        case hash_source::hash_list: return from_hash_list(config, with_hashes);
        case hash_source::none: break;
    }
    if (with_hashes) {
        throw config_error(
            "content: no piece hashes: give hash_file, hash_list or file (an ingest checks what "
            "the CSS sends against them)");
    }
    return new_content(config.id, *config.length, *config.piece_length, "length");
}

}  // namespace p2pcdn_cli
