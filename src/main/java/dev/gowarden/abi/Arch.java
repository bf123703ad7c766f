package dev.gowarden.abi;

import java.util.List;

/** The register sets Go's ABIInternal uses on each architecture (cmd/compile/abi-internal.md). */
public enum Arch {
    AMD64(List.of("RAX", "RBX", "RCX", "RDI", "RSI", "R8", "R9", "R10", "R11"), 15, "X", "R14"),
    ARM64(List.of("R0", "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"), 16, "F", "R28");

    private final List<String> intRegisters;
    private final int floatRegisterCount;
    private final String floatPrefix;
    private final String goroutineRegister;

    Arch(List<String> intRegisters, int floatRegisterCount, String floatPrefix, String goroutineRegister) {
        this.intRegisters = intRegisters;
        this.floatRegisterCount = floatRegisterCount;
        this.floatPrefix = floatPrefix;
        this.goroutineRegister = goroutineRegister;
    }

    public static Arch fromGoName(String goarch) {
        return switch (goarch) {
            case "amd64" -> AMD64;
            case "arm64" -> ARM64;
            default -> throw new IllegalArgumentException("architecture " + goarch + " is not supported (amd64 and arm64 are)");
        };
    }

    public List<String> intRegisters() {
        return intRegisters;
    }

    public int floatRegisterCount() {
        return floatRegisterCount;
    }

    public String floatRegister(int i) {
        return floatPrefix + i;
    }

    /** The register holding the current goroutine's g in ABIInternal code. */
    public String goroutineRegister() {
        return goroutineRegister;
    }
}
