// CpuContext on the CPU's own state against the same surgery on a saved
// image: each change made one way is read back the other way and through
// Unicorn's API, so a wrong offset or a state found in the wrong place
// fails here before it misleads a run.
#include "../../emu/src/cpu_context.h"

#include <gtest/gtest.h>
#include <slowpath/abi.h>
#include <sys/uio.h>
#include <unicorn/unicorn.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

namespace {

using slowpath::CpuContext;

struct Machine {
    uc_engine* uc = nullptr;
    Machine() { EXPECT_EQ(uc_open(UC_ARCH_X86, UC_MODE_64, &uc), UC_ERR_OK); }
    ~Machine() { uc_close(uc); }
    uint64_t reg(int id) const {
        uint64_t v = 0;
        uc_reg_read(uc, id, &v);
        return v;
    }
    void set(int id, uint64_t v) { uc_reg_write(uc, id, &v); }
};

// The search reads memory through process_vm_readv; a sandbox may refuse it,
// and then the image is all there is.
bool can_read_own_memory() {
    long value = 42, copy = 0;
    iovec local{&copy, sizeof copy}, remote{&value, sizeof value};
    return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == sizeof value && copy == 42;
}

std::unique_ptr<CpuContext> image_context(uc_engine* uc) {
    setenv("SLOWPATH_CPU_CONTEXT", "image", 1);
    auto ctx = std::make_unique<CpuContext>(uc);
    unsetenv("SLOWPATH_CPU_CONTEXT");
    return ctx;
}

TEST(CpuContext, FindsTheLiveStateAndLeavesTheRegistersAsTheyWere) {
    if (!can_read_own_memory()) GTEST_SKIP() << "process_vm_readv is refused here";
    Machine m;
    m.set(UC_X86_REG_RAX, 0x1234);
    m.set(UC_X86_REG_RBX, 0x5678);
    CpuContext live(m.uc);
    EXPECT_TRUE(live.live());
    EXPECT_EQ(m.reg(UC_X86_REG_RAX), 0x1234u);  // the planted values are gone
    EXPECT_EQ(m.reg(UC_X86_REG_RBX), 0x5678u);
    EXPECT_FALSE(image_context(m.uc)->live());
}

TEST(CpuContext, SyscallMadeLiveReadsBackThroughTheImageAndTheApi) {
    if (!can_read_own_memory()) GTEST_SKIP() << "process_vm_readv is refused here";
    Machine m;
    CpuContext live(m.uc);
    ASSERT_TRUE(live.live());
    auto image = image_context(m.uc);
    // As ring 3 would be before a SYSCALL: the registers it reads.
    m.set(UC_X86_REG_RAX, 39);
    m.set(UC_X86_REG_RSP, 0x7ffff000);
    m.set(UC_X86_REG_RIP, 0x401000);
    m.set(UC_X86_REG_RFLAGS, 0x246);
    uc_x86_msr lstar{SP_MSR_LSTAR, 0xffffffff81000000ULL};
    uc_reg_write(m.uc, UC_X86_REG_MSR, &lstar);
    CpuContext::SyscallRegs a = live.syscall_regs(), b = image->syscall_regs();
    EXPECT_EQ(a.rax, 39u);
    EXPECT_EQ(a.rsp, 0x7ffff000u);
    EXPECT_EQ(a.rip, 0x401000u);
    EXPECT_EQ(a.rflags, 0x246u);
    EXPECT_EQ(a.lstar, 0xffffffff81000000ULL);
    EXPECT_EQ(a.rflags, b.rflags);
    EXPECT_EQ(a.star, b.star);
    EXPECT_EQ(a.fmask, b.fmask);

    live.finish_syscall(SP_KERNEL_CS, 0x401002, 0x246, 0x46, 0xffffffff81000000ULL);
    EXPECT_EQ(m.reg(UC_X86_REG_RCX), 0x401002u);
    EXPECT_EQ(m.reg(UC_X86_REG_R11), 0x246u);
    EXPECT_EQ(m.reg(UC_X86_REG_RIP), 0xffffffff81000000ULL);
    EXPECT_EQ(m.reg(UC_X86_REG_RFLAGS) & 0xfff, 0x46u);
    EXPECT_EQ(m.reg(UC_X86_REG_CS), SP_KERNEL_CS & 0xfffc);
    EXPECT_EQ(m.reg(UC_X86_REG_SS), (SP_KERNEL_CS + 8) & 0xfffc);
    EXPECT_EQ(image->cpl(), 0);
    EXPECT_EQ(live.cpl(), 0);
}

TEST(CpuContext, EferAndTheExceptionMarkerChangeTheCpu) {
    if (!can_read_own_memory()) GTEST_SKIP() << "process_vm_readv is refused here";
    Machine m;
    CpuContext live(m.uc);
    ASSERT_TRUE(live.live());
    uc_x86_msr efer{SP_MSR_EFER, 0};
    uc_reg_read(m.uc, UC_X86_REG_MSR, &efer);
    live.set_efer(efer.value | 0x801);  // SCE and NXE, which wrmsr refuses here
    uc_x86_msr after{SP_MSR_EFER, 0};
    uc_reg_read(m.uc, UC_X86_REG_MSR, &after);
    EXPECT_EQ(after.value, efer.value | 0x801);
    live.clear_old_exception();
    auto image = image_context(m.uc);
    EXPECT_EQ(image->error_code(), live.error_code());
    CpuContext::Exception x = live.exception(), y = image->exception();
    EXPECT_EQ(x.software, y.software);
    EXPECT_EQ(x.next_rip, y.next_rip);
}

}  // namespace

namespace {

TEST(CpuContext, LiveRegistersAreTheOnesTheApiReadsAndWrites) {
    if (!can_read_own_memory()) GTEST_SKIP() << "process_vm_readv is refused here";
    Machine m;
    CpuContext live(m.uc);
    ASSERT_NE(live.live_registers(), nullptr);
    EXPECT_EQ(image_context(m.uc)->live_registers(), nullptr);
    const int* ids = slowpath::kGprIds;
    for (int i = 0; i < 16; i++) m.set(ids[i], 0xabc000 + static_cast<uint64_t>(i));
    for (int i = 0; i < 16; i++) {
        EXPECT_EQ(live.live_registers()[i], 0xabc000u + static_cast<uint64_t>(i)) << i;
        EXPECT_EQ(m.reg(ids[i]), live.live_registers()[i]) << i;
    }
}

}  // namespace
