#include "engine.h"

#include <capstone/capstone.h>
#include <lz4.h>
#include <slowpath/abi.h>

#include <algorithm>
#include <cinttypes>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "cpu_model.h"
#include "lz4_block.h"
#include "slowpath/decode.h"
#include "slowpath/numbers.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"
#include "uc_check.h"

#if defined(__SANITIZE_ADDRESS__)
// Unicorn 2.1.1 (Debian's build) leaves 32 bytes of its own allocated for
// the life of the process; LeakSanitizer would fail every run on it. Every
// binary that makes an Engine links this file.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libunicorn.so\n";
}
// ...and says nothing of it: a one-line error must stay one line.
extern "C" const char* __lsan_default_options() {
    return "print_suppressions=0";
}
#endif

namespace slowpath {

namespace {

constexpr uint64_t kPage = SP_PAGE_SIZE;
constexpr uint64_t kTableAddr = 0x000ffffffffff000ull;  // a page-table entry's frame

}  // namespace

// ---------------------------------------------------------------------------
// Construction: load the images, lay out RAM, install the hooks.

Engine::Engine(const Scenario& scenario, Options options) : scenario_(scenario), options_(options) {
    const EraInfo& era = era_info(scenario.era);
    kernel_ =
        std::make_unique<GuestImage>(GuestImage::load(guest_path(std::string(era.kernel_image))));
    std::string user_path =
        scenario.user_program.empty() ? guest_path("demo.elf") : scenario.user_program;
    user_ = std::make_unique<GuestImage>(GuestImage::load(user_path));
    // A tamper needs a tracer stopped at the syscall exit: PTRACE_SYSCALL,
    // attached before the focus syscall so that its entry goes through the
    // slow path too, as it would under a real debugger.
    if (!scenario_.tampers.empty()) {
        bool traced = false;
        for (const auto& inj : scenario_.injections)
            traced |= inj.bit == TIF_SYSCALL_TRACE && inj.when == InjectWhen::Entry;
        if (!traced) scenario_.injections.push_back({TIF_SYSCALL_TRACE, InjectWhen::Entry, 0});
    }
    try {
        load_and_boot(scenario);
    } catch (...) {
        // No destructor runs for a constructor that throws: free Unicorn here.
        if (uc_) uc_close(uc_);
        uc_ = nullptr;
        throw;
    }
}

Engine::~Engine() {
    if (capstone_) {
        csh cs = static_cast<csh>(capstone_);
        cs_close(&cs);
    }
    if (context_scratch_) uc_context_free(context_scratch_);
    if (uc_) uc_close(uc_);
}

uint64_t Engine::symbol(const char* name) const {
    auto addr = kernel_->symbol_addr(name);
    if (!addr) throw LoadError(kernel_->path() + ": the kernel image has no symbol '" + name + "'");
    return *addr;
}

namespace {
// An Intel CPU, as the machines the native tests compare with: Unicorn's
// default (QEMU64) is AMD-flavoured and has neither XSAVE nor FSGSBASE.
// Skylake-client is the newest Intel model whose features the guest kernel
// handles as Linux does (XSAVE, FSGSBASE) without protection keys (PKU,
// which Linux would turn on in CR4 and XCR0). tests/native/cpu_probe.c
// --models shows every model under TCG.
constexpr int kCpuModel = UC_CPU_X86_SKYLAKE_CLIENT;
}  // namespace

namespace {

// argv as exec would pass it: the demo's own words for what to do, or the
// program's name and its arguments.
std::vector<std::string> program_argv(const Scenario& scenario) {
    std::vector<std::string> argv;
    if (!scenario.user_program.empty()) {
        argv.push_back(scenario.user_program.substr(scenario.user_program.find_last_of('/') + 1));
        for (const auto& a : scenario.user_args) argv.push_back(a);
        return argv;
    }
    if (scenario.demo_repeat)
        argv = {"demo", "bench", std::to_string(scenario.syscall_nr),
                std::to_string(scenario.demo_repeat)};
    else
        argv = {"demo", std::to_string(scenario.syscall_nr)};
    if (scenario.bad_pointer) argv.push_back("badptr");
    // The demo makes the rt_sigaction / rt_sigprocmask calls itself.
    if (scenario.signal_action == SignalAction::Ignore) argv.push_back("sigign");
    if (scenario.signal_action == SignalAction::Block) argv.push_back("sigblock");
    return argv;
}

}  // namespace

void Engine::load_and_boot(const Scenario& scenario) {
    // vaddr + memsz could wrap past 2^64: compare memsz with the room left.
    constexpr uint64_t user_end = SP_USER_STACK_TOP - SP_USER_STACK_SIZE;
    for (const auto& seg : user_->segments())
        if (seg.vaddr < SP_USER_BASE || seg.vaddr >= user_end || seg.memsz > user_end - seg.vaddr)
            throw LoadError(user_->path() + ": a segment at " + hex(seg.vaddr) +
                            " lies outside user memory [" + hex(SP_USER_BASE) + ", " +
                            hex(SP_USER_STACK_TOP - SP_USER_STACK_SIZE) + ")");
    for (const auto& seg : kernel_->segments())
        if (seg.vaddr >= SP_USER_BASE || seg.memsz > SP_USER_BASE - seg.vaddr)
            throw LoadError(kernel_->path() + ": a kernel segment reaches into user memory");

    inject_fn_ = symbol("slowpath_inject");
    inject_stack_ = symbol("inject_stack_top");
    inject_return_ = symbol("inject_return");
    machine_halt_ = symbol("machine_halt");
    sp_state_ = symbol("sp_state");
    sp_percpu_ = symbol("sp_percpu");
    symbol("system_call");
    if (auto r = kernel_->section_range(".entry.text"))
        entry_text_ = *r;
    else
        throw LoadError(kernel_->path() + ": the kernel image has no .entry.text section");
    if (auto r = kernel_->section_range(".text")) kernel_text_ = *r;
    // task_stacks: the kworker's kernel stack, then the user tasks' (sched.c).
    if (const Symbol* st = kernel_->symbol_named("task_stacks"); st && st->size > SP_THREAD_SIZE)
        user_task_stacks_ = {st->addr + SP_THREAD_SIZE, st->addr + st->size};
    if (auto f = user_->symbol_addr("focus_syscall")) focus_user_addr_ = *f;
    for (const auto& n : kernel_->notes()) notes_by_addr_[n.addr].push_back(n);

    check_uc(uc_open(UC_ARCH_X86, UC_MODE_64, &uc_), "uc_open");
    check_uc(uc_ctl_set_cpu_model(uc_, kCpuModel), "uc_ctl_set_cpu_model");
    map_ram();
    ctx_ = std::make_unique<CpuContext>(uc_);

    for (const GuestImage* img : {kernel_.get(), user_.get()})
        for (const auto& seg : img->segments())
            if (!seg.bytes.empty())
                check_uc(uc_mem_write(uc_, seg.vaddr, seg.bytes.data(), seg.bytes.size()),
                         img->path() + ": loading a segment");

    // Boot parameters: what an ELF loader would have found out for exec.
    abi::sp_boot_params params{};
    params.magic = SP_BOOT_MAGIC;
    params.user_entry = user_->entry();
    params.user_brk = user_->brk();
    params.user_phdr = user_->phdr_addr();
    params.user_phnum = user_->phnum();
    params.user_phent = user_->phent();
    params.random[0] = 0x736c6f7770617468ULL;
    params.random[1] = 0x0123456789abcdefULL;
    const std::vector<std::string> argv = program_argv(scenario);
    const std::vector<std::string>& envp = scenario.user_env;
    size_t pos = 0;
    for (const std::vector<std::string>* list : {&std::as_const(argv), &envp})
        for (const auto& s : *list) {
            if (pos + s.size() + 1 > sizeof params.strings)
                throw std::invalid_argument("the program's arguments and environment are too long");
            std::memcpy(params.strings + pos, s.c_str(), s.size() + 1);
            pos += s.size() + 1;
        }
    params.argc = static_cast<uint32_t>(argv.size());
    params.envc = static_cast<uint32_t>(envp.size());
    check_uc(uc_mem_write(uc_, SP_BOOT_PARAMS, &params, sizeof params), "writing boot parameters");
    // A user program's I/O goes to the host (the demo keeps its console).
    if (!scenario.user_program.empty()) {
        // The demo's runs (walkthroughs, scenario tests) have no tick.
        host_.next_tick = SP_TICK_INSNS;
        files_ = std::make_unique<HostFiles>(scenario.root_dir);
        if (auto flag = kernel_->symbol_addr("hostio_enabled")) {
            const uint32_t on = 1;
            check_uc(uc_mem_write(uc_, *flag, &on, sizeof on), "enabling host I/O");
        }
    }
    if (!scenario.vdso)
        if (auto flag = kernel_->symbol_addr("vdso64_enabled")) {
            const int32_t off = 0;  // the kernel's `int vdso64_enabled`
            check_uc(uc_mem_write(uc_, *flag, &off, sizeof off), "turning the vDSO off");
        }

    set_reg(UC_X86_REG_RIP, kernel_->entry());
    set_reg(UC_X86_REG_RDI, SP_BOOT_PARAMS);
    set_reg(UC_X86_REG_RSP, SP_BOOT_PARAMS);
    // EFER.SCE and EFER.NXE: wrmsr cannot set them (the emulated CPUID has
    // no SYSCALL or NX bit), yet sysretq #UDs without SCE, and without NXE
    // a PTE's NX bit is a reserved bit that faults on every access. The
    // guest's own wrmsr leaves both alone.
    constexpr uint64_t kEferSce = 0x1, kEferNxe = 0x800;
    uc_x86_msr efer{SP_MSR_EFER, 0};
    check_uc(uc_reg_read(uc_, UC_X86_REG_MSR, &efer), "read EFER");
    ctx_->set_efer(efer.value | kEferSce | kEferNxe);

    // A recording learns which pages are written from the host's page
    // protection (page_guard.h), not a write hook, unless asked to.
    dirty_since_.assign(SP_RAM_SIZE / kPage, 0);
    if (options_.trace && !options_.summary && !std::getenv("SLOWPATH_WRITE_HOOK"))
        ram_->start(&Engine::on_first_write, this);
    install_hooks();
    if (options_.trace) {
        for (const auto& inj : scenario.injections)
            if (inj.when == InjectWhen::Now)
                actions_.push_back({inj.step, false, inj.bit, InjectWhen::Now, "", 0});
        for (const auto& e : scenario.edits)
            actions_.push_back({e.step, true, 0, InjectWhen::Now, e.target, e.value});
        std::stable_sort(actions_.begin(), actions_.end(),
                         [](const Action& a, const Action& b) { return a.step < b.step; });
    }
}

void Engine::install_hooks() {
    blocks_ = options_.trace && options_.summary && options_.blocks;
    if (blocks_)
        if (auto fn = kernel_->symbol_addr("switch_mm")) switch_mm_ = *fn;
    check_uc(
        uc_hook_add(uc_, &hooks_[0], UC_HOOK_INSN, reinterpret_cast<void*>(&Engine::on_syscall),
                    this, 1, 0, UC_X86_INS_SYSCALL),
        "hook syscall");
    check_uc(uc_hook_add(uc_, &hooks_[1], UC_HOOK_INTR, reinterpret_cast<void*>(&Engine::on_intr),
                         this, 1, 0),
             "hook interrupts");
    check_uc(uc_hook_add(uc_, &hooks_[2], UC_HOOK_INSN_INVALID,
                         reinterpret_cast<void*>(&Engine::on_invalid), this, 1, 0),
             "hook invalid instructions");
    check_uc(uc_hook_add(uc_, &hooks_[5], UC_HOOK_MEM_UNMAPPED,
                         reinterpret_cast<void*>(&Engine::on_unmapped), this, 1, 0),
             "hook unmapped memory");
    check_uc(
        uc_hook_add(uc_, &hooks_[6], UC_HOOK_INSN, reinterpret_cast<void*>(&Engine::on_sysenter),
                    this, 1, 0, UC_X86_INS_SYSENTER),
        "hook sysenter");
    // A traced run checks port I/O before the instruction runs (on_code);
    // an untraced one can only stop when it happens. Both answer the host
    // I/O device here.
    check_uc(uc_hook_add(uc_, &hooks_[7], UC_HOOK_INSN,
                         reinterpret_cast<void*>(&Engine::on_port_in), this, 1, 0, UC_X86_INS_IN),
             "hook in");
    check_uc(uc_hook_add(uc_, &hooks_[8], UC_HOOK_INSN,
                         reinterpret_cast<void*>(&Engine::on_port_out), this, 1, 0, UC_X86_INS_OUT),
             "hook out");
    if (blocks_) {
        check_uc(uc_hook_add(uc_, &hooks_[3], UC_HOOK_BLOCK,
                             reinterpret_cast<void*>(&Engine::on_block), this, 1, 0),
                 "hook blocks");
    } else if (options_.trace) {
        check_uc(uc_hook_add(uc_, &hooks_[3], UC_HOOK_CODE,
                             reinterpret_cast<void*>(&Engine::on_code), this, 1, 0),
                 "hook code");
    }
    // The stores are for checkpoints and page versions, which a summary run keeps none of.
    if (options_.trace && !options_.summary && !ram_->started()) {
        check_uc(uc_hook_add(uc_, &hooks_[4], UC_HOOK_MEM_WRITE,
                             reinterpret_cast<void*>(&Engine::on_write), this, 1, 0),
                 "hook memory writes");
    }
}

// ---------------------------------------------------------------------------
// Machine view

CpuState Engine::cpu() const {
    CpuState s;
    static_assert(GPR_COUNT == std::size(kGprIds));
    for (int i = 0; i < GPR_COUNT; i++) s.gpr[i] = reg(kGprIds[i]);
    s.rip = reg(UC_X86_REG_RIP);
    s.rflags = reg(UC_X86_REG_RFLAGS);
    s.cs = static_cast<uint16_t>(reg(UC_X86_REG_CS));
    s.ss = static_cast<uint16_t>(reg(UC_X86_REG_SS));
    s.ds = static_cast<uint16_t>(reg(UC_X86_REG_DS));
    s.es = static_cast<uint16_t>(reg(UC_X86_REG_ES));
    s.fs = static_cast<uint16_t>(reg(UC_X86_REG_FS));
    s.gs = static_cast<uint16_t>(reg(UC_X86_REG_GS));
    s.cr0 = reg(UC_X86_REG_CR0);
    s.cr2 = reg(UC_X86_REG_CR2);
    s.cr3 = reg(UC_X86_REG_CR3);
    s.cr4 = reg(UC_X86_REG_CR4);
    auto msr = [&](uint32_t id) {
        uc_x86_msr m{id, 0};
        uc_reg_read(uc_, UC_X86_REG_MSR, &m);
        return m.value;
    };
    s.efer = msr(SP_MSR_EFER);
    s.star = msr(SP_MSR_STAR);
    s.lstar = msr(SP_MSR_LSTAR);
    s.fmask = msr(SP_MSR_FMASK);
    s.fs_base = msr(0xC0000100);
    s.gs_base = msr(SP_MSR_GS_BASE);
    s.kernel_gs_base = msr(SP_MSR_KERNEL_GS_BASE);
    s.cpl = ctx_->cpl();
    return s;
}

uint64_t Engine::pt_regs_base() const {
    uint64_t kernel_stack = read_u64(sp_percpu_ + SP_PERCPU_kernel_stack);
    if (!kernel_stack) return 0;
    return kernel_stack + SP_KERNEL_STACK_OFFSET - SP_FRAME_SIZE;
}

// ---------------------------------------------------------------------------
// Memory tracking for time travel

// Marks dirty each page-table page whose contents differ from checkpoint
// `index`'s, compared where they are (the guest's RAM is the engine's own).
void Engine::mark_changed_tables(size_t index) {
    const uint8_t* ram = ram_->data();
    for (uint64_t page : table_pages_)
        if (!dirty_since_[page] &&
            std::memcmp(ram + page * kPage, page_at(page, index).data(), kPage))
            mark_page_dirty(page);
}

void Engine::write_guest(uint64_t addr, const void* data, size_t size) {
    if (options_.trace) mark_dirty(addr, size);
    check_uc(uc_mem_write(uc_, addr, data, size), "writing guest memory at " + hex(addr));
}

// The page-table pages reachable from CR3 join table_pages_. The CPU's
// page walk sets accessed and dirty bits in them with no store the write
// hook sees, so each checkpoint compares them with their last version.
void Engine::find_table_pages() {
    auto add = [&](uint64_t page) {
        if (page >= SP_RAM_SIZE / kPage || is_table_[page]) return;
        is_table_[page] = 1;
        table_pages_.insert(std::upper_bound(table_pages_.begin(), table_pages_.end(), page), page);
        keep_base_page(page);
    };
    std::vector<std::pair<uint64_t, int>> todo = {{reg(UC_X86_REG_CR3) & kTableAddr, 4}};
    while (!todo.empty()) {
        auto [addr, level] = todo.back();
        todo.pop_back();
        add(addr / kPage);
        if (level == 1) continue;
        uint64_t entries[512];
        if (addr / kPage >= SP_RAM_SIZE / kPage || !read(addr, entries, sizeof entries)) continue;
        for (uint64_t e : entries)
            if ((e & 1) && !(level < 4 && (e & 0x80)))  // present, not a large page
                todo.push_back({e & kTableAddr, level - 1});
    }
}

void Engine::take_checkpoint() {
    Checkpoint c;
    c.step = host_.step;
    if (!context_scratch_) check_uc(uc_context_alloc(uc_, &context_scratch_), "uc_context_alloc");
    check_uc(uc_context_save(uc_, context_scratch_), "uc_context_save");
    // The whole allocation uc_context_alloc made (uc_context_size bytes) is
    // the image: kept as bytes, it is restored by copying them back.
    const int raw = static_cast<int>(uc_context_size(uc_));
    c.cpu.resize(static_cast<size_t>(LZ4_compressBound(raw)));
    const int stored = compress_lz4_block(reinterpret_cast<const char*>(context_scratch_),
                                          reinterpret_cast<char*>(c.cpu.data()), raw,
                                          static_cast<int>(c.cpu.size()));
    if (stored <= 0) throw std::runtime_error("a checkpoint's CPU context does not compress");
    c.cpu.resize(static_cast<size_t>(stored));
    c.cpu.shrink_to_fit();
    c.host = host_;
    size_t index = checkpoints_.size();
    find_table_pages();
    mark_changed_tables(index ? index - 1 : 0);
    // From a checkpoint on, the TLB starts empty both as recorded and as
    // replayed, so the page walks (and the bits they set) come alike.
    uc_ctl_flush_tlb(uc_);
    if (ram_->lost())
        throw std::runtime_error(
            "the guest wrote more scattered pages between two checkpoints than the host's "
            "vm.max_map_count lets slowpath track; SLOWPATH_WRITE_HOOK=1 records it");
    // A page written back as it was (a stack frame the same each time round
    // a loop, a flag set and cleared) needs no new version: its last one
    // already gives its contents as of this checkpoint.
    for (uint64_t page : dirty_list_) {
        mark_page_clean(page);
        const uint8_t* now = ram_->data() + page * kPage;
        const std::vector<uint8_t>* last = last_kept_page(page);
        if (last && !std::memcmp(last->data(), now, kPage)) continue;
        versions_[page].emplace_back(index, std::vector<uint8_t>(now, now + kPage));
    }
    dirty_list_.clear();
    mem_origin_ = index;
    checkpoints_.push_back(std::move(c));
}

// The last checkpoint taken at or before `step` (checkpoint 0 is step 0).
size_t Engine::checkpoint_at_or_before(uint64_t step) const {
    auto after = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), step,
                                  [](uint64_t s, const Checkpoint& c) { return s < c.step; });
    return after == checkpoints_.begin() ? 0
                                         : static_cast<size_t>(after - checkpoints_.begin()) - 1;
}

