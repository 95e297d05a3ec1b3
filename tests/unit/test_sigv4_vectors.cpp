// AWS Signature Version 4 against published vectors: the AWS signing test suite (the files
// under tests/data/aws-sigv4, whose README names their source) and the examples of the Amazon
// S3 API Reference.
#include "cdn/header_fields.hpp"
#include "cdn/sigv4.hpp"
#include "core/hex.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace p2pcdn;
using namespace p2pcdn::cdn;

namespace {

const std::filesystem::path suite_dir = std::filesystem::path(P2PCDN_TEST_DATA_DIR) / "aws-sigv4";
constexpr std::int64_t suite_time = 1440938160;  // 2015-08-30T12:36:00Z, the suite's timestamp
constexpr std::string_view suite_date = "20150830T123600Z";

// Every case directory, and whether the case normalises the path ("normalize" in the suite's
// context.json, which the store held for only some of them).
struct suite_case {
    const char* name;
    bool normalize;
};
constexpr suite_case suite_cases[] = {
    {"get-header-key-duplicate", true},
    {"get-header-value-order", true},
    {"get-header-value-trim", true},
    {"get-query-plus", true},
    {"get-relative-normalized", true},
    {"get-relative-relative-normalized", true},
    {"get-relative-relative-unnormalized", false},
    {"get-relative-unnormalized", false},
    {"get-slash-dot-slash-normalized", true},
    {"get-slash-dot-slash-unnormalized", false},
    {"get-slash-normalized", true},
    {"get-slash-pointless-dot-normalized", true},
    {"get-slash-pointless-dot-unnormalized", false},
    {"get-slash-unnormalized", false},
    {"get-slashes-normalized", true},
    {"get-slashes-unnormalized", false},
    {"get-space-normalized", true},
    {"get-unreserved", true},
    {"get-utf8", true},
    {"get-vanilla-empty-query-key", true},
    {"get-vanilla-query", true},
    {"get-vanilla-query-order-encoded", true},
    {"get-vanilla-query-order-key-case", true},
    {"get-vanilla-query-unreserved", true},
    {"get-vanilla-utf8-query", true},
    {"get-vanilla-with-session-token", true},
    {"post-header-key-sort", true},
    {"post-vanilla", true},
    {"post-x-www-form-urlencoded", true},
};

std::optional<std::string> read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string read_required(const std::filesystem::path& path) {
    std::optional<std::string> text = read_text(path);
    REQUIRE_MESSAGE(text.has_value(), "missing " << path.string());
    return *text;
}

// Some of the suite's files end in a newline that is not part of the text they hold.
std::string without_final_newline(std::string text) {
    if (!text.empty() && text.back() == '\n') {
        text.pop_back();
    }
    return text;
}

// A request as the suite writes it: "METHOD target HTTP/1.1", "Name:value" lines, an empty
// line, the body. The target may hold a raw space, so the version is cut from the end.
struct suite_request {
    std::string method;
    std::string target;
    std::string path;
    std::string query;
    http::header_list headers;
    std::string body;
};

suite_request parse_request(const std::string& text) {
    suite_request r;
    const std::size_t line_end = text.find('\n');
    REQUIRE(line_end != std::string::npos);
    const std::string line = text.substr(0, line_end);
    const std::size_t method_end = line.find(' ');
    const std::size_t version_start = line.rfind(" HTTP/1.1");
    REQUIRE(method_end != std::string::npos);
    REQUIRE(version_start != std::string::npos);
    REQUIRE(version_start > method_end);
    r.method = line.substr(0, method_end);
    r.target = line.substr(method_end + 1, version_start - method_end - 1);
    const std::size_t question = r.target.find('?');
    r.path = r.target.substr(0, question);
    if (question != std::string::npos) {
        r.query = r.target.substr(question + 1);
    }

    std::size_t pos = line_end + 1;
    while (pos < text.size()) {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        const std::string header = text.substr(pos, end - pos);
        pos = end + 1;
        if (header.empty()) {
            break;
        }
        const std::size_t colon = header.find(':');
        REQUIRE(colon != std::string::npos);
        r.headers.emplace_back(header.substr(0, colon), header.substr(colon + 1));
    }
    if (pos < text.size()) {
        r.body = text.substr(pos);
    }
    return r;
}

http::header_list without(http::header_list headers, std::initializer_list<const char*> names) {
    for (const char* name : names) {
        remove_header(headers, name);
    }
    return headers;
}

// Headers compared as a multiset: lowercase names, exact values, any order.
std::vector<std::pair<std::string, std::string>> normalized(const http::header_list& headers) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [name, value] : headers) {
        out.emplace_back(lowercase(name), value);
    }
    std::sort(out.begin(), out.end());
    return out;
}

