package dev.gowarden.cli;

import dev.gowarden.event.Json;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.golang.GoFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

@Command(name = "symbols", mixinStandardHelpOptions = true,
        description = {"List the Go functions of a binary with their addresses and file offsets.",
                "Prints the Go version, module path, ABI and architecture first."},
        footer = {"", "Examples:", "  gowarden symbols ./demo/demo --filter '^main\\.'",
                "  gowarden symbols /usr/local/bin/docker --filter 'os\\.Getenv$' --json"})
final class SymbolsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BINARY", description = "path of a Go executable")
    Path binary;

    @Option(names = "--filter", paramLabel = "REGEX", description = "only functions whose name matches (find semantics)")
    String filter;

    @Option(names = "--json", description = "one JSON object per line: a header, then one per function")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Pattern pattern;
        try {
            pattern = filter == null ? null : Pattern.compile(filter);
        } catch (PatternSyntaxException e) {
            throw new UsageException("--filter: invalid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
        PrintWriter out = spec.commandLine().getOut();
        try (GoBinary bin = GoBinary.open(binary)) {
            String version = bin.goVersion().map(Object::toString).orElse("unknown");
            String module = bin.buildInfo().map(b -> b.mainModule()).orElse("");
            boolean stripped = bin.elf().symbols().isEmpty();
            if (json) {
                out.println(new Json().object().field("goVersion", version).field("module", module)
                        .field("arch", bin.architecture()).field("stripped", stripped).field("functions", bin.functions().size()).end());
            } else {
                out.printf("binary:   %s%ngo:       %s%nmodule:   %s%narch:     %s%nstripped: %s%nfunctions: %d%n",
                        bin.path(), version, module.isEmpty() ? "-" : module, bin.architecture(), stripped, bin.functions().size());
            }
            for (GoFunction f : bin.functions()) {
                if (pattern != null && !pattern.matcher(f.name()).find()) continue;
                if (json) {
                    out.println(new Json().object().field("name", f.name()).field("entry", hex(f.entry())).field("end", hex(f.end()))
                            .field("fileOffset", f.fileOffset()).field("assembly", f.assembly()).end());
                } else {
                    out.printf("%-18s %-18s %10s  %s%s%n", hex(f.entry()), hex(f.end()), hex(f.fileOffset()), f.name(), f.assembly() ? "  [asm]" : "");
                }
            }
        }
        out.flush();
        return 0;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
