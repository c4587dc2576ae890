/*
 * The host I/O device: one port, one request block. The host does the I/O
 * while the OUT instruction executes (see SP_HOSTIO_PORT in abi.h).
 */
#include "fs.h"

char hostio_buf[SP_HOSTIO_BUF_SIZE] __aligned(16);
u32 hostio_enabled; /* the host writes 1 here before the first instruction */

long hostio_call(struct sp_hostio_request *req)
{
    req->result = -EINVAL; /* what an absent device would answer */
    asm volatile("outl %0, %w1" : : "a"((u32)(u64)req), "Nd"((u16)SP_HOSTIO_PORT) : "memory");
    return req->result;
}
