#include "page_guard.h"

#include <signal.h>
#include <sys/mman.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

namespace slowpath {

namespace {

// The guards in use, for the fault handler: a fixed table it can read with
// no lock (each session has one; the scenario table runs a few at once).
constexpr int kSlots = 256;
std::atomic<uintptr_t> slot_begin[kSlots];
std::atomic<uintptr_t> slot_end[kSlots];
std::atomic<PageGuard*> slot_guard[kSlots];
std::mutex slot_lock;  // taking and giving back slots

struct sigaction previous_segv;
std::once_flag handler_installed;

void forward(int sig, siginfo_t* info, void* uctx) {
    if (previous_segv.sa_flags & SA_SIGINFO) {
        previous_segv.sa_sigaction(sig, info, uctx);
    } else if (previous_segv.sa_handler == SIG_IGN) {
        return;
    } else if (previous_segv.sa_handler == SIG_DFL) {
        // Returning re-runs the access, which now takes the default action.
        signal(sig, SIG_DFL);
    } else {
        previous_segv.sa_handler(sig);
    }
}

}  // namespace

PageGuard::PageGuard(size_t bytes) : bytes_(bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        throw std::runtime_error("cannot reserve " + std::to_string(bytes >> 20) +
                                 " MiB for the guest's RAM: " + std::strerror(errno));
    base_ = static_cast<uint8_t*>(p);
}

PageGuard::~PageGuard() {
    if (slot_ >= 0) {
        std::lock_guard<std::mutex> hold(slot_lock);
        slot_begin[slot_].store(0);
        slot_end[slot_].store(0);
        slot_guard[slot_].store(nullptr);
    }
    munmap(base_, bytes_);
}

bool PageGuard::on_fault(void* addr) {
    auto a = reinterpret_cast<uintptr_t>(addr);
    for (int i = 0; i < kSlots; i++) {
        uintptr_t b = slot_begin[i].load(std::memory_order_acquire);
        if (!b || a < b || a >= slot_end[i].load(std::memory_order_acquire)) continue;
        PageGuard* g = slot_guard[i].load(std::memory_order_acquire);
        if (!g) return false;
        uint64_t page = (a - b) / kPage;
        g->first_write_(g->owner_, page);
        g->open(page);  // whatever the owner did, the store must be able to run
        return true;
    }
    return false;
}

void PageGuard::start(FirstWrite first_write, void* owner) {
    std::call_once(handler_installed, [] {
        struct sigaction sa;
        std::memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = [](int sig, siginfo_t* info, void* uctx) {
            int saved = errno;
            if (!on_fault(info->si_addr)) forward(sig, info, uctx);
            errno = saved;
        };
        sa.sa_flags = SA_SIGINFO | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGSEGV, &sa, &previous_segv) != 0)
            throw std::runtime_error(std::string("cannot handle SIGSEGV: ") + std::strerror(errno));
    });
    first_write_ = first_write;
    owner_ = owner;
    {
        std::lock_guard<std::mutex> hold(slot_lock);
        for (int i = 0; i < kSlots && slot_ < 0; i++)
            if (!slot_guard[i].load()) {
                slot_ = i;
                slot_guard[i].store(this);
                slot_end[i].store(reinterpret_cast<uintptr_t>(base_) + bytes_);
                slot_begin[i].store(reinterpret_cast<uintptr_t>(base_), std::memory_order_release);
            }
    }
    if (slot_ < 0) throw std::runtime_error("more than 256 guest machines at once");
    writable_.assign(bytes_ / kPage, 0);
    if (mprotect(base_, bytes_, PROT_READ) != 0)
        throw std::runtime_error(std::string("mprotect of the guest's RAM: ") +
                                 std::strerror(errno));
}

void PageGuard::open(uint64_t page) {
    if (!started() || lost_ || writable_[page]) return;
    if (mprotect(base_ + page * kPage, kPage, PROT_READ | PROT_WRITE) != 0) return give_up();
    writable_[page] = 1;
}

void PageGuard::close(uint64_t page) {
    if (!started() || lost_ || !writable_[page]) return;
    if (mprotect(base_ + page * kPage, kPage, PROT_READ) != 0) return give_up();
    writable_[page] = 0;
}

// The host refused to split its mappings further: the page's writes could
// no longer be seen (close) or could not run at all (open).
void PageGuard::give_up() {
    lost_ = true;
    mprotect(base_, bytes_, PROT_READ | PROT_WRITE);  // merges the mappings: not refused so
}

}  // namespace slowpath
