# Memory: brk, mmap and friends.
