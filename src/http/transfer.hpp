// One transfer: a libcurl easy handle set up from the client's settings and one request, the
// callbacks that collect the answer, and the response built when libcurl is done with it.
#pragma once

#include "http/config.hpp"
#include "http/message.hpp"

#include <curl/curl.h>

#include <cstdint>
#include <functional>
#include <string>

namespace p2pcdn::http {

using completion = std::function<void(response&)>;

class transfer {
public:
    transfer(std::uint64_t id, request req, completion done, std::string origin);
    ~transfer();
    transfer(const transfer&) = delete;
    transfer& operator=(const transfer&) = delete;

    std::uint64_t id() const noexcept { return id_; }
    const std::string& origin() const noexcept { return origin_; }
    CURL* easy() const noexcept { return easy_; }
    completion& done() noexcept { return done_; }

    // Configures `easy` (fresh or reset) for this transfer; the transfer now uses it. The
    // body is received into `buffer` (emptied; its capacity is what is wanted).
    void attach(CURL* easy, const client_config& config, std::string buffer = {});
    // Gives the easy handle back (reset, ready for another transfer) and forgets it.
    CURL* detach() noexcept;
    // Builds the response from libcurl's result for this transfer.
    response finish(CURLcode result);

private:
    static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self);
    static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self);
    static curl_socket_t on_open_socket(void* self, curlsocktype purpose,
                                        struct curl_sockaddr* address);
    std::string describe_failure(CURLcode result) const;

    std::uint64_t id_;
    request req_;
    completion done_;
    std::string origin_;
    CURL* easy_ = nullptr;
    curl_slist* header_list_ = nullptr;
    std::uint64_t limit_ = 0;
    bool refuse_private_ = false;
    bool over_limit_ = false;
    std::string refused_;  // why the url policy refused an address, if it did
    response res_;
    std::vector<std::string> visited_;  // URLs that answered, in order
    char errbuf_[CURL_ERROR_SIZE] = {};
};

}  // namespace p2pcdn::http
