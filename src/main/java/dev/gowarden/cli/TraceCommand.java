package dev.gowarden.cli;

import dev.gowarden.abi.Signature;
import dev.gowarden.abi.SignatureParser;
import dev.gowarden.event.CompactFormatter;
import dev.gowarden.event.EventFormatter;
import dev.gowarden.event.GoCallEvent;
import dev.gowarden.event.TetragonJsonFormatter;
import dev.gowarden.features.Features;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.link.Attacher;
import dev.gowarden.golang.RuntimeOffsets;
import dev.gowarden.sensor.GoTraceSensor;
import dev.gowarden.sensor.ProbeResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

@Command(name = "trace", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Trace calls to Go functions and print their arguments, decoded per Go's calling convention "
                + "(register ABI from Go 1.17 on amd64 / 1.18 on arm64, stack ABI before and for assembly).",
                "",
                "Probes attach to the binary's file, so every process running it is traced: those running now and those "
                + "started later, until Ctrl-C. --pid follows one process (and the processes it forks); -c runs a command "
                + "and traces it until it exits.",
                "",
                "A probe is a Go signature: the package-qualified name, then the parameters as in Go source. A bare name "
                + "(main.greet) takes its signature from the binary's DWARF. Pointer receivers come from the name. Known "
                + "types: builtin ones, pointers to anything, slices, arrays, maps, chans, funcs, error/any/interfaces, "
                + "and struct{...} written out. Each call is reported once, also when the goroutine's stack grows "
                + "(the probe sits after the prologue's stack check).",
                ""},
        footer = {"", "Examples:",
                "  gowarden trace ./demo/demo 'main.greet(name string, n int)'",
                "  gowarden trace ./demo/demo 'main.(*Server).Handle(req *Request, user string, attempt int, ok bool)' --json",
                "  gowarden trace ./app 'main.handle(id int64, body []byte)' -c './app -port 8080'",
                "  gowarden trace ./app 'net/http.(*conn).serve' --pid 4242",
                "  gowarden trace ./demo/demo main.greet --returns-only           (results and latency of each call)",
                "", "Output: 12:00:01.123456 demo[4242/4243] main.greet(name=\"bob\", n=1)",
                "        12:00:01.123470 demo[4242/4243] main.greet returned (ret0=\"hello bob #1\") in 14.2µs"})
