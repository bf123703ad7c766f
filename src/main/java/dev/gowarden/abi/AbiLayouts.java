package dev.gowarden.abi;

import dev.gowarden.abi.GoType.Basic;
import dev.gowarden.abi.Location.FloatRegister;
import dev.gowarden.abi.Location.IntRegister;
import dev.gowarden.abi.Location.Stack;

import java.util.ArrayList;
import java.util.List;

/**
 * Computes where arguments and results live under Go's two calling conventions, as a pure function of the
 * signature and the architecture.
 * <ul>
 * <li>ABIInternal (amd64 from Go 1.17, arm64 from 1.18): each value is register-assigned recursively from the
 * integer and float sequences; if it does not fit it goes whole to the stack and the counters are reset, so later
 * values may still get registers. Results restart both sequences.</li>
 * <li>ABI0 (older Go, assembly): everything on the stack from 8(SP), naturally aligned; results follow the
 * arguments at the next pointer-aligned offset.</li>
 * </ul>
 */
public final class AbiLayouts {
    private static final long FIRST_STACK_SLOT = 8;
    private static final long PTR = 8;

    private AbiLayouts() {
    }

    public static FrameLayout layout(Signature sig, Arch arch, FrameLayout.Abi abi) {
        boolean registers = abi == FrameLayout.Abi.ABI_INTERNAL;
        Assigner a = new Assigner(arch, registers);
        String dictionary = null;
        if (registers && takesDictionary(sig.function())) {
            dictionary = arch.intRegisters().getFirst();
            a.nextInt = 1;
        }
        List<ValueLayout> args = new ArrayList<>();
        for (Signature.Param p : sig.params()) {
            args.add(a.assign(p));
        }
        a.stackOffset = GoType.alignUp(a.stackOffset, PTR);
        a.nextInt = 0;
        a.nextFloat = 0;
        List<ValueLayout> results = new ArrayList<>();
        for (Signature.Param p : sig.results()) {
            results.add(a.assign(p));
        }
        return new FrameLayout(abi, args, results, dictionary);
    }

    /**
     * True when the function is a shape instantiation whose first integer register carries the dictionary: the
     * brackets belong to the function or its receiver type ({@code main.Map[...]}, {@code main.(*List[...]).Push},
     * {@code main.List[...].Len}). Checked against Go 1.19 DWARF (AbiAgainstDwarfTest), which showed two names that
     * merely contain brackets and take no dictionary: closures inside generic functions
     * ({@code main.Wrap[...].func1}, which reach the dictionary through their closure context) and compiler-generated
     * helpers of array types ({@code type..eq.[2]float64}).
     */
    public static boolean takesDictionary(String function) {
        int open = -1;
        for (int i = 1; i < function.length(); i++) {
            char prev = function.charAt(i - 1);
            if (function.charAt(i) == '[' && (Character.isLetterOrDigit(prev) || prev == '_')) {
                open = i;
                break;
            }
        }
        if (open < 0) return false;
        int depth = 0;
        int close = -1;
        for (int i = open; i < function.length() && close < 0; i++) {
            char c = function.charAt(i);
            if (c == '[') depth++;
            else if (c == ']' && --depth == 0) close = i;
        }
        if (close < 0) return false;
        String rest = function.substring(close + 1);
        if (rest.startsWith(")")) rest = rest.substring(1);
        return !CLOSURE_SUFFIX.matcher(rest).matches();
    }

    /** What follows a generic function's brackets in the name of a closure or wrapper defined inside it. */
    private static final java.util.regex.Pattern CLOSURE_SUFFIX =
            java.util.regex.Pattern.compile("\\.(func\\d+|gowrap\\d+|deferwrap\\d+)([.\\-].*)?|.*-range\\d+.*");

    /** Which convention a function uses: ABIInternal for Go code from the regabi release on, ABI0 otherwise. */
    public static FrameLayout.Abi abiFor(Arch arch, int goMajor, int goMinor, boolean assemblyFunction) {
        if (assemblyFunction) return FrameLayout.Abi.ABI0;
        int regabiMinor = arch == Arch.AMD64 ? 17 : 18;
        boolean regabi = goMajor > 1 || goMinor >= regabiMinor;
        return regabi ? FrameLayout.Abi.ABI_INTERNAL : FrameLayout.Abi.ABI0;
    }

    private static final class Assigner {
        final Arch arch;
        final boolean registers;
        int nextInt;
        int nextFloat;
        long stackOffset;

