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
                // plain appends: the first String.format costs milliseconds of Formatter set-up in a fresh JVM
                sb.append("binary:     ").append(bin.path()).append('\n')
                        .append("go:         ").append(version).append('\n')
                        .append("module:     ").append(module.isEmpty() ? "-" : module).append('\n')
                        .append("abi:        ").append(bin.abi().label()).append('\n')
                        .append("arch:       ").append(bin.architecture()).append('\n')
                        .append("stripped:   ").append(stripped).append('\n')
                        .append("pclntab:    0x").append(Long.toHexString(tab.format().magic()))
                        .append(" (").append(tab.format().releases()).append(") at ").append(hex(tab.address()))
                        .append(", ").append(tab.foundBy()).append('\n')
                        .append("text start: ").append(hex(tab.textStart())).append(" (").append(textStartSource(tab)).append(")\n")
                        .append("functions:  ").append(bin.functionCount()).append('\n');
                row(sb, "entry", "end", "offset", "rets", "function");
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
            row(sb, hex(f.entry()), hex(f.end()), hex(f.fileOffset()), returns < 0 ? "?" : Integer.toString(returns),
                    signature != null ? signature : f.name());
            if (f.assembly()) sb.insert(sb.length() - 1, "  [asm]");
        }
    }

    /** One line of the table: entry and end left-aligned in 18 columns, offset and rets right-aligned in 10 and 4. */
    private static void row(StringBuilder sb, String entry, String end, String offset, String rets, String function) {
        sb.append(entry).repeat(' ', Math.max(0, 18 - entry.length())).append(' ')
                .append(end).repeat(' ', Math.max(0, 18 - end.length())).append(' ')
                .repeat(' ', Math.max(0, 10 - offset.length())).append(offset).append(' ')
                .repeat(' ', Math.max(0, 4 - rets.length())).append(rets).append("  ")
                .append(function).append('\n');
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
