package dev.gowarden.sensor;

import dev.gowarden.abi.AbiLayouts;
import dev.gowarden.abi.Arch;
import dev.gowarden.abi.FrameLayout;
import dev.gowarden.abi.GoType;
import dev.gowarden.abi.Location;
import dev.gowarden.abi.Piece;
import dev.gowarden.abi.Signature;
import dev.gowarden.abi.ValueLayout;
import dev.gowarden.event.TracedFunction;
import dev.gowarden.event.ValuePlan;
import dev.gowarden.golang.GoAbi;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.golang.GoBinaryException;
import dev.gowarden.golang.GoFunction;
import dev.gowarden.golang.RuntimeOffsets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns "trace this function with this signature" into what the kernel side needs: a {@link ProbeSpec} (where
 * each word lives at the probe point) and the matching decode plans. Pure: no syscalls.
 */
public final class ProbePlanner {
    private ProbePlanner() {
    }

    /** A planned probe: the spec for probe_specs, and how events of it decode. */
    public record PlannedProbe(ProbeSpec spec, TracedFunction function, FrameLayout.Abi abi) {
    }

    public static PlannedProbe plan(GoBinary bin, GoFunction fn, Signature sig, TracedFunction.Kind kind, int id, int stringSize,
                                    RuntimeOffsets offsets) {
        return plan(bin, fn, sig, kind, id, stringSize, offsets, 0, false);
    }

    /**
     * As above, for a timed call when {@code timingId} is not 0: the entry probe stores the call's start under that
     * id, the return probes report the time since. A {@code silent} probe posts no event (an entry kept only for
     * timing, when only returns are reported).
     */
    public static PlannedProbe plan(GoBinary bin, GoFunction fn, Signature sig, TracedFunction.Kind kind, int id, int stringSize,
                                    RuntimeOffsets offsets, int timingId, boolean silent) {
        return plan(bin, fn, sig, kind, id, stringSize, offsets, timingId, silent, null, null);
    }

    /**
     * As above, capturing only the arguments at {@code argIndexes} (in that order, labelled {@code labels} where not
     * empty) when not null: a policy reports and filters on the arguments it lists.
     */
    public static PlannedProbe plan(GoBinary bin, GoFunction fn, Signature sig, TracedFunction.Kind kind, int id, int stringSize,
                                    RuntimeOffsets offsets, int timingId, boolean silent, List<Integer> argIndexes, List<String> labels) {
        Arch arch = Arch.fromGoName(bin.architecture());
        FrameLayout.Abi abi = switch (fn.assembly() ? GoAbi.ABI0 : bin.abi()) {
            case ABI_INTERNAL -> FrameLayout.Abi.ABI_INTERNAL;
            case ABI0 -> FrameLayout.Abi.ABI0;
            case UNKNOWN -> throw new GoBinaryException(bin.path() + ": cannot tell Go's calling convention (no build info, and its"
                    + " pclntab format is shared by Go 1.16 and 1.17, which differ on " + bin.architecture() + ")");
        };
        FrameLayout layout = AbiLayouts.layout(sig, arch, abi);
        List<ValueLayout> values = kind == TracedFunction.Kind.ENTRY ? layout.args() : layout.results();

        // In order of importance, so that what comes later cannot starve what comes first of the probe's 32 words and
        // 8 copies: every value's own words, then string contents, then what is read through pointers.
        ProbeSpec.Builder spec = new ProbeSpec.Builder();
        List<Draft> drafts = new ArrayList<>();
        List<Integer> chosen = argIndexes != null ? argIndexes : java.util.stream.IntStream.range(0, values.size()).boxed().toList();
        for (int c = 0; c < chosen.size(); c++) {
            int i = chosen.get(c);
            ValueLayout v = values.get(i);
            String label = labels != null && !labels.get(c).isEmpty() ? labels.get(c)
                    : v.param().name().isEmpty() ? (kind == TracedFunction.Kind.ENTRY ? "arg" : "ret") + i : v.param().name();
            Draft d = new Draft(label, v.param().type());
            d.placeOwnWords(arch, v, spec);
            drafts.add(d);
        }
        for (Draft d : drafts) planCopies(d.type, 0, d, spec, stringSize);
        for (Draft d : drafts) planExtras(d.type, 0, d, spec, stringSize);
        for (Draft d : drafts) planPointees(d.type, 0, d, spec, stringSize);
        List<ValuePlan> plans = drafts.stream().map(Draft::build).toList();
        int flags;
        int gReg = 0;
        if (abi == FrameLayout.Abi.ABI_INTERNAL || arch == Arch.ARM64) {
            flags = ProbeSpec.G_IN_REG;
            gReg = PtRegs.index(arch, arch.goroutineRegister());
        } else {
            flags = ProbeSpec.G_IN_TLS;
        }
        if (timingId != 0) flags |= kind == TracedFunction.Kind.ENTRY ? ProbeSpec.TIME_ENTRY : ProbeSpec.TIME_RETURN;
        if (silent) flags |= ProbeSpec.SILENT;
        int goid = (int) offsets.goidOffset();
        TracedFunction traced = new TracedFunction(id, bin.path().toAbsolutePath(), fn.name(), kind, plans);
        return new PlannedProbe(spec.build(flags, goid, gReg, timingId, (int) offsets.stackHiOffset()), traced, abi);
    }

