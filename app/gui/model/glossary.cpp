#include "model/glossary.h"

#include <cctype>

namespace slowpath::gui {

const std::vector<GlossaryEntry>& glossary() {
    static const std::vector<GlossaryEntry> entries = {
        {"syscall",
         "The instruction a user program runs to ask the kernel for something. The CPU saves "
         "the return address in rcx and the flags in r11, switches to ring 0 and jumps to the "
         "address in the LSTAR register (system_call). It does not touch the stack.",
         "Code panel: the demo's `syscall` line; Path panel: the first node, system_call."},
        {"swapgs",
         "Swaps the GS base with the hidden KERNEL_GS_BASE register. The kernel finds its "
         "per-CPU data through GS, so the entry code runs swapgs first, and again just before "
         "going back, so the user's GS is restored.",
         "Registers panel: GS base and KERNEL_GS_BASE change places; Path panel: system_call and "
         "retint_swapgs."},
        {"old_rsp",
         "A per-CPU slot where the entry code parks the user's stack pointer: syscall leaves "
         "rsp pointing at the user stack, and the kernel needs its own stack at once.",
         "Code panel: the `movq %rsp, PER_CPU_VAR(old_rsp)` line after swapgs."},
        {"pt_regs",
         "The structure on the top of the kernel stack that holds the user's registers while "
         "the kernel runs: 21 slots of 8 bytes (r15 ... ss). The way back to user mode reads "
         "them again; a signal handler or a tracer may change them.",
         "Kernel stack panel: the framed rows; Registers panel: the pt_regs column."},
        {"partial frame",
         "On the fast path the entry code saves only part of pt_regs (SAVE_ARGS: the argument "
         "registers, rax, orig_rax and rip). The other slots hold old values from an earlier "
         "entry; they are marked \"not saved\".",
         "Kernel stack panel: hatched rows marked (not saved)."},
        {"SAVE_REST",
         "The macro that saves the rest of the registers (rbx, rbp, r12-r15) into pt_regs, so "
         "the frame is complete. The slow paths need that before they call C code that may "
         "look at every register, such as signal delivery.",
         "Kernel stack panel: the hatching goes and rsp moves down 6 slots; Path panel: "
         "int_very_careful, int_check_syscall_exit_work."},
        {"FIXUP_TOP_OF_STACK",
         "syscall does not push the user's rsp, cs, ss or eflags the way an interrupt does, so "
         "those pt_regs slots start empty. This macro fills them in (from old_rsp, r11 and "
         "the selector values) before anything reads the frame as a full interrupt frame.",
         "Kernel stack panel: the top rows (ss, rsp, eflags, cs) marked (not fixed up)."},
        {"TIF",
         "Thread information flags: bits in the task's thread_info that say work is waiting "
         "before the return to user mode, such as a pending signal (SIGPENDING), a wanted "
         "reschedule (NEED_RESCHED) or tracing. The exit path tests them with a mask.",
         "TIF flags panel: each flag, the mask of the last check (bar) and what it found "
         "(tick); the chips above inject them."},
        {"sysret",
         "The fast way back: sysretq loads rip from rcx and rflags from r11 and returns to "
         "ring 3. It restores nothing else, so it is only used when no work flag was found "
         "and the frame need not be replayed.",
         "Path panel: the green sysretq node; the decision banner; the timeline's sysretq tick."},
        {"iret",
         "The slow, general way back: iretq pops rip, cs, rflags, rsp and ss from the stack, so "
         "the kernel can return to any state written in pt_regs, for example into a signal "
         "handler.",
         "Path panel: the orange iretq node and the iret path on the bottom rows; the timeline's "
         "iretq tick."},
        {"decision",
         "The point on the exit path where the kernel commits to sysret or iret, after testing "
         "the work flags.",
         "Path panel: the banner under the graph (SYSRET or IRET and why); Decision button."},
        {"signal frame",
         "To run a signal handler the kernel writes a frame (rt_sigframe) on the user stack "
         "with the interrupted registers, then points pt_regs at the handler. rt_sigreturn "
         "reads the frame back.",
         "User side panel: Stack tab, field by field."},
    };
    return entries;
}

const GlossaryEntry* glossary_entry(std::string_view term) {
    if (term.rfind("TIF_", 0) == 0) term = "TIF";
    if (term == "sysretq") term = "sysret";
    if (term == "iretq") term = "iret";
    for (const GlossaryEntry& e : glossary())
        if (term == e.term) return &e;
    return nullptr;
}

namespace {

bool word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

}  // namespace

const GlossaryEntry* glossary_term_in(std::string_view line) {
    static const char* const words[] = {"FIXUP_TOP_OF_STACK",
                                        "SAVE_REST",
                                        "old_rsp",
                                        "swapgs",
                                        "sysretq",
                                        "iretq",
                                        "pt_regs",
                                        "syscall"};
    for (const char* w : words) {
        std::string_view word(w);
        for (size_t at = line.find(word); at != std::string_view::npos;
             at = line.find(word, at + 1)) {
            bool start = at == 0 || !word_char(line[at - 1]);
            size_t end = at + word.size();
            bool stop = end >= line.size() || !word_char(line[end]);
            if (start && stop) return glossary_entry(word);
        }
    }
    return nullptr;
}

}  // namespace slowpath::gui
