/*
 * Annotations from C (the modern era's entry code): a `struct sp_note`
 * record in .slowpath_notes for the address where the asm statement
 * stands, with its kind and argument (abi.h). It emits no instruction.
 */
#ifndef GUEST_KERNEL_NOTE_ASM_H
#define GUEST_KERNEL_NOTE_ASM_H

#define NOTE_ASM                              \
    ".Lsp_note%=:\n\t"                        \
    ".pushsection .slowpath_notes, \"a\"\n\t" \
    ".balign 8\n\t"                           \
    ".quad .Lsp_note%=\n\t"                   \
    ".long %c0, %c1\n\t"                      \
    ".popsection"

/* The handler's result is in regs->ax: exit work starts. */
#define NOTE_HANDLER_RETURNED() \
    asm volatile(NOTE_ASM ::"i"(SP_NOTE_HANDLER_RETURNED), "i"(0) : "memory")

#endif
