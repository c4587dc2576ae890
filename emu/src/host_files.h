// The guest's read-only view of one host directory (--root) as its `/`.
//
// Paths are resolved here one component at a time, as Linux resolves them
// for a chrooted process: `..` at the root stays at the root, a symlink is
// read and its target resolved inside the root (an absolute target starts
// again at the root), so no path reaches outside it. /dev/null and
// /dev/zero exist whatever the directory holds, and without --root they
// are all there is.
#pragma once
#include <slowpath/abi.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace slowpath {

class HostFiles {
 public:
    // Throws std::invalid_argument when `root` is given and is not a directory.
    explicit HostFiles(std::string root);
    ~HostFiles();
    HostFiles(const HostFiles&) = delete;
    HostFiles& operator=(const HostFiles&) = delete;

    struct Found {
        int64_t handle = 0;  // or -errno
        uint32_t kind = SP_HOSTIO_KIND_FILE;
        abi::sp_linux_stat st{};
        bool parent_exists = false;  // -ENOENT for the last component only
    };
    Found lookup(uint64_t base, const std::string& path, bool follow_last);
    int64_t pread(uint64_t handle, uint64_t offset, size_t len, std::string* out);
    // linux_dirent64 records from entry *index on, at most len bytes.
    int64_t getdents(uint64_t handle, uint64_t* index, size_t len, std::string* out);
    int64_t readlink(uint64_t handle, std::string* out);
    int64_t fstat(uint64_t handle, abi::sp_linux_stat* st);
    int64_t access(uint64_t handle, int mode);

 private:
    using Parts = std::vector<std::string>;
    int node_stat(const Parts& parts, abi::sp_linux_stat* st, uint32_t* kind) const;
    std::string host_path(const Parts& parts) const;
    bool is_virtual(const Parts& parts) const;
    const Parts* parts_of(uint64_t handle) const;
    int64_t handle_for(const Parts& parts);

    std::string root_;  // empty: no --root
    std::vector<Parts> handles_;
    std::map<Parts, uint64_t> handle_of_;
    std::map<uint64_t, int> open_fds_;  // host descriptors of files read so far
};

}  // namespace slowpath
