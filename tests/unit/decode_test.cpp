// Decoders: pt_regs layout and validity, checked against calling.h of v3.13
// on a fake machine, then on the real guest at points of the exit path
// where the sources say what the frame must look like.
#include "slowpath/decode.h"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "slowpath/abi.h"
#include "slowpath/machine.h"
#include "slowpath/session.h"

namespace slowpath {
namespace {

// Guest memory as a flat buffer at `base`; nothing else.
class FakeMachine : public Machine {
 public:
    FakeMachine(uint64_t base, size_t size) : base_(base), mem_(size, 0) {}
    CpuState cpu() const override { return cpu_; }
    bool read(uint64_t addr, void* out, size_t size) const override {
        if (addr < base_ || addr - base_ > mem_.size() || size > mem_.size() - (addr - base_))
            return false;
        std::memcpy(out, mem_.data() + (addr - base_), size);
        return true;
    }
    const GuestImage& kernel() const override { return image_; }
    const GuestImage& user() const override { return image_; }
    void put_u64(uint64_t addr, uint64_t v) { std::memcpy(mem_.data() + (addr - base_), &v, 8); }
    CpuState cpu_;

 private:
    uint64_t base_;
    std::vector<uint8_t> mem_;
    GuestImage image_;
};

const char* const kSlots[] = {"r15", "r14",      "r13", "r12", "rbp",    "rbx", "r11",
                              "r10", "r9",       "r8",  "rax", "rcx",    "rdx", "rsi",
                              "rdi", "orig_rax", "rip", "cs",  "eflags", "rsp", "ss"};

uint32_t bits(std::initializer_list<const char*> names) {
    uint32_t m = 0;
    for (const char* n : names) m |= 1u << pt_regs_slot_index(n);
    return m;
}

TEST(PtRegs, SlotOrderAndOffsetsFollowCallingH) {
    const auto& names = pt_regs_slot_names();
    ASSERT_EQ(names.size(), 21u);
    for (int i = 0; i < 21; i++) {
        EXPECT_EQ(names[i], kSlots[i]) << i;
        EXPECT_EQ(pt_regs_slot_index(kSlots[i]), i);
    }
    EXPECT_EQ(pt_regs_slot_index("r15") * 8, SP_R15);
    EXPECT_EQ(pt_regs_slot_index("r11") * 8, SP_ARGOFFSET);
    EXPECT_EQ(pt_regs_slot_index("orig_rax") * 8, SP_ORIG_RAX);
    EXPECT_EQ(pt_regs_slot_index("rip") * 8, 128);
    EXPECT_EQ(pt_regs_slot_index("ss") * 8, 160);
    EXPECT_EQ(21 * 8, SP_FRAME_SIZE);
    EXPECT_EQ(pt_regs_slot_index("fs"), -1);
    EXPECT_EQ(pt_regs_slot_index(""), -1);
    EXPECT_EQ(pt_regs_slot_index("RAX"), -1);
}

TEST(PtRegs, ValidMasksSplitTheFrameAsTheSyscallPathFillsIt) {
    // SAVE_ARGS 8,0 saves the args but not rcx; orig_rax and rip are stored
    // right after; SAVE_REST adds the six callee-saved slots;
    // FIXUP_TOP_OF_STACK fills rcx and the hardware frame.
    EXPECT_EQ(valid_mask_partial_frame(),
              bits({"r11", "r10", "r9", "r8", "rax", "rdx", "rsi", "rdi", "orig_rax", "rip"}));
    EXPECT_EQ(valid_mask_rest(), bits({"r15", "r14", "r13", "r12", "rbp", "rbx"}));
    EXPECT_EQ(valid_mask_top_of_stack(), bits({"rcx", "cs", "eflags", "rsp", "ss"}));
    EXPECT_EQ(valid_mask_full(), (1u << 21) - 1);
    EXPECT_EQ(valid_mask_partial_frame() & valid_mask_rest(), 0u);
    EXPECT_EQ(valid_mask_partial_frame() & valid_mask_top_of_stack(), 0u);
    EXPECT_EQ(valid_mask_rest() & valid_mask_top_of_stack(), 0u);
    EXPECT_EQ(valid_mask_partial_frame() | valid_mask_rest() | valid_mask_top_of_stack(),
              valid_mask_full());
}

TEST(PtRegs, DecodesEverySlotAtItsOffset) {
    const uint64_t base = 0x200000;
    FakeMachine m(0x1ff000, 0x2000);
    for (int i = 0; i < 21; i++) m.put_u64(base + 8 * i, 0x1000 + i);
    const PtRegsView v = decode_pt_regs(m, base, valid_mask_full());
    EXPECT_TRUE(v.present);
    EXPECT_EQ(v.base, base);
    EXPECT_EQ(v.valid_mask, valid_mask_full());
    ASSERT_EQ(v.slots.size(), 21u);
    for (int i = 0; i < 21; i++) {
        EXPECT_EQ(v.slots[i].name, kSlots[i]);
        EXPECT_EQ(v.slots[i].offset, 8 * i);
        EXPECT_EQ(v.slots[i].addr, base + 8 * i);
        EXPECT_EQ(v.slots[i].value, uint64_t(0x1000 + i)) << kSlots[i];
        EXPECT_EQ(v.slots[i].state, SlotState::Valid) << kSlots[i];
    }
}

TEST(PtRegs, PartialFrameMarksRestUnsavedAndTopOfStackUnfixed) {
    const uint64_t base = 0x200000;
    FakeMachine m(0x1ff000, 0x2000);
    for (int i = 0; i < 21; i++) m.put_u64(base + 8 * i, 0x1000 + i);
    const PtRegsView v = decode_pt_regs(m, base, valid_mask_partial_frame());
    ASSERT_EQ(v.slots.size(), 21u);
    for (const char* n : {"r15", "r14", "r13", "r12", "rbp", "rbx"})
        EXPECT_EQ(v.slots[pt_regs_slot_index(n)].state, SlotState::NotSaved) << n;
    for (const char* n : {"rcx", "cs", "eflags", "rsp", "ss"})
        EXPECT_EQ(v.slots[pt_regs_slot_index(n)].state, SlotState::Unfixed) << n;
    for (const char* n : {"r11", "rax", "rdi", "orig_rax", "rip"}) {
        const auto& slot = v.slots[pt_regs_slot_index(n)];
        EXPECT_EQ(slot.state, SlotState::Valid) << n;
        EXPECT_EQ(slot.value, uint64_t(0x1000 + pt_regs_slot_index(n)));
    }
    EXPECT_FALSE(slot_state_name(SlotState::Valid).empty());
    EXPECT_NE(slot_state_name(SlotState::NotSaved), slot_state_name(SlotState::Unfixed));
}

TEST(PtRegs, FrameOutsideMemoryDoesNotCrash) {
    FakeMachine m(0x1ff000, 0x2000);
    for (uint64_t base : {0ull, 0x1ff000ull + 0x2000 - 8, 0xfffffffffffffff8ull}) {
        const PtRegsView v = decode_pt_regs(m, base, valid_mask_full());
        EXPECT_TRUE(v.slots.empty() || v.slots.size() == 21u);
    }
}

TEST(Decoders, GarbageUserStackDoesNotCrash) {
    FakeMachine m(0x1ff000, 0x2000);
    for (uint64_t rsp : {0ull, 0x1ff000ull + 0x2000 - 4, 0xfffffffffffffff0ull}) {
        const UserStackView u = decode_user_stack(m, rsp);
        EXPECT_LE(u.words.size(), 48u);
        (void)decode_sigframe(m, rsp);
    }
    (void)decode_tif(m);
    (void)decode_kernel_state(m);
}

// ---- on the real guest ------------------------------------------------------------

const SyscallRecord& focus(const Session& s) {
    const Trace& t = s.trace();
    if (t.focus < 0) throw std::runtime_error("no focus syscall: " + t.outcome_detail);
    return t.syscalls[t.focus];
}

uint64_t slot(const PtRegsView& v, const char* name) {
    return v.slots.at(pt_regs_slot_index(name)).value;
}

class EraDecodeTest : public ::testing::TestWithParam<Era> {};

TEST_P(EraDecodeTest, FastPathHasThePartialFrame) {
    Scenario sc;
    sc.era = GetParam();
    Session s(sc);
    const SyscallRecord& f = focus(s);
    s.seek(f.entry_step);
    ASSERT_TRUE(s.run_to_label("system_call_fastpath"));
    ASSERT_LT(s.step(), f.return_step);

    EXPECT_EQ(s.frame_valid_mask(), valid_mask_partial_frame());
    const PtRegsView v = s.pt_regs();
    ASSERT_TRUE(v.present);
    ASSERT_EQ(v.slots.size(), 21u);
    EXPECT_EQ(slot(v, "orig_rax"), 39u);
    EXPECT_EQ(slot(v, "rip"), f.user_rip + 2) << "SYSCALL left the return address in rcx";
    // The frame sits at the top of the kernel stack: kernel_stack = top - 40
    // is &regs->ip, and SAVE_ARGS 8,0 leaves rsp at &regs->r11.
    const CpuState c = s.machine().cpu();
    EXPECT_EQ(c.cpl, 0);
    EXPECT_EQ(c.gpr[RSP], v.base + SP_ARGOFFSET);
    const KernelStackView k = s.kernel_stack();
    ASSERT_TRUE(k.present);
    EXPECT_EQ(k.frame_base, v.base);
    EXPECT_EQ(k.stack_top - v.base, uint64_t(SP_FRAME_SIZE));
    EXPECT_EQ(k.stack_top - k.stack_base, uint64_t(SP_THREAD_SIZE));
    // Nothing asked for work.
    const TifView tif = s.tif();
    ASSERT_TRUE(tif.present);
    EXPECT_EQ(tif.flags & _TIF_ALLWORK_MASK, 0u);
}

TEST_P(EraDecodeTest, SlowPathCallSeesAFullFixedFrame) {
    // Both eras call into C on the exit slow path only after SAVE_REST and
    // FIXUP_TOP_OF_STACK: do_notify_resume (v3.13, from int_signal) and
    // syscall_exit_slowpath (RFC, from sysret_careful).
    Scenario sc;
    sc.era = GetParam();
    sc.injections = {parse_injection("SIGPENDING@exit")};
    Session s(sc);
    const SyscallRecord& f = focus(s);
    s.seek(f.entry_step);
    const CpuState user = s.machine().cpu();  // ring 3, about to execute SYSCALL
    ASSERT_EQ(user.cpl, 3);
    const char* label = GetParam() == Era::V3_13 ? "int_signal" : "sysret_careful";
    ASSERT_TRUE(s.run_to_label(label));
    // Walk to the call: the frame is complete when C is entered.
    ASSERT_TRUE(s.run_to_event(EventKind::Call));
    EXPECT_EQ(s.frame_valid_mask(), valid_mask_full());
    const PtRegsView v = s.pt_regs();
    ASSERT_EQ(v.slots.size(), 21u);
    EXPECT_EQ(slot(v, "rsp"), f.user_rsp) << "from old_rsp";
    EXPECT_EQ(slot(v, "cs"), uint64_t(SP_USER_CS));
    EXPECT_EQ(slot(v, "ss"), uint64_t(SP_USER_DS));
    EXPECT_EQ(slot(v, "rcx"), ~0ull) << "FIXUP_TOP_OF_STACK stores -1";
    EXPECT_EQ(slot(v, "eflags"), slot(v, "r11")) << "user RFLAGS, from r11";
    // SAVE_REST stored ring 3's callee-saved registers, which nothing touched.
    EXPECT_EQ(slot(v, "rbx"), user.gpr[RBX]);
    EXPECT_EQ(slot(v, "rbp"), user.gpr[RBP]);
    EXPECT_EQ(slot(v, "r12"), user.gpr[R12]);
    EXPECT_EQ(slot(v, "r13"), user.gpr[R13]);
    EXPECT_EQ(slot(v, "r14"), user.gpr[R14]);
    EXPECT_EQ(slot(v, "r15"), user.gpr[R15]);
    EXPECT_EQ(slot(v, "r11"), user.rflags) << "SYSCALL put the user RFLAGS in r11";
    EXPECT_EQ(slot(v, "rax"), 1u) << "getpid's return value is in the frame";
    const TifView tif = s.tif();
    ASSERT_TRUE(tif.present);
    EXPECT_NE(tif.flags & _TIF_SIGPENDING, 0u);
    bool named = false;
    for (const auto& b : tif.bits)
        if (b.name == "SIGPENDING") named = b.set;
    EXPECT_TRUE(named);
}

TEST_P(EraDecodeTest, KernelStateAfterARun) {
    Scenario sc;
    sc.era = GetParam();
    Session s(sc);
    s.seek(s.last_step());
    const KernelStateView k = s.kernel_state();
    ASSERT_TRUE(k.present);
    EXPECT_EQ(k.halt_reason, 1u) << "SP_HALT_EXITED";
    EXPECT_EQ(k.exit_code, 0);
    EXPECT_EQ(k.killed_by, 0u);
    EXPECT_NE(k.console.find("demo: getpid returned 1"), std::string::npos) << k.console;
    EXPECT_EQ(k.console, s.console());
    EXPECT_TRUE(k.audit.empty());
    EXPECT_FALSE(k.tracer_attached);
}

// write() given an unmapped buffer, in the RFC era: the copy faults in ring 0.
Scenario bad_pointer_write() {
    Scenario sc;
    sc.era = Era::Rfc;
    sc.syscall_nr = 1;  // write
    sc.bad_pointer = true;
    return sc;
}

// The first Fault event after `step`, or null.
std::optional<Event> first_fault_after(const Trace& t, uint64_t step) {
    for (const Event& e : t.events)
        if (e.kind == EventKind::Fault && e.step > step) return e;
    return std::nullopt;
}

// A bad user pointer given to write(): the copy faults in ring 0. At each
// point the named frames must be what the trace and the stack say, checked
// here against the Fault event and the words on the stack themselves.
TEST(NamedFrames, BadPointerWriteThroughThePageFault) {
    Session s(bad_pointer_write());
    const SyscallRecord& f = focus(s);
    s.seek(f.entry_step);
    EXPECT_FALSE(exception_frame_at(s.machine(), s.trace(), s.step())) << "in user mode";
    EXPECT_TRUE(function_frames_at(s.machine(), s.trace(), s.step()).empty());

    const Trace& t = s.trace();
    std::optional<Event> fault = first_fault_after(t, f.entry_step);
    ASSERT_TRUE(fault);
    EXPECT_EQ(fault->a[0], 14u);
    // At the faulting instruction nothing is being handled yet.
    s.seek(fault->step);
    EXPECT_FALSE(exception_frame_at(s.machine(), t, s.step()));

    ASSERT_TRUE(s.run_to_label("page_fault"));
    EXPECT_EQ(s.step(), fault->step + 1);
    const uint64_t rsp = s.machine().cpu().gpr[RSP];
    auto x = exception_frame_at(s.machine(), t, s.step());
    ASSERT_TRUE(x);
    EXPECT_EQ(x->name, "exception_frame");
    EXPECT_EQ(x->vector, 14u);
    // #PF pushes an error code below the frame: rsp points at it.
    EXPECT_EQ(x->addr, rsp + 8);
    EXPECT_EQ(x->field("error_code")->value, fault->a[1]);
    EXPECT_EQ(x->field("error_code")->value, s.machine().read_u64(rsp));
    EXPECT_EQ(x->field("rip")->value, fault->a[3]);
    EXPECT_EQ(x->field("cs")->value, uint64_t(SP_KERNEL_CS));
    EXPECT_EQ(x->field("ss")->value, s.machine().read_u64(rsp + 40));
    EXPECT_EQ(x->field("rsp")->value, t.steps[fault->step].rsp) << "the rsp of the fault";
    EXPECT_EQ(x->field("rflags")->value & 0x2, 0x2u);

    // Inside fixup_exception: innermost first, the exception frame between
    // do_page_fault and the copy it interrupted, pt_regs last.
    ASSERT_TRUE(s.run_to_event(EventKind::Call, "fixup_exception"));
    auto frames = named_frames_at(s.machine(), t, s.step(), s.pt_regs());
    std::vector<std::string> names;
    for (const NamedFrame& nf : frames) names.push_back(nf.name);
    EXPECT_EQ(names,
              (std::vector<std::string>{"fixup_exception", "do_page_fault", "exception_frame",
                                        "copy_from_user", "file_write", "sys_write", "pt_regs"}));
    const uint64_t now_rsp = s.machine().cpu().gpr[RSP];
    EXPECT_EQ(frames[0].addr, now_rsp) << "at its first instruction: rsp is the return slot";
    EXPECT_EQ(frames[0].field("return_address")->value, s.machine().read_u64(now_rsp));
    EXPECT_EQ(frames[0].field("saved_rbp"), nullptr) << "push %rbp has not run yet";
    EXPECT_EQ(s.machine().describe(frames[1].field("return_address")->value).rfind("page_fault", 0),
              0u);
    ASSERT_NE(frames[1].field("saved_rbp"), nullptr);
    EXPECT_EQ(frames[1].field("saved_rbp")->addr, frames[1].addr - 8);
    for (size_t i = 1; i + 1 < frames.size(); i++) EXPECT_GT(frames[i].addr, frames[i - 1].addr);
    // On the fast path SAVE_REST has not run: sys_write's return address
    // lies in the unsaved r15..rbx part of pt_regs, so pt_regs comes last
    // though its base is lower.
    EXPECT_LT(frames.back().addr, frames[frames.size() - 2].addr);
    EXPECT_EQ(frames.back().kind, NamedFrame::Kind::PtRegs);
    EXPECT_EQ(frames.back().addr, s.pt_regs().base);

    // Once the iretq has run, no exception is being handled and the copy
    // goes on at the fixup the exception table gave.
    ASSERT_TRUE(s.run_to_label("irq_return"));
    EXPECT_TRUE(exception_frame_at(s.machine(), t, s.step())) << "iretq has not run yet";
    s.step_forward(1);
    EXPECT_FALSE(exception_frame_at(s.machine(), t, s.step()));
    EXPECT_NE(s.machine().cpu().rip, fault->a[3]) << "the fixup changed the saved rip";
    names.clear();
    for (const NamedFrame& nf : function_frames_at(s.machine(), t, s.step()))
        names.push_back(nf.name);
    EXPECT_EQ(names, (std::vector<std::string>{"copy_from_user", "file_write", "sys_write"}));
}

// The stack view heads the CPU's exception frame as a frame of its own and
// names its words, with the values the CPU pushed at the fault.
TEST(NamedFrames, StackViewHeadsTheExceptionFrame) {
    Session s(bad_pointer_write());
    const SyscallRecord& f = focus(s);
    s.seek(f.entry_step);
    for (const StackFrameInfo& fr : s.kernel_stack().frames)
        EXPECT_EQ(fr.function.find("exception frame"), std::string::npos) << "no fault yet";
    std::optional<Event> fault = first_fault_after(s.trace(), f.entry_step);
    ASSERT_TRUE(fault);
    ASSERT_TRUE(s.run_to_event(EventKind::Call, "do_page_fault"));
    const KernelStackView k = s.kernel_stack();
    ASSERT_FALSE(k.frames.empty());
    const StackFrameInfo& head = k.frames.front();
    EXPECT_EQ(head.function, "exception frame (#PF page fault)");
    const uint64_t rip_slot = head.low + 8;  // #PF pushes an error code below rip
    EXPECT_EQ(head.high, rip_slot + 40) << "rip, cs, rflags, rsp, ss";
    int named = 0;
    for (const StackWord& w : k.words) {
        if (w.label.rfind("exception frame: ", 0) != 0) continue;
        named++;
        EXPECT_GE(w.addr, head.low);
        EXPECT_LT(w.addr, head.high);
        if (w.label.rfind("exception frame: rip", 0) == 0) {
            EXPECT_EQ(w.addr, rip_slot);
            EXPECT_EQ(w.value, fault->a[3]) << "the faulting instruction";
            EXPECT_EQ(w.label, "exception frame: rip -> " + s.machine().describe(fault->a[3]));
            EXPECT_NE(w.label.find("-> copy_from_user+0x"), std::string::npos) << "named";
        }
        if (w.label == "exception frame: cs") {
            EXPECT_EQ(w.value, uint64_t(SP_KERNEL_CS));
        }
    }
    EXPECT_EQ(named, 6);
}

// The stack view's frames are named_frames_at's: each C function's frame
// under the name the trace's call gave it, ending at its return address;
// what the entry code pushed between frames under that code's name; the
// exception frame first, pt_regs last.
TEST(NamedFrames, StackViewNamesFramesAsALessonDoes) {
    Session s(bad_pointer_write());
    ASSERT_TRUE(s.run_to_event(EventKind::Call, "fixup_exception"));
    const KernelStackView k = s.kernel_stack();
    std::vector<std::string> names;
    for (const StackFrameInfo& f : k.frames) names.push_back(f.function);
    EXPECT_EQ(names, (std::vector<std::string>{"exception frame (#PF page fault)",
                                               "fixup_exception", "do_page_fault", "page_fault",
                                               "copy_from_user", "file_write", "pt_regs"}))
        << "sys_write's frame lies in pt_regs' unsaved part (the fast path): pt_regs heads it";
    for (const NamedFrame& nf : named_frames_at(s.machine(), s.trace(), s.step(), s.pt_regs())) {
        if (nf.kind != NamedFrame::Kind::Function || nf.addr + 8 > k.frame_base) continue;
        bool found = false;
        for (const StackFrameInfo& f : k.frames)
            if (f.function == nf.name) {
                found = true;
                EXPECT_EQ(f.high, nf.addr + 8) << nf.name << " ends at its return address";
            }
        EXPECT_TRUE(found) << nf.name;
    }
    // Back-to-back below pt_regs, innermost at rsp.
    ASSERT_GE(k.frames.size(), 3u);
    EXPECT_EQ(k.frames[1].low, s.machine().cpu().gpr[RSP]);
    for (size_t i = 2; i + 1 < k.frames.size(); i++)
        if (k.frames[i].function != "copy_from_user") {  // above the exception frame
            EXPECT_EQ(k.frames[i].low, k.frames[i - 1].high) << k.frames[i].function;
        }
    EXPECT_EQ(k.frames.back().low, k.frame_base);
}

INSTANTIATE_TEST_SUITE_P(Eras, EraDecodeTest, ::testing::Values(Era::V3_13, Era::Rfc),
                         [](const ::testing::TestParamInfo<Era>& info) {
                             return std::string(info.param == Era::V3_13 ? "v3_13" : "rfc");
                         });

}  // namespace
}  // namespace slowpath