    /** A value's plan while it is made: its words by offset, copies, extras, pointees and what is missing. */
    private static final class Draft {
        final String label;
        final GoType type;
        final List<ValuePlan.PlacedWord> words = new ArrayList<>();
        final Map<Long, Integer> wordAt = new HashMap<>();
        final Map<Long, String> missing = new HashMap<>();
        final Map<Long, Integer> copies = new HashMap<>();
        final List<ValuePlan.Extra> extras = new ArrayList<>();
        final Map<Long, ValuePlan> pointees = new HashMap<>();

        Draft(String label, GoType type) {
            this.label = label;
            this.type = type;
        }

        void placeOwnWords(Arch arch, ValueLayout v, ProbeSpec.Builder spec) {
            for (Piece p : v.pieces()) {
                ProbeSpec.Word w = switch (p.location()) {
                    case Location.IntRegister r -> {
                        int idx = PtRegs.index(arch, r.name());
                        if (idx < 0) throw new IllegalStateException("register " + r.name() + " has no pt_regs slot on " + arch);
                        yield new ProbeSpec.RegisterWord(idx, p.size());
                    }
                    case Location.Stack s -> new ProbeSpec.StackWord((int) s.offset(), p.size());
                    case Location.FloatRegister f -> {
                        missing.put(p.valueOffset(), "in float register " + f.name() + ", which uprobes cannot read");
                        yield null;
                    }
                };
                if (w != null) place(p.valueOffset(), p.size(), w, spec);
            }
        }

        void place(long valueOffset, int size, ProbeSpec.Word w, ProbeSpec.Builder spec) {
            int idx = spec.word(w);
            if (idx < 0) {
                missing.put(valueOffset, "more than " + ProbeSpec.MAX_WORDS + " words in one probe");
                return;
            }
            words.add(new ValuePlan.PlacedWord(valueOffset, size, idx));
            wordAt.put(valueOffset, idx);
        }

        ValuePlan build() {
            return new ValuePlan(label, type, words, copies, missing, extras, pointees);
        }
    }

