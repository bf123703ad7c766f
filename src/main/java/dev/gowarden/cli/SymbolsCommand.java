package dev.gowarden.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "symbols", mixinStandardHelpOptions = true,
        description = {"List the Go functions of a binary with their addresses and file offsets.",
                "Prints the Go version, module path, ABI, architecture and whether it is stripped first.",
                "Works on stripped, PIE and cgo binaries of every Go release from 1.2 (reads the pclntab)."},
        footer = {"", "Examples:", "  gowarden symbols ./demo/demo --filter '^main\\.'",
                "  gowarden symbols /usr/local/bin/docker --filter 'os\\.Getenv$' --json"})
final class SymbolsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BINARY", description = "path of a Go executable")
    Path binary;

    @Option(names = "--filter", paramLabel = "REGEX", description = "only functions whose name matches (find semantics)")
    String filter;

    @Option(names = "--json", description = "one JSON object per line: a header, then one per function")
    boolean json;

    @Option(names = "--signatures", description = "read every listed function's signature from DWARF, however many"
            + " (by default only when at most " + SIGNATURE_LIMIT + " functions are listed)")
    boolean allSignatures;

    static final int SIGNATURE_LIMIT = SymbolsListing.SIGNATURE_LIMIT;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return SymbolsListing.run(binary, filter, json, allSignatures, spec.commandLine().getOut());
    }
}
