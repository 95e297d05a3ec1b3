// The fault server's ports and test content, for the integration tests (fault_server.py).
#pragma once

#include "core/content_layout.hpp"
#include "core/piece_hashes.hpp"

#include <cstdint>
#include <string>

namespace p2pcdn::test {

struct fault_server {
    int http = 0;
    int https = 0;
    int other = 0;
    int closed = 0;
    std::string ca_file;
    std::string ca_path;
    std::uint64_t total_length = 0;
    std::uint32_t piece_length = 0;

    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(http) + path;
    }
    std::string tls_url(const std::string& path) const {
        return "https://127.0.0.1:" + std::to_string(https) + path;
    }
};

// Read once from the file named by P2PCDN_FAULT_SERVER; the test fails when it is not set.
const fault_server& server();

// The server's content object (byte i = (i * 7 + 3) % 251), its layout and SHA-1 hashes.
const std::string& content_bytes();
std::string piece_bytes(std::size_t i);
content_layout test_layout();
piece_hashes test_hashes();

}  // namespace p2pcdn::test
