// The host I/O device: a ring-0 OUT to SP_HOSTIO_PORT hands the host a
// request block (abi.h). The host answers it while the instruction runs.
//
// Time travel re-executes the guest from checkpoints, so the device must
// not read stdin or a file again, nor write output twice: every answer is
// logged in order with its bytes, and a request whose turn in the log has
// come is answered from it. Only a request the log has not seen (the first
// run, or a future changed by an injection) does real I/O.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "engine.h"
#include "slowpath/numbers.h"

namespace slowpath {

namespace {

bool same_request(const abi::sp_hostio_request& a, const abi::sp_hostio_request& b) {
    return a.op == b.op && a.flags == b.flags && a.handle == b.handle && a.buf == b.buf &&
           a.len == b.len && a.offset == b.offset;
}

bool takes_input(uint32_t op) {
    return op == SP_HOSTIO_WRITE || op == SP_HOSTIO_LOOKUP;
}

// 0, or -EPIPE when no one reads our end any more (the guest then gets
// SIGPIPE, as a program writing to a closed pipe does).
int64_t write_all(int fd, const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EPIPE) return -EPIPE;
        if (n <= 0) return 0;  // another failure of our own stream: the run goes on
        done += static_cast<size_t>(n);
    }
    return 0;
}

}  // namespace

void Engine::host_io_request(uint32_t addr) {
    abi::sp_hostio_request request{};
    if (!files_ || !read(addr, &request, sizeof request)) return;
    if (request.len > SP_HOSTIO_BUF_SIZE || request.buf >= SP_USER_BASE ||
        request.len > SP_USER_BASE - request.buf) {
        request.result = -EFAULT;
        write_guest(addr, &request, sizeof request);
        return;
    }
    std::string input;
    if (takes_input(request.op)) {
        input.resize(request.len);
        if (request.len && !read(request.buf, input.data(), input.size())) input.clear();
    }
    size_t index = static_cast<size_t>(host_.io_answers);
    bool replay = index < io_log_.size() && same_request(io_log_[index].request, request) &&
                  io_log_[index].input == input;
    if (!replay) {
        // A new request, or the future changed: what the log held from here is gone.
        io_log_.resize(index);
        io_log_.push_back(perform_io(request, input));
    }
    const IoAnswer& a = io_log_[index];
    if (!a.data.empty()) write_guest(a.reply.buf, a.data.data(), a.data.size());
    write_guest(addr, &a.reply, sizeof a.reply);
    host_.io_answers = index + 1;
    if (a.request.op == SP_HOSTIO_READ_STDIN && a.reply.result > 0)
        host_.stdin_pos += static_cast<uint64_t>(a.reply.result);
}

IoAnswer Engine::perform_io(const abi::sp_hostio_request& request, const std::string& input) {
    IoAnswer a;
    a.step = host_.step;
    a.request = request;
    a.input = input;
    a.reply = request;
    abi::sp_hostio_request& r = a.reply;
    switch (request.op) {
        case SP_HOSTIO_WRITE:
            if (request.handle != 1 && request.handle != 2) {
                r.result = -EBADF;
                break;
            }
            r.result = static_cast<int64_t>(input.size());
            if (scenario_.stream_output)
                if (int64_t err = write_all(static_cast<int>(request.handle), input))
                    r.result = err;
            break;
        case SP_HOSTIO_READ_STDIN: {
            // Bytes read once stay here: a changed future reads them again.
            uint64_t pos = host_.stdin_pos;
            if (pos >= stdin_bytes_.size() && !stdin_eof_ && scenario_.stdin_fd >= 0) {
                std::string chunk(request.len, '\0');
                ssize_t n;
                do n = ::read(scenario_.stdin_fd, chunk.data(), chunk.size());
                while (n < 0 && errno == EINTR);
                if (n <= 0)
                    stdin_eof_ = true;
                else
                    stdin_bytes_.append(chunk, 0, static_cast<size_t>(n));
            }
            size_t avail = pos < stdin_bytes_.size() ? stdin_bytes_.size() - pos : 0;
            a.data = stdin_bytes_.substr(pos, std::min<size_t>(avail, request.len));
            r.result = static_cast<int64_t>(a.data.size());
            break;
        }
        case SP_HOSTIO_LOOKUP: {
            HostFiles::Found f =
                files_->lookup(request.handle, input, (request.flags & SP_LOOKUP_FOLLOW) != 0);
            r.result = f.handle;
            r.kind = f.kind;
            r.st = f.st;
            r.offset = f.parent_exists ? 1 : 0;
            break;
        }
        case SP_HOSTIO_PREAD:
            r.result = files_->pread(request.handle, request.offset, request.len, &a.data);
            break;
        case SP_HOSTIO_GETDENTS: {
            uint64_t next = request.offset;
            r.result = files_->getdents(request.handle, &next, request.len, &a.data);
            r.offset = next;
            break;
        }
        case SP_HOSTIO_READLINK:
            r.result = files_->readlink(request.handle, &a.data);
            if (a.data.size() > request.len) a.data.resize(request.len);
            break;
        case SP_HOSTIO_FSTAT:
            r.result = files_->fstat(request.handle, &r.st);
            break;
        case SP_HOSTIO_FSTAT_STD: {
            struct stat s {};
            int fd = request.handle == 0 ? scenario_.stdin_fd : static_cast<int>(request.handle);
            bool ok = request.handle <= 2 && fd >= 0 ? ::fstat(fd, &s) == 0
                                                     : ::stat("/dev/null", &s) == 0;
            r.result = ok ? 0 : -EBADF;
            if (ok) {
                r.st = {};
                r.st.st_dev = s.st_dev;
                r.st.st_ino = s.st_ino;
                r.st.st_nlink = s.st_nlink;
                r.st.st_mode = s.st_mode;
                r.st.st_uid = s.st_uid;
                r.st.st_gid = s.st_gid;
                r.st.st_rdev = s.st_rdev;
                r.st.st_size = s.st_size;
                r.st.st_blksize = s.st_blksize;
                r.st.st_blocks = s.st_blocks;
            }
            break;
        }
        case SP_HOSTIO_ACCESS:
            r.result = files_->access(request.handle, static_cast<int>(request.flags));
            break;
        default:
            r.result = -EINVAL;
    }
    if (a.data.empty()) a.reply.buf = request.buf;
    return a;
}

std::string Engine::program_output(int fd) const {
    std::string out;
    size_t n = std::min<size_t>(io_log_.size(), host_.io_answers);
    for (size_t i = 0; i < n; i++) {
        const IoAnswer& a = io_log_[i];
        if (a.request.op != SP_HOSTIO_WRITE || a.reply.result <= 0) continue;
        if (fd != 0 && a.request.handle != static_cast<uint64_t>(fd)) continue;
        out.append(a.input, 0, static_cast<size_t>(a.reply.result));
    }
    return out;
}

}  // namespace slowpath