sigv4_credentials suite_credentials(const std::filesystem::path& dir, bool normalize) {
    sigv4_credentials c;
    c.access_key_id = "AKIDEXAMPLE";
    c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    c.region = "us-east-1";
    c.service = "service";
    c.s3 = false;
    if (const auto context = read_text(dir / "context.json")) {
        rapidjson::Document doc;
        doc.Parse(context->data(), context->size());
        REQUIRE_FALSE(doc.HasParseError());
        CHECK(doc["normalize"].GetBool() == normalize);
        const auto& credentials = doc["credentials"];
        CHECK(credentials["access_key_id"].GetString() == c.access_key_id);
        CHECK(credentials["secret_access_key"].GetString() == c.secret_access_key);
        if (credentials.HasMember("token")) {
            c.session_token = credentials["token"].GetString();
        }
    }
    return c;
}

sigv4::rules suite_rules(bool normalize) {
    sigv4::rules r;
    r.normalize_path = normalize;
    r.double_encode_path = true;
    r.payload_header = false;
    r.sign_payload = true;
    return r;
}

// The header form through compute(): the signed request less its Authorization is what was
// signed, so the three steps and the Authorization value must come out byte for byte.
void check_header_steps(const std::filesystem::path& dir, const sigv4_credentials& credentials,
                        const sigv4::rules& rules) {
    const suite_request signed_request =
        parse_request(read_required(dir / "header-signed-request.txt"));
    const std::string* authorization = find_header(signed_request.headers, "Authorization");
    REQUIRE(authorization != nullptr);
    const http::header_list headers = without(signed_request.headers, {"Authorization"});
    const sigv4::signing_steps steps =
        sigv4::compute({signed_request.method, signed_request.path, signed_request.query, headers,
                        sha256_hex(signed_request.body)},
                       credentials, rules, suite_date);
    CHECK(steps.authorization == *authorization);
    if (const auto expected = read_text(dir / "header-canonical-request.txt")) {
        CHECK(steps.canonical_request == without_final_newline(*expected));
    }
    if (const auto expected = read_text(dir / "header-string-to-sign.txt")) {
        CHECK(steps.string_to_sign == without_final_newline(*expected));
    }
    if (const auto expected = read_text(dir / "header-signature.txt")) {
        CHECK(steps.signature == without_final_newline(*expected));
    }
}

// The header form through sign() on an http::request, as a driver uses it: the signer must
// add exactly the headers the suite's signed request has (X-Amz-Date, X-Amz-Security-Token,
// Authorization), with or without a Host header to start from.
void check_sign(const std::filesystem::path& dir, const sigv4_credentials& credentials,
                const sigv4::rules& rules) {
    const suite_request signed_request =
        parse_request(read_required(dir / "header-signed-request.txt"));
    // A URL cannot carry a raw space; those cases are checked through compute() only.
    if (signed_request.target.find(' ') != std::string::npos) {
        return;
    }
    const std::optional<std::string> request_text = read_text(dir / "request.txt");
    const suite_request unsigned_request =
        request_text ? parse_request(*request_text) : signed_request;

    http::request req;
    req.method = unsigned_request.method;
    req.url = "https://example.amazonaws.com" + unsigned_request.target;
    req.headers =
        without(unsigned_request.headers, {"Authorization", "X-Amz-Date", "X-Amz-Security-Token"});
    req.body = unsigned_request.body;
    http::request without_host = req;
    remove_header(without_host.headers, "Host");

    sigv4::sign(req, credentials, rules, suite_time);
    CHECK(normalized(req.headers) == normalized(signed_request.headers));

    sigv4::sign(without_host, credentials, rules, suite_time);
    CHECK(normalized(without_host.headers) == normalized(signed_request.headers));
}

