package dev.gowarden.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Trace the bundled demo Go program (demo/main.go): runs it and prints each decoded call and return, with",
                "its results and duration. Two probes take their signatures from the binary's DWARF (so the structs their",
                "pointers point to are read too), one is written out. The ./gowarden launcher installs what is missing and",
                "builds the demo first."})
final class DemoCommand implements Callable<Integer> {
    static final List<String> PROBES = List.of(
            "main.greet",
            "main.(*Server).Handle",
            "main.logLine(level int, msg string, code int)");

    @Option(names = "--json", description = "JSON output instead of one compact line per call")
    boolean json;

    @Option(names = {"-n", "--requests"}, defaultValue = "6", description = "requests the demo serves (default: ${DEFAULT-VALUE})")
    int requests;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path home = Path.of(System.getProperty("gowarden.home", "."));
        Path demo = home.resolve("demo/demo").toAbsolutePath();
        if (!Files.isExecutable(demo)) {
            throw new UsageException(demo + " is not built: run ./gowarden demo (it builds the demo with Go), or demo/build.sh");
        }
        spec.commandLine().getErr().println("gowarden demo: tracing calls and returns of " + String.join(", ",
                PROBES.stream().map(p -> p.contains("(") && !p.contains(".(") ? p.substring(0, p.indexOf('(')) : p).toList()) + " in " + demo);
        List<String> args = new ArrayList<>();
        args.add(demo.toString());
        args.addAll(PROBES);
        args.addAll(List.of("--returns", "-c", demo + " -n " + requests + " -interval 200ms"));
        if (json) args.add("--json");
        CommandLine trace = new CommandLine(new TraceCommand());
        trace.setOut(spec.commandLine().getOut());
        trace.setErr(spec.commandLine().getErr());
        trace.setExecutionExceptionHandler(spec.commandLine().getExecutionExceptionHandler());
        return trace.execute(args.toArray(String[]::new));
    }
}
