package dev.gowarden.elf;

/** One section header. {@code addr} is the link-time virtual address, {@code offset} the place in the file. */
public record Section(String name, int type, long flags, long addr, long offset, long size, int link, int info, long entsize) {
    public static final int SHT_NOBITS = 8;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_DYNSYM = 11;
    public static final int SHT_NOTE = 7;
    public static final int SHT_RELA = 4;
    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;
    public static final long SHF_COMPRESSED = 0x800;

    public boolean hasFileData() {
        return type != SHT_NOBITS;
    }

    public boolean contains(long vaddr) {
        return addr != 0 && vaddr >= addr && vaddr < addr + size;
    }
}