// A page's contents as of checkpoint `index`: its last version taken at or
// before it (versions are sorted by index), else the page as at step 0.
const std::vector<uint8_t>& Engine::page_at(uint64_t page, size_t index) const {
    auto it = versions_.find(page);
    if (it != versions_.end()) {
        const auto& list = it->second;
        auto after = std::upper_bound(
            list.begin(), list.end(), index,
            [](size_t i, const std::pair<size_t, std::vector<uint8_t>>& v) { return i < v.first; });
        if (after != list.begin()) return std::prev(after)->second;
    }
    return base_pages_.at(page);
}

// The page's newest version, else its contents at step 0; null when
// neither was kept.
const std::vector<uint8_t>* Engine::last_kept_page(uint64_t page) const {
    auto it = versions_.find(page);
    if (it != versions_.end() && !it->second.empty()) return &it->second.back().second;
    auto base = base_pages_.find(page);
    return base == base_pages_.end() ? nullptr : &base->second;
}

// Marks dirty every page whose contents differ between checkpoints a and b:
// those with a version taken in (min, max].
void Engine::mark_changed_between(size_t a, size_t b) {
    size_t lo = std::min(a, b), hi = std::max(a, b);
    if (lo == hi) return;
    for (const auto& [page, list] : versions_) {
        if (dirty_since_[page]) continue;
        auto after = std::upper_bound(
            list.begin(), list.end(), lo,
            [](size_t i, const std::pair<size_t, std::vector<uint8_t>>& v) { return i < v.first; });
        if (after != list.end() && after->first <= hi) mark_page_dirty(page);
    }
}

