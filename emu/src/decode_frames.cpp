// Frames by name on the kernel stack: the exception frames the CPU pushed and
// the frames of the C functions that are running, found from the trace and
// read from the machine (see decode.h).
#include <slowpath/abi.h>

#include <algorithm>

#include "cpu_model.h"
#include "slowpath/decode.h"
#include "slowpath/machine.h"

namespace slowpath {

namespace {

// The kernel stack a stack address belongs to (kernel stacks are
// SP_THREAD_SIZE long and aligned to it).
uint64_t stack_block(uint64_t addr) {
    return (addr - 1) & ~uint64_t(SP_THREAD_SIZE - 1);
}

uint64_t rsp_at(const Trace& trace, uint64_t step) {
    return step < trace.steps.size() ? trace.steps[step].rsp : 0;
}

struct OpenException {
    uint64_t frame = 0;       // the saved rip's slot
    uint64_t error_slot = 0;  // 0 when the vector pushes no error code
    uint64_t vector = 0;
    uint64_t error_code = 0;  // as the CPU pushed it (the entry code then overwrites the slot)
};

struct OpenCall {
    std::string name;
    uint64_t slot = 0;  // where the call put its return address
};

// Drop what lives on `block` below `above` (a frame popped takes the inner ones with it).
template <typename T, typename Addr>
void drop_below(std::vector<T>& open, uint64_t block, uint64_t above, Addr addr_of) {
    open.erase(std::remove_if(open.begin(), open.end(),
                              [&](const T& x) {
                                  return stack_block(addr_of(x)) == block && addr_of(x) < above;
                              }),
               open.end());
}

// What is open at `step` on the stack the CPU is using, innermost first.
template <typename T, typename Addr>
std::vector<T> still_on_stack(const Machine& m, std::vector<T> open, Addr addr_of) {
    const CpuState cpu = m.cpu();
    std::vector<T> out;
    if (cpu.cpl != 0) return out;  // in user mode the kernel stack holds no frame
    uint64_t rsp = cpu.gpr[RSP];
    for (const T& x : open)
        if (stack_block(addr_of(x)) == stack_block(rsp) && addr_of(x) >= rsp) out.push_back(x);
    std::sort(out.begin(), out.end(),
              [&](const T& a, const T& b) { return addr_of(a) < addr_of(b); });
    return out;
}

}  // namespace

const NamedFrame::Field* NamedFrame::field(std::string_view wanted) const {
    for (const Field& f : fields)
        if (f.name == wanted) return &f;
    return nullptr;
}

const std::vector<std::string_view>& exception_frame_fields() {
    static const std::vector<std::string_view> names = {"rip", "cs",         "rflags", "rsp",
                                                        "ss",  "error_code", "vector"};
    return names;
}

const std::vector<std::string_view>& function_frame_fields() {
    static const std::vector<std::string_view> names = {"return_address", "address", "saved_rbp",
                                                        "returns_to"};
    return names;
}

std::optional<NamedFrame> exception_frame_at(const Machine& m, const Trace& trace, uint64_t step) {
    std::vector<OpenException> open;
    auto frame_of = [](const OpenException& x) { return x.frame; };
    for (const Event& e : trace.events) {
        // A fault is handled from the step after the faulting instruction;
        // an iretq has popped its frame once it has run.
        if (e.step >= step) break;
        if (e.kind == EventKind::Fault) {
            uint64_t handler_rsp = rsp_at(trace, e.step + 1);
            if (!handler_rsp) continue;
            OpenException x;
            x.vector = e.a[0];
            x.error_code = e.a[1];
            bool has_error = cpu::vector_info(static_cast<uint32_t>(x.vector)).has_error_code;
            x.error_slot = has_error ? handler_rsp : 0;
            x.frame = has_error ? handler_rsp + 8 : handler_rsp;
            open.push_back(x);
        } else if (e.kind == EventKind::Iret) {
            uint64_t rsp = rsp_at(trace, e.step);
            drop_below(open, stack_block(rsp), rsp + 1, frame_of);
        }
    }
    std::vector<OpenException> live = still_on_stack(m, std::move(open), frame_of);
    if (live.empty()) return std::nullopt;
    const OpenException& x = live.front();
    NamedFrame f;
    f.kind = NamedFrame::Kind::Exception;
    f.name = "exception_frame";
    f.addr = x.frame;
    f.vector = x.vector;
    const char* order[] = {"rip", "cs", "rflags", "rsp", "ss"};
    for (int i = 0; i < 5; i++)
        f.fields.push_back({order[i], x.frame + 8 * i, m.read_u64(x.frame + 8 * i)});
    // The error code the CPU pushed: the entry code moves it into the
    // handler's second argument and writes -1 over its slot (orig_ax).
    if (x.error_slot) f.fields.push_back({"error_code", x.error_slot, x.error_code});
    return f;
}

std::vector<NamedFrame> function_frames_at(const Machine& m, const Trace& trace, uint64_t step) {
    std::vector<OpenCall> open;
    auto slot_of = [](const OpenCall& c) { return c.slot; };
    for (const Event& e : trace.events) {
        if (e.step > step) break;
        uint64_t rsp = rsp_at(trace, e.step);
        if (!rsp) continue;
        switch (e.kind) {
            case EventKind::Call:
                open.push_back({e.name, rsp});
                break;
            case EventKind::Return:  // back in the caller: rsp is just above the slot
                drop_below(open, stack_block(rsp), rsp, slot_of);
                break;
            case EventKind::SyscallEntry:  // a new kernel entry from user mode: the stack is empty
                open.clear();
                break;
            case EventKind::Fault:
                if (e.step < trace.steps.size() && trace.steps[e.step].cpl != 0) open.clear();
                break;
            default:
                break;
        }
    }
    const uint64_t rsp = m.cpu().gpr[RSP];
    std::vector<NamedFrame> out;
    for (const OpenCall& c : still_on_stack(m, std::move(open), slot_of)) {
        NamedFrame f;
        f.kind = NamedFrame::Kind::Function;
        f.name = c.name;
        f.addr = c.slot;
        f.fields.push_back({"return_address", c.slot, m.read_u64(c.slot)});
        f.fields.push_back({"address", c.slot, c.slot});
        // The prologue's push %rbp sits just below the return address.
        if (rsp <= c.slot - 8)
            f.fields.push_back({"saved_rbp", c.slot - 8, m.read_u64(c.slot - 8)});
        out.push_back(std::move(f));
    }
    return out;
}

std::vector<NamedFrame> named_frames_at(const Machine& m, const Trace& trace, uint64_t step,
                                        const PtRegsView& pt_regs) {
    std::vector<NamedFrame> out = function_frames_at(m, trace, step);
    if (auto x = exception_frame_at(m, trace, step)) out.push_back(std::move(*x));
    std::stable_sort(out.begin(), out.end(),
                     [](const NamedFrame& a, const NamedFrame& b) { return a.addr < b.addr; });
    if (pt_regs.present) {
        NamedFrame f;
        f.kind = NamedFrame::Kind::PtRegs;
        f.name = "pt_regs";
        f.addr = pt_regs.base;
        for (const PtRegsSlot& s : pt_regs.slots) f.fields.push_back({s.name, s.addr, s.value});
        out.push_back(std::move(f));
    }
    return out;
}

namespace {

// The function or entry label an address is in ("page_fault" for page_fault+0x1d).
std::string code_at(const Machine& m, uint64_t addr) {
    std::string name = m.describe(addr);
    if (auto pos = name.find('+'); pos != std::string::npos) name.resize(pos);
    return name;
}

}  // namespace

void frame_kernel_stack(const Machine& m, KernelStackView& view,
                        const std::vector<NamedFrame>& frames) {
    if (!view.present || view.words.empty()) return;
    std::vector<StackFrameInfo> exceptions, code;
    // Code frames lie between the lowest word and pt_regs' base. A C
    // function's frame runs from the frame below it up to its return
    // address. A stretch no named frame covers (what entry code pushed below
    // an exception frame or pt_regs) belongs to the code that the frame
    // below it resumes: its return address or saved rip, or the CPU's rip
    // for the innermost one.
    uint64_t low = view.words.front().addr;
    const uint64_t top = view.frame_base;
    std::string owner = view.in_use ? code_at(m, m.cpu().rip) : "";
    auto add = [&](std::vector<StackFrameInfo>& to, const std::string& name, uint64_t lo,
                   uint64_t hi) {
        hi = std::min(hi, top);
        if (lo < hi) to.push_back({name.empty() ? "entry code" : name, lo, hi});
    };
    for (const NamedFrame& f : frames) {
        if (f.kind == NamedFrame::Kind::Function) {
            add(code, f.name, low, f.addr + 8);
            low = std::max(low, f.addr + 8);
            if (const NamedFrame::Field* ret = f.field("return_address"))
                owner = code_at(m, ret->value);
            continue;
        }
        if (f.kind != NamedFrame::Kind::Exception || f.fields.empty()) continue;
        uint64_t x_low = ~uint64_t(0), x_high = 0;
        for (const NamedFrame::Field& field : f.fields) {
            x_low = std::min(x_low, field.addr);
            x_high = std::max(x_high, field.addr + 8);
            for (StackWord& w : view.words)
                if (w.addr == field.addr && w.kind == StackWordKind::Data)
                    w.label = "exception frame: " + std::string(field.name);
        }
        add(code, owner, low, x_low);
        low = std::max(low, x_high);
        if (const NamedFrame::Field* rip = f.field("rip")) owner = code_at(m, rip->value);
        // Innermost first, ahead of the code frames: a fault taken in user
        // mode lies where pt_regs is built, and heads those words.
        std::string title = std::string("exception frame (") +
                            cpu::vector_info(static_cast<uint32_t>(f.vector)).name + ")";
        exceptions.push_back({title, x_low, x_high});
    }
    add(code, owner, low, top);
    view.frames = std::move(exceptions);
    view.frames.insert(view.frames.end(), code.begin(), code.end());
    view.frames.push_back({"pt_regs", view.frame_base, view.stack_top});
}

}  // namespace slowpath
