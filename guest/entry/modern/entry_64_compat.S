/*
 * IA32 emulation in a modern kernel: what is left of 6.12's
 * arch/x86/entry/entry_64_compat.S for `int $0x80`, written anew.
 *
 * 6.12 no longer has an entry_INT80_compat stub of its own: vector 0x80 is
 * an ordinary raw idtentry (asm_int80_emulation, in entry_64.S), which
 * calls int80_emulation here. Linux scrubs the branch history at this
 * point before any C runs (the BHI mitigation); this machine has no
 * speculation mitigations, so only the jump to the C entry is left:
 * do_int80_emulation (kernel/syscall_32_modern.c).
 *
 * Left out: entry_SYSENTER_compat and entry_SYSCALL_compat (32-bit code
 * segments and SYSENTER are not used on this machine).
 */
#include <slowpath/abi.h>
#include "../calling.h"

    .code64
    .section .entry.text, "ax"

    .globl int80_emulation
int80_emulation:
    jmp do_int80_emulation

    .section .rodata
    .balign 8
    .globl ia32_syscall_gate
ia32_syscall_gate:
    .quad asm_int80_emulation
