package dev.gowarden.cli;

import dev.gowarden.abi.Location;
import dev.gowarden.abi.Piece;
import dev.gowarden.abi.ValueLayout;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.policy.PolicyParser;
import dev.gowarden.policy.TracingPolicy;
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
        subcommands = {PolicyCommand.Check.class},
        footer = {"", "Examples:", "  gowarden policy check examples/policies/block-drop-table.yaml"})
final class PolicyCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
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
            out.printf("policy %s (%s, %s): %d uprobe%s%n", policy.name(), policy.kind(), file, policy.uprobes().size(),
                    policy.uprobes().size() == 1 ? "" : "s");
            boolean clears = false;
            for (int i = 0; i < policy.uprobes().size(); i++) {
                TracingPolicy.Uprobe u = policy.uprobes().get(i);
                GoBinary opened;
                try {
                    opened = GoBinary.open(Path.of(u.path()));
                } catch (RuntimeException e) {
                    throw new BindException(file + ": spec.uprobes[" + i + "].path: " + e.getMessage());
                }
                try (GoBinary bin = opened; ProbeResolver resolver = new ProbeResolver(bin)) {
                    List<PolicyResolver.BoundFunction> bound;
                    try {
                        bound = PolicyResolver.bind(u, i, bin, resolver);
                    } catch (RuntimeException e) {
                        throw new BindException(file + ": " + e.getMessage());
                    }
                    for (PolicyResolver.BoundFunction f : bound) {
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
