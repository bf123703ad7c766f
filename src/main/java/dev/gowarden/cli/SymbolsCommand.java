package dev.gowarden.cli;

import dev.gowarden.event.Json;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.golang.GoFunction;
import dev.gowarden.golang.Pclntab;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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
            boolean stripped = bin.stripped();
            Pclntab tab = bin.pclntab();
            StringBuilder sb = new StringBuilder(1 << 16);
            if (json) {
                sb.append(new Json().object().field("goVersion", version).field("module", module)
                        .field("arch", bin.architecture()).field("stripped", stripped).field("abi", bin.abi().label())
                        .field("functions", bin.functionCount()).end()).append('\n');
            } else {
                sb.append(String.format("binary:     %s%ngo:         %s%nmodule:     %s%nabi:        %s%narch:       %s%nstripped:   %s%n"
                                + "pclntab:    %s (%s) at 0x%x, %s%ntext start: 0x%x (%s)%nfunctions:  %d%n",
                        bin.path(), version, module.isEmpty() ? "-" : module, bin.abi().label(), bin.architecture(), stripped,
                        String.format("0x%08x", tab.format().magic()), tab.format().releases(), tab.address(), tab.foundBy(),
                        tab.textStart(), textStartSource(tab), bin.functionCount()));
            }
            if (pattern != null) {
                List<GoFunction> found = bin.find(pattern);
                for (GoFunction f : found) {
                    print(sb, f);
                }
            } else {
                int n = bin.functionCount();
                for (int i = 0; i < n; i++) {
                    print(sb, bin.function(i));
                    if (sb.length() > 1 << 16) {
                        out.write(sb.toString());
                        sb.setLength(0);
                    }
                }
            }
            out.write(sb.toString());
        }
        out.flush();
        return 0;
    }

    private void print(StringBuilder sb, GoFunction f) {
        if (json) {
            sb.append(new Json().object().field("name", f.name()).field("entry", hex(f.entry())).field("end", hex(f.end()))
                    .field("fileOffset", f.fileOffset()).field("assembly", f.assembly()).end()).append('\n');
        } else {
            sb.append(String.format("%-18s %-18s %10s  %s%s%n", hex(f.entry()), hex(f.end()), hex(f.fileOffset()), f.name(),
                    f.assembly() ? "  [asm]" : ""));
        }
    }

    private static String textStartSource(Pclntab tab) {
        return switch (tab.textStartSource()) {
            case NOT_NEEDED -> "entries are absolute before Go 1.18";
            case RUNTIME_TEXT_SYMBOL -> "symbol runtime.text";
            case MODULEDATA -> "moduledata.text";
            case HEADER -> "pclntab header";
            case RELOCATION -> "relocation of the pclntab header";
            case TEXT_SECTION -> "section .text";
        };
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
