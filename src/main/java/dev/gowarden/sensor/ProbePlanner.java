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
        Arch arch = Arch.fromGoName(bin.architecture());
        FrameLayout.Abi abi = switch (fn.assembly() ? GoAbi.ABI0 : bin.abi()) {
            case ABI_INTERNAL -> FrameLayout.Abi.ABI_INTERNAL;
            case ABI0 -> FrameLayout.Abi.ABI0;
            case UNKNOWN -> throw new GoBinaryException(bin.path() + ": cannot tell Go's calling convention (no build info, and its"
                    + " pclntab format is shared by Go 1.16 and 1.17, which differ on " + bin.architecture() + ")");
        };
        FrameLayout layout = AbiLayouts.layout(sig, arch, abi);
        List<ValueLayout> values = kind == TracedFunction.Kind.ENTRY ? layout.args() : layout.results();

        ProbeSpec.Builder spec = new ProbeSpec.Builder();
        List<ValuePlan> plans = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            ValueLayout v = values.get(i);
            String label = v.param().name().isEmpty() ? (kind == TracedFunction.Kind.ENTRY ? "arg" : "ret") + i : v.param().name();
            plans.add(planValue(arch, v, label, spec, stringSize));
        }
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

    private static ValuePlan planValue(Arch arch, ValueLayout v, String label, ProbeSpec.Builder spec, int stringSize) {
        List<ValuePlan.PlacedWord> words = new ArrayList<>();
        Map<Long, String> missing = new HashMap<>();
        Map<Long, Integer> wordAt = new HashMap<>();
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
            if (w == null) continue;
            int idx = spec.word(w);
            if (idx < 0) {
                missing.put(p.valueOffset(), "more than " + ProbeSpec.MAX_WORDS + " words in one probe");
                continue;
            }
            words.add(new ValuePlan.PlacedWord(p.valueOffset(), p.size(), idx));
            wordAt.put(p.valueOffset(), idx);
        }
        Map<Long, Integer> copies = new HashMap<>();
        planCopies(v.param().type(), 0, wordAt, spec, copies, stringSize);
        List<ValuePlan.Extra> extras = new ArrayList<>();
        planExtras(v.param().type(), 0, wordAt, spec, extras, stringSize);
        return new ValuePlan(label, v.param().type(), words, copies, missing, extras);
    }

    /**
     * What is read through the value's pointers: a map's count, a channel's count and size, an interface's dynamic
     * type (itab->_type) and, for an error, the first two words it points to with the bytes they would address as a
     * string: the text of *errors.errorString and *fmt.wrapError, or a syscall.Errno. Which of these mean something
     * is decided once the dynamic type's name is known; reading the others is harmless (a failed read gives 0).
     */
    private static void planExtras(GoType t, long off, Map<Long, Integer> wordAt, ProbeSpec.Builder spec, List<ValuePlan.Extra> extras,
                                   int stringSize) {
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
                for (GoType.Field f : s.fields()) planExtras(f.type(), off + f.offset(), wordAt, spec, extras, stringSize);
            }
            case GoType.Array a -> {
                for (long i = 0; i < a.length(); i++) planExtras(a.elem(), off + i * a.elem().size(), wordAt, spec, extras, stringSize);
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
    private static void planCopies(GoType t, long off, Map<Long, Integer> wordAt, ProbeSpec.Builder spec,
                                   Map<Long, Integer> copies, int stringSize) {
        switch (t) {
            case GoType.Basic b when b.kind() == GoType.Kind.STRING -> addCopy(off, wordAt, spec, copies, stringSize);
            case GoType.Slice s when s.elem() instanceof GoType.Basic e && e.kind() == GoType.Kind.UINT8 ->
                    addCopy(off, wordAt, spec, copies, stringSize);
            case GoType.Struct s -> {
                for (GoType.Field f : s.fields()) planCopies(f.type(), off + f.offset(), wordAt, spec, copies, stringSize);
            }
            case GoType.Array a -> {
                for (long i = 0; i < a.length(); i++) planCopies(a.elem(), off + i * a.elem().size(), wordAt, spec, copies, stringSize);
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
