#!/usr/bin/env python3
# Writes the hostile ELF reproducers in this directory (they are committed;
# run this only to remake them). Each is one ELF header, one PT_LOAD program
# header and a few bytes of x86-64 code: a static ring-3 program that writes
# "a\xffb" to stdout and exits 0. Only the program header differs.
import struct, os

BASE = 0x400000
EHDR, PHDR = 64, 56
code = bytes.fromhex(
    "b801000000"      # mov eax, 1 (write)
    "bf01000000"      # mov edi, 1
    "488d3510000000"  # lea rsi, [rip+16] -> msg
    "ba03000000"      # mov edx, 3
    "0f05"            # syscall
    "b83c000000"      # mov eax, 60 (exit)
    "31ff"            # xor edi, edi
    "0f05"            # syscall
) + b"a\xffb"
size = EHDR + PHDR + len(code)


def elf(p_offset=0, p_vaddr=BASE, p_filesz=size, p_memsz=size):
    eh = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    eh += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, BASE + EHDR + PHDR, EHDR, 0, 0,
                      EHDR, PHDR, 1, 64, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 1, 5, p_offset, p_vaddr, p_vaddr, p_filesz, p_memsz, 0x1000)
    return eh + ph + code


here = os.path.dirname(os.path.abspath(__file__))
files = {
    # A well-formed program: prints a byte that is not UTF-8 (issue 8, item 6).
    "prints-ff.elf": elf(),
    # p_offset + p_filesz wraps to 0x70, inside the file: the copy would read
    # 128 bytes before the file's buffer (item 1).
    "offset-wraps.elf": elf(p_offset=2**64 - 0x80, p_filesz=0xf0, p_memsz=0x1000),
    # p_vaddr + p_memsz wraps to 0x1000: a 2^64-sized segment whose page-aligned
    # end, the program break, lies in the kernel's low pages (item 2).
    "memsz-wraps.elf": elf(p_memsz=2**64 - BASE + 0x1000),
}
for name, data in files.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)
