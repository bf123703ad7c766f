package dev.gowarden.cli;

import dev.gowarden.abi.Location;
import dev.gowarden.abi.Piece;
import dev.gowarden.abi.ValueLayout;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.policy.PolicyParser;
import dev.gowarden.policy.TracingPolicy;
import dev.gowarden.sensor.GoTraceSensor;
import dev.gowarden.sensor.PolicyResolver;
import dev.gowarden.sensor.ProbeResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "policy", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Work with Tetragon-style TracingPolicy files (apiVersion cilium.io/v1alpha1, kind TracingPolicy) whose "
                + "uprobes name Go functions.", ""},
        subcommands = {PolicyCommand.Check.class, PolicyCommand.Run.class},
        footer = {"", "Examples:", "  gowarden policy check examples/policies/block-drop-table.yaml",
                "  gowarden policy run examples/policies/demo-users.yaml -c ./demo/demo --json"})
final class PolicyCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "run", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = {"Run policies until Ctrl-C, or until -c's command exits. Uprobe hooks: probes on the named Go "
                    + "functions, selectors evaluated in the kernel on every call (matchArgs on go_string and integer arguments, "
                    + "matchPIDs), then Post (an event with the policy's name, message and tags), NoPost, Sigkill or Signal. "
                    + "LSM hooks (file_open, bprm_check_security; kernels with BPF LSM): path filters, then Post, NoPost or "
                    + "Override argError, which makes the open or exec fail.", ""},
            footer = {"", "Not run yet (refused by name): matchBinaries, matchPIDs followForks, Override (clearGoString needs a "
                    + "kernel that lets uprobe programs write registers)."})
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0..*", arity = "1..*", paramLabel = "POLICY", description = "TracingPolicy YAML files, any number: "
                + "uprobe policies run together in one sensor, LSM-hook policies share one program per hook (one kind per run)")
        List<Path> files;

        Path file;

        @picocli.CommandLine.Option(names = "--json", description = "one JSON object per event, shaped like Tetragon's process_uprobe / process_lsm")
        boolean json;

        @picocli.CommandLine.Option(names = {"-p", "--pid"}, paramLabel = "PID", description = "only this process (and what it forks)")
        Integer pid;

        @picocli.CommandLine.Option(names = {"-c", "--command"}, paramLabel = "COMMAND", description = "run COMMAND and apply the policy to it until it exits")
        String command;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (pid != null && command != null) throw new UsageException("use either --pid or -c, not both");
            List<TracingPolicy> policies = new java.util.ArrayList<>();
            for (Path f : files) policies.add(PolicyParser.parse(f));
            boolean lsm = policies.stream().anyMatch(p -> !p.lsmhooks().isEmpty());
            boolean uprobes = policies.stream().anyMatch(p -> !p.uprobes().isEmpty());
            if (lsm && uprobes) throw new UsageException("run LSM-hook policies and uprobe policies separately for now");
            if (lsm) return runLsm(policies);
            return runUprobes(policies);
        }

        /** A hook bound to its functions in an open binary, for the policy it comes from. */
        private record BoundHook(TracingPolicy policy, GoBinary bin, ProbeResolver resolver, List<PolicyResolver.BoundFunction> functions) {
        }

        /** Uprobe policies, any number of hooks in any number of binaries: each function's selectors run in the kernel. */
        private int runUprobes(List<TracingPolicy> policies) throws Exception {
            List<BoundHook> hooks = new java.util.ArrayList<>();
            List<AutoCloseable> open = new java.util.ArrayList<>();
            try {
                for (int p = 0; p < policies.size(); p++) {
                    TracingPolicy policy = policies.get(p);
                    file = files.get(p);
                    refuseWhatDoesNotRunYet(policy);
                    for (int u = 0; u < policy.uprobes().size(); u++) {
                        TracingPolicy.Uprobe hook = policy.uprobes().get(u);
                        GoBinary bin = Check.openBinary(file, u, hook);
                        open.add(bin);
                        ProbeResolver resolver = new ProbeResolver(bin);
                        open.add(resolver);
                        hooks.add(new BoundHook(policy, bin, resolver, Check.bind(file, u, hook, bin, resolver)));
                    }
                }
                Preflight.requireBpfPrivileges();
                Preflight.ensureBpffs();
                int functions = hooks.stream().mapToInt(h -> h.functions().size()).sum();
                PrintWriter err = spec.commandLine().getErr();
                return TraceSession.guarded(stop -> {
                    try (GoTraceSensor sensor = new GoTraceSensor(GoTraceSensor.Options.defaults())) {
                        for (BoundHook h : hooks) {
                            for (PolicyResolver.BoundFunction f : h.functions()) {
                                sensor.tracePolicy(f, h.bin(), h.policy().name(), pid == null ? -1 : pid, h.resolver().runtimeOffsets());
                            }
                        }
                        sensor.attach();
                        String what = String.format("%d polic%s: %d function%s", policies.size(), policies.size() == 1 ? "y" : "ies",
                                functions, functions == 1 ? "" : "s");
                        String binaries = hooks.stream().map(h -> h.bin().path().toAbsolutePath().toString()).distinct()
                                .collect(java.util.stream.Collectors.joining(", "));
                        return TraceSession.pump(sensor, binaries, json, pid, command, what, spec.commandLine().getOut(), err, stop);
                    }
                });
            } finally {
                for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
            }
        }

        /** LSM-hook policies: one shared program per hook, every policy a set of rules in its map. */
        private int runLsm(List<TracingPolicy> policies) throws Exception {
            if (pid != null) throw new UsageException("--pid does not apply to LSM hooks (they watch every process)");
            Preflight.requireBpfPrivileges();
            dev.gowarden.features.Features.Result lsmFeature = new dev.gowarden.features.Features().bpfLsm();
            if (!lsmFeature.available()) {
                throw new UsageException("LSM-hook policies need BPF LSM programs, which this kernel refuses (" + lsmFeature.detail()
                        + "); lab/lab.sh runs them in a kernel that has them");
            }
            PrintWriter err = spec.commandLine().getErr();
            java.io.Writer out = new java.io.BufferedWriter(spec.commandLine().getOut(), 1 << 16);
            return TraceSession.guarded(stop -> {
                try (dev.gowarden.sensor.LsmOverrideSensor sensor = new dev.gowarden.sensor.LsmOverrideSensor()) {
                    for (TracingPolicy p : policies) sensor.add(p);
                    sensor.attach();
                    err.printf("gowarden: %d polic%s on LSM hooks, %d rules in one shared program per hook; Ctrl-C to stop%n",
                            policies.size(), policies.size() == 1 ? "y" : "ies", sensor.ruleCount());
                    err.flush();
                    StringBuilder line = new StringBuilder(512);
                    java.util.function.Consumer<dev.gowarden.sensor.LsmOverrideSensor.LsmEvent> sink = e -> {
                        line.setLength(0);
                        if (json) {
                            dev.gowarden.event.LsmFormat.json(line, e.epochNanos(), e.comm(), e.tgid(), e.tid(), e.hook(), e.path(), e.error(),
                                    e.policy().name(), e.spec().message(), e.spec().tags());
                        } else {
                            dev.gowarden.event.LsmFormat.compact(line, java.time.ZoneId.systemDefault(), e.epochNanos(), e.comm(), e.tgid(),
                                    e.tid(), e.hook(), e.path(), e.error(), e.policy().name(), e.spec().message());
                        }
                        try {
                            out.append(line).append('\n');
                        } catch (java.io.IOException ex) {
                            throw new java.io.UncheckedIOException(ex);
                        }
                    };
                    // LSM hooks watch every process: the command only bounds how long the policies run
                    Process child = command == null ? null : new ProcessBuilder("/bin/sh", "-c", command).inheritIO().start();
                    try {
                        return TraceSession.loop(timeout -> sensor.poll(timeout, sink), child, stop, out);
                    } finally {
                        if (child != null && child.isAlive()) child.destroy();   // stopped: it no longer runs under the policies
                    }
                }
            });
        }

        private void refuseWhatDoesNotRunYet(TracingPolicy policy) {
            for (int u = 0; u < policy.uprobes().size(); u++) {
                List<TracingPolicy.Selector> selectors = policy.uprobes().get(u).selectors();
                for (int s = 0; s < selectors.size(); s++) {
                    TracingPolicy.Selector sel = selectors.get(s);
                    String where = file + ": spec.uprobes[" + u + "].selectors[" + s + "]";
                    if (!sel.matchBinaries().isEmpty()) throw new UsageException(where + ".matchBinaries: not run yet (policy check reads it)");
                    if (sel.matchPids().stream().anyMatch(TracingPolicy.MatchPids::followForks)) {
                        throw new UsageException(where + ".matchPIDs: followForks is not run yet");
                    }
                    if (sel.matchArgs().size() + sel.matchPids().size() > dev.gowarden.sensor.SelectorEncoding.MAX_FILTERS) {
                        throw new UsageException(where + ": more than " + dev.gowarden.sensor.SelectorEncoding.MAX_FILTERS
                                + " filters (matchArgs and matchPIDs together)");
                    }
                    for (TracingPolicy.Action a : sel.actions()) {
                        if (a instanceof TracingPolicy.Action.Override) {
                            dev.gowarden.features.Features.Result regs = new dev.gowarden.features.Features().writableUprobeRegisters();
                            throw new UsageException(where + ".matchActions: Override clearGoString writes the string's "
                                    + "length register from the uprobe, which this kernel " + (regs.available()
                                    ? "allows, but gowarden does not run yet" : "does not allow (" + regs.detail() + ")"));
                        }
                    }
                }
            }
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = {"Read a policy strictly and bind it to its binaries without loading anything: every symbol found, "
                    + "every listed argument placed where the Go ABI puts it (checked against DWARF when the binary has it), "
                    + "every selector shown as it will be evaluated. Errors name the file, line, column and field.", ""},
            footer = {"", "Exit status: 0 when the policy binds, 1 when a binary or symbol does not, 2 when the file is wrong."})
    static final class Check implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "POLICY", description = "the TracingPolicy YAML file")
        Path file;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            TracingPolicy policy = PolicyParser.parse(file);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("policy %s (%s, %s): %d uprobe%s, %d LSM hook%s%n", policy.name(), policy.kind(), file, policy.uprobes().size(),
                    policy.uprobes().size() == 1 ? "" : "s", policy.lsmhooks().size(), policy.lsmhooks().size() == 1 ? "" : "s");
            boolean clears = false;
            for (int i = 0; i < policy.uprobes().size(); i++) {
                TracingPolicy.Uprobe u = policy.uprobes().get(i);
                try (GoBinary bin = openBinary(file, i, u); ProbeResolver resolver = new ProbeResolver(bin)) {
                    for (PolicyResolver.BoundFunction f : bind(file, i, u, bin, resolver)) {
                        out.printf("  %s  %s  [%s, signature from %s]%n", u.path(), f.signature().display(),
                                f.abi() == dev.gowarden.abi.FrameLayout.Abi.ABI0 ? "ABI0" : "ABIInternal",
                                f.fromDwarf() ? "DWARF" : "the policy's args");
                        for (int a = 0; a < u.args().size(); a++) {
                            TracingPolicy.Arg arg = u.args().get(a);
                            out.printf("    args[%d] index %d%s %s <- %s%n", a, arg.index(), arg.label().isEmpty() ? "" : " " + arg.label(),
                                    arg.type().yaml(), where(f.args().get(a)));
                        }
                    }
                }
                for (int s = 0; s < u.selectors().size(); s++) {
                    TracingPolicy.Selector sel = u.selectors().get(s);
                    out.printf("    selector %d: %s -> %s%n", s, filters(u, sel), actions(sel.actions()));
                    clears |= sel.actions().stream().anyMatch(x -> x instanceof TracingPolicy.Action.Override o && o.clearGoString());
                }
            }
            for (int h = 0; h < policy.lsmhooks().size(); h++) {
                TracingPolicy.LsmHook hook = policy.lsmhooks().get(h);
                out.printf("  lsm hook %s  [one shared program per hook; each selector value is a rule]%n", hook.hook());
                for (int s = 0; s < hook.selectors().size(); s++) {
                    TracingPolicy.Selector sel = hook.selectors().get(s);
                    String filter = sel.matchArgs().isEmpty() ? "every call" : "path " + sel.matchArgs().getFirst().operator().yaml()
                            + " " + sel.matchArgs().getFirst().values().stream().map(v -> "\"" + v + "\"").toList();
                    out.printf("    selector %d: %s -> %s%n", s, filter, actions(sel.actions()));
                }
            }
            if (clears) {
                out.println("note: clearGoString writes the string's length register, which needs a kernel that lets uprobe "
                        + "programs change registers ('bpf: Allow uprobe program to change context registers'); `gowarden "
                        + "features` says whether this one does.");
            }
            out.flush();
            return 0;
        }

        /** The policy is well-formed but does not fit its binaries (file, symbol or argument): exit status 1. */
        static final class BindException extends dev.gowarden.golang.GoBinaryException {
            BindException(String message) {
                super(message);
            }
        }

        /** The binary of uprobe hook {@code index}; a failure names the policy file and the hook's path field. */
        static GoBinary openBinary(Path file, int index, TracingPolicy.Uprobe hook) {
            try {
                return GoBinary.open(Path.of(hook.path()));
            } catch (RuntimeException e) {
                throw new BindException(file + ": spec.uprobes[" + index + "].path: " + e.getMessage());
            }
        }

        /** The hook's symbols bound to functions and their arguments to ABI places; a failure names the policy file. */
        static List<PolicyResolver.BoundFunction> bind(Path file, int index, TracingPolicy.Uprobe hook, GoBinary bin, ProbeResolver resolver) {
            try {
                return PolicyResolver.bind(hook, index, bin, resolver);
            } catch (RuntimeException e) {
                throw new BindException(file + ": " + e.getMessage());
            }
        }

        private static String where(ValueLayout v) {
            StringBuilder sb = new StringBuilder();
            for (Piece p : v.pieces()) {
                if (!sb.isEmpty()) sb.append(", ");
                sb.append(switch (p.location()) {
                    case Location.IntRegister r -> r.name();
                    case Location.FloatRegister r -> r.name() + " (unreadable)";
                    case Location.Stack st -> st.offset() + "(SP)";
                });
            }
            return sb.toString();
        }

        private static String filters(TracingPolicy.Uprobe u, TracingPolicy.Selector sel) {
            List<String> parts = new java.util.ArrayList<>();
            for (TracingPolicy.MatchArg m : sel.matchArgs()) {
                TracingPolicy.Arg a = u.args().get(m.argPosition());
                String name = a.label().isEmpty() ? "arg " + a.index() : a.label();
                parts.add(name + " " + m.operator().yaml() + " " + (a.type().isString()
                        ? m.values().stream().map(v -> "\"" + v + "\"").toList() : m.values()));
            }
            for (TracingPolicy.MatchPids p : sel.matchPids()) parts.add("pid " + (p.in() ? "In " : "NotIn ") + p.pids()
                    + (p.followForks() ? " (and children)" : ""));
            for (TracingPolicy.MatchBinaries b : sel.matchBinaries()) parts.add("binary " + b.operator().yaml() + " " + b.values());
            return parts.isEmpty() ? "every call" : String.join(" and ", parts);
        }

        private static String actions(List<TracingPolicy.Action> actions) {
            if (actions.isEmpty()) return "Post";
            List<String> out = new java.util.ArrayList<>();
            for (TracingPolicy.Action a : actions) {
                out.add(switch (a) {
                    case TracingPolicy.Action.Post p -> "Post";
                    case TracingPolicy.Action.NoPost n -> "NoPost";
                    case TracingPolicy.Action.Sigkill k -> "Sigkill";
                    case TracingPolicy.Action.Signal s -> "Signal " + s.signal();
                    case TracingPolicy.Action.Override o -> "Override " + (o.clearGoString() ? "clearGoString" : "argError " + o.error());
                });
            }
            return String.join(", ", out);
        }
    }
}
