package dev.gowarden.cli;

import dev.gowarden.abi.Signature;
import dev.gowarden.dwarf.DwarfReader;
import dev.gowarden.event.Json;
import dev.gowarden.golang.CodeAnalyzer;
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

    @Option(names = "--signatures", description = "read every listed function's signature from DWARF, however many"
            + " (by default only when at most " + SIGNATURE_LIMIT + " functions are listed)")
    boolean allSignatures;

    static final int SIGNATURE_LIMIT = 2000;

    private GoBinary bin;
    private java.util.Optional<DwarfReader> dwarf = java.util.Optional.empty();
    private boolean signatures;

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
            this.bin = bin;
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
                sb.append(String.format("%-18s %-18s %10s %4s  %s%n", "entry", "end", "offset", "rets", "function"));
            }
            List<GoFunction> found = pattern != null ? bin.find(pattern) : null;
            int listed = found != null ? found.size() : bin.functionCount();
            if (allSignatures || listed <= SIGNATURE_LIMIT) {
                dwarf = DwarfReader.open(bin.elf());
                signatures = dwarf.isPresent();
            }
            if (found != null) {
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
        } finally {
            dwarf.ifPresent(DwarfReader::close);
        }
        out.flush();
        return 0;
    }

    private void print(StringBuilder sb, GoFunction f) {
        int returns = returnSites(f);
        String signature = signatures ? dwarf.get().signatureOf(f.name()).map(Signature::display).orElse(null) : null;
        if (json) {
            Json j = new Json().object().field("name", f.name()).field("entry", hex(f.entry())).field("end", hex(f.end()))
                    .field("fileOffset", f.fileOffset()).field("assembly", f.assembly()).field("returnSites", returns);
            if (signature != null) j.field("signature", signature);
            sb.append(j.end()).append('\n');
        } else {
            sb.append(String.format("%-18s %-18s %10s %4s  %s%s%n", hex(f.entry()), hex(f.end()), hex(f.fileOffset()),
                    returns < 0 ? "?" : Integer.toString(returns), signature != null ? signature : f.name(), f.assembly() ? "  [asm]" : ""));
        }
    }

    /** Number of RET instructions (0 for functions that never return), or -1 when the code does not decode. */
    private int returnSites(GoFunction f) {
        try {
            return CodeAnalyzer.analyze(bin, f).returns().size();
        } catch (RuntimeException e) {
            return -1;
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
