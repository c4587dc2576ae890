#include "host_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <stdexcept>

namespace slowpath {

namespace {

constexpr int kMaxSymlinks = 40;  // Linux's MAXSYMLINKS
constexpr size_t kNameMax = 255;

abi::sp_linux_stat from_host(const struct stat& s) {
    abi::sp_linux_stat st{};
    st.st_dev = s.st_dev;
    st.st_ino = s.st_ino;
    st.st_nlink = s.st_nlink;
    st.st_mode = s.st_mode;
    st.st_uid = s.st_uid;
    st.st_gid = s.st_gid;
    st.st_rdev = s.st_rdev;
    st.st_size = s.st_size;
    st.st_blksize = s.st_blksize;
    st.st_blocks = s.st_blocks;
    st.st_atime_sec = static_cast<uint64_t>(s.st_atim.tv_sec);
    st.st_atime_nsec = static_cast<uint64_t>(s.st_atim.tv_nsec);
    st.st_mtime_sec = static_cast<uint64_t>(s.st_mtim.tv_sec);
    st.st_mtime_nsec = static_cast<uint64_t>(s.st_mtim.tv_nsec);
    st.st_ctime_sec = static_cast<uint64_t>(s.st_ctim.tv_sec);
    st.st_ctime_nsec = static_cast<uint64_t>(s.st_ctim.tv_nsec);
    return st;
}

std::deque<std::string> split(const std::string& path) {
    std::deque<std::string> out;
    size_t i = 0;
    while (i <= path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        if (j > i) out.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

uint8_t dirent_type(uint32_t mode) {
    switch (mode & S_IFMT) {
        case S_IFDIR:
            return 4;
        case S_IFREG:
            return 8;
        case S_IFLNK:
            return 10;
        case S_IFCHR:
            return 2;
        case S_IFBLK:
            return 6;
        case S_IFIFO:
            return 1;
        case S_IFSOCK:
            return 12;
        default:
            return 0;
    }
}

}  // namespace

HostFiles::HostFiles(std::string root) : root_(std::move(root)) {
    if (root_.empty()) return;
    struct stat s {};
    if (::stat(root_.c_str(), &s) != 0 || !S_ISDIR(s.st_mode))
        throw std::invalid_argument("--root: '" + root_ + "' is not a directory");
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

HostFiles::~HostFiles() {
    for (const auto& [handle, fd] : open_fds_) ::close(fd);
}

// The directories and devices that exist whatever --root holds.
bool HostFiles::is_virtual(const Parts& parts) const {
    if (parts.size() == 2 && parts[0] == "dev" && (parts[1] == "null" || parts[1] == "zero"))
        return true;
    if (root_.empty()) return parts.empty() || (parts.size() == 1 && parts[0] == "dev");
    return false;
}

std::string HostFiles::host_path(const Parts& parts) const {
    std::string p = root_;
    for (const auto& part : parts) p += "/" + part;
    return p;
}

// lstat of a node of the view: 0 or -errno.
int HostFiles::node_stat(const Parts& parts, abi::sp_linux_stat* st, uint32_t* kind) const {
    *kind = SP_HOSTIO_KIND_FILE;
    if (is_virtual(parts)) {
        *st = {};
        st->st_nlink = 1;
        st->st_blksize = 4096;
        if (parts.size() == 2) {
            *kind = parts[1] == "null" ? SP_HOSTIO_KIND_NULL : SP_HOSTIO_KIND_ZERO;
            st->st_mode = S_IFCHR | 0666;
            st->st_rdev = parts[1] == "null" ? 0x103 : 0x105;
        } else {
            st->st_mode = S_IFDIR | 0755;
            st->st_nlink = 2;
            st->st_ino = parts.size() + 1;
        }
        return 0;
    }
    if (root_.empty()) return -ENOENT;
    struct stat s {};
    if (::lstat(host_path(parts).c_str(), &s) != 0) {
        // The devices' directory exists even when the root has none.
        if (errno == ENOENT && parts.size() == 1 && parts[0] == "dev") {
            *st = {};
            st->st_mode = S_IFDIR | 0755;
            st->st_nlink = 2;
            st->st_blksize = 4096;
            return 0;
        }
        return -errno;
    }
    *st = from_host(s);
    return 0;
}

const HostFiles::Parts* HostFiles::parts_of(uint64_t handle) const {
    return handle < handles_.size() ? &handles_[handle] : nullptr;
}

int64_t HostFiles::handle_for(const Parts& parts) {
    auto it = handle_of_.find(parts);
    if (it != handle_of_.end()) return static_cast<int64_t>(it->second);
    handles_.push_back(parts);
    handle_of_[parts] = handles_.size() - 1;
    return static_cast<int64_t>(handles_.size() - 1);
}

HostFiles::Found HostFiles::lookup(uint64_t base, const std::string& path, bool follow_last) {
    Found f;
    Parts cur;
    if (path.empty() || path[0] != '/') {
        if (base != SP_HOSTIO_CWD) {
            const Parts* p = parts_of(base);
            if (!p) {
                f.handle = -EBADF;
                return f;
            }
            cur = *p;
        }
    }
    std::deque<std::string> todo = split(path);
    bool must_be_dir = !path.empty() && path.back() == '/';
    int links = 0;
    abi::sp_linux_stat st{};
    uint32_t kind = SP_HOSTIO_KIND_FILE;
    int err = node_stat(cur, &st, &kind);
    while (!err && !todo.empty()) {
        std::string name = todo.front();
        todo.pop_front();
        bool last = todo.empty();
        if (name.size() > kNameMax) {
            err = -ENAMETOOLONG;
            break;
        }
        if ((st.st_mode & S_IFMT) != S_IFDIR) {
            err = -ENOTDIR;
            break;
        }
        if (name == ".") continue;
        if (name == "..") {
            if (!cur.empty()) cur.pop_back();  // the root's parent is the root
            err = node_stat(cur, &st, &kind);
            continue;
        }
        Parts next = cur;
        next.push_back(name);
        abi::sp_linux_stat nst{};
        err = node_stat(next, &nst, &kind);
        if (err) {
            f.parent_exists = last && err == -ENOENT;
            break;
        }
        if ((nst.st_mode & S_IFMT) == S_IFLNK && (!last || follow_last || must_be_dir)) {
            if (++links > kMaxSymlinks) {
                err = -ELOOP;
                break;
            }
            char target[4096];
            ssize_t n = ::readlink(host_path(next).c_str(), target, sizeof target);
            if (n <= 0) {
                err = n == 0 ? -ENOENT : -errno;
                break;
            }
            std::string t(target, static_cast<size_t>(n));
            if (t[0] == '/') {
                cur.clear();
                err = node_stat(cur, &st, &kind);
            }
            std::deque<std::string> more = split(t);
            if (!t.empty() && t.back() == '/' && last) must_be_dir = true;
            todo.insert(todo.begin(), more.begin(), more.end());
            continue;
        }
        cur = std::move(next);
        st = nst;
    }
    if (!err && must_be_dir && (st.st_mode & S_IFMT) != S_IFDIR) err = -ENOTDIR;
    if (err) {
        f.handle = err;
        return f;
    }
    f.handle = handle_for(cur);
    f.kind = kind;
    f.st = st;
    return f;
}

int64_t HostFiles::fstat(uint64_t handle, abi::sp_linux_stat* st) {
    const Parts* p = parts_of(handle);
    if (!p) return -EBADF;
    uint32_t kind = 0;
    return node_stat(*p, st, &kind);
}

int64_t HostFiles::pread(uint64_t handle, uint64_t offset, size_t len, std::string* out) {
    const Parts* p = parts_of(handle);
    if (!p || is_virtual(*p)) return -EBADF;
    auto it = open_fds_.find(handle);
    if (it == open_fds_.end()) {
        int fd = ::open(host_path(*p).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return -errno;
        it = open_fds_.emplace(handle, fd).first;
    }
    out->resize(len);
    ssize_t n = ::pread(it->second, out->data(), len, static_cast<off_t>(offset));
    if (n < 0) {
        out->clear();
        return errno == EISDIR ? -EISDIR : -errno;
    }
    out->resize(static_cast<size_t>(n));
    return n;
}

int64_t HostFiles::getdents(uint64_t handle, uint64_t* index, size_t len, std::string* out) {
    const Parts* p = parts_of(handle);
    if (!p) return -EBADF;
    Parts dir = *p;
    struct Entry {
        std::string name;
        uint64_t ino;
        uint8_t type;
    };
    std::vector<Entry> entries;
    abi::sp_linux_stat st{};
    uint32_t kind = 0;
    if (node_stat(dir, &st, &kind) == 0) entries.push_back({".", st.st_ino, 4});
    Parts up = dir;
    if (!up.empty()) up.pop_back();
    if (node_stat(up, &st, &kind) == 0) entries.push_back({"..", st.st_ino, 4});
    std::vector<std::string> names;
    if (!root_.empty()) {
        if (DIR* d = ::opendir(host_path(dir).c_str())) {
            while (struct dirent* e = ::readdir(d))
                if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
                    names.emplace_back(e->d_name);
            ::closedir(d);
        }
    }
    if (root_.empty() && dir.empty()) names.push_back("dev");
    if (dir.size() == 1 && dir[0] == "dev") {
        names.push_back("null");
        names.push_back("zero");
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (const auto& name : names) {
        Parts child = dir;
        child.push_back(name);
        if (node_stat(child, &st, &kind) == 0)
            entries.push_back({name, st.st_ino, dirent_type(st.st_mode)});
    }
    out->clear();
    uint64_t i = *index;
    for (; i < entries.size(); i++) {
        const Entry& e = entries[i];
        size_t reclen = (19 + e.name.size() + 1 + 7) & ~size_t(7);
        if (out->size() + reclen > len) break;
        std::string rec(reclen, '\0');
        uint64_t next = i + 1;
        uint16_t rl = static_cast<uint16_t>(reclen);
        std::memcpy(&rec[0], &e.ino, 8);
        std::memcpy(&rec[8], &next, 8);
        std::memcpy(&rec[16], &rl, 2);
        rec[18] = static_cast<char>(e.type);
        std::memcpy(&rec[19], e.name.data(), e.name.size());
        *out += rec;
    }
    if (out->empty() && i < entries.size()) return -EINVAL;  // the buffer holds no record
    *index = i;
    return static_cast<int64_t>(out->size());
}

int64_t HostFiles::readlink(uint64_t handle, std::string* out) {
    const Parts* p = parts_of(handle);
    if (!p || is_virtual(*p)) return -EINVAL;
    char target[4096];
    ssize_t n = ::readlink(host_path(*p).c_str(), target, sizeof target);
    if (n < 0) return -errno;
    out->assign(target, static_cast<size_t>(n));
    return n;
}

int64_t HostFiles::access(uint64_t handle, int mode) {
    const Parts* p = parts_of(handle);
    if (!p) return -EBADF;
    if (is_virtual(*p) || root_.empty()) return 0;
    if (::access(host_path(*p).c_str(), mode) != 0) return errno == ENOENT ? 0 : -errno;
    return 0;
}

}  // namespace slowpath
