package dev.gowarden.cli;

import dev.gowarden.abi.Signature;
import dev.gowarden.dwarf.DwarfReader;
import dev.gowarden.event.Json;
import dev.gowarden.golang.CodeAnalyzer;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.golang.GoFunction;
import dev.gowarden.golang.Pclntab;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The work of {@code gowarden symbols}, free of picocli so that {@link Main} can run the common argument shapes
 * without building the command model ({@link SymbolsCommand} is the picocli face of the same method).
 */
final class SymbolsListing {
    static final int SIGNATURE_LIMIT = 2000;

    private final boolean json;
    private GoBinary bin;
    private java.util.Optional<DwarfReader> dwarf = java.util.Optional.empty();
    private boolean signatures;

    private SymbolsListing(boolean json) {
        this.json = json;
    }

    /** Lists the functions of {@code binary} on {@code out}; returns the exit code. Errors are thrown. */
    static int run(Path binary, String filter, boolean json, boolean allSignatures, PrintWriter out) {
        return new SymbolsListing(json).list(binary, filter, allSignatures, out);
    }

    private int list(Path binary, String filter, boolean allSignatures, PrintWriter out) {
        Pattern pattern;
        try {
            pattern = filter == null ? null : Pattern.compile(filter);
        } catch (PatternSyntaxException e) {
            throw new UsageException("--filter: invalid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
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