void Engine::restore_checkpoint(size_t index) {
    const Checkpoint& c = checkpoints_.at(index);
    const int raw = static_cast<int>(uc_context_size(uc_));
    if (LZ4_decompress_safe(reinterpret_cast<const char*>(c.cpu.data()),
                            reinterpret_cast<char*>(context_scratch_),
                            static_cast<int>(c.cpu.size()), raw) != raw)
        throw std::logic_error("checkpoint " + std::to_string(index) +
                               ": the CPU context is damaged");
    check_uc(uc_context_restore(uc_, context_scratch_), "uc_context_restore");
    host_ = c.host;
    // RAM is checkpoint mem_origin_ but for the pages written since (the
    // dirty list): only those and the pages that differ between the two
    // checkpoints are written back.
    mark_changed_between(mem_origin_, index);
    // Page tables may have changed with no store seen (accessed and dirty
    // bits): written back when they differ.
    mark_changed_tables(index);
    for (uint64_t page : dirty_list_) {
        uc_mem_write(uc_, page * kPage, page_at(page, index).data(), kPage);
        mark_page_clean(page);
    }
    dirty_list_.clear();
    mem_origin_ = index;
    uc_ctl_flush_tlb(uc_);
    actions_applied_at_ = UINT64_MAX;
    // The debug registers armed are those of the restored memory's task.
    debug_sync_due_ = true;
}