// X-Amz-SignedHeaders holds lowercase names separated by an escaped ';'.
std::set<std::string> signed_header_names(const std::string& value) {
    std::set<std::string> names;
    std::size_t start = 0;
    while (start <= value.size()) {
        const std::size_t end = std::min(value.find("%3B", start), value.size());
        names.insert(value.substr(start, end - start));
        start = end + 3;
    }
    return names;
}

// The presigned (query) form, where the store holds its canonical request and string to sign:
// the signed request less X-Amz-Signature, with the headers X-Amz-SignedHeaders names, gives
// the three steps through the same functions.
void check_query_steps(const std::filesystem::path& dir, const sigv4_credentials& credentials,
                       const sigv4::rules& rules) {
    const std::optional<std::string> canonical = read_text(dir / "query-canonical-request.txt");
    if (!canonical) {
        return;
    }
    const suite_request q = parse_request(read_required(dir / "query-signed-request.txt"));
    std::string query;
    std::string expected_signature;
    std::set<std::string> signed_names;
    std::istringstream params(q.query);
    for (std::string param; std::getline(params, param, '&');) {
        const std::size_t eq = param.find('=');
        const std::string name = param.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : param.substr(eq + 1);
        if (name == "X-Amz-Signature") {
            expected_signature = value;
            continue;
        }
        if (name == "X-Amz-SignedHeaders") {
            signed_names = signed_header_names(value);
        }
        query += (query.empty() ? "" : "&") + param;
    }
    REQUIRE_FALSE(expected_signature.empty());
    REQUIRE_FALSE(signed_names.empty());
    http::header_list headers;
    for (const auto& header : q.headers) {
        if (signed_names.count(lowercase(header.first)) != 0) {
            headers.push_back(header);
        }
    }
    const sigv4::signing_steps steps = sigv4::compute(
        {q.method, q.path, query, headers, sha256_hex(q.body)}, credentials, rules, suite_date);
    CHECK(steps.canonical_request == without_final_newline(*canonical));
    CHECK(steps.string_to_sign == read_required(dir / "query-string-to-sign.txt"));
    CHECK(steps.signature == expected_signature);
}

}  // namespace

