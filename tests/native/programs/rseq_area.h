/* struct rseq as uapi/linux/rseq.h lays it out, and the signature and
 * flag the rseq programs register with (the signature glibc uses on
 * x86-64). */
#ifndef NATIVE_RSEQ_AREA_H
#define NATIVE_RSEQ_AREA_H

#include <stdint.h>

#define RSEQ_SIG 0x53053053
#define RSEQ_FLAG_UNREGISTER 1

struct rseq_area {
    uint32_t cpu_id_start;
    uint32_t cpu_id;
    uint64_t rseq_cs;
    uint32_t flags;
    uint32_t node_id;
    uint32_t mm_cid;
} __attribute__((aligned(32)));

#endif
