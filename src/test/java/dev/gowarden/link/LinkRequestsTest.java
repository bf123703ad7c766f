package dev.gowarden.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing and request building of the link layer, kprobes included (they run for real in the kernel lab). */
class LinkRequestsTest {
    @TempDir
    Path tmp;

    private Path pmu(String name, String type, String retprobe, String refCtr) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name).resolve("format"));
        Files.writeString(tmp.resolve(name).resolve("type"), type + "\n");
        Files.writeString(dir.resolve("retprobe"), retprobe + "\n");
        if (refCtr != null) Files.writeString(dir.resolve("ref_ctr_offset"), refCtr + "\n");
        return tmp;
    }

    @Test
    void pmuFormatFromSysfs() throws IOException {
        PmuFormat up = PmuFormat.read(pmu("uprobe", "8", "config:0", "config:32-63"), "uprobe").orElseThrow();
        assertEquals(8, up.type());
        assertEquals(1L | (0x1234L << 32), up.config(true, 0x1234));
        assertEquals(0, up.config(false, 0));
        PmuFormat kp = PmuFormat.read(pmu("kprobe", "6", "config:0", null), "kprobe").orElseThrow();
        assertEquals(6, kp.type());
        assertEquals(1, kp.config(true, 0));
        assertThrows(IllegalArgumentException.class, () -> kp.config(false, 8));
        assertTrue(PmuFormat.read(tmp, "missing").isEmpty());
        Files.writeString(pmu("odd", "9", "config:0", null).resolve("odd/format/retprobe"), "bogus\n");
        assertTrue(PmuFormat.read(tmp, "odd").isEmpty());
    }

    @Test
    void perfEventAttrLayout() {
        ByteBuffer b = ByteBuffer.wrap(PerfEventAttr.pmuProbe(6, 1, 0xdead0000L, 0x10)).order(ByteOrder.nativeOrder());
        assertEquals(PerfEventAttr.SIZE, b.capacity());
        assertEquals(6, b.getInt(0));
        assertEquals(128, b.getInt(4));
        assertEquals(1, b.getLong(8));
        assertEquals(1, b.getLong(16));           // sample_period
        assertEquals(1 << 10, b.getLong(24));     // PERF_SAMPLE_RAW
        assertEquals(1, b.getInt(48));            // wakeup_events
        assertEquals(0xdead0000L, b.getLong(56)); // config1: name/path pointer
        assertEquals(0x10, b.getLong(64));        // config2: offset
        ByteBuffer t = ByteBuffer.wrap(PerfEventAttr.tracepoint(1234)).order(ByteOrder.nativeOrder());
        assertEquals(PerfEventAttr.PERF_TYPE_TRACEPOINT, t.getInt(0));
        assertEquals(1234, t.getLong(8));
    }

    @Test
    void tracefsDefinitions() {
        UprobeTarget u = new UprobeTarget(Path.of("/opt/app"), 0x8d9a0, 0, -1, 3, false);
        assertEquals("p:grp/u1 /opt/app:0x8d9a0", Tracefs.uprobeDefinition("grp", "u1", u));
        UprobeTarget r = new UprobeTarget(Path.of("/opt/app"), 0x10, 0x2000, 42, 3, true);
        assertEquals("r:grp/u2 /opt/app:0x10(0x2000)", Tracefs.uprobeDefinition("grp", "u2", r));
        assertEquals("p:grp/k1 do_sys_openat2", Tracefs.kprobeDefinition("grp", "k1", new KprobeTarget("do_sys_openat2", 0, 0, false)));
        assertEquals("p:grp/k2 vfs_read+0x4", Tracefs.kprobeDefinition("grp", "k2", new KprobeTarget("vfs_read", 4, 0, false)));
        assertEquals("r:grp/k3 vfs_read", Tracefs.kprobeDefinition("grp", "k3", new KprobeTarget("vfs_read", 0, 0, true)));
        assertThrows(IllegalArgumentException.class, () -> new KprobeTarget("vfs_read", 4, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new KprobeTarget("bad name; rm", 0, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new UprobeTarget(Path.of("/x"), -1, 0, -1, 0, false));
        assertThrows(dev.gowarden.bpf.BpfException.class,
                () -> Tracefs.uprobeDefinition("g", "e", new UprobeTarget(Path.of("/a b"), 0, 0, -1, 0, false)));
    }

    @Test
    void staleEntriesOfDeadGowardenProcessesAreRemoved() throws IOException {
        // A fake tracefs: removal requests are appended, as the kernel file would receive them.
        Path root = Files.createDirectories(tmp.resolve("tracing"));
        long dead = 4_000_000;   // above pid_max: never a live process
        long alive = ProcessHandle.current().pid();
        Files.writeString(root.resolve("uprobe_events"),
                "p:gowarden_" + dead + "_0a0b0c0d/u1 /opt/app:0x0000000000001000\n"
                        + "p:gowarden_" + alive + "_01020304/u1 /opt/app:0x0000000000002000\n"
                        + "p:other/u1 /opt/app:0x0000000000003000\n");
        Tracefs fs = Tracefs.at(root);
        fs.removeStale("uprobe_events");
        String written = Files.readString(root.resolve("uprobe_events"));
        assertTrue(written.endsWith("-:gowarden_" + dead + "_0a0b0c0d/u1\n"), written);
        assertTrue(!written.contains("-:gowarden_" + alive), written);
        assertTrue(!written.contains("-:other"), written);
    }

    @Test
    void errnoExplanations() {
        assertTrue(Attacher.explain(dev.gowarden.bpf.Errno.EILSEQ).contains("instruction boundary"));
        assertTrue(Attacher.explain(dev.gowarden.bpf.Errno.ENOTSUPP).contains("trap"));
        assertTrue(Attacher.explain(dev.gowarden.bpf.Errno.ERANGE).contains("beyond the end"));
        assertTrue(Attacher.explain(dev.gowarden.bpf.Errno.ENOENT).contains("does not exist"));
    }
}
