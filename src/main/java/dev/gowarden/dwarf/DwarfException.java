package dev.gowarden.dwarf;

import java.nio.file.Path;

/** Malformed or unsupported DWARF. The message names the file, the section and the offset at fault. */
public final class DwarfException extends RuntimeException {
    public DwarfException(Path file, String section, long offset, String problem) {
        super(String.format("%s: %s at offset 0x%x: %s", file, section, offset, problem));
    }

    public DwarfException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
