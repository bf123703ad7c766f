package dev.gowarden.golang;

import dev.gowarden.elf.ElfFile;
import dev.gowarden.elf.ElfSymbol;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Go executable opened for probing: its architecture, Go version and function table.
 * Functions come from {@code .symtab} (exact sizes) and are keyed by their Go name ({@code .abi0} suffix removed).
 */
public final class GoBinary implements AutoCloseable {
    private final ElfFile elf;
    private final Optional<BuildInfo> buildInfo;
    private final List<GoFunction> functions;
    private final Map<String, List<GoFunction>> byName;

    private GoBinary(ElfFile elf, Optional<BuildInfo> buildInfo, List<GoFunction> functions) {
        this.elf = elf;
        this.buildInfo = buildInfo;
        this.functions = functions;
        Map<String, List<GoFunction>> index = new HashMap<>(functions.size() * 2);
        for (GoFunction f : functions) {
            index.computeIfAbsent(f.name(), k -> new ArrayList<>(1)).add(f);
        }
        this.byName = index;
    }

    public static GoBinary open(Path path) {
        ElfFile elf = ElfFile.open(path);
        try {
            if (elf.machine() != ElfFile.EM_X86_64 && elf.machine() != ElfFile.EM_AARCH64) {
                throw new GoBinaryException(path + ": ELF machine " + elf.machine() + " is not supported (x86-64 and aarch64 are)");
            }
            Optional<BuildInfo> info = BuildInfo.read(elf);
            List<GoFunction> functions = fromSymtab(elf);
            if (info.isEmpty() && functions.stream().noneMatch(f -> f.name().startsWith("runtime."))) {
                throw new GoBinaryException(path + ": not a Go binary (no Go build info and no Go runtime symbols)");
            }
            if (functions.isEmpty()) {
                throw new GoBinaryException(path + ": has no symbol table (stripped); reading function names from .gopclntab is not supported yet");
            }
            return new GoBinary(elf, info, functions);
        } catch (RuntimeException e) {
            elf.close();
            throw e;
        }
    }

    private static List<GoFunction> fromSymtab(ElfFile elf) {
        List<GoFunction> list = new ArrayList<>();
        for (ElfSymbol s : elf.symbols()) {
            if (!s.isFunction() || s.value() == 0 || elf.loadSegmentFor(s.value()).isEmpty()) {
                continue;
            }
            String name = s.name();
            boolean asm = name.endsWith(".abi0");
            if (asm) {
                name = name.substring(0, name.length() - 5);
            }
            list.add(new GoFunction(name, s.value(), s.value() + s.size(), elf.fileOffset(s.value()), asm));
        }
        list.sort(Comparator.comparingLong(GoFunction::entry));
        return Collections.unmodifiableList(list);
    }

    public ElfFile elf() {
        return elf;
    }

    public Path path() {
        return elf.path();
    }

    public String architecture() {
        return elf.architecture();
    }

    public Optional<BuildInfo> buildInfo() {
        return buildInfo;
    }

    public Optional<GoVersion> goVersion() {
        return buildInfo.map(BuildInfo::goVersion);
    }

    public List<GoFunction> functions() {
        return functions;
    }

    /**
     * The function with this exact Go name. When both an assembly body and its ABIInternal wrapper exist,
     * the Go-ABI one is returned (it is the one Go code calls).
     */
    public GoFunction lookup(String name) {
        List<GoFunction> found = byName.get(name);
        if (found == null || found.isEmpty()) {
            throw new SymbolNotFoundException(elf.path().toString(), name, Suggestions.closest(name, byName.keySet(), 5));
        }
        for (GoFunction f : found) {
            if (!f.assembly()) return f;
        }
        return found.getFirst();
    }

    @Override
    public void close() {
        elf.close();
    }
}
