// The tracker daemon's own JSON messages: the error answer and the statistics subscription.
// Input: the JSON text, given to both decoders. What decodes must encode and decode again to
// the same message (an error message that is already one printable line within the maximum
// keeps its text too).
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "wire/stats_subscription_json.hpp"
#include "wire/tracker_reply_json.hpp"

namespace {

bool printable_line(const std::string& text) {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
            return false;
        }
    }
    return text.size() <= p2pcdn::max_tracker_error_message;
}

void error_answer(std::string_view json) {
    p2pcdn::tracker_error e;
    try {
        e = p2pcdn::decode_tracker_error_json(json);
    } catch (const p2pcdn::error&) {
        return;
    }
    if (static_cast<int>(e.code) >= 0) {
        std::abort();
    }
    try {
        const auto again =
            p2pcdn::decode_tracker_error_json(p2pcdn::encode_tracker_error_json(e.code, e.message));
        if (again.code != e.code || (printable_line(e.message) && again.message != e.message) ||
            !printable_line(again.message)) {
            std::abort();
        }
    } catch (const p2pcdn::error&) {
        std::abort();
    }
}

void subscription(std::string_view json) {
    p2pcdn::stats_subscription s;
    try {
        s = p2pcdn::decode_stats_subscription_json(json);
    } catch (const p2pcdn::error&) {
        return;
    }
    try {
        const std::string text = p2pcdn::encode_stats_subscription_json(s);
        const auto again = p2pcdn::decode_stats_subscription_json(text);
        if (!(again == s) || p2pcdn::encode_stats_subscription_json(again) != text) {
            std::abort();
        }
    } catch (const p2pcdn::error&) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    error_answer(json);
    subscription(json);
    return 0;
}
