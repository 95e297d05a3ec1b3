// What the NSCF lab tests and the crash test's child share: the lab's addresses (lab.json), a
// content served by the lab's origin as the CSS, a controller config against the lab, and the
// invariant checks made against the objects really on the origin and the edges.
#pragma once

#include "cdn/client.hpp"
#include "core/piece_hasher.hpp"
#include "http/client.hpp"
#include "nscf/controller.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace p2pcdn::test::nscf_lab {

namespace fs = std::filesystem;

struct lab_info {
    fs::path docroot;
    std::string origin;
    std::string redirector;
    std::string varnish;  // empty: the lab runs without Varnish
    fs::path ingest_log;  // what each PUT and DELETE at the origin carried; empty: none
};

inline std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline lab_info read_lab(const char* path) {
    if (path == nullptr) {
        throw std::runtime_error("P2PCDN_CDN_LAB is not set: run through ctest");
    }
    rapidjson::Document doc;
    const std::string text = read_text(path);
    doc.Parse(text.c_str());
    if (doc.HasParseError() || !doc.IsObject()) {
        throw std::runtime_error("lab.json is not JSON");
    }
    lab_info lab;
    lab.docroot = doc["docroot"].GetString();
    lab.origin = doc["origin"]["url"].GetString();
    lab.redirector = doc["redirector"]["url"].GetString();
    if (doc["origin"].HasMember("ingest_log") && doc["origin"]["ingest_log"].IsString()) {
        lab.ingest_log = doc["origin"]["ingest_log"].GetString();
    }
    if (doc.HasMember("varnish") && doc["varnish"].IsObject()) {
        lab.varnish = doc["varnish"]["url"].GetString();
    }
    return lab;
}

constexpr std::uint32_t piece_length = 16384;

// A content of `pieces` pieces (the last one shorter), the same bytes every time, put on the
// origin as the CSS object unless it is already there.
inline content_layout make_content(const lab_info& lab, const std::string& id, std::size_t pieces,
                                   piece_hashes& hashes) {
    std::string whole((pieces - 1) * piece_length + 5000, '\0');
    std::uint32_t x = 2463534242u;
    for (char& b : whole) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b = static_cast<char>(x);
    }
    const fs::path file = lab.docroot / "css" / (id + ".bin");
    std::error_code ec;
    if (fs::file_size(file, ec) != whole.size()) {
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << whole;
    }
    content_layout layout(id, whole.size(), piece_length);
    hashes =
        hash_buffer(layout, reinterpret_cast<const std::uint8_t*>(whole.data()), whole.size(), {});
    return layout;
}

inline std::string piece_path(const std::string& id, std::size_t piece) {
    return "/pieces/" + id + "/" + std::to_string(piece);
}

// Ingest at the origin (WebDAV PUT), delivery through the redirector, purge by origin DELETE
// then PURGE at Varnish.
inline nscf::controller_config lab_controller_config(const lab_info& lab,
                                                     const content_layout& layout,
                                                     const piece_hashes& hashes,
                                                     const std::string& journal_path) {
    nscf::controller_config c;
    c.layout = layout;
    c.hashes = hashes;
    c.css.object_url = lab.origin + "/css/" + layout.id() + ".bin";
    c.cdn.delivery_template = lab.redirector + "/pieces/{content}/{piece}";
    c.cdn.origin = cdn::origin_config{};
    c.cdn.origin->ingest_template = lab.origin + "/pieces/{content}/{piece}";
    c.cdn.retry.base_delay_ms = 20;
    c.cdn.retry.max_delay_ms = 200;
    c.cdn.request_timeout_ms = 5000;
    if (!lab.varnish.empty()) {
        c.cdn.edge = cdn::edge_config{};
        c.cdn.edge->edges = {lab.varnish};
        c.cdn.purge_chain = {cdn::driver_kind::origin, cdn::driver_kind::edge};
    }
    c.journal_path = journal_path;
    c.controller_id = "ccs1";
    c.safety_margin_ms = 5000;
    c.link_retry_ms = 50;
    c.purge_retry_ms = 50;
    c.self.peer_id = "nscf-ccs1";
    c.self.port = 6881;
    return c;
}

inline http::response lab_request(const std::string& method, const std::string& url) {
    static http::client reader(http::client_config{});
    http::request req;
    req.method = method;
    req.url = url;
    return reader.perform(req);
}

// The pieces of the content the origin's document root holds.
inline std::vector<std::size_t> origin_pieces(const lab_info& lab, const std::string& id) {
    std::vector<std::size_t> out;
    const fs::path dir = lab.docroot / "pieces" / id;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") == std::string::npos) {
            out.push_back(std::stoul(name));
        }
    }
    return out;
}

// The ingest log's lines for `method` (PUT, DELETE) of the origin path `path`, oldest first.
inline std::vector<std::string> ingest_log_lines(const lab_info& lab, const std::string& method,
                                                 const std::string& path) {
    std::vector<std::string> out;
    std::ifstream in(lab.ingest_log);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(method + " " + path + " ", 0) == 0) {
            out.push_back(line);
        }
    }
    return out;
}

// The seconds since the origin last wrote a piece's object (its upload), or -1 when absent.
inline double origin_age_s(const lab_info& lab, const std::string& id, std::size_t piece) {
    std::error_code ec;
    const auto written =
        fs::last_write_time(lab.docroot / "pieces" / id / std::to_string(piece), ec);
    if (ec) {
        return -1;
    }
    return std::chrono::duration<double>(fs::file_time_type::clock::now() - written).count();
}

}  // namespace p2pcdn::test::nscf_lab
