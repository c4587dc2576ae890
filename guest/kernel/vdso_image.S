/* The vDSO's stripped image (guest/vdso, built first), carried in the
 * kernel's read-only data; exec copies it into each program (vdso.c). */
    .section .rodata.vdso, "a"
    .balign 4096
    .globl vdso_image_start
vdso_image_start:
    .incbin VDSO_IMAGE
    .globl vdso_image_end
vdso_image_end:
