/*
 * Values the demo loads into the callee-saved registers right before its
 * system call. A kernel must hand every one of them back unchanged,
 * whichever way it returns (sysret or iret, with or without a signal
 * handler in between).
 */
#ifndef DEMO_H
#define DEMO_H

#define DEMO_RBX 0x1111111111111111
#define DEMO_RBP 0x2222222222222222
#define DEMO_R12 0x3333333333333333
#define DEMO_R13 0x4444444444444444
#define DEMO_R14 0x5555555555555555
#define DEMO_R15 0x6666666666666666

/* An address inside the user range that nothing maps (the "badptr" case). */
#define DEMO_BAD_POINTER 0x10000000

#endif