void Engine::truncate_after(uint64_t step) {
    // Keep checkpoints at or before `step`, drop the page versions of the rest.
    size_t keep = 0;
    while (keep < checkpoints_.size() && checkpoints_[keep].step <= step) keep++;
    if (keep > 0 && mem_origin_ >= keep) {
        // RAM was made from a checkpoint about to go: count it as the last
        // one kept plus the pages that differ from it.
        mark_changed_between(keep - 1, mem_origin_);
        mem_origin_ = keep - 1;
    }
    checkpoints_.resize(keep);
    forget_near_checkpoints();
    for (auto& [page, list] : versions_)
        list.erase(std::remove_if(list.begin(), list.end(),
                                  [&](const auto& v) { return v.first >= keep; }),
                   list.end());
    // Sorted by step: the events from `step` on are the tail.
    trace_.events.truncate(trace_.first_event_at_or_after(step));
    if (trace_.steps.size() > step) trace_.steps.resize(step);
    trace_.syscalls.clear();
    records_events_ = SIZE_MAX;
    trace_.outcome = Outcome::Running;
    trace_.outcome_detail.clear();
    trace_.exit_code = 0;
    trace_.killed_by = 0;
    actions_.erase(std::remove_if(actions_.begin(), actions_.end(),
                                  [&](const Action& a) {
                                      return a.step > step ||
                                             (a.step == step && a.origin != InjectWhen::Now);
                                  }),
                   actions_.end());
}

