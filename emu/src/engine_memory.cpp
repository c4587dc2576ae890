// The guest memory a recording keeps: which pages were written since the
// last checkpoint (seen by the host's page protection or the write hook),
// their contents at step 0, and what the recording holds part by part
// (Session::recording_bytes, `slowpath-cli run --memory-split`): each
// figure from what its containers have allocated, so the split shows where
// the bytes per step go.
#include <algorithm>
#include <cstring>
#include <utility>

#include "engine.h"
#include "slowpath/name.h"
#include "uc_check.h"

namespace slowpath {

namespace {

// A node-based container's nodes: the value and about two pointers and a
// colour (std::map) or a pointer and a cached hash (unordered_map), rounded
// up to malloc's 16-byte granules with its 8-byte header.
size_t node_bytes(size_t value) {
    return (value + 32 + 8 + 15) / 16 * 16;
}

size_t host_state_heap(const HostState& h) {
    size_t n = h.calls.capacity() * sizeof(CallFrame) +
               h.loops.capacity() * sizeof(std::pair<uint64_t, LoopCounter>);
    for (const auto& [stack, task] : h.other_tasks)
        n += node_bytes(sizeof(std::pair<const uint64_t, TaskHostState>)) +
             task.calls.capacity() * sizeof(CallFrame);
    return n;
}

}  // namespace

RecordingBytes Engine::recording_bytes() const {
    return held_bytes(true);
}

RecordingBytes Engine::held_bytes(bool syscall_lists) const {
    RecordingBytes b;
    b.events = events_bytes(trace_);
    b.steps = trace_.steps.bytes_held();
    // While recording, the records are built only now and then (or at the
    // end): a budget counts one for each syscall started.
    b.syscalls = syscall_lists ? syscalls_bytes(trace_)
                               : std::max(trace_.syscalls.capacity(),
                                          static_cast<size_t>(std::max(host_.syscalls, 0))) *
                                     sizeof(SyscallRecord);
    b.checkpoints = checkpoints_.capacity() * sizeof(Checkpoint) +
                    (context_scratch_ ? uc_context_size(uc_) : 0);
    for (const Checkpoint& c : checkpoints_)
        b.checkpoints += c.cpu.capacity() + host_state_heap(c.host);
    using Version = std::pair<size_t, std::vector<uint8_t>>;
    b.page_versions = versions_.bucket_count() * sizeof(void*);
    for (const auto& [page, list] : versions_) {
        b.page_versions += node_bytes(sizeof(std::pair<const uint64_t, std::vector<Version>>)) +
                           list.capacity() * sizeof(Version);
        for (const Version& v : list) b.page_versions += v.second.capacity();
    }
    b.base_pages = base_pages_.bucket_count() * sizeof(void*);
    for (const auto& [page, bytes] : base_pages_)
        b.base_pages +=
            node_bytes(sizeof(std::pair<const uint64_t, std::vector<uint8_t>>)) + bytes.capacity();
    // The rest that grows with a run: the guest's output, host I/O answers,
    // the per-address facts the hooks gathered, the dirty-page bookkeeping.
    b.other = trace_.console.capacity() + trace_.program_stdout.capacity() +
              trace_.program_stderr.capacity() + trace_.outcome_detail.capacity() +
              io_log_.capacity() * sizeof(IoAnswer) + stdin_bytes_.capacity() +
              actions_.capacity() * sizeof(Action) + dirty_list_.capacity() * sizeof(uint64_t) +
              dirty_since_.capacity() + table_pages_.capacity() * sizeof(uint64_t) +
              is_table_.capacity();
    for (const IoAnswer& a : io_log_) b.other += a.input.capacity() + a.data.capacity();
    b.other += addr_info_.bucket_count() * sizeof(void*);
    for (const auto& [addr, info] : addr_info_)
        b.other += node_bytes(sizeof(std::pair<const uint64_t, AddrInfo>)) +
                   info.notes.capacity() * sizeof(Note);
    for (const auto& page : info_pages_)
        if (page) b.other += sizeof(*page);
    b.other += function_facts_.bucket_count() * sizeof(void*);
    for (const auto& [fn, facts] : function_facts_)
        b.other += node_bytes(sizeof(std::pair<const Symbol* const, FunctionFacts>)) +
                   (facts.params.capacity() > 15 ? facts.params.capacity() + 1 : 0);
    b.other += info_pages_.capacity() * sizeof(info_pages_[0]);
    // The interned names and texts the events refer to (shared by every
    // recording of the process).
    b.other += Name::table_bytes();
    return b;
}

// ---------------------------------------------------------------------------
// Memory tracking for time travel

// The near checkpoints' room, made once when a recording pauses or ends:
// its first large allocation has malloc merge every small block the
// recording freed (tens of ms after a long one), which a seek should not wait
// for.
void Engine::reserve_near_checkpoints() {
    if (!near_.empty()) return;
    if (!context_scratch_) check_uc(uc_context_alloc(uc_, &context_scratch_), "uc_context_alloc");
    near_.resize(kNearKept);
    for (NearCheckpoint& n : near_) {
        n.cpu.resize(uc_context_size(uc_));
        n.pages.reserve(16);
    }
}

// On arrival at a multiple of kNearInterval in a replay: RAM is checkpoint
// mem_origin_ but for the dirty pages, which are kept. Replaces the unused
// or the oldest one.
void Engine::take_near_checkpoint() {
    if (near_checkpoint(mem_origin_, host_.step, host_.step)) return;
    reserve_near_checkpoints();
    NearCheckpoint* slot = &near_[0];
    for (NearCheckpoint& n : near_)
        if (n.made < slot->made) slot = &n;
    NearCheckpoint& n = *slot;
    n.made = ++near_made_;
    n.step = host_.step;
    n.base = mem_origin_;
    n.host = host_;
    check_uc(uc_context_save(uc_, context_scratch_), "uc_context_save");
    const auto* image = reinterpret_cast<const uint8_t*>(context_scratch_);
    n.cpu.assign(image, image + uc_context_size(uc_));
    // The page guard sees the CPU's page walks write accessed and dirty
    // bits as it sees any store; the write hook does not.
    if (!ram_->started()) mark_changed_tables(mem_origin_);
    n.pages.resize(dirty_list_.size());
    for (size_t i = 0; i < dirty_list_.size(); i++) {
        n.pages[i].first = dirty_list_[i];
        n.pages[i].second.resize(SP_PAGE_SIZE);
        uc_mem_read(uc_, dirty_list_[i] * SP_PAGE_SIZE, n.pages[i].second.data(), SP_PAGE_SIZE);
    }
}

void Engine::forget_near_checkpoints() {
    for (NearCheckpoint& n : near_) {
        n.made = 0;
        n.step = NearCheckpoint::kUnused;
    }
}

const NearCheckpoint* Engine::near_checkpoint(size_t base, uint64_t from, uint64_t target) const {
    const NearCheckpoint* best = nullptr;
    for (const NearCheckpoint& n : near_)
        if (n.made && n.base == base && n.step >= from && n.step <= target &&
            (!best || n.step > best->step))
            best = &n;
    return best;
}

void Engine::restore_near_checkpoint(const NearCheckpoint& n) {
    restore_checkpoint(n.base);
    for (const auto& [page, bytes] : n.pages) {
        if (!dirty_since_[page]) mark_page_dirty(page);
        check_uc(uc_mem_write(uc_, page * SP_PAGE_SIZE, bytes.data(), SP_PAGE_SIZE),
                 "restoring a page");
    }
    std::memcpy(context_scratch_, n.cpu.data(), n.cpu.size());
    check_uc(uc_context_restore(uc_, context_scratch_), "uc_context_restore");
    host_ = n.host;
    uc_ctl_flush_tlb(uc_);
}

void Engine::mark_dirty(uint64_t vaddr, uint64_t size) {
    uint64_t addr = sp_user_phys(vaddr);  // the hooks see virtual addresses
    if (!size || addr >= SP_RAM_SIZE) return;
    uint64_t last = std::min<uint64_t>(addr + size - 1, SP_RAM_SIZE - 1);
    for (uint64_t page = addr / SP_PAGE_SIZE; page <= last / SP_PAGE_SIZE; page++) {
        if (dirty_since_[page]) continue;
        mark_page_dirty(page);
        keep_base_page(page);  // first write ever: the page holds what it held at step 0
    }
}

void Engine::mark_page_dirty(uint64_t page) {
    dirty_since_[page] = 1;
    dirty_list_.push_back(page);
    ram_->open(page);  // a recording's guard sees no more of its writes till it is clean
}

void Engine::mark_page_clean(uint64_t page) {
    dirty_since_[page] = 0;
    ram_->close(page);  // its next write is seen again
}

void Engine::keep_base_page(uint64_t page) {
    if (base_pages_.count(page)) return;
    std::vector<uint8_t> bytes(SP_PAGE_SIZE);
    uc_mem_read(uc_, page * SP_PAGE_SIZE, bytes.data(), SP_PAGE_SIZE);
    base_pages_.emplace(page, std::move(bytes));
}

void Engine::on_write(uc_engine*, uc_mem_type, uint64_t addr, int size, int64_t, void* self) {
    static_cast<Engine*>(self)->mark_dirty(addr, static_cast<uint64_t>(size));
}

// The first store to a page since the last checkpoint, about to run (from
// the fault handler: page_guard.h).
void Engine::on_first_write(void* self, uint64_t page) {
    auto* e = static_cast<Engine*>(self);
    if (e->dirty_since_[page]) return;
    e->mark_page_dirty(page);
    e->keep_base_page(page);
}

}  // namespace slowpath
