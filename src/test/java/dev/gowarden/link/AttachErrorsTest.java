package dev.gowarden.link;

import dev.gowarden.bpf.BpfException;
import dev.gowarden.bpf.BpfObject;
import dev.gowarden.testutil.GoPrograms;
import dev.gowarden.testutil.Privileges;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real attach failures on this kernel carry the errno and say what it means; nothing stays in tracefs. */
class AttachErrorsTest {
    private static Path tracee;

    @BeforeAll
    static void setUp() {
        Privileges.requireRootAndBpf();
        tracee = GoPrograms.build("tracee");
    }

    private static String attachFails(Attacher.Mode mode, Path file, long offset) {
        try (BpfObject obj = BpfObject.fromResource("features").onlyLoad("noop_uprobe").load()) {
            BpfException e = assertThrows(BpfException.class, () -> {
                try (Link l = new Attacher(mode).uprobe(obj.program("noop_uprobe"), UprobeTarget.entry(file, offset, 0))) {
                    // attaching is what must fail
                }
            });
            return e.getMessage();
        }
    }

    /*
     * The kernel checks instruction boundaries only when it installs the breakpoint into a process, not when the
     * probe is registered, so a bad offset can be accepted here: gowarden only ever probes addresses its own
     * decoder found to be instruction starts (CodeAnalyzer), never arbitrary offsets.
     */
    @Test
    void offsetBeyondTheFileAndMissingFileAreExplained() throws Exception {
        long beyond = Files.size(tracee) + 4096;
        for (Attacher.Mode mode : new Attacher.Mode[]{Attacher.Mode.PMU, Attacher.Mode.TRACEFS}) {
            String past = attachFails(mode, tracee, beyond);
            assertTrue(past.contains("EINVAL") || past.contains("ERANGE") || past.contains("tracefs refused"), past);
        }
        String missing = attachFails(Attacher.Mode.PMU, Path.of("/nonexistent/app"), 0);
        assertTrue(missing.contains("no such file"), missing);
        String events = Files.readString(Path.of("/sys/kernel/tracing/uprobe_events"));
        assertTrue(events.lines().noneMatch(l -> l.contains("gowarden_" + ProcessHandle.current().pid())), events);
    }
}
