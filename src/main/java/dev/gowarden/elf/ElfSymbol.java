package dev.gowarden.elf;

/** One entry of {@code .symtab} or {@code .dynsym}. */
public record ElfSymbol(String name, long value, long size, int type, int bind, int sectionIndex) {
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int SHN_UNDEF = 0;

    public boolean isFunction() {
        return type == STT_FUNC && sectionIndex != SHN_UNDEF;
    }
}
