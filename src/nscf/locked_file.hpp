// A file held under an exclusive flock(2), with the few POSIX operations the holdings journal
// needs. Every failure throws errc::io naming the path, the operation and strerror; a lock
// another open file holds throws errc::state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace p2pcdn::nscf {

class locked_file {
public:
    // Opens `path` read-write, creating it (mode 0600) when missing, and locks it. Once
    // locked, the path must still name the same file: a journal compacted by its owner in the
    // meantime is opened again, so the lock held is never that of a replaced file.
    static locked_file open(const std::string& path);
    // Creates or empties `path` (mode 0600) and locks it: compaction's temporary file, locked
    // before it replaces the journal so the lock never lapses.
    static locked_file create(const std::string& path);

    locked_file(locked_file&& other) noexcept;
    locked_file& operator=(locked_file&& other) noexcept;
    locked_file(const locked_file&) = delete;
    locked_file& operator=(const locked_file&) = delete;
    ~locked_file();  // closes, which releases the lock

    const std::string& path() const noexcept { return path_; }
    std::uint64_t size() const;
    // The whole file; errc::limit when it is above max_bytes.
    std::string read_all(std::uint64_t max_bytes) const;
    // All of `data` at `offset`, short writes and EINTR retried.
    void write_at(std::uint64_t offset, std::string_view data);
    void truncate(std::uint64_t size);
    void sync();  // fsync(2)
    // rename(2) of the file to `path` (atomic within a directory); path() follows.
    void rename_to(const std::string& path);

private:
    locked_file(int fd, std::string path) noexcept : fd_(fd), path_(std::move(path)) {}
    void close() noexcept;

    int fd_ = -1;
    std::string path_;
};

// fsync(2) of the directory holding `path`, so a file created or renamed there persists.
void sync_directory_of(const std::string& path);
// unlink(2); a missing file is not an error. True when it removed something.
bool remove_file(const std::string& path);

}  // namespace p2pcdn::nscf
