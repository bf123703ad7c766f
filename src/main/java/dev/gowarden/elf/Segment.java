package dev.gowarden.elf;

/** One program header (segment). */
public record Segment(int type, int flags, long offset, long vaddr, long fileSize, long memSize, long align) {
    public static final int PT_LOAD = 1;
    public static final int PT_NOTE = 4;
    public static final int PT_TLS = 7;
    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;

    public boolean isLoad() {
        return type == PT_LOAD;
    }

    public boolean isExecutable() {
        return (flags & PF_X) != 0;
    }

    public boolean isWritable() {
        return (flags & PF_W) != 0;
    }

    /** True when the vaddr is backed by bytes of the file (not only by zero-filled memory). */
    public boolean containsInFile(long vaddr) {
        return vaddr >= this.vaddr && vaddr < this.vaddr + fileSize;
    }
}
