#include "ui/rect_batches.h"

namespace slowpath::gui {

namespace {

bool quad_at(const ImDrawIdx* idx, unsigned k, unsigned count) {
    if (k + 6 > count) return false;
    const ImDrawIdx a = idx[k];
    return idx[k + 1] == a + 1 && idx[k + 2] == a + 2 && idx[k + 3] == a && idx[k + 4] == a + 2 &&
           idx[k + 5] == a + 3;
}

// Builds one list's new indices and commands.
struct Batcher {
    ImVector<ImDrawIdx> idx;
    ImVector<ImDrawCmd> cmds;
    ImDrawCmd piece{};
    bool open = false;

    unsigned length() const { return static_cast<unsigned>(idx.Size) - piece.IdxOffset; }
    void pad() {
        if (length() % 6 != 0) {
            ImDrawIdx last = idx.back();
            for (int i = 0; i < 3; i++) idx.push_back(last);
        }
    }
    void close() {
        if (!open) return;
        pad();
        piece.ElemCount = length();
        if (piece.ElemCount) cmds.push_back(piece);
        open = false;
    }
    void start(const ImDrawCmd& cmd) {
        piece = cmd;
        piece.IdxOffset = static_cast<unsigned>(idx.Size);
        piece.ElemCount = 0;
        open = true;
    }
    // `n` indices (3 or 6) of `cmd` from `from`.
    void add(const ImDrawCmd& cmd, const ImDrawIdx* from, unsigned n) {
        bool quad = n == 6;
        unsigned extra = quad && length() % 6 != 0 ? 3 : 0;
        if (length() + extra + n > kRectBatch) {
            close();
            start(cmd);
            extra = 0;
        }
        if (extra)
            for (int i = 0; i < 3; i++) idx.push_back(from[0]);
        for (unsigned i = 0; i < n; i++) idx.push_back(from[i]);
    }
};

}  // namespace

int batch_rects(ImDrawData* data) {
    int made = 0;
    for (int i = 0; data && i < data->CmdListsCount; i++) {
        ImDrawList* list = data->CmdLists[i];
        Batcher b;
        b.idx.reserve(list->IdxBuffer.Size + list->IdxBuffer.Size / 8 + 16);
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback) {
                b.cmds.push_back(cmd);
                continue;
            }
            const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
            b.start(cmd);
            for (unsigned k = 0; k + 2 < cmd.ElemCount;) {
                unsigned n = quad_at(idx, k, cmd.ElemCount) ? 6 : 3;
                b.add(cmd, idx + k, n);
                k += n;
            }
            b.close();
        }
        made += b.cmds.Size;
        list->IdxBuffer.swap(b.idx);
        list->CmdBuffer.swap(b.cmds);
    }
    return made;
}

}  // namespace slowpath::gui