final class TraceCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BINARY", description = "the Go executable whose functions to trace")
    Path binary;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PROBE",
            description = "function signature, e.g. 'main.greet(name string, n int)'")
    List<String> probes;

    @Option(names = "--json", description = "one JSON object per call, shaped like Tetragon's process_uprobe export")
    boolean json;

    @Option(names = {"-r", "--returns"}, description = "also report each return: the results (as the signature declares them) and how "
            + "long the call took. Probes sit on the function's RET instructions, never uretprobes")
    boolean returns;

    @Option(names = "--returns-only", description = "report returns (results and duration) but not entries")
    boolean returnsOnly;

    @Option(names = {"-p", "--pid"}, paramLabel = "PID", description = "trace only this process (and processes it forks)")
    Integer pid;

    @Option(names = {"-c", "--command"}, paramLabel = "COMMAND", description = "run COMMAND (through /bin/sh) and trace it until it exits")
    String command;

    @Option(names = "--string-size", paramLabel = "BYTES", defaultValue = "256",
            description = "bytes of each string to capture, 1 to 4096 (default: ${DEFAULT-VALUE}); longer strings are marked truncated")
    int stringSize;

    @Option(names = "--attach", paramLabel = "MODE", defaultValue = "auto",
            description = "how probes attach: auto (perf uprobe PMU, else tracefs), pmu, or tracefs (default: ${DEFAULT-VALUE})")
    String attachMode;

    @Option(names = "--uprobe-multi", paramLabel = "WHEN", defaultValue = "auto",
            description = "attach all probes of the binary with one uprobe_multi link: auto (when the kernel has it and there are several), on, off")
    String uprobeMulti;

    @Option(names = "--ring-size", paramLabel = "MIB", defaultValue = "4", description = "ring buffer size in MiB, a power of two (default: ${DEFAULT-VALUE})")
    int ringMiB;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validateOptions();
        List<Signature> signatures = new ArrayList<>();
        for (String p : probes) signatures.add(SignatureParser.parse(p));
        PrintWriter err = spec.commandLine().getErr();
        try (GoBinary bin = GoBinary.open(binary); ProbeResolver resolver = new ProbeResolver(bin)) {
            List<ProbeResolver.Resolved> resolved = resolver.resolve(signatures);
            RuntimeOffsets offsets = resolver.runtimeOffsets();
            Preflight.requireBpfPrivileges();
            Preflight.ensureBpffs();
            Attacher.Mode mode = Attacher.Mode.valueOf(attachMode.toUpperCase());
            boolean multi = switch (uprobeMulti.toLowerCase()) {
                case "on" -> true;
                case "off" -> false;
                default -> resolved.size() > 1 && mode == Attacher.Mode.AUTO && new Features().uprobeMulti().available();
            };
            // SIGTERM/Ctrl-C: stop the loop, then let the sensor close (links, tracefs entries) before the JVM exits.
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch closed = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stop.set(true);
                try {
                    closed.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try (GoTraceSensor sensor = new GoTraceSensor(new GoTraceSensor.Options(ringMiB << 20, mode, stringSize, multi))) {
                for (ProbeResolver.Resolved r : resolved) {
                    sensor.traceCalls(bin, r.function(), r.signature(), !returnsOnly, returns || returnsOnly, pid == null ? -1 : pid, offsets);
                }
                sensor.attach();
                return run(sensor, bin, err, stop);
            } finally {
                closed.countDown();
                if (!stop.get()) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException ignored) {
                        // already shutting down
                    }
                }
            }
        }
    }

    private void validateOptions() {
        if (stringSize < 1 || stringSize > 4096) throw new UsageException("--string-size must be between 1 and 4096, not " + stringSize);
        if (ringMiB < 1 || Integer.bitCount(ringMiB) != 1 || ringMiB > 1024) {
            throw new UsageException("--ring-size must be a power of two between 1 and 1024 MiB, not " + ringMiB);
        }
        if (!List.of("auto", "pmu", "tracefs").contains(attachMode.toLowerCase())) {
            throw new UsageException("--attach must be auto, pmu or tracefs, not '" + attachMode + "'");
        }
        if (!List.of("auto", "on", "off").contains(uprobeMulti.toLowerCase())) {
            throw new UsageException("--uprobe-multi must be auto, on or off, not '" + uprobeMulti + "'");
        }
        if (pid != null && command != null) throw new UsageException("use either --pid or -c, not both");
        if (returns && returnsOnly) throw new UsageException("use either --returns or --returns-only, not both");
        if (pid != null && !Files.exists(Path.of("/proc", pid.toString()))) throw new UsageException("--pid " + pid + ": no such process");
    }

    private int run(GoTraceSensor sensor, GoBinary bin, PrintWriter err, AtomicBoolean stop) throws IOException, InterruptedException {
        EventFormatter formatter = json ? new TetragonJsonFormatter() : new CompactFormatter(ZoneId.systemDefault());
        Writer out = new BufferedWriter(spec.commandLine().getOut(), 1 << 16);
        StringBuilder line = new StringBuilder(512);
        String binaryPath = bin.path().toAbsolutePath().toString();
        java.util.function.Consumer<GoCallEvent> sink = e -> {
            line.setLength(0);
            formatter.format(e, binaryPath, line);
            line.append('\n');
            try {
                out.append(line);
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        };
        Process child = null;
        int exit = 0;
        try {
            if (command != null) {
                child = CommandLauncher.start(command, sensor);
            } else if (pid != null) {
                sensor.restrictTo(List.of(pid));
            }
            err.printf("gowarden: tracing %d function%s%s in %s%s; Ctrl-C to stop%n", probes.size(), probes.size() == 1 ? "" : "s",
                    returnsOnly ? " (returns only)" : returns ? " (calls and returns)" : "",
                    binaryPath, pid != null ? " (pid " + pid + ")" : command != null ? " (command: " + command + ")" : " (all processes)");
            err.flush();
            while (!stop.get()) {
                int n = sensor.poll(200, sink);
                if (n > 0) out.flush();
                if (child != null && !child.isAlive()) {
                    // Drain what the command produced before it exited.
                    Thread.sleep(50);
                    while (sensor.poll(0, sink) > 0) {
                        // keep draining
                    }
                    exit = child.exitValue();
                    break;
                }
            }
            out.flush();
            GoTraceSensor.Stats s = sensor.stats();
            err.printf("gowarden: %d events, %d dropped (ring buffer full)%n", s.events(), s.dropped());
            err.flush();
        } finally {
            if (child != null && child.isAlive()) child.destroy();
        }
        return exit;
    }
}