    /**
     * The value a pointer points to, one level deep, when its type is known (DWARF, or a struct written out): each
     * of its scalar pieces read through the pointer, then its strings' contents and extras. Pointers inside it are
     * not followed.
     */
    private static void planPointees(GoType t, long off, Draft d, ProbeSpec.Builder spec, int stringSize) {
        switch (t) {
            case GoType.Pointer p when !p.isMap() && !p.isChan() && d.wordAt.containsKey(off) && readable(p.elem()) ->
                    d.pointees.put(off, readThrough(p.elem(), d.wordAt.get(off), spec, stringSize));
            case GoType.Slice s when d.wordAt.containsKey(off) && s.elem() instanceof GoType.Basic e && e.size() > 0
                    && e.kind() != GoType.Kind.UINT8 && e.kind() != GoType.Kind.UNSAFE_POINTER ->
                    // the first elements through the data pointer ([]byte is copied whole instead): 4 scalars or 2 strings
                    d.pointees.put(off, readThrough(new GoType.Array(e.kind() == GoType.Kind.STRING ? 2 : 4, e), d.wordAt.get(off), spec, stringSize));
            case GoType.Struct s -> {
                for (GoType.Field f : s.fields()) planPointees(f.type(), off + f.offset(), d, spec, stringSize);
            }
            case GoType.Array a -> {
                for (long i = 0; i < a.length(); i++) planPointees(a.elem(), off + i * a.elem().size(), d, spec, stringSize);
            }
            default -> {
            }
        }
    }

    /** A value of {@code type} read through the pointer in word {@code base}: its scalar pieces, strings' contents, extras. */
    private static ValuePlan readThrough(GoType type, int base, ProbeSpec.Builder spec, int stringSize) {
        Draft pointee = new Draft("", type);
        List<long[]> pieces = new ArrayList<>();
        memoryPieces(type, 0, pieces);
        for (long[] piece : pieces) {
            pointee.place(piece[0], (int) piece[1], new ProbeSpec.DerefWord(base, (int) piece[0], (int) piece[1]), spec);
        }
        planCopies(type, 0, pointee, spec, stringSize);
        planExtras(type, 0, pointee, spec, stringSize);
        return pointee.build();
    }

    /** Pointees worth reading: structs with known fields, arrays, basic values (not unsafe.Pointer: no type). */
    private static boolean readable(GoType elem) {
        return switch (elem) {
            case null -> false;
            case GoType.Struct s -> !s.fields().isEmpty();
            case GoType.Array a -> a.size() > 0 && a.size() <= 256;
            case GoType.Basic b -> b.kind() != GoType.Kind.UNSAFE_POINTER && b.size() > 0;
            default -> false;
        };
    }

    /** The scalar pieces of a value in memory (offset, size): what one read each gives. */
    private static void memoryPieces(GoType t, long off, List<long[]> out) {
        switch (t) {
            case GoType.Basic b when b.kind() == GoType.Kind.STRING || b.kind() == GoType.Kind.COMPLEX128 -> {
                out.add(new long[]{off, 8});
                out.add(new long[]{off + 8, 8});
            }
            case GoType.Basic b when b.kind() == GoType.Kind.COMPLEX64 -> {
                out.add(new long[]{off, 4});
                out.add(new long[]{off + 4, 4});
            }
            case GoType.Basic b -> {
                if (b.size() > 0) out.add(new long[]{off, b.size()});
            }
            case GoType.Pointer p -> out.add(new long[]{off, 8});
            case GoType.Slice s -> {
                for (int k = 0; k < 3; k++) out.add(new long[]{off + 8L * k, 8});
            }
            case GoType.Interface i -> {
                out.add(new long[]{off, 8});
                out.add(new long[]{off + 8, 8});
            }
            case GoType.Array a -> {
                for (long i = 0; i < a.length(); i++) memoryPieces(a.elem(), off + i * a.elem().size(), out);
            }
            case GoType.Struct s -> {
                for (GoType.Field f : s.fields()) memoryPieces(f.type(), off + f.offset(), out);
            }
        }
    }

