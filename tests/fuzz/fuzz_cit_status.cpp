// RFC 8007 trigger status resource decoding. Input: the JSON text. A status that decodes must
// encode, decode again to the same status, and encode to the same text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "wire/cit_json.hpp"

namespace cit = p2pcdn::cit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cit::cit_limits limits;
    limits.max_json_bytes = std::size_t{1} << 20;
    limits.max_urls = 1000;
    limits.max_errors = 100;
    limits.max_string_bytes = 1024;
    const std::string_view json(reinterpret_cast<const char*>(data), size);

    cit::trigger_status status;
    try {
        status = cit::decode_status(json, limits);
    } catch (const p2pcdn::error&) {
        return 0;
    }

    // The decoder's promises: unknown codes keep their text, known ones do not.
    for (const auto& e : status.errors) {
        if ((e.code == cit::error_code::unknown) == e.code_text.empty()) {
            std::abort();
        }
    }

    try {
        const std::string text = cit::encode_status(status);
        const cit::trigger_status again = cit::decode_status(text, limits);
        if (!(again == status) || cit::encode_status(again) != text) {
            std::abort();
        }
    } catch (const p2pcdn::error&) {
        std::abort();
    }
    return 0;
}
