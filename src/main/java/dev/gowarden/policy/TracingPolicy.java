package dev.gowarden.policy;

import java.util.List;

/**
 * A Tetragon-style TracingPolicy ({@code apiVersion: cilium.io/v1alpha1}, {@code kind: TracingPolicy}) as gowarden
 * runs it: uprobes on Go functions with in-kernel selectors and actions. A pure model: parsing and validation are in
 * {@link PolicyParser}; nothing here touches the kernel.
 */
public record TracingPolicy(String name, String kind, List<Uprobe> uprobes, List<LsmHook> lsmhooks, String source) {
    public TracingPolicy {
        uprobes = List.copyOf(uprobes);
        lsmhooks = List.copyOf(lsmhooks);
    }

    /**
     * {@code spec.lsmhooks[i]}: a kernel LSM hook (named without {@code security_}), the arguments to report and
     * filter on (a file's path), and selectors whose Override makes the hook return an error.
     */
    public record LsmHook(String hook, List<Arg> args, List<Selector> selectors, String message, List<String> tags) {
        public LsmHook {
            args = List.copyOf(args);
            selectors = List.copyOf(selectors);
            tags = List.copyOf(tags);
        }
    }

    /** {@code spec.uprobes[i]}: functions of one binary, the arguments to report and filter on, the selectors. */
    public record Uprobe(String path, List<String> symbols, List<Arg> args, List<Selector> selectors, String message,
                         List<String> tags) {
        public Uprobe {
            symbols = List.copyOf(symbols);
            args = List.copyOf(args);
            selectors = List.copyOf(selectors);
            tags = List.copyOf(tags);
        }
    }

    /** {@code args[i]}: the function's argument at {@code index} (0-based, the receiver first), read as {@code type}. */
    public record Arg(int index, ArgType type, String label) {
    }

    /** Argument types a Go function's argument can be read as. */
    public enum ArgType {
        INT("int", 8, true), INT8("int8", 1, true), INT16("int16", 2, true), INT32("int32", 4, true), INT64("int64", 8, true),
        UINT8("uint8", 1, false), UINT16("uint16", 2, false), UINT32("uint32", 4, false), UINT64("uint64", 8, false),
        SIZE_T("size_t", 8, false), LONG("long", 8, true), BOOL("bool", 1, false), GO_STRING("go_string", 16, false),
        /** A kernel struct file (LSM hooks): filtered and reported by its path. */
        FILE("file", 8, false),
        /** The binary an exec is about to run (LSM bprm hooks): filtered and reported by its path. */
        LINUX_BINPRM("linux_binprm", 8, false);

        private final String yaml;
        private final int size;
        private final boolean signed;

        ArgType(String yaml, int size, boolean signed) {
            this.yaml = yaml;
            this.size = size;
            this.signed = signed;
        }

        public String yaml() {
            return yaml;
        }

        public int size() {
            return size;
        }

        public boolean signed() {
            return signed;
        }

        /** Compared as a string: a Go string's bytes, a file's path. */
        public boolean isString() {
            return this == GO_STRING || this == FILE || this == LINUX_BINPRM;
        }

        static ArgType of(String yaml) {
            for (ArgType t : values()) if (t.yaml.equals(yaml)) return t;
            return null;
        }
    }

    /** Filters ANDed, then actions; the first selector that matches decides (Tetragon's semantics). */
    public record Selector(List<MatchArg> matchArgs, List<MatchPids> matchPids, List<MatchBinaries> matchBinaries,
                           List<Action> actions) {
        public Selector {
            matchArgs = List.copyOf(matchArgs);
            matchPids = List.copyOf(matchPids);
            matchBinaries = List.copyOf(matchBinaries);
            actions = List.copyOf(actions);
        }
    }

    /** A filter on one argument (its position in {@code args}); values ORed, negated operators need all to differ. */
    public record MatchArg(int argPosition, Operator operator, List<String> values) {
        public MatchArg {
            values = List.copyOf(values);
        }
    }

    public enum Operator {
        EQUAL("Equal", true, true), NOT_EQUAL("NotEqual", true, true), PREFIX("Prefix", true, false),
        NOT_PREFIX("NotPrefix", true, false), POSTFIX("Postfix", true, false), NOT_POSTFIX("NotPostfix", true, false),
        GREATER_THAN("GT", false, true), LESS_THAN("LT", false, true), MASK("Mask", false, true),
        IN_RANGE("InRange", false, true), NOT_IN_RANGE("NotInRange", false, true);

        private final String yaml;
        private final boolean forStrings;
        private final boolean forIntegers;

        Operator(String yaml, boolean forStrings, boolean forIntegers) {
            this.yaml = yaml;
            this.forStrings = forStrings;
            this.forIntegers = forIntegers;
        }

        public String yaml() {
            return yaml;
        }

        public boolean forStrings() {
            return forStrings;
        }

        public boolean forIntegers() {
            return forIntegers;
        }

        public boolean negated() {
            return this == NOT_EQUAL || this == NOT_PREFIX || this == NOT_POSTFIX || this == NOT_IN_RANGE;
        }

        static Operator of(String yaml) {
            if (yaml.equals("GreaterThan")) return GREATER_THAN;
            if (yaml.equals("LessThan")) return LESS_THAN;
            for (Operator o : values()) if (o.yaml.equals(yaml)) return o;
            return null;
        }
    }

    public record MatchPids(boolean in, List<Integer> pids, boolean followForks) {
        public MatchPids {
            pids = List.copyOf(pids);
        }
    }

    public record MatchBinaries(Operator operator, List<String> values) {
        public MatchBinaries {
            values = List.copyOf(values);
        }
    }

    /** What a matching selector does. */
    public sealed interface Action {
        /** Report the call (the default when a selector names no action). */
        record Post(String rateLimit) implements Action {
        }

        /** Run the other actions, report nothing. */
        record NoPost() implements Action {
        }

        record Sigkill() implements Action {
        }

        record Signal(int signal) implements Action {
        }

        /** Neutralise Go string arguments (clearGoString) or make the function return an error (argError). */
        record Override(Integer error, boolean clearGoString) implements Action {
        }
    }
}
