package dev.gowarden.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.file.Path;

/** Entry point: {@code gowarden <command>}. Errors are one line on stderr and a non-zero exit, never a stack trace. */
@Command(name = "gowarden", mixinStandardHelpOptions = true, version = "gowarden 0.1.0",
        usageHelpAutoWidth = true,
        description = {"eBPF tracing for Go programs: trace any Go function by name, also in stripped binaries, with its "
                + "arguments decoded per Go's calling convention, in running and future processes.", ""},
        subcommands = {TraceCommand.class, SymbolsCommand.class, PolicyCommand.class, FeaturesCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  gowarden trace ./demo/demo 'main.greet(name string, n int)'",
                "  gowarden trace ./demo/demo 'main.(*Server).Handle' --json        (signature from DWARF)",
                "  gowarden symbols ./demo/demo --filter '^main\\.'",
                "  gowarden features"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        FastSymbols fast = FastSymbols.parse(args);
        if (fast != null) {
            int code = fast.run(out, err);
            out.flush();
            err.flush();
            // This path registers no shutdown hook and its output is flushed: halting skips the JVM's shutdown
            // sequence, a few milliseconds of a command that takes forty.
            Runtime.getRuntime().halt(code);
        }
        System.exit(run(args, out, err));
    }

    /** Runs a command line with the given streams; returns the exit code. Used by tests too. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        FastSymbols fast = FastSymbols.parse(args);
        if (fast != null) {
            return fast.run(out, err);
        }
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> handle(ex, commandLine.getErr()));
        return cl.execute(args);
    }

    private static int handle(Exception ex, PrintWriter err) {
        err.println("gowarden: " + ErrorMessages.describe(ex));
        if (Boolean.getBoolean("gowarden.debug")) {
            ex.printStackTrace(err);
        }
        return ErrorMessages.exitCode(ex);
    }

    /**
     * {@code symbols BINARY [--filter REGEX] [--json] [--signatures]} in its plain shapes, parsed without picocli
     * (whose model of all subcommands costs more than the lookup itself). Anything else (help, version, unknown or
     * repeated options, values that look like options or commands, argument files) returns null and goes through
     * picocli, which gives its usual messages.
     */
    static final class FastSymbols {
        private static final java.util.Set<String> COMMANDS = java.util.Set.of("trace", "symbols", "features", "demo", "help");

        Path binary;
        String filter;
        boolean json;
        boolean allSignatures;

        int run(PrintWriter out, PrintWriter err) {
            try {
                return SymbolsListing.run(binary, filter, json, allSignatures, out);
            } catch (Exception ex) {
                return handle(ex, err);
            }
        }

        static FastSymbols parse(String[] args) {
            if (args.length < 2 || !args[0].equals("symbols")) return null;
            FastSymbols f = new FastSymbols();
            String positional = null;
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (a.isEmpty() || a.charAt(0) == '@') return null;
                if (a.equals("--json")) {
                    if (f.json) return null;
                    f.json = true;
                } else if (a.equals("--signatures")) {
                    if (f.allSignatures) return null;
                    f.allSignatures = true;
                } else if (a.equals("--filter") || a.startsWith("--filter=")) {
                    String v;
                    if (a.equals("--filter")) {
                        if (++i >= args.length) return null;
                        v = args[i];
                    } else {
                        v = a.substring("--filter=".length());
                    }
                    if (f.filter != null || !plainValue(v)) return null;
                    f.filter = v;
                } else if (a.charAt(0) == '-' || positional != null || COMMANDS.contains(a)) {
                    return null;
                } else {
                    positional = a;
                }
            }
            if (positional == null) return null;
            try {
                f.binary = Path.of(positional);
            } catch (java.nio.file.InvalidPathException e) {
                return null;
            }
            return f;
        }

        private static boolean plainValue(String v) {
            return !v.isEmpty() && v.charAt(0) != '-' && v.charAt(0) != '@' && !COMMANDS.contains(v);
        }
    }
}
