#include "core/piece_hasher.hpp"

#include "core/error.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <system_error>

namespace p2pcdn {

namespace {

[[noreturn]] void fail_openssl(const char* call) {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        fail(errc::error, "{} failed", call);
    }
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    fail(errc::error, "{} failed: {}", call, text);
}

std::string errno_text(int err) { return std::generic_category().message(err); }

struct md_free {
    void operator()(EVP_MD* md) const noexcept { EVP_MD_free(md); }
};
using md_ptr = std::unique_ptr<EVP_MD, md_free>;

struct md_ctx_free {
    void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_free>;

md_ptr fetch(const char* name) {
    md_ptr md(EVP_MD_fetch(nullptr, name, nullptr));
    if (!md) {
        fail_openssl("EVP_MD_fetch");
    }
    return md;
}

// An explicit fetch, done once: the EVP_sha1()-style implicit fetch repeats the provider
// lookup on every EVP_DigestInit, which costs more than hashing a small piece. Function-local
// statics make the first fetch thread-safe, and a failed fetch is retried on the next call.
const EVP_MD* message_digest(hash_algo algo) {
    switch (algo) {
    case hash_algo::sha1: {
        static const md_ptr md = fetch("SHA1");
        return md.get();
    }
    case hash_algo::sha256: {
        static const md_ptr md = fetch("SHA256");
        return md.get();
    }
    case hash_algo::none:
        break;
    }
    digest_size(algo);  // throws with the supported list
    fail(errc::invalid, "hash algorithm {} is not supported", static_cast<int>(algo));
}

// One context per call, reinitialised for each piece, so hashing allocates nothing per piece.
class digester {
public:
    explicit digester(hash_algo algo) : md_(message_digest(algo)), ctx_(EVP_MD_CTX_new()) {
        if (!ctx_) {
            fail_openssl("EVP_MD_CTX_new");
        }
    }

