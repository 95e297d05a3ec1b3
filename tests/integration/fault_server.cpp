#include "fault_server.hpp"

#include "core/piece_hasher.hpp"

#include <curl/curl.h>
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace p2pcdn::test {
namespace {

// libcurl's global state for the whole test program (p2pcdn_global_init's job in the C ABI).
struct curl_global {
    curl_global() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    ~curl_global() { curl_global_cleanup(); }
    curl_global(const curl_global&) = delete;
    curl_global& operator=(const curl_global&) = delete;
};
const curl_global global_init;

fault_server load() {
    const char* path = std::getenv("P2PCDN_FAULT_SERVER");
    if (path == nullptr || *path == '\0') {
        throw std::runtime_error("P2PCDN_FAULT_SERVER is not set: run these tests through ctest");
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    rapidjson::Document doc;
    doc.Parse(text.str().c_str());
    if (doc.HasParseError() || !doc.IsObject()) {
        throw std::runtime_error(std::string("cannot read the fault server's ports from ") + path);
    }
    fault_server s;
    s.http = doc["http"].GetInt();
    s.https = doc["https"].GetInt();
    s.other = doc["other"].GetInt();
    s.closed = doc["closed"].GetInt();
    s.ca_file = doc["ca_file"].GetString();
    s.ca_path = doc["ca_path"].GetString();
    s.total_length = doc["total_length"].GetUint64();
    s.piece_length = doc["piece_length"].GetUint();
    return s;
}

}  // namespace

const fault_server& server() {
    static const fault_server s = load();
    return s;
}

const std::string& content_bytes() {
    static const std::string bytes = [] {
        std::string b(server().total_length, '\0');
        for (std::size_t i = 0; i < b.size(); ++i) {
            b[i] = static_cast<char>((i * 7 + 3) % 251);
        }
        return b;
    }();
    return bytes;
}

std::string piece_bytes(std::size_t i) {
    return content_bytes().substr(i * server().piece_length, server().piece_length);
}

content_layout test_layout() {
    return content_layout("fault", server().total_length, server().piece_length);
}

piece_hashes test_hashes() {
    const std::string& bytes = content_bytes();
    return hash_buffer(test_layout(), reinterpret_cast<const std::uint8_t*>(bytes.data()),
                       bytes.size(), hash_settings{});
}

}  // namespace p2pcdn::test
