package dev.gowarden.event;

import dev.gowarden.abi.GoType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a Go value from an {@link EventRecord} following a {@link ValuePlan}. Compiled once per probe into a
 * tree of small decoders, so the per-event work is a few array reads.
 */
@FunctionalInterface
public interface ValueDecoder {
    GoValue decode(EventRecord r);

    String UNREADABLE_POINTEE = "the pointer it is read through points to unreadable memory";

    /** Types whose value's first field is the error text (errors.New, fmt.Errorf). */
    java.util.Set<String> TEXT_ERRORS = java.util.Set.of("*errors.errorString", "*fmt.wrapError", "*fmt.wrapErrors");

    static ValueDecoder compile(ValuePlan plan) {
        return compile(plan, TypeNamer.NONE);
    }

    /** Compiles a plan; {@code namer} names interface values' dynamic types (and so decides what their data holds). */
    static ValueDecoder compile(ValuePlan plan, TypeNamer namer) {
        Map<Long, ValuePlan.PlacedWord> byOffset = new HashMap<>();
        for (ValuePlan.PlacedWord w : plan.words()) byOffset.put(w.valueOffset(), w);
        return new Compiler(byOffset, plan, namer).compile(plan.type(), 0);
    }

    /** The per-plan state of compilation: the words by value offset, the plan, and the type namer. */
    record Compiler(Map<Long, ValuePlan.PlacedWord> words, ValuePlan plan, TypeNamer namer) {
        ValueDecoder compile(GoType type, long off) {
            return switch (type) {
                case GoType.Pointer p when plan.extra(off, ValuePlan.ExtraKind.MAP_LEN) >= 0 -> container("map", off);
                case GoType.Pointer p when plan.extra(off, ValuePlan.ExtraKind.CHAN_LEN) >= 0 -> container("chan", off);
                case GoType.Pointer p when plan.pointees().containsKey(off) -> pointee(off, plan.pointees().get(off));
                case GoType.Slice s when plan.pointees().containsKey(off) ->
                        sliceDecoder(s, off, words, plan, ValueDecoder.compile(plan.pointees().get(off), namer));
                case GoType.Interface i -> iface(i, off);
                default -> ValueDecoder.compile(type, off, words, plan, this);
            };
        }

        private ValueDecoder pointee(long off, ValuePlan pointee) {
            ValueDecoder value = ValueDecoder.compile(pointee, namer);
            return word(off, words, plan, w -> (r, v) -> v == 0 ? new GoValue.Pointer(0) : new GoValue.Deref(v, value.decode(r)));
        }

        private ValueDecoder container(String kind, long off) {
            int len = plan.extra(off, kind.equals("map") ? ValuePlan.ExtraKind.MAP_LEN : ValuePlan.ExtraKind.CHAN_LEN);
            int cap = kind.equals("chan") ? plan.extra(off, ValuePlan.ExtraKind.CHAN_CAP) : -1;
            return word(off, words, plan, w -> (r, v) -> v == 0 ? new GoValue.Pointer(0)
                    : r.wordFailed(len) || cap >= 0 && r.wordFailed(cap)
                    ? new GoValue.Unreadable(String.format("cannot read the %s header at 0x%x", kind, v))
                    : new GoValue.Container(kind, v, r.word(len), cap >= 0 ? r.word(cap) : -1));
        }