    void begin() {
        if (EVP_DigestInit_ex2(ctx_.get(), md_, nullptr) != 1) {
            fail_openssl("EVP_DigestInit_ex2");
        }
    }
    void update(const std::uint8_t* data, std::size_t len) {
        if (EVP_DigestUpdate(ctx_.get(), data, len) != 1) {
            fail_openssl("EVP_DigestUpdate");
        }
    }
    void finish(std::uint8_t* out) {
        unsigned int len = 0;
        if (EVP_DigestFinal_ex(ctx_.get(), out, &len) != 1) {
            fail_openssl("EVP_DigestFinal_ex");
        }
    }
    void digest(const std::uint8_t* data, std::size_t len, std::uint8_t* out) {
        begin();
        update(data, len);
        finish(out);
    }

private:
    const EVP_MD* md_;
    md_ctx_ptr ctx_;
};

class file_descriptor {
public:
    explicit file_descriptor(int fd) noexcept : fd_(fd) {}
    file_descriptor(const file_descriptor&) = delete;
    file_descriptor& operator=(const file_descriptor&) = delete;
    ~file_descriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const noexcept { return fd_; }

private:
    int fd_;
};

void report_progress(const hash_settings& settings, std::uint64_t done, std::uint64_t total) {
    if (settings.progress && !settings.progress(done, total)) {
        fail(errc::user, "hashing stopped by the progress callback");
    }
}

void check_read_size(std::size_t read_size) {
    if (read_size == 0) {
        fail(errc::invalid, "read size 0 is not allowed");
    }
    if (read_size > hash_settings::max_read_size) {
        fail(errc::invalid, "read size {} is above the maximum {}", read_size,
             hash_settings::max_read_size);
    }
}

std::uint64_t regular_size(const struct stat& st, const std::string& path) {
    if (!S_ISREG(st.st_mode)) {
        fail(errc::io, "{} is not a regular file", path);
    }
    return static_cast<std::uint64_t>(st.st_size);
}

// Returns 0 only at end of file.
std::size_t read_some(int fd, std::uint8_t* buffer, std::size_t len, const std::string& path) {
    for (;;) {
        const ssize_t n = ::read(fd, buffer, len);
        if (n >= 0) {
            return static_cast<std::size_t>(n);
        }
        if (errno != EINTR) {
            fail(errc::io, "cannot read {}: {}", path, errno_text(errno));
        }
    }
}

}  // namespace

piece_hashes hash_buffer(const content_layout& layout, const std::uint8_t* data, std::size_t len,
                         const hash_settings& settings) {
    if (len != layout.total_length()) {
        fail(errc::invalid, "buffer is {} bytes, the content is {} bytes", len,
             layout.total_length());
    }
    if (data == nullptr) {
        fail(errc::invalid, "buffer is null");
    }
    piece_hashes hashes(settings.algo, layout.piece_count());
    digester hasher(settings.algo);
    for (std::size_t i = 0; i < layout.piece_count(); ++i) {
        const byte_range range = layout.piece_range(i);
        hasher.digest(data + range.offset, range.length, hashes.digest(i));
        report_progress(settings, range.offset + range.length, layout.total_length());
    }
    return hashes;
}

piece_hashes hash_file(const content_layout& layout, const std::string& path,
                       const hash_settings& settings) {
    check_read_size(settings.read_size);
    piece_hashes hashes(settings.algo, layout.piece_count());
    digester hasher(settings.algo);

    // O_NONBLOCK keeps a FIFO from blocking the open; it is rejected below as not regular, and
    // the flag has no effect on regular files.
    file_descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
        fail(errc::io, "cannot open {}: {}", path, errno_text(errno));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        fail(errc::io, "cannot stat {}: {}", path, errno_text(errno));
    }
    const std::uint64_t total = layout.total_length();
    const std::uint64_t size = regular_size(st, path);
    if (size != total) {
        fail(errc::invalid, "file {} is {} bytes, the content is {} bytes", path, size, total);
    }
    // Only a hint to double the read-ahead window; hashing is correct without it.
    (void)::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);

    // A small file gets a small buffer; a large one never gets more than read_size.
    const auto buffer_size =
        static_cast<std::size_t>(std::min<std::uint64_t>(settings.read_size, total));
    const std::unique_ptr<std::uint8_t[]> buffer(new std::uint8_t[buffer_size]);

    std::size_t piece = 0;
    std::uint64_t piece_left = layout.piece_range(0).length;
    std::uint64_t done = 0;
    hasher.begin();
    // Reads until end of file rather than until `total` bytes, so a file that grew is noticed.
    for (;;) {
        const std::size_t got = read_some(fd.get(), buffer.get(), buffer_size, path);
        if (got == 0) {
            break;
        }
        if (got > total - done) {
            fail(errc::invalid, "file {} grew while it was hashed, beyond the content's {} bytes",
                 path, total);
        }
        const std::uint8_t* chunk = buffer.get();
        std::size_t left = got;
        while (left > 0) {
            const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(left, piece_left));
            hasher.update(chunk, take);
            chunk += take;
            left -= take;
            piece_left -= take;
            done += take;
            if (piece_left == 0) {
                hasher.finish(hashes.digest(piece));
                report_progress(settings, done, total);
                if (++piece < layout.piece_count()) {
                    piece_left = layout.piece_range(piece).length;
                    hasher.begin();
                }
            }
        }
    }
    if (done != total) {
        fail(errc::invalid, "file {} shrank to {} bytes while it was hashed, expected {}", path,
             done, total);
    }
    return hashes;
}

std::uint64_t file_size(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        fail(errc::io, "cannot stat {}: {}", path, errno_text(errno));
    }
    return regular_size(st, path);
}

bool verify_piece(const content_layout& layout, const piece_hashes& hashes, std::size_t i,
                  const std::uint8_t* data, std::size_t len) {
    if (hashes.empty()) {
        fail(errc::invalid, "the content has no piece hashes");
    }
    if (hashes.piece_count() != layout.piece_count()) {
        fail(errc::invalid, "hash list has {} pieces, the content has {}", hashes.piece_count(),
             layout.piece_count());
    }
    const byte_range range = layout.piece_range(i);
    if (len != range.length || data == nullptr) {
        return false;
    }
    std::uint8_t digest[EVP_MAX_MD_SIZE];
    digester(hashes.algo()).digest(data, len, digest);
    return CRYPTO_memcmp(digest, hashes.digest(i), digest_size(hashes.algo())) == 0;
}

}  // namespace p2pcdn
