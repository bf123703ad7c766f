package dev.gowarden.sensor;

import dev.gowarden.abi.AbiLayouts;
import dev.gowarden.abi.Arch;
import dev.gowarden.abi.FrameLayout;
import dev.gowarden.abi.GoType;
import dev.gowarden.abi.Signature;
import dev.gowarden.abi.ValueLayout;
import dev.gowarden.golang.GoAbi;
import dev.gowarden.golang.GoBinary;
import dev.gowarden.golang.GoFunction;
import dev.gowarden.policy.PolicyException;
import dev.gowarden.policy.TracingPolicy;

import java.util.ArrayList;
import java.util.List;

/**
 * Binds a TracingPolicy's uprobes to Go functions: each symbol to its function, each listed argument to where the
 * Go ABI puts it (from the binary's DWARF signature, checked against the declared type; or, without DWARF, from the
 * listed types, which must then cover every argument up to the last one used). Reads binaries; no kernel work.
 */
public final class PolicyResolver {
    private PolicyResolver() {
    }

    /** One function of one uprobe, with its signature and the layout of each listed argument (in args order). */
    public record BoundFunction(TracingPolicy.Uprobe uprobe, GoFunction function, Signature signature, FrameLayout.Abi abi,
                                List<ValueLayout> args, boolean fromDwarf) {
    }

    /** Binds every symbol of {@code uprobe} in {@code bin}; errors name the uprobe, symbol and argument. */
    public static List<BoundFunction> bind(TracingPolicy.Uprobe uprobe, int uprobeIndex, GoBinary bin, ProbeResolver resolver) {
        List<BoundFunction> out = new ArrayList<>();
        for (String symbol : uprobe.symbols()) {
            String where = "spec.uprobes[" + uprobeIndex + "] symbol " + symbol;
            GoFunction f = bin.lookup(symbol);
            Signature sig;
            boolean fromDwarf;
            List<ProbeResolver.Resolved> r = List.of();
            try {
                r = resolver.resolve(List.of(new Signature(symbol, List.of(), List.of(), false)));
            } catch (RuntimeException noDwarf) {
                // no DWARF signature: the listed argument types have to say where everything is
            }
            if (!r.isEmpty()) {
                sig = r.getFirst().signature();
                fromDwarf = true;
            } else {
                sig = signatureFromArgs(uprobe, symbol, where, bin);
                fromDwarf = false;
            }
            FrameLayout.Abi abi = f.assembly() || bin.abi() == GoAbi.ABI0 ? FrameLayout.Abi.ABI0 : FrameLayout.Abi.ABI_INTERNAL;
            FrameLayout layout = AbiLayouts.layout(sig, Arch.fromGoName(bin.architecture()), abi);
            List<ValueLayout> args = new ArrayList<>();
            for (TracingPolicy.Arg a : uprobe.args()) {
                if (a.index() >= layout.args().size()) {
                    throw new PolicyException(where + ": argument " + a.index() + " does not exist (" + sig.display() + " has "
                            + layout.args().size() + ")");
                }
                ValueLayout v = layout.args().get(a.index());
                if (!compatible(a.type(), v.param().type())) {
                    throw new PolicyException(where + ": argument " + a.index() + " (" + (v.param().name().isEmpty() ? "unnamed" : v.param().name())
                            + ") is of type " + v.param().type().display() + ", which the policy cannot read as " + a.type().yaml()
                            + " (go_string for strings, an integer type of the same size, uint64 for pointers)");
                }
                args.add(v);
            }
            out.add(new BoundFunction(uprobe, f, sig, abi, args, fromDwarf));
        }
        return out;
    }

    /** Without DWARF: the listed types must name arguments 0..n contiguously (each one's place depends on those before). */
    private static Signature signatureFromArgs(TracingPolicy.Uprobe uprobe, String symbol, String where, GoBinary bin) {
        int max = uprobe.args().stream().mapToInt(TracingPolicy.Arg::index).max().orElse(-1);
        GoType[] types = new GoType[max + 1];
        for (TracingPolicy.Arg a : uprobe.args()) types[a.index()] = goType(a.type());
        List<Signature.Param> params = new ArrayList<>();
        for (int i = 0; i <= max; i++) {
            if (types[i] == null) {
                throw new PolicyException(where + ": " + bin.path() + " has no DWARF, so argument " + max + " can only be placed if "
                        + "every argument before it is listed with its type (argument " + i + " is not)");
            }
            params.add(new Signature.Param("arg" + i, types[i]));
        }
        return new Signature(symbol, params, List.of(), true);
    }

    private static GoType goType(TracingPolicy.ArgType t) {
        return switch (t) {
            case GO_STRING -> new GoType.Basic(GoType.Kind.STRING, "string");
            case INT, LONG -> new GoType.Basic(GoType.Kind.INT, "int");
            case INT8 -> new GoType.Basic(GoType.Kind.INT8, "int8");
            case INT16 -> new GoType.Basic(GoType.Kind.INT16, "int16");
            case INT32 -> new GoType.Basic(GoType.Kind.INT32, "int32");
            case INT64 -> new GoType.Basic(GoType.Kind.INT64, "int64");
            case UINT8 -> new GoType.Basic(GoType.Kind.UINT8, "uint8");
            case UINT16 -> new GoType.Basic(GoType.Kind.UINT16, "uint16");
            case UINT32 -> new GoType.Basic(GoType.Kind.UINT32, "uint32");
            case UINT64, SIZE_T -> new GoType.Basic(GoType.Kind.UINT64, "uint64");
            case BOOL -> new GoType.Basic(GoType.Kind.BOOL, "bool");
            case FILE, LINUX_BINPRM -> throw new PolicyException("type " + t.yaml() + " is read by LSM hooks, not from a Go function");
        };
    }

    /** A declared type reads the Go argument faithfully: strings as go_string, integers of the same size, pointers as 64-bit. */
    static boolean compatible(TracingPolicy.ArgType declared, GoType actual) {
        return switch (actual) {
            case GoType.Basic b when b.kind() == GoType.Kind.STRING -> declared == TracingPolicy.ArgType.GO_STRING;
            case GoType.Basic b when b.kind() == GoType.Kind.BOOL -> declared == TracingPolicy.ArgType.BOOL || declared == TracingPolicy.ArgType.UINT8;
            case GoType.Basic b when b.kind().isInteger() -> !declared.isString() && declared != TracingPolicy.ArgType.BOOL && declared.size() == b.size();
            case GoType.Pointer p -> declared == TracingPolicy.ArgType.UINT64 || declared == TracingPolicy.ArgType.SIZE_T;
            default -> false;
        };
    }
}