    /**
     * What is read through the value's pointers: a map's count, a channel's count and size, an interface's dynamic
     * type (itab->_type) and, for an error, the first two words it points to with the bytes they would address as a
     * string: the text of *errors.errorString and *fmt.wrapError, or a syscall.Errno. Which of these mean something
     * is decided once the dynamic type's name is known; reading the others is harmless (a failed read gives 0).
     */
    private static void planExtras(GoType t, long off, Draft d, ProbeSpec.Builder spec, int stringSize) {
        Map<Long, Integer> wordAt = d.wordAt;
        List<ValuePlan.Extra> extras = d.extras;
        switch (t) {
            case GoType.Pointer p when p.isMap() -> deref(off, 0, off, ValuePlan.ExtraKind.MAP_LEN, wordAt, spec, extras);
            case GoType.Pointer p when p.isChan() -> {
                deref(off, 0, off, ValuePlan.ExtraKind.CHAN_LEN, wordAt, spec, extras);
                deref(off, 8, off, ValuePlan.ExtraKind.CHAN_CAP, wordAt, spec, extras);
            }
            case GoType.Interface i -> {
                Integer typeWord = wordAt.get(off);
                if (typeWord != null && !i.isEmpty()) {
                    int w = spec.word(new ProbeSpec.DerefWord(typeWord, 8, 8));     // itab._type
                    if (w >= 0) extras.add(new ValuePlan.Extra(off, ValuePlan.ExtraKind.DYNAMIC_TYPE, w));
                }
                if (i.display().equals("error")) {
                    int w0 = deref(off + 8, 0, off, ValuePlan.ExtraKind.POINTEE_WORD0, wordAt, spec, extras);
                    int w1 = w0 < 0 ? -1 : deref(off + 8, 8, off, ValuePlan.ExtraKind.POINTEE_WORD1, wordAt, spec, extras);
                    if (w1 >= 0) {
                        int c = spec.copy(w0, w1, stringSize);
                        if (c >= 0) extras.add(new ValuePlan.Extra(off, ValuePlan.ExtraKind.POINTEE_TEXT, c));
                    }
                }
            }
            case GoType.Struct s -> {
                for (GoType.Field f : s.fields()) planExtras(f.type(), off + f.offset(), d, spec, stringSize);
            }
            case GoType.Array a -> {
                for (long i = 0; i < a.length(); i++) planExtras(a.elem(), off + i * a.elem().size(), d, spec, stringSize);
            }
            default -> {
            }
        }
    }

    /**
     * Plans the word at (value of the word at {@code wordOffset}) + {@code by} as extra {@code kind} of the value part
     * at {@code partOffset}; returns its word index, or -1 when the base was not captured or the probe is full.
     */
    private static int deref(long wordOffset, int by, long partOffset, ValuePlan.ExtraKind kind, Map<Long, Integer> wordAt,
                             ProbeSpec.Builder spec, List<ValuePlan.Extra> extras) {
        Integer base = wordAt.get(wordOffset);
        if (base == null) return -1;
        int w = spec.word(new ProbeSpec.DerefWord(base, by, 8));
        if (w >= 0) extras.add(new ValuePlan.Extra(partOffset, kind, w));
        return w;
    }

    /** Every string and []byte in the value gets a copy of its bytes, if its pointer and length were captured. */
    private static void planCopies(GoType t, long off, Draft d, ProbeSpec.Builder spec, int stringSize) {
        switch (t) {
            case GoType.Basic b when b.kind() == GoType.Kind.STRING -> addCopy(off, d.wordAt, spec, d.copies, stringSize);
            case GoType.Slice s when s.elem() instanceof GoType.Basic e && e.kind() == GoType.Kind.UINT8 ->
                    addCopy(off, d.wordAt, spec, d.copies, stringSize);
            case GoType.Struct s -> {
                for (GoType.Field f : s.fields()) planCopies(f.type(), off + f.offset(), d, spec, stringSize);
            }
            case GoType.Array a -> {
                for (long i = 0; i < a.length(); i++) planCopies(a.elem(), off + i * a.elem().size(), d, spec, stringSize);
            }
            default -> {
            }
        }
    }

    private static void addCopy(long off, Map<Long, Integer> wordAt, ProbeSpec.Builder spec, Map<Long, Integer> copies, int stringSize) {
        Integer ptr = wordAt.get(off);
        Integer len = wordAt.get(off + 8);
        if (ptr == null || len == null) return;
        int c = spec.copy(ptr, len, stringSize);
        if (c >= 0) copies.put(off, c);
    }
}
