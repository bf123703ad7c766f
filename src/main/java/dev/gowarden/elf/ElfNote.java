package dev.gowarden.elf;

/**
 * One ELF note ({@code PT_NOTE} segment or {@code SHT_NOTE} section entry): owner name, type and descriptor bytes.
 * Go writes its build ID as owner "Go", type 4; linkers write the GNU build ID as owner "GNU", type 3.
 */
public record ElfNote(String name, int type, byte[] desc) {
    public static final int NT_GNU_BUILD_ID = 3;
    public static final int NT_GO_BUILDID = 4;
}
