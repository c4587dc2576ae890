// One LZ4 block, compressed on its own (LZ4_decompress_safe reads it back)
// with a stream state kept per thread: LZ4_compress_default clears a fresh
// 16 KiB state at every call, which for the step store's small blocks
// costs more than the compression itself.
#pragma once
#include <lz4.h>

#include <memory>

namespace slowpath {

inline int compress_lz4_block(const char* src, char* dst, int size, int capacity) {
    struct FreeStream {
        void operator()(LZ4_stream_t* s) const { LZ4_freeStream(s); }
    };
    thread_local std::unique_ptr<LZ4_stream_t, FreeStream> stream(LZ4_createStream());
    if (!stream) return 0;
    LZ4_resetStream_fast(stream.get());  // no dictionary: the block stands alone
    return LZ4_compress_fast_continue(stream.get(), src, dst, size, capacity, 1);
}

}  // namespace slowpath