TEST_SUITE("cdn.sigv4_vectors") {
    TEST_CASE("sigv4 suite: every case directory is in the table, and the README is there") {
        std::set<std::string> listed;
        for (const suite_case& c : suite_cases) {
            listed.insert(c.name);
        }
        std::set<std::string> present;
        for (const auto& entry : std::filesystem::directory_iterator(suite_dir)) {
            if (entry.is_directory()) {
                present.insert(entry.path().filename().string());
            }
        }
        CHECK(present == listed);
        CHECK(std::filesystem::is_regular_file(suite_dir / "README.md"));
        CHECK(listed.size() >= 10);
    }

    TEST_CASE("sigv4 suite: canonical request, string to sign and signature of every case") {
        for (const suite_case& c : suite_cases) {
            const std::string name = c.name;
            CAPTURE(name);
            const std::filesystem::path dir = suite_dir / c.name;
            const sigv4_credentials credentials = suite_credentials(dir, c.normalize);
            const sigv4::rules rules = suite_rules(c.normalize);
            check_header_steps(dir, credentials, rules);
            check_sign(dir, credentials, rules);
            check_query_steps(dir, credentials, rules);
        }
    }

    TEST_CASE("sigv4 suite: a wrong credential, date or rule changes the signature") {
        // Guards the vector checks above against passing for a reason other than the algorithm.
        const std::filesystem::path dir = suite_dir / "get-relative-unnormalized";
        const suite_request r = parse_request(read_required(dir / "header-signed-request.txt"));
        const std::string expected = *find_header(r.headers, "Authorization");
        const http::header_list headers = without(r.headers, {"Authorization"});
        const std::string payload_hash = sha256_hex(r.body);
        const sigv4::request_view view{r.method, r.path, r.query, headers, payload_hash};
        sigv4_credentials credentials = suite_credentials(dir, false);

        CHECK(sigv4::compute(view, credentials, suite_rules(false), suite_date).authorization ==
              expected);
        CHECK(sigv4::compute(view, credentials, suite_rules(true), suite_date).authorization !=
              expected);
        CHECK(sigv4::compute(view, credentials, suite_rules(false), "20150830T123601Z")
                  .authorization != expected);
        credentials.secret_access_key.back() = 'X';
        CHECK(sigv4::compute(view, credentials, suite_rules(false), suite_date).authorization !=
              expected);
    }

    // The examples of "Signature Calculations for the Authorization Header: Transferring Payload
    // in a Single Chunk (AWS Signature Version 4)", Amazon S3 API Reference,
    // https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
    TEST_CASE("sigv4 S3 documentation examples") {
        sigv4_credentials credentials;
        credentials.access_key_id = "AKIAIOSFODNN7EXAMPLE";
        credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        credentials.region = "us-east-1";
        credentials.service = "s3";
        const std::int64_t time = 1369353600;  // 2013-05-24T00:00:00Z

        struct example {
            const char* what;
            const char* method;
            const char* url;
            http::header_list headers;
            const char* body;
            const char* signed_headers;
            const char* signature;
        };
        const example examples[] = {
            {"GET Object with a range",
             "GET",
             "https://examplebucket.s3.amazonaws.com/test.txt",
             {{"Range", "bytes=0-9"}},
             "",
             "host;range;x-amz-content-sha256;x-amz-date",
             "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"},
            {"PUT Object",
             "PUT",
             "https://examplebucket.s3.amazonaws.com/test$file.text",
             {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
              {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
             "Welcome to Amazon S3.",
             "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
             "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"},
            {"GET Bucket lifecycle",
             "GET",
             "https://examplebucket.s3.amazonaws.com/?lifecycle",
             {},
             "",
             "host;x-amz-content-sha256;x-amz-date",
             "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
            {"GET Bucket (list objects)",
             "GET",
             "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J",
             {},
             "",
             "host;x-amz-content-sha256;x-amz-date",
             "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"},
        };
        for (const example& e : examples) {
            const std::string what = e.what;
            CAPTURE(what);
            http::request req;
            req.method = e.method;
            req.url = e.url;
            req.headers = e.headers;
            req.body = e.body;
            const sigv4::signing_steps steps =
                sigv4::sign(req, credentials, sigv4::rules_for(credentials), time);
            CHECK(steps.signature == e.signature);
            CHECK(steps.authorization ==
                  std::string("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/"
                              "s3/aws4_request, SignedHeaders=") +
                      e.signed_headers + ", Signature=" + e.signature);
            CHECK(*find_header(req.headers, "Authorization") == steps.authorization);
            CHECK(*find_header(req.headers, "x-amz-date") == "20130524T000000Z");
            CHECK(*find_header(req.headers, "x-amz-content-sha256") == sha256_hex(e.body));
            CHECK(*find_header(req.headers, "host") == "examplebucket.s3.amazonaws.com");
        }

        SUBCASE("the intermediate steps the page shows for GET Object") {
            http::request req;
            req.url = "https://examplebucket.s3.amazonaws.com/test.txt";
            req.headers = {{"Range", "bytes=0-9"}};
            const sigv4::signing_steps steps =
                sigv4::sign(req, credentials, sigv4::rules_for(credentials), time);
            CHECK(steps.canonical_request ==
                  "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
                  "x-amz-content-sha256:"
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
                  "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
            CHECK(steps.string_to_sign ==
                  "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
                  "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
        }

        SUBCASE("S3 signs the key, so an escaped '$' gives the same signature") {
            http::request req;
            req.method = "PUT";
            req.url = "https://examplebucket.s3.amazonaws.com/test%24file.text";
            req.headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                           {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
            req.body = "Welcome to Amazon S3.";
            const sigv4::signing_steps steps =
                sigv4::sign(req, credentials, sigv4::rules_for(credentials), time);
            CHECK(steps.signature ==
                  "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
            CHECK(steps.canonical_request.rfind("PUT\n/test%24file.text\n\n", 0) == 0);
        }
    }

    // The derivation example of the AWS General Reference ("Examples of how to derive a signing
    // key for Signature Version 4"): 20120215, us-east-1, iam.
    TEST_CASE("sigv4 signing key derivation example") {
        const sha256_digest key = sigv4::signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                                     "20120215", "us-east-1", "iam");
        CHECK(hex::encode(key.data(), key.size()) ==
              "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    }

}  // TEST_SUITE
