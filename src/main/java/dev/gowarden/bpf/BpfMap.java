package dev.gowarden.bpf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A BPF map accessed through bpf(2) directly: lookup, update, delete, iterate, pin. Maps of a {@link BpfObject}
 * are owned by it; maps created here ({@link #create}) own their fd and must be closed.
 */
public final class BpfMap implements AutoCloseable {
    public static final int ARRAY = 2;
    public static final int HASH = 1;
    public static final int PERCPU_ARRAY = 6;
    public static final int RINGBUF = 27;
    public static final long ANY = 0;
    public static final long NOEXIST = 1;
    public static final long EXIST = 2;

    private static final int MAP_CREATE = 0;
    private static final int MAP_LOOKUP_ELEM = 1;
    private static final int MAP_UPDATE_ELEM = 2;
    private static final int MAP_DELETE_ELEM = 3;
    private static final int MAP_GET_NEXT_KEY = 4;
    private static final int OBJ_PIN = 6;

    private final String name;
    private final int fd;
    private final int type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private final boolean ownsFd;
    private boolean closed;

    BpfMap(String name, int fd, int type, int keySize, int valueSize, int maxEntries, boolean ownsFd) {
        this.name = name;
        this.fd = fd;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.ownsFd = ownsFd;
    }

    /** BPF_MAP_CREATE of a standalone map. */
    public static BpfMap create(String name, int type, int keySize, int valueSize, int maxEntries) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(72, 8);
            attr.set(ValueLayout.JAVA_INT, 0, type);
            attr.set(ValueLayout.JAVA_INT, 4, keySize);
            attr.set(ValueLayout.JAVA_INT, 8, valueSize);
            attr.set(ValueLayout.JAVA_INT, 12, maxEntries);
            byte[] n = name.getBytes();
            for (int i = 0; i < Math.min(15, n.length); i++) attr.set(ValueLayout.JAVA_BYTE, 32 + i, n[i]);
            Native.Result r = Native.libc().bpf(MAP_CREATE, attr, 72);
            if (r.failed()) throw new BpfException("creating map " + name + " failed", r.errno());
            return new BpfMap(name, (int) r.value(), type, keySize, valueSize, maxEntries, true);
        }
    }

    public String name() {
        return name;
    }

    public int fd() {
        return fd;
    }

    public int type() {
        return type;
    }

    public int keySize() {
        return keySize;
    }

    public int maxEntries() {
        return maxEntries;
    }

    /** Bytes of one value as the syscall exchanges it: per-CPU maps carry one 8-byte-rounded slot per possible CPU. */
    public int valueSize() {
        if (type == PERCPU_ARRAY || type == 5 /* PERCPU_HASH */) {
            return ((valueSize + 7) & ~7) * Cpus.possible();
        }
        return valueSize;
    }

    private Native.Result elemCall(int cmd, MemorySegment key, MemorySegment value, long flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(32, 8);
            attr.set(ValueLayout.JAVA_INT, 0, fd);
            attr.set(ValueLayout.JAVA_LONG, 8, key == null ? 0 : key.address());
            attr.set(ValueLayout.JAVA_LONG, 16, value == null ? 0 : value.address());
            attr.set(ValueLayout.JAVA_LONG, 24, flags);
            return Native.libc().bpf(cmd, attr, 32);
        }
    }

    /** Looks a key up into {@code value}; false when the key is absent. */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        checkSizes(key, value);
        Native.Result r = elemCall(MAP_LOOKUP_ELEM, key, value, 0);
        if (r.failed()) {
            if (r.errno() == Errno.ENOENT) return false;
            throw new BpfException("lookup in map " + name + " failed", r.errno());
        }
        return true;
    }

    public void update(MemorySegment key, MemorySegment value, long flags) {
        checkSizes(key, value);
        Native.Result r = elemCall(MAP_UPDATE_ELEM, key, value, flags);
        if (r.failed()) throw new BpfException("update of map " + name + " failed", r.errno());
    }

    /** Deletes a key; false when it was absent. */
    public boolean delete(MemorySegment key) {
        Native.Result r = elemCall(MAP_DELETE_ELEM, key, null, 0);
        if (r.failed()) {
            if (r.errno() == Errno.ENOENT) return false;
            throw new BpfException("delete from map " + name + " failed", r.errno());
        }
        return true;
    }

    /** The key after {@code key} (or the first key when {@code key} is null) into {@code next}; false at the end. */
    public boolean nextKey(MemorySegment key, MemorySegment next) {
        Native.Result r = elemCall(MAP_GET_NEXT_KEY, key, next, 0);
        if (r.failed()) {
            if (r.errno() == Errno.ENOENT) return false;
            throw new BpfException("iterating map " + name + " failed", r.errno());
        }
        return true;
    }

    public void updateInt(int key, MemorySegment value) {
        try (Arena arena = Arena.ofConfined()) {
            update(arena.allocateFrom(ValueLayout.JAVA_INT, key), value, ANY);
        }
    }

    /** Sum over CPUs of a per-CPU u64 counter at index {@code key}. */
    public long sumPerCpuCounter(int key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(valueSize(), 8);
            if (!lookup(arena.allocateFrom(ValueLayout.JAVA_INT, key), v)) return 0;
            long sum = 0;
            int stride = (valueSize + 7) & ~7;
            for (int cpu = 0; cpu < Cpus.possible(); cpu++) sum += v.get(ValueLayout.JAVA_LONG, (long) cpu * stride);
            return sum;
        }
    }

    /** Pins the map in bpffs so it outlives this process. */
    public void pin(Path path) {
        if (!Files.isDirectory(path.getParent())) {
            throw new BpfException("cannot pin map " + name + " at " + path + ": " + path.getParent()
                    + " does not exist (is bpffs mounted? mount -t bpf bpf /sys/fs/bpf)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(16, 8);
            attr.set(ValueLayout.JAVA_LONG, 0, arena.allocateFrom(path.toString()).address());
            attr.set(ValueLayout.JAVA_INT, 8, fd);
            Native.Result r = Native.libc().bpf(OBJ_PIN, attr, 16);
            if (r.failed()) throw new BpfException("pinning map " + name + " at " + path + " failed", r.errno());
        }
    }

    public static void unpin(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new BpfException("cannot unpin " + path + ": " + e.getMessage());
        }
    }

    private void checkSizes(MemorySegment key, MemorySegment value) {
        if (key.byteSize() < keySize) throw new IllegalArgumentException("key of map " + name + " needs " + keySize + " bytes");
        if (value != null && value.byteSize() < valueSize()) {
            throw new IllegalArgumentException("value of map " + name + " needs " + valueSize() + " bytes");
        }
    }

    @Override
    public synchronized void close() {
        if (ownsFd && !closed) {
            closed = true;
            Native.libc().close(fd);
        }
    }
}