        private ValueDecoder iface(GoType.Interface i, long off) {
            ValueDecoder t = word(off, words, plan, w -> (r, v) -> new GoValue.Pointer(v));
            ValueDecoder d = word(off + 8, words, plan, w -> (r, v) -> new GoValue.Pointer(v));
            int dynamicType = plan.extra(off, ValuePlan.ExtraKind.DYNAMIC_TYPE);
            boolean empty = i.isEmpty();
            int word0 = plan.extra(off, ValuePlan.ExtraKind.POINTEE_WORD0);
            int word1 = plan.extra(off, ValuePlan.ExtraKind.POINTEE_WORD1);
            int text = plan.extra(off, ValuePlan.ExtraKind.POINTEE_TEXT);
            return r -> {
                GoValue tv = t.decode(r);
                GoValue dv = d.decode(r);
                if (tv instanceof GoValue.Unreadable u) return u;
                if (dv instanceof GoValue.Unreadable u) return u;
                long type = ((GoValue.Pointer) tv).address();
                long data = ((GoValue.Pointer) dv).address();
                if (type == 0) return new GoValue.Interface(0, data);
                // an empty interface's first word is the type descriptor; a non-empty one's is an itab
                long descriptor = dynamicType >= 0 ? r.word(dynamicType) : empty ? type : 0;
                String name = descriptor == 0 ? null : namer.nameOf(descriptor - r.loadBias()).orElse(null);
                GoValue pointee = null;
                if (name != null && text >= 0 && word1 >= 0 && TEXT_ERRORS.contains(name) && text < r.copyCount() && r.copyStatus(text) == 0) {
                    long length = r.word(word1);
                    pointee = new GoValue.Str(r.copyString(text), length, r.copyLength(text) < length);
                } else if ("syscall.Errno".equals(name) && word0 >= 0) {
                    pointee = new GoValue.Uint(r.word(word0));
                }
                return new GoValue.Interface(type, data, name, pointee);
            };
        }
    }

    private static ValueDecoder compile(GoType type, long off, Map<Long, ValuePlan.PlacedWord> words, ValuePlan plan, Compiler c) {
        return switch (type) {
            case GoType.Basic b -> switch (b.kind()) {
                case STRING -> stringDecoder(off, words, plan);
                case BOOL -> word(off, words, plan, w -> (r, v) -> new GoValue.Bool((v & 0xff) != 0));
                case FLOAT32 -> word(off, words, plan, w -> (r, v) -> new GoValue.Float(java.lang.Float.intBitsToFloat((int) v)));
                case FLOAT64 -> word(off, words, plan, w -> (r, v) -> new GoValue.Float(Double.longBitsToDouble(v)));
                case COMPLEX64 -> array(List.of(c.compile(new GoType.Basic(GoType.Kind.FLOAT32, "float32"), off),
                        c.compile(new GoType.Basic(GoType.Kind.FLOAT32, "float32"), off + 4)));
                case COMPLEX128 -> array(List.of(c.compile(new GoType.Basic(GoType.Kind.FLOAT64, "float64"), off),
                        c.compile(new GoType.Basic(GoType.Kind.FLOAT64, "float64"), off + 8)));
                case UNSAFE_POINTER -> word(off, words, plan, w -> (r, v) -> new GoValue.Pointer(v));
                default -> {
                    int bits = (int) b.size() * 8;
                    if (b.kind().isSigned()) {
                        yield word(off, words, plan, w -> (r, v) -> new GoValue.Int(bits == 64 ? v : (v << (64 - bits)) >> (64 - bits)));
                    }
                    yield word(off, words, plan, w -> (r, v) -> new GoValue.Uint(bits == 64 ? v : v & ((1L << bits) - 1)));
                }
            };
            case GoType.Pointer p -> word(off, words, plan, w -> (r, v) -> new GoValue.Pointer(v));
            case GoType.Interface i -> c.iface(i, off);
            case GoType.Slice s -> sliceDecoder(s, off, words, plan, null);
            case GoType.Array a -> {
                List<ValueDecoder> elems = new ArrayList<>();
                for (long i = 0; i < a.length(); i++) elems.add(c.compile(a.elem(), off + i * a.elem().size()));
                yield array(elems);
            }
            case GoType.Struct st -> {
                List<String> names = new ArrayList<>();
                List<ValueDecoder> decs = new ArrayList<>();
                for (GoType.Field f : st.fields()) {
                    names.add(f.name());
                    decs.add(c.compile(f.type(), off + f.offset()));
                }
                yield r -> {
                    List<GoValue.Field> fields = new ArrayList<>(decs.size());
                    for (int i = 0; i < decs.size(); i++) fields.add(new GoValue.Field(names.get(i), decs.get(i).decode(r)));
                    return new GoValue.Struct(fields);
                };
            }
        };
    }

    private static ValueDecoder array(List<ValueDecoder> elems) {
        return r -> {
            List<GoValue> out = new ArrayList<>(elems.size());
            for (ValueDecoder d : elems) out.add(d.decode(r));
            return new GoValue.Array(out);
        };
    }

