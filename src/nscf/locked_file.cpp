#include "nscf/locked_file.hpp"

#include "core/error.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <utility>

namespace p2pcdn::nscf {
namespace {

constexpr mode_t file_mode = 0600;
// Each try loses only to a compaction of the same journal finishing in between.
constexpr int max_open_tries = 8;

[[noreturn]] void fail_io(const std::string& path, const char* operation, int err) {
    fail(errc::io, "{} {} failed: {}", operation, path, std::system_category().message(err));
}

void close_fd(int fd) noexcept {
    // Linux releases the descriptor even when close() reports EINTR; retrying could close
    // another thread's new descriptor.
    ::close(fd);
}

// Locks `fd` or throws; closes it when throwing.
void lock(int fd, const std::string& path) {
    int rc;
    do {
        rc = ::flock(fd, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc == 0) {
        return;
    }
    const int err = errno;
    close_fd(fd);
    if (err == EWOULDBLOCK) {
        fail(errc::state, "journal {} is locked by another controller", path);
    }
    fail_io(path, "flock", err);
}

int open_fd(const std::string& path, int flags) {
    int fd;
    do {
        fd = ::open(path.c_str(), flags | O_RDWR | O_CLOEXEC, file_mode);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        fail_io(path, "open", errno);
    }
    return fd;
}

}  // namespace

locked_file locked_file::open(const std::string& path) {
    for (int attempt = 0; attempt < max_open_tries; ++attempt) {
        const int fd = open_fd(path, O_CREAT);
        lock(fd, path);
        struct stat held {};
        struct stat named {};
        if (::fstat(fd, &held) != 0) {
            const int err = errno;
            close_fd(fd);
            fail_io(path, "fstat", err);
        }
        if (::stat(path.c_str(), &named) == 0 && named.st_dev == held.st_dev &&
            named.st_ino == held.st_ino) {
            return locked_file(fd, path);
        }
        close_fd(fd);  // replaced (or removed) between open and lock: open the new one
    }
    fail(errc::state, "journal {} was replaced {} times while being opened", path, max_open_tries);
}

locked_file locked_file::create(const std::string& path) {
    const int fd = open_fd(path, O_CREAT | O_TRUNC);
    lock(fd, path);
    return locked_file(fd, path);
}

locked_file::locked_file(locked_file&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

locked_file& locked_file::operator=(locked_file&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
    }
    return *this;
}

locked_file::~locked_file() {
    close();
}

void locked_file::close() noexcept {
    if (fd_ >= 0) {
        close_fd(fd_);
        fd_ = -1;
    }
}

std::uint64_t locked_file::size() const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        fail_io(path_, "fstat", errno);
    }
    return static_cast<std::uint64_t>(st.st_size);
}

std::string locked_file::read_all(std::uint64_t max_bytes) const {
    const std::uint64_t total = size();
    if (total > max_bytes) {
        fail(errc::limit, "journal {} is {} bytes, above the limit {}", path_, total, max_bytes);
    }
    std::string out(static_cast<std::size_t>(total), '\0');
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n =
            ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            fail_io(path_, "read", errno);
        }
        if (n == 0) {
            break;  // shrank since fstat: what is there is the file
        }
        done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    return out;
}

void locked_file::write_at(std::uint64_t offset, std::string_view data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done,
                                   static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            fail_io(path_, "write", errno);
        }
        done += static_cast<std::size_t>(n);
    }
}

void locked_file::truncate(std::uint64_t size) {
    int rc;
    do {
        rc = ::ftruncate(fd_, static_cast<off_t>(size));
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        fail_io(path_, "ftruncate", errno);
    }
}

void locked_file::sync() {
    if (::fsync(fd_) != 0) {
        fail_io(path_, "fsync", errno);
    }
}

void sync_directory_of(const std::string& path) {
    std::string dir = std::filesystem::path(path).parent_path().string();
    if (dir.empty()) {
        dir = ".";
    }
    int fd;
    do {
        fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        fail_io(dir, "open directory", errno);
    }
    if (::fsync(fd) != 0) {
        const int err = errno;
        close_fd(fd);
        fail_io(dir, "fsync directory", err);
    }
    close_fd(fd);
}

void locked_file::rename_to(const std::string& path) {
    if (::rename(path_.c_str(), path.c_str()) != 0) {
        fail_io(path_ + " to " + path, "rename", errno);
    }
    path_ = path;
}

bool remove_file(const std::string& path) {
    if (::unlink(path.c_str()) == 0) {
        return true;
    }
    if (errno == ENOENT) {
        return false;
    }
    fail_io(path, "unlink", errno);
}

}  // namespace p2pcdn::nscf