// ---------------------------------------------------------------------------
// Running

void Engine::record_to_end() {
    recording_ = true;
    while (!finished()) run_until(UINT64_MAX - 1, true);
    run_probes();  // the last step
    recording_ = false;
    if (options_.trace && !options_.summary) reserve_near_checkpoints();
}

void Engine::seek(uint64_t target) {
    if (!options_.trace) return;
    target = std::min<uint64_t>(target, trace_.last_step());
    // Restore when going back, or when a checkpoint lies between here and there.
    size_t best = checkpoint_at_or_before(target);
    // A near checkpoint of the replays before, at or before the target:
    // going forward, only one far enough ahead to be worth its restore.
    const uint64_t from = target < host_.step ? 0 : host_.step + kNearInterval;
    if (const NearCheckpoint* near = near_checkpoint(best, from, target))
        restore_near_checkpoint(*near);
    else if (target < host_.step || (checkpoints_[best].step > host_.step))
        restore_checkpoint(best);
    bool was = recording_;
    recording_ = false;
    run_until(target, true);
    recording_ = was;
}

void Engine::add_action_now(Action action, std::optional<uint64_t> first_steps) {
    uint64_t s = host_.step;
    action.step = s;
    action.origin = InjectWhen::Now;
    truncate_after(s);
    restore_checkpoint(checkpoint_at_or_before(s));
    run_until(s, false);  // arrive at s without applying its actions
    auto pos = std::upper_bound(actions_.begin(), actions_.end(), s,
                                [](uint64_t st, const Action& a) { return st < a.step; });
    actions_.insert(pos, std::move(action));
    if (first_steps)
        record_more(*first_steps, std::chrono::steady_clock::time_point::max());
    else
        record_to_end();
}