    interface WordFn {
        GoValue apply(EventRecord r, long value);
    }

    private static ValueDecoder word(long off, Map<Long, ValuePlan.PlacedWord> words, ValuePlan plan,
                                     java.util.function.Function<ValuePlan.PlacedWord, WordFn> fn) {
        ValuePlan.PlacedWord w = words.get(off);
        if (w == null) {
            GoValue.Unreadable u = new GoValue.Unreadable(plan.missing().getOrDefault(off, "not captured"));
            return r -> u;
        }
        WordFn f = fn.apply(w);
        int idx = w.wordIndex();
        return r -> idx >= r.wordCount() ? new GoValue.Unreadable("not captured")
                : r.wordFailed(idx) ? new GoValue.Unreadable(UNREADABLE_POINTEE)
                : f.apply(r, r.word(idx));
    }

    private static ValueDecoder stringDecoder(long off, Map<Long, ValuePlan.PlacedWord> words, ValuePlan plan) {
        ValuePlan.PlacedWord ptr = words.get(off);
        ValuePlan.PlacedWord len = words.get(off + 8);
        if (ptr == null || len == null) {
            GoValue.Unreadable u = new GoValue.Unreadable(plan.missing().getOrDefault(off, "not captured"));
            return r -> u;
        }
        Integer copy = plan.copies().get(off);
        int p = ptr.wordIndex();
        int l = len.wordIndex();
        return r -> {
            if (r.wordFailed(p) || r.wordFailed(l)) return new GoValue.Unreadable(UNREADABLE_POINTEE);
            long address = r.word(p);
            long length = r.word(l);
            if (length == 0) return new GoValue.Str("", 0, false);
            if (copy == null || copy >= r.copyCount()) return new GoValue.Unreadable("contents not captured (too many strings in one probe)");
            if (r.copyStatus(copy) != 0 || address == 0 || length < 0) {
                return new GoValue.Unreadable(String.format("cannot read %d bytes at 0x%x", length, address));
            }
            return new GoValue.Str(r.copyString(copy), length, r.copyLength(copy) < length);
        };
    }

    /** A slice; with {@code head} (an array plan read through the data pointer), its first elements, up to len. */
    private static ValueDecoder sliceDecoder(GoType.Slice s, long off, Map<Long, ValuePlan.PlacedWord> words, ValuePlan plan,
                                             ValueDecoder head) {
        ValuePlan.PlacedWord ptr = words.get(off);
        ValuePlan.PlacedWord len = words.get(off + 8);
        ValuePlan.PlacedWord cap = words.get(off + 16);
        if (ptr == null || len == null || cap == null) {
            GoValue.Unreadable u = new GoValue.Unreadable(plan.missing().getOrDefault(off, "not captured"));
            return r -> u;
        }
        Integer copy = plan.copies().get(off);
        boolean bytes = s.elem() instanceof GoType.Basic b && b.kind() == GoType.Kind.UINT8;
        return r -> {
            if (r.wordFailed(ptr.wordIndex()) || r.wordFailed(len.wordIndex()) || r.wordFailed(cap.wordIndex())) {
                return new GoValue.Unreadable(UNREADABLE_POINTEE);
            }
            long address = r.word(ptr.wordIndex());
            long length = r.word(len.wordIndex());
            long capacity = r.word(cap.wordIndex());
            if (head != null && address != 0 && length > 0) {
                List<GoValue> all = ((GoValue.Array) head.decode(r)).elements();
                return new GoValue.Slice(address, length, capacity, all.subList(0, (int) Math.min(length, all.size())));
            }
            if (!bytes || copy == null || copy >= r.copyCount()) return new GoValue.Slice(address, length, capacity);
            if (length == 0) return new GoValue.Bytes(new byte[0], 0, capacity, false);
            if (r.copyStatus(copy) != 0) return new GoValue.Unreadable(String.format("cannot read %d bytes at 0x%x", length, address));
            return new GoValue.Bytes(r.copyBytes(copy), length, capacity, r.copyLength(copy) < length);
        };
    }
}
