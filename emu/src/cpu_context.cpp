#include "cpu_context.h"

#include <slowpath/abi.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "uc_check.h"

namespace slowpath {
namespace {

constexpr uint32_t kHfCplMask = 3;
constexpr uint32_t kHfCs32 = 1u << 4, kHfSs32 = 1u << 5, kHfAddseg = 1u << 6;
constexpr uint32_t kHfLma = 1u << 14;
constexpr uint32_t kHfCs64 = 1u << 15;

// CPUX86State.segs[] entries follow hflags and hflags2; each is
// {u32 selector; u64 base; u32 limit; u32 flags} padded to 24 bytes.
struct SegCache {
    uint32_t selector, pad;
    uint64_t base;
    uint32_t limit, flags;
};
constexpr long kSegsAfterHflags = 8;
constexpr int kSegCs = 1, kSegSs = 2;                   // segs[] order: ES CS SS DS FS GS
constexpr int kRax = 0, kRcx = 1, kRsp = 4, kR11 = 11;  // regs[] order: RAX RCX RDX RBX RSP ...

uint64_t reg(uc_engine* uc, int id) {
    uint64_t v = 0;
    check_uc(uc_reg_read(uc, id, &v), "uc_reg_read");
    return v;
}

}  // namespace

unsigned char* CpuContext::bytes() {
    return live_ ? live_ : reinterpret_cast<unsigned char*>(scratch_);
}
void CpuContext::save() {
    if (!live_) check_uc(uc_context_save(uc_, scratch_), "uc_context_save");
}
void CpuContext::restore() {
    if (!live_) check_uc(uc_context_restore(uc_, scratch_), "uc_context_restore");
}

// The image is a byte copy of the CPU's CPUX86State (uc_context_save is a
// memcpy from it on x86, and uc_context_reg_write treats the image as one),
// so the offsets found in the image are the live state's too. The state is
// found from the engine: one of the pointers in Unicorn's engine structure
// (its CPUState) leads, a few kilobytes on, to the register file, which is
// recognised by four values planted through the API and then checked
// against a change made through the API. Memory is only read through
// process_vm_readv until then, so a wrong guess is an error code, not a
// crash; when anything fails the image is kept.
unsigned char* CpuContext::find_live_state() {
    const char* mode = std::getenv("SLOWPATH_CPU_CONTEXT");
    if (mode && std::string(mode) == "image") return nullptr;
    auto safe_read = [](const void* addr, void* out, size_t n) -> size_t {
        iovec local{out, n}, remote{const_cast<void*>(addr), n};
        ssize_t got = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
        return got > 0 ? static_cast<size_t>(got) : 0;
    };
    const int ids[4] = {UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX};
    uint64_t old[4], mark[4];
    for (int k = 0; k < 4; k++) {
        old[k] = reg(uc_, ids[k]);
        mark[k] = 0x7e57c0de00000000ULL ^ (0x0101010101010101ULL * static_cast<uint64_t>(k + 1)) ^
                  reinterpret_cast<uintptr_t>(this);
        check_uc(uc_reg_write(uc_, ids[k], &mark[k]), "uc_reg_write");
    }
    unsigned char* found = nullptr;
    constexpr size_t kEngineBytes = 16 * 1024, kWindow = 256 * 1024;
    // Read as pointers: each word of the engine is a guess at one.
    std::vector<unsigned char*> engine(kEngineBytes / sizeof(unsigned char*));
    const size_t words = safe_read(uc_, engine.data(), kEngineBytes) / sizeof(unsigned char*);
    std::vector<unsigned char> window(kWindow);
    for (size_t w = 0; w < words && !found; w++) {
        unsigned char* p = engine[w];
        const uintptr_t at = reinterpret_cast<uintptr_t>(p);
        if (at < 0x10000 || at >= (1ULL << 47) || (at & 7)) continue;
        const size_t got = safe_read(p, window.data(), kWindow);
        for (size_t i = 0; i + sizeof mark <= got; i += 8)
            if (std::memcmp(window.data() + i, mark, sizeof mark) == 0) {
                found = p + i;
                break;
            }
    }
    if (found) {
        // The same place must follow a write through the API, and hold what
        // a saved image holds from the register file to hflags.
        uint64_t probe = ~mark[0];
        check_uc(uc_reg_write(uc_, UC_X86_REG_RAX, &probe), "uc_reg_write");
        save();
        const long regs = hflags_ - 176;  // the image's header comes first
        std::vector<unsigned char> live(180);
        if (safe_read(found, live.data(), live.size()) != live.size() ||
            std::memcmp(live.data(), bytes() + regs, live.size()) != 0 ||
            std::memcmp(live.data(), &probe, 8) != 0)
            found = nullptr;
        else
            found -= regs;  // so that an image offset is a live one too
    }
    for (int k = 0; k < 4; k++) check_uc(uc_reg_write(uc_, ids[k], &old[k]), "uc_reg_write");
    return found;
}

CpuContext::CpuContext(uc_engine* uc) : uc_(uc) {
    check_uc(uc_context_alloc(uc_, &scratch_), "uc_context_alloc");
    size_ = uc_context_size(uc_);

    // hflags: find the register file by two planted values; hflags sits
    // after regs[16], eip, eflags, cc_dst, cc_src, cc_src2, cc_op, df.
    uint64_t rax = reg(uc_, UC_X86_REG_RAX), rbx = reg(uc_, UC_X86_REG_RBX);
    const uint64_t mark_a = 0x1122334455667788ULL, mark_b = 0x99aabbccddeeff00ULL;
    check_uc(uc_reg_write(uc_, UC_X86_REG_RAX, &mark_a), "uc_reg_write");
    check_uc(uc_reg_write(uc_, UC_X86_REG_RBX, &mark_b), "uc_reg_write");
    save();
    for (size_t i = 0; i + 200 <= size_; i++) {
        uint64_t a, b;
        std::memcpy(&a, bytes() + i, 8);
        std::memcpy(&b, bytes() + i + 24, 8);
        if (a == mark_a && b == mark_b) {
            uint32_t hf;
            std::memcpy(&hf, bytes() + i + 176, 4);
            if ((hf & kHfLma) && (hf & kHfCs64)) hflags_ = static_cast<long>(i + 176);
            break;
        }
    }
    check_uc(uc_reg_write(uc_, UC_X86_REG_RAX, &rax), "uc_reg_write");
    check_uc(uc_reg_write(uc_, UC_X86_REG_RBX, &rbx), "uc_reg_write");
    if (hflags_ < 0) throw std::runtime_error("Unicorn context layout not recognised (hflags)");

    // The CS selector cache must agree with the CS register.
    SegCache cs;
    std::memcpy(&cs, bytes() + hflags_ + kSegsAfterHflags + kSegCs * sizeof(SegCache), sizeof cs);
    if (cs.selector != (reg(uc_, UC_X86_REG_CS) & 0xffff))
        throw std::runtime_error("Unicorn context layout not recognised (segment caches)");

    save();
    uc_x86_msr efer_msr{0xC0000080, 0};
    check_uc(uc_reg_read(uc_, UC_X86_REG_MSR, &efer_msr), "read EFER");
    uint64_t dr6 = reg(uc_, UC_X86_REG_DR6), dr7 = reg(uc_, UC_X86_REG_DR7);
    for (size_t i = static_cast<size_t>(hflags_); i + 16 <= size_; i += 8) {
        uint64_t a, b;
        std::memcpy(&a, bytes() + i, 8);
        std::memcpy(&b, bytes() + i + 8, 8);
        if (efer_ < 0 && a == efer_msr.value && i < static_cast<size_t>(hflags_) + 600)
            efer_ = static_cast<long>(i);
        if (a == dr6 && b == dr7 && i > 4000 && old_exception_ < 0) {
            // error_code, exception_is_int, exception_next_eip, dr[8],
            // four breakpoint pointers, old_exception.
            long dr0 = static_cast<long>(i) - 48;
            error_code_ = dr0 - 16;
            old_exception_ = dr0 + 64 + 32;
        }
    }
    if (efer_ < 0 || old_exception_ < 0)
        throw std::runtime_error("Unicorn context layout not recognised (efer/old_exception)");
    int32_t oe;
    std::memcpy(&oe, bytes() + old_exception_, 4);
    if (oe != -1) throw std::runtime_error("Unicorn context layout not recognised (old_exception)");

    // STAR, LSTAR and FMASK, for SYSCALL to read from the image: planted
    // through WRMSR, found, then put back.
    const uint32_t ids[3] = {SP_MSR_STAR, SP_MSR_LSTAR, SP_MSR_FMASK};
    uc_x86_msr old[3];
    for (int k = 0; k < 3; k++) {
        old[k] = {ids[k], 0};
        check_uc(uc_reg_read(uc_, UC_X86_REG_MSR, &old[k]), "read MSR");
        uc_x86_msr mark{ids[k], 0x5a5a000000000000ULL + 0x1111 * (k + 1)};
        check_uc(uc_reg_write(uc_, UC_X86_REG_MSR, &mark), "write MSR");
    }
    save();
    for (int k = 0; k < 3; k++) {
        const uint64_t mark = 0x5a5a000000000000ULL + 0x1111 * (k + 1);
        for (size_t i = static_cast<size_t>(hflags_); i + 8 <= size_ && msr_[k] < 0; i += 8) {
            uint64_t a;
            std::memcpy(&a, bytes() + i, 8);
            if (a == mark) msr_[k] = static_cast<long>(i);
        }
        check_uc(uc_reg_write(uc_, UC_X86_REG_MSR, &old[k]), "write MSR");
    }
    if (msr_[0] < 0 || msr_[1] < 0 || msr_[2] < 0)
        throw std::runtime_error("Unicorn context layout not recognised (star/lstar/fmask)");
    live_ = find_live_state();
}

CpuContext::~CpuContext() {
    if (scratch_) uc_context_free(scratch_);
}

int CpuContext::cpl() {
    save();
    uint32_t hf;
    std::memcpy(&hf, bytes() + hflags_, 4);
    return static_cast<int>(hf & kHfCplMask);
}

void CpuContext::set_efer(uint64_t efer) {
    save();
    std::memcpy(bytes() + efer_, &efer, 8);
    restore();
}

void CpuContext::clear_old_exception() {
    save();
    int32_t none = -1;
    std::memcpy(bytes() + old_exception_, &none, 4);
    restore();
}

uint32_t CpuContext::error_code() {
    save();
    uint32_t v;
    std::memcpy(&v, bytes() + error_code_, 4);
    return v;
}

CpuContext::Exception CpuContext::exception() {
    save();
    // error_code, exception_is_int (int32 each), exception_next_eip.
    Exception e;
    int32_t is_int;
    std::memcpy(&e.error_code, bytes() + error_code_, 4);
    std::memcpy(&is_int, bytes() + error_code_ + 4, 4);
    std::memcpy(&e.next_rip, bytes() + error_code_ + 8, 8);
    e.software = is_int != 0;
    return e;
}

void CpuContext::enter_ring0(uint16_t kernel_cs, bool null_ss) {
    save();
    patch_ring0(kernel_cs, null_ss);
    restore();
}

bool CpuContext::live_gpr(int uc_reg, uint64_t* value) const {
    if (!live_) return false;
    int index;  // in regs[]: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15
    switch (uc_reg) {
        case UC_X86_REG_RAX:
            index = 0;
            break;
        case UC_X86_REG_RCX:
            index = 1;
            break;
        case UC_X86_REG_RDX:
            index = 2;
            break;
        case UC_X86_REG_RBX:
            index = 3;
            break;
        case UC_X86_REG_RSP:
            index = 4;
            break;
        case UC_X86_REG_RBP:
            index = 5;
            break;
        case UC_X86_REG_RSI:
            index = 6;
            break;
        case UC_X86_REG_RDI:
            index = 7;
            break;
        case UC_X86_REG_R8:
            index = 8;
            break;
        case UC_X86_REG_R9:
            index = 9;
            break;
        case UC_X86_REG_R10:
            index = 10;
            break;
        case UC_X86_REG_R11:
            index = 11;
            break;
        case UC_X86_REG_R12:
            index = 12;
            break;
        case UC_X86_REG_R13:
            index = 13;
            break;
        case UC_X86_REG_R14:
            index = 14;
            break;
        case UC_X86_REG_R15:
            index = 15;
            break;
        default:
            return false;
    }
    std::memcpy(value, live_ + (hflags_ - 176) + index * 8, 8);
    return true;
}

uint64_t CpuContext::image_u64(long offset) {
    uint64_t v;
    std::memcpy(&v, bytes() + offset, 8);
    return v;
}
void CpuContext::set_image_u64(long offset, uint64_t v) {
    std::memcpy(bytes() + offset, &v, 8);
}

CpuContext::SyscallRegs CpuContext::syscall_regs() {
    save();
    // Plain fields of the image: the registers (regs[] before eip, at the
    // hflags offset minus 176) and the MSRs found at construction.
    const long regs = hflags_ - 176;
    SyscallRegs r{};
    r.rax = image_u64(regs + kRax * 8);
    r.rsp = image_u64(regs + kRsp * 8);
    r.rip = image_u64(regs + 16 * 8);  // eip: 64-bit code has no CS base
    r.star = image_u64(msr_[0]);
    r.lstar = image_u64(msr_[1]);
    r.fmask = image_u64(msr_[2]);
    // RFLAGS is kept in pieces (the arithmetic flags are computed lazily):
    // Unicorn puts it together from the image.
    if (live_)
        check_uc(uc_reg_read(uc_, UC_X86_REG_RFLAGS, &r.rflags), "uc_reg_read");
    else
        check_uc(uc_context_reg_read(scratch_, UC_X86_REG_RFLAGS, &r.rflags),
                 "uc_context_reg_read");
    return r;
}

void CpuContext::finish_syscall(uint16_t kernel_cs, uint64_t rcx, uint64_t r11, uint64_t rflags,
                                uint64_t rip) {
    patch_ring0(kernel_cs, false);
    const long regs = hflags_ - 176;
    set_image_u64(regs + kRcx * 8, rcx);
    set_image_u64(regs + kR11 * 8, r11);
    set_image_u64(regs + 16 * 8, rip);
    // Unicorn splits RFLAGS into its pieces as a write through the API does.
    if (live_)
        check_uc(uc_reg_write(uc_, UC_X86_REG_RFLAGS, &rflags), "uc_reg_write");
    else
        check_uc(uc_context_reg_write(scratch_, UC_X86_REG_RFLAGS, &rflags),
                 "uc_context_reg_write");
    restore();
}

void CpuContext::patch_ring0(uint16_t kernel_cs, bool null_ss) {
    unsigned char* segs = bytes() + hflags_ + kSegsAfterHflags;
    // Flat 64-bit code, DPL 0: G L P S code readable accessed.
    SegCache cs{static_cast<uint32_t>(kernel_cs & 0xfffc), 0, 0, 0xffffffff, 0xa09b00};
    // SYSCALL loads SS = STAR.SYSCALL_CS + 8 as flat data; an interrupt in
    // 64-bit mode loads the null selector.
    SegCache ss = null_ss ? SegCache{0, 0, 0, 0, 0}
                          : SegCache{static_cast<uint32_t>((kernel_cs + 8) & 0xfffc), 0, 0,
                                     0xffffffff, 0xc09300};
    std::memcpy(segs + kSegCs * sizeof(SegCache), &cs, sizeof cs);
    std::memcpy(segs + kSegSs * sizeof(SegCache), &ss, sizeof ss);
    uint32_t hf;
    std::memcpy(&hf, bytes() + hflags_, 4);
    hf &= ~(kHfCplMask | kHfAddseg);
    // What loading a 64-bit code segment does to QEMU's hflags: 64-bit
    // code, 32-bit-or-wider operands and stack (a no-op from 64-bit mode).
    hf |= kHfCs64 | kHfCs32 | kHfSs32;
    std::memcpy(bytes() + hflags_, &hf, 4);
}

}  // namespace slowpath