void Engine::apply_actions_at(uint64_t step) {
    // Index loop: an injection may add nothing, but apply_action must not
    // see a reallocated vector.
    for (size_t i = 0; i < actions_.size(); i++) {
        if (actions_[i].step != step) continue;
        Action a = actions_[i];
        apply_action(a);
        if (halted()) return;
    }
}

void Engine::apply_action(const Action& a) {
    if (a.origin == InjectWhen::Entry) host_.entry_fired = true;
    if (a.origin == InjectWhen::Exit && !a.tamper) host_.exit_fired = true;
    if (a.is_edit)
        edit(a.target, a.value, a.mask);
    else
        inject(a.bit);
    if (a.tamper && !finished()) {
        uint64_t slot = static_cast<uint64_t>(pt_regs_slot_index(a.target.substr(8)));
        uint64_t written = read_u64(pt_regs_base() + slot * 8);
        emit(EventKind::Edit, reg(UC_X86_REG_RIP), a.target, {0, 0, written, 1},
             "tracer at the syscall-exit stop: PTRACE_SETREGS " + a.target + " = " + hex(written));
        return;
    }
    if (!finished())
        emit(a.is_edit ? EventKind::Edit : EventKind::Inject, reg(UC_X86_REG_RIP),
             a.is_edit ? a.target : std::string(tif_flag(a.bit) ? tif_flag(a.bit)->name : "?"),
             {static_cast<uint64_t>(a.bit), static_cast<uint64_t>(a.origin), a.value, 0},
             a.is_edit ? "edit " + a.target + " = " + hex(a.value)
                       : "inject " + std::string(tif_flag(a.bit) ? tif_flag(a.bit)->name : "?") +
                             " @" + std::string(inject_when_name(a.origin)) + ": " +
                             std::string(tif_flag(a.bit) ? tif_flag(a.bit)->cause : ""));
}

