// The guest's RAM on host memory the engine owns, so a recording can learn
// which pages the guest writes without a write hook. A write hook sends
// every guest store down Unicorn's slow path (about 80 ns a store, several
// times the cost of the instruction); instead, pages not yet written since
// the last checkpoint are kept read-only on the host, the first store to
// one faults once, and the fault handler tells the owner (which keeps the
// page's old contents) and makes the page writable. The store then runs
// again and every later store to that page is a plain one.
//
// The faults are synchronous: they come from the emulator's own thread,
// from its generated code or its memory copies, never from inside malloc,
// so the owner's callback may keep a page as the write hook did. A fault
// outside every guard's memory goes to the handler that was there before.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace slowpath {

class PageGuard {
 public:
    static constexpr size_t kPage = 4096;
    using FirstWrite = void (*)(void* owner, uint64_t page);

    explicit PageGuard(size_t bytes);  // zeroed, writable, not yet guarded
    ~PageGuard();
    PageGuard(const PageGuard&) = delete;
    PageGuard& operator=(const PageGuard&) = delete;

    uint8_t* data() const { return base_; }
    size_t size() const { return bytes_; }

    // From now on every page is read-only until its first write, which
    // calls `first_write(owner, page)` before the write happens.
    void start(FirstWrite first_write, void* owner);
    bool started() const { return first_write_ != nullptr; }
    // A page written since the last checkpoint: writable. Both are no-ops
    // before start() (nothing is guarded) and on a page already so.
    void open(uint64_t page);
    // A page as of a checkpoint: read-only again, so its next write is seen.
    void close(uint64_t page);
    // The host refused to split its mappings further (vm.max_map_count: a
    // guest writing tens of thousands of scattered pages between two
    // checkpoints): the whole RAM was made writable, and writes since then
    // are not seen. The owner must end the run.
    bool lost() const { return lost_; }

 private:
    static bool on_fault(void* addr);  // true: one of ours, and handled
    void give_up();                    // every page writable, lost() from now on

    uint8_t* base_ = nullptr;
    size_t bytes_ = 0;
    FirstWrite first_write_ = nullptr;
    void* owner_ = nullptr;
    volatile bool lost_ = false;
    std::vector<uint8_t> writable_;  // per page, as protected now (after start())
    int slot_ = -1;                  // in the registry the fault handler searches
};

}  // namespace slowpath
