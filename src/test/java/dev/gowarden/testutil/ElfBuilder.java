package dev.gowarden.testutil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes small synthetic ELF64 LE files with chosen segments, for offset-math and corrupt-input tests. */
public final class ElfBuilder {
    public record Seg(int type, int flags, long offset, long vaddr, long filesz, long memsz) { }

    private final List<Seg> segments = new ArrayList<>();
    private int machine = 62;
    private int type = 2;
    private int size = 0x3000;

    public ElfBuilder segment(int type, int flags, long offset, long vaddr, long filesz, long memsz) {
        segments.add(new Seg(type, flags, offset, vaddr, filesz, memsz));
        return this;
    }

    public ElfBuilder machine(int m) {
        this.machine = m;
        return this;
    }

    public ElfBuilder fileSize(int s) {
        this.size = s;
        return this;
    }

    public byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) type);
        b.putShort(18, (short) machine);
        b.putInt(20, 1);
        b.putLong(32, 64);           // e_phoff
        b.putLong(40, 0);            // no section headers
        b.putShort(52, (short) 64);
        b.putShort(54, (short) 56);
        b.putShort(56, (short) segments.size());
        b.putShort(58, (short) 64);
        for (int i = 0; i < segments.size(); i++) {
            Seg s = segments.get(i);
            int p = 64 + 56 * i;
            b.putInt(p, s.type());
            b.putInt(p + 4, s.flags());
            b.putLong(p + 8, s.offset());
            b.putLong(p + 16, s.vaddr());
            b.putLong(p + 24, s.vaddr());
            b.putLong(p + 32, s.filesz());
            b.putLong(p + 40, s.memsz());
            b.putLong(p + 48, 0x1000);
        }
        return b.array();
    }

    public Path write(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes());
        return p;
    }
}