void Engine::run_until(uint64_t target, bool apply_at_target) {
    // Replays stop at their target; only a recording run ends with the guest.
    while (!halted()) {
        if (recording_ && !options_.summary && host_.step % kCheckpointInterval == 0 &&
            (checkpoints_.empty() || checkpoints_.back().step < host_.step)) {
            take_checkpoint();
            if (!keep_to_memory_budget()) return;
        } else if (replaying() && host_.step % kCheckpointInterval == 0)
            uc_ctl_flush_tlb(uc_);  // as take_checkpoint did here
        else if (replaying() && host_.step % kNearInterval == 0)
            take_near_checkpoint();
        if (actions_applied_at_ != host_.step && (host_.step < target || apply_at_target)) {
            actions_applied_at_ = host_.step;
            apply_actions_at(host_.step);
            if (halted()) return;
        }
        if (recording_) run_probes();
        if (host_.step >= target) return;
        if (!run_slice(target)) return;
    }
}

void Engine::run_probes() {
    const auto& steps = probe_steps_;
    while (next_probe_ < steps.size() && steps[next_probe_] <= host_.step) {
        if (steps[next_probe_] == host_.step && probe_) probe_(*this);
        next_probe_++;
    }
}

bool Engine::run_slice(uint64_t target) {
    stop_target_ = target;
    if (recording_ && !options_.summary)
        stop_target_ =
            std::min(target, (host_.step / kCheckpointInterval + 1) * kCheckpointInterval);
    else if (replaying())
        stop_target_ = std::min(target, (host_.step / kNearInterval + 1) * kNearInterval);
    if (recording_ && next_probe_ < probe_steps_.size())
        stop_target_ = std::min(stop_target_, probe_steps_[next_probe_]);
    next_action_step_ = UINT64_MAX;
    for (const auto& a : actions_)
        if (a.step > host_.step) {
            next_action_step_ = a.step;
            break;
        }
    stop_reason_ = StopReason::None;
    uc_err err;
    if (emulate(&err)) return !halted();
    switch (stop_reason_) {
        case StopReason::Target:
        case StopReason::Action:
            return true;
        case StopReason::Limit:
            finish(Outcome::StepLimit,
                   "stopped after " + std::to_string(host_.step) + " instructions (--max-steps)");
            return false;
        case StopReason::Halt:
            halt_next_ = false;
            finish(halt_outcome_, halt_detail_);
            return false;
        default:
            break;
    }
    if (err != UC_ERR_OK) {
        finish_on_error(err);
        return false;
    }
    if (!recording_) return false;  // a replay never runs past the recorded end
    check_halt();
    return !halted();
}

