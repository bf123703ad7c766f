package dev.gowarden.golang;

/**
 * The calling convention of a binary's Go code: the register ABI ("ABIInternal": amd64 from Go 1.17, arm64 from
 * 1.18) or the stack ABI ("ABI0": older releases, and assembly functions always).
 */
public enum GoAbi {
    ABI_INTERNAL("ABIInternal"),
    ABI0("ABI0"),
    UNKNOWN("unknown");

    private final String label;

    GoAbi(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** By release and architecture ("amd64", "arm64"). */
    public static GoAbi of(GoVersion v, String arch) {
        return switch (arch) {
            case "amd64" -> v.atLeast(1, 17) ? ABI_INTERNAL : ABI0;
            case "arm64" -> v.atLeast(1, 18) ? ABI_INTERNAL : ABI0;
            default -> UNKNOWN;
        };
    }

    /** Without a version: what the pclntab format implies (1.16–1.17 is ambiguous on amd64). */
    public static GoAbi of(Pclntab.Format f, String arch) {
        return switch (f) {
            case GO118, GO120 -> arch.equals("amd64") || arch.equals("arm64") ? ABI_INTERNAL : UNKNOWN;
            case GO116 -> arch.equals("arm64") ? ABI0 : UNKNOWN;
            case GO12 -> ABI0;
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
