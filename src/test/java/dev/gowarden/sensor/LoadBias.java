package dev.gowarden.sensor;

import dev.gowarden.elf.ElfFile;
import dev.gowarden.elf.Segment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Test oracle for the load bias the sensor computes from events (probed address less the site's link-time address):
 * where a process mapped a position-independent executable, from {@code /proc/PID/maps}. The kernel maps each
 * PT_LOAD from its page-aligned file offset at its page-aligned run-time address.
 */
final class LoadBias {
    private LoadBias() {
    }

    /** The bias of {@code binary} in process {@code pid}; 0 for a fixed-address executable; empty if not mapped. */
    static OptionalLong of(int pid, Path binary, ElfFile elf) {
        if (elf.type() == ElfFile.ET_EXEC) return OptionalLong.of(0);
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc", Integer.toString(pid), "maps"));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();    // the process is gone, or not ours to read
        }
        String wanted = binary.toAbsolutePath().normalize().toString();
        for (String line : lines) {
            OptionalLong bias = biasOf(line, wanted, elf);
            if (bias.isPresent()) return bias;
        }
        return OptionalLong.empty();
    }

    /** The bias a maps line gives for {@code wanted}, if it maps that file from a file-backed part of a PT_LOAD. */
    static OptionalLong biasOf(String line, String wanted, ElfFile elf) {
        // start-end perms offset dev inode path
        String[] f = line.trim().split("\\s+", 6);
        if (f.length < 6 || !f[5].equals(wanted)) return OptionalLong.empty();
        int dash = f[0].indexOf('-');
        long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
        long offset = Long.parseUnsignedLong(f[2], 16);
        for (Segment s : elf.segments()) {
            long pageOffset = s.offset() & ~0xfffL;
            if (s.isLoad() && offset == pageOffset) {
                return OptionalLong.of(start - (s.vaddr() & ~0xfffL));
            }
        }
        return OptionalLong.empty();
    }
}