void Engine::check_halt() {
    uint32_t reason = read_u32(sp_state_ + offsetof(abi::sp_kernel_state, halt_reason));
    int32_t code =
        static_cast<int32_t>(read_u32(sp_state_ + offsetof(abi::sp_kernel_state, exit_code)));
    uint32_t killed = read_u32(sp_state_ + offsetof(abi::sp_kernel_state, killed_by));
    if (reason == SP_HALT_EXITED && !killed) {
        trace_.exit_code = code;
        finish(Outcome::Exited, "exited with status " + std::to_string(code));
    } else if (reason == SP_HALT_EXITED) {
        trace_.exit_code = code;
        trace_.killed_by = killed;
        finish(Outcome::Fault, "the program was killed by " + signal_name(killed));
    } else if (reason == SP_HALT_DEADLOCK) {
        finish(Outcome::Fault,
               "deadlock: every task sleeps (futex, wait) and nothing can wake one");
    } else if (reason == SP_HALT_OOPS) {
        uint64_t vec = read_u64(sp_state_ + offsetof(abi::sp_kernel_state, oops_vector));
        uint64_t rip = read_u64(sp_state_ + offsetof(abi::sp_kernel_state, oops_rip));
        uint64_t cr2 = read_u64(sp_state_ + offsetof(abi::sp_kernel_state, oops_cr2));
        finish(Outcome::Fault,
               std::string("kernel oops: ") + cpu::vector_info(static_cast<uint32_t>(vec)).name +
                   " at " + describe(rip) + (vec == 14 ? " (address " + hex(cr2) + ")" : ""));
    } else {
        finish(Outcome::Fault,
               "the guest stopped at " + describe(reg(UC_X86_REG_RIP)) + " without exiting");
    }
}

void Engine::finish(Outcome outcome, const std::string& detail) {
    if (finished()) return;
    trace_.outcome = outcome;
    trace_.outcome_detail = detail;
    bool killed = outcome == Outcome::Fault && detail.rfind("the program was killed", 0) == 0;
    EventKind kind = outcome == Outcome::Exited || killed ? EventKind::Exit
                     : outcome == Outcome::Livelock       ? EventKind::Livelock
                     : outcome == Outcome::StepLimit      ? EventKind::StepLimit
                                                          : EventKind::Oops;
    if (recording_ || !options_.trace) {
        std::string name(outcome_name(outcome));
        std::array<uint64_t, 4> a = {static_cast<uint64_t>(trace_.exit_code), 0, 0, 0};
        if (outcome == Outcome::Livelock) {
            name = tif_names(livelock_flags_);
            a = {livelock_flags_, 0, 0, 0};
        }
        emit(kind, reg(UC_X86_REG_RIP), name, a, detail);
        if (options_.trace && !options_.summary && trace_.steps.size() == host_.step)
            trace_.steps.push_back({reg(UC_X86_REG_RIP), reg(UC_X86_REG_RSP),
                                    static_cast<uint8_t>(host_.cpl), host_.syscall});
        trace_.focus = host_.focus;
        trace_.host_io = uses_host_io();
        trace_.console = trace_.host_io ? program_output(0) : decode_kernel_state(*this).console;
        trace_.program_stdout = program_output(1);
        trace_.program_stderr = program_output(2);
        if (options_.summary)
            finish_summary_records();
        else
            build_syscall_records(trace_);
    }
}

// One stretch of emulation. A fault it stopped on is delivered through the
// guest's IDT; returns true when it delivered one (the run goes on from the
// handler).
bool Engine::emulate(uc_err* err) {
    *err = uc_emu_start(uc_, reg(UC_X86_REG_RIP), 0, 0, 0);
    if (blocks_) block_emulation_ended();
    if (!block_fallback_.empty()) return false;
    if (take_unmapped_as_fault()) *err = UC_ERR_OK;
    if (!fault_.pending) return false;
    fault_.pending = false;
    PendingFault f = std::move(fault_);
    fault_ = {};
    model_fixups(f);
    deliver_fault(f);
    return true;
}

void Engine::finish_on_error(uc_err err) {
    finish(Outcome::Fault, std::string("the emulator stopped: ") + uc_strerror(err) + " at " +
                               describe(reg(UC_X86_REG_RIP)));
}

void Engine::run_untraced() {
    while (!finished()) {
        stop_target_ = UINT64_MAX;
        stop_reason_ = StopReason::None;
        uc_err err;
        if (emulate(&err)) continue;
        if (err != UC_ERR_OK) {
            finish_on_error(err);
            break;
        }
        check_halt();
    }
}

}  // namespace slowpath
