package dev.gowarden.cli;

import dev.gowarden.abi.Signature;
import dev.gowarden.abi.SignatureParser;
import dev.gowarden.disasm.CodeAnalysisException;
import dev.gowarden.features.Features;
import dev.gowarden.golang.CodeAnalyzer;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.link.Attacher;
import dev.gowarden.golang.RuntimeOffsets;
import dev.gowarden.sensor.GoTraceSensor;
import dev.gowarden.sensor.ProbeResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
                "  gowarden trace ./app 'net/http.*' --returns-only                (a whole package: every function's latency)",
                "", "Output: 12:00:01.123456 demo[4242/4243] main.greet(name=\"bob\", n=1)",
                "        12:00:01.123470 demo[4242/4243] main.greet returned (ret0=\"hello bob #1\") in 14.2µs"})
final class TraceCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BINARY", description = "the Go executable whose functions to trace")
    Path binary;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PROBE",
            description = "function signature, e.g. 'main.greet(name string, n int)', a bare name (main.greet), or a pattern "
                    + "where * stands for any characters ('net/http.*', 'main.(*Server).*')")
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
        // signatures are checked before anything is opened: a typo is reported first
        List<Signature> signatures = new ArrayList<>();
        for (String p : probes) signatures.add(ProbeResolver.isPattern(p) ? null : SignatureParser.parse(p));
        PrintWriter err = spec.commandLine().getErr();
        try (GoBinary bin = GoBinary.open(binary); ProbeResolver resolver = new ProbeResolver(bin)) {
            List<Target> targets = resolveTargets(resolver, signatures);
            RuntimeOffsets offsets = resolver.runtimeOffsets();
            Preflight.requireBpfPrivileges();
            Preflight.ensureBpffs();
            Attacher.Mode mode = Attacher.Mode.valueOf(attachMode.toUpperCase());
            boolean multi = switch (uprobeMulti.toLowerCase()) {
                case "on" -> true;
                case "off" -> false;
                default -> targets.size() > 1 && mode == Attacher.Mode.AUTO && new Features().uprobeMulti().available();
            };
            boolean wantReturns = returns || returnsOnly;
            int maxProbes = Math.max(GoTraceSensor.Options.DEFAULT_MAX_PROBES, targets.size() * (wantReturns ? 2 : 1));
            // SIGTERM/Ctrl-C: stop the loop, then let the sensor close (links, tracefs entries) before the JVM exits.
            return TraceSession.guarded(stop -> {
                try (GoTraceSensor sensor = new GoTraceSensor(new GoTraceSensor.Options(ringMiB << 20, mode, stringSize, multi, maxProbes))) {
                    int traced = 0;
                    int entriesOnly = 0;
                    int undecodable = 0;
                    for (Target t : targets) {
                        ProbeResolver.Resolved r = t.resolved();
                        boolean hasReturn;
                        try {
                            hasReturn = !CodeAnalyzer.analyze(bin, r.function()).returns().isEmpty();
                        } catch (CodeAnalysisException e) {
                            if (!t.fromPattern()) throw e;
                            undecodable++;      // a pattern's match whose code we cannot place a probe in
                            continue;
                        }
                        if (wantReturns && !hasReturn && t.fromPattern()) {
                            entriesOnly++;      // never returns normally (panics, exits, loops): its calls are still worth seeing
                            if (returnsOnly) continue;
                            sensor.traceCalls(bin, r.function(), r.signature(), true, false, pid == null ? -1 : pid, offsets);
                        } else {
                            sensor.traceCalls(bin, r.function(), r.signature(), !returnsOnly, wantReturns, pid == null ? -1 : pid, offsets);
                        }
                        traced++;
                    }
                    if (traced == 0) throw new UsageException("nothing to trace: no matched function has a return to probe");
                    attachWithProgress(sensor, multi, err);
                    if (entriesOnly > 0) {
                        err.printf("gowarden: %d matched function%s never return%s normally: %s%n", entriesOnly, entriesOnly == 1 ? "" : "s",
                                entriesOnly == 1 ? "s" : "", returnsOnly ? "not traced" : "calls only");
                    }
                    if (undecodable > 0) {
                        err.printf("gowarden: %d matched function%s skipped: code that does not decode as instructions%n", undecodable,
                                undecodable == 1 ? "" : "s");
                    }
                    String what = String.format("tracing %d function%s%s", traced, traced == 1 ? "" : "s",
                            returnsOnly ? " (returns only)" : returns ? " (calls and returns)" : "");
                    return TraceSession.pump(sensor, bin.path().toAbsolutePath().toString(), json, pid, command, what,
                            spec.commandLine().getOut(), err, stop);
                }
            });
        }
    }

    /** Attaches; when that means many perf links (no uprobe_multi), says so and reports progress every two seconds. */
    private static void attachWithProgress(GoTraceSensor sensor, boolean multi, PrintWriter err) {
        int total = sensor.pendingUprobes();
        if (multi || total < 100) {
            sensor.attach();
            return;
        }
        err.printf("gowarden: attaching %d uprobes one perf link at a time: the kernel waits for an RCU grace period "
                + "for each, up to ~0.1 s on small VMs, and again to detach (an uprobe_multi link, Linux 6.6+, takes one call: --uprobe-multi auto)%n", total);
        err.flush();
        long[] last = {System.nanoTime()};
        sensor.attach((done, all) -> {
            if (System.nanoTime() - last[0] > 2_000_000_000L && done < all) {
                last[0] = System.nanoTime();
                err.printf("gowarden: %d of %d uprobes attached%n", done, all);
                err.flush();
            }
        });
    }

    /** A function to trace, and whether a pattern matched it (then what cannot be probed is skipped, not fatal). */
    private record Target(ProbeResolver.Resolved resolved, boolean fromPattern) {
    }

    /** Signatures (null for patterns, in step with probes) to functions, each function once (by entry). */
    private List<Target> resolveTargets(ProbeResolver resolver, List<Signature> signatures) {
        List<Target> out = new ArrayList<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < probes.size(); i++) {
            String probe = probes.get(i);
            boolean pattern = signatures.get(i) == null;
            if (pattern) {
                int open = probe.indexOf('(');
                while (open >= 0 && open > 0 && probe.charAt(open - 1) == '.') open = probe.indexOf('(', open + 1);
                if (open >= 0) {
                    throw new UsageException("'" + probe + "': a pattern takes no parameter list (the signatures of the functions it "
                            + "matches come from DWARF; without DWARF their calls are reported by name)");
                }
            }
            List<ProbeResolver.Resolved> rs = pattern ? resolver.resolvePattern(probe) : resolver.resolve(List.of(signatures.get(i)));
            for (ProbeResolver.Resolved r : rs) {
                if (seen.add(r.function().entry())) out.add(new Target(r, pattern));
            }
        }
        return out;
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
}
