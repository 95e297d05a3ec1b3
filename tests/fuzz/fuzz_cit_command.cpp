// RFC 8007 trigger and cancel command decoding. Input: the JSON text. A command that decodes
// must encode, decode again to the same command, and encode to the same text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "wire/cit_json.hpp"

namespace cit = p2pcdn::cit;

namespace {

std::string encode(const cit::command& cmd) {
    return cmd.trigger ? cit::encode_trigger(*cmd.trigger)
                       : cit::encode_cancel(cmd.cancel, cmd.cdn_path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cit::cit_limits limits;
    limits.max_json_bytes = std::size_t{1} << 20;
    limits.max_urls = 1000;
    limits.max_string_bytes = 1024;
    limits.max_cdn_path = 16;
    const std::string_view json(reinterpret_cast<const char*>(data), size);

    cit::command cmd;
    try {
        cmd = cit::decode_command(json, limits);
    } catch (const p2pcdn::error&) {
        return 0;
    }

    // The decoder's promises: exactly one of trigger and cancel, a cdn-path, and the trigger
    // carries the command's cdn-path.
    if (cmd.trigger.has_value() == !cmd.cancel.empty() || cmd.cdn_path.empty() ||
        (cmd.trigger && cmd.trigger->cdn_path != cmd.cdn_path)) {
        std::abort();
    }

    try {
        const std::string text = encode(cmd);
        const cit::command again = cit::decode_command(text, limits);
        if (!(again == cmd) || encode(again) != text) {
            std::abort();
        }
    } catch (const p2pcdn::error&) {
        std::abort();
    }
    return 0;
}
