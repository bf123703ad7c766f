package dev.gowarden.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** Entry point: {@code gowarden <command>}. Errors are one line on stderr and a non-zero exit, never a stack trace. */
@Command(name = "gowarden", mixinStandardHelpOptions = true, version = "gowarden 0.1.0",
        usageHelpAutoWidth = true,
        description = {"eBPF tracing for Go programs: trace any Go function by name, also in stripped binaries, with its "
                + "arguments decoded per Go's calling convention, in running and future processes.", ""},
        subcommands = {TraceCommand.class, SymbolsCommand.class, FeaturesCommand.class, DemoCommand.class,
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
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given streams; returns the exit code. Used by tests too. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("gowarden: " + ErrorMessages.describe(ex));
            if (Boolean.getBoolean("gowarden.debug")) {
                ex.printStackTrace(commandLine.getErr());
            }
            return ErrorMessages.exitCode(ex);
        });
        return cl.execute(args);
    }
}
