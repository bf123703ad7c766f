package dev.gowarden.elf;

import java.nio.file.Path;

/** A file is not the ELF we need, or its contents point outside of it. The message names the file and the field. */
public final class ElfFormatException extends RuntimeException {
    private final Path file;

    public ElfFormatException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