        Assigner(Arch arch, boolean registers) {
            this.arch = arch;
            this.registers = registers;
        }

        ValueLayout assign(Signature.Param p) {
            GoType t = p.type();
            if (registers && t.size() > 0) {
                int savedInt = nextInt;
                int savedFloat = nextFloat;
                List<Piece> pieces = new ArrayList<>();
                if (registerAssign(t, 0, pieces)) {
                    return new ValueLayout(p, pieces, false);
                }
                nextInt = savedInt;
                nextFloat = savedFloat;
            }
            stackOffset = GoType.alignUp(stackOffset, t.align());
            List<Piece> pieces = new ArrayList<>();
            stackPieces(t, 0, FIRST_STACK_SLOT + stackOffset, pieces);
            stackOffset += t.size();
            return new ValueLayout(p, pieces, true);
        }

        private boolean intReg(long off, int size, List<Piece> out) {
            if (nextInt >= arch.intRegisters().size()) return false;
            out.add(new Piece(off, size, new IntRegister(arch.intRegisters().get(nextInt++))));
            return true;
        }

        private boolean floatReg(long off, int size, List<Piece> out) {
            if (nextFloat >= arch.floatRegisterCount()) return false;
            out.add(new Piece(off, size, new FloatRegister(arch.floatRegister(nextFloat++))));
            return true;
        }

        private boolean registerAssign(GoType t, long off, List<Piece> out) {
            return switch (t) {
                case Basic b -> switch (b.kind()) {
                    case FLOAT32 -> floatReg(off, 4, out);
                    case FLOAT64 -> floatReg(off, 8, out);
                    case COMPLEX64 -> floatReg(off, 4, out) && floatReg(off + 4, 4, out);
                    case COMPLEX128 -> floatReg(off, 8, out) && floatReg(off + 8, 8, out);
                    case STRING -> intReg(off, 8, out) && intReg(off + 8, 8, out);
                    default -> intReg(off, (int) b.size(), out);
                };
                case GoType.Pointer ignored -> intReg(off, 8, out);
                case GoType.Slice ignored -> intReg(off, 8, out) && intReg(off + 8, 8, out) && intReg(off + 16, 8, out);
                case GoType.Interface ignored -> intReg(off, 8, out) && intReg(off + 8, 8, out);
                case GoType.Array arr -> arr.length() == 0 || (arr.length() == 1 && registerAssign(arr.elem(), off, out));
                case GoType.Struct s -> {
                    for (GoType.Field f : s.fields()) {
                        if (!registerAssign(f.type(), off + f.offset(), out)) yield false;
                    }
                    yield true;
                }
            };
        }

        /** The scalar pieces of a value stored in memory at {@code base + off} (relative to entry SP). */
        private static void stackPieces(GoType t, long off, long base, List<Piece> out) {
            switch (t) {
                case Basic b -> {
                    switch (b.kind()) {
                        case STRING -> {
                            out.add(new Piece(off, 8, new Stack(base + off)));
                            out.add(new Piece(off + 8, 8, new Stack(base + off + 8)));
                        }
                        case COMPLEX64 -> {
                            out.add(new Piece(off, 4, new Stack(base + off)));
                            out.add(new Piece(off + 4, 4, new Stack(base + off + 4)));
                        }
                        case COMPLEX128 -> {
                            out.add(new Piece(off, 8, new Stack(base + off)));
                            out.add(new Piece(off + 8, 8, new Stack(base + off + 8)));
                        }
                        default -> out.add(new Piece(off, (int) b.size(), new Stack(base + off)));
                    }
                }
                case GoType.Pointer ignored -> out.add(new Piece(off, 8, new Stack(base + off)));
                case GoType.Slice ignored -> {
                    for (int i = 0; i < 3; i++) out.add(new Piece(off + 8L * i, 8, new Stack(base + off + 8L * i)));
                }
                case GoType.Interface ignored -> {
                    for (int i = 0; i < 2; i++) out.add(new Piece(off + 8L * i, 8, new Stack(base + off + 8L * i)));
                }
                case GoType.Array arr -> {
                    for (long i = 0; i < arr.length(); i++) stackPieces(arr.elem(), off + i * arr.elem().size(), base, out);
                }
                case GoType.Struct s -> {
                    for (GoType.Field f : s.fields()) stackPieces(f.type(), off + f.offset(), base, out);
                }
            }
        }
    }
}
