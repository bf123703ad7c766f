package dev.gowarden.disasm;

import java.util.List;

/**
 * A recognised Go stack-bound check at a function's entry: {@code CMP SP-or-bound, g.stackguard0; JBE/BLS morestack},
 * whose morestack path calls the runtime and jumps back to the entry.
 *
 * @param entry         function entry
 * @param body          first instruction after the final check branch: reached exactly once per call
 * @param morestackPath where the check branches when the stack must grow or a preemption is requested
 * @param shape         how the bound is computed
 * @param gSource       where the prologue takes g from
 * @param clobbered     registers the prologue writes before {@code body}, in order of first write, named as Go's
 *                      assembler does (amd64 RAX … R15, arm64 R0 … R30)
 */
public record StackCheck(long entry, long body, long morestackPath, Shape shape, GSource gSource, List<String> clobbered) {
    public StackCheck {
        clobbered = List.copyOf(clobbered);
    }

    @Override
    public String toString() {
        return String.format("StackCheck[entry=0x%x, body=0x%x, morestackPath=0x%x, shape=%s, g=%s, clobbered=%s]",
                entry, body, morestackPath, shape, gSource, clobbered);
    }

    public enum Shape {
        /** Frame smaller than the guard slack: SP itself is compared. */
        SMALL,
        /** SP minus a constant is computed into a scratch register and compared. */
        LARGE,
        /** The subtraction may wrap, so an extra branch (JB / BCC / JEQ stackPreempt) precedes the compare. */
        HUGE
    }

    public enum GSource {
        /** g is in its ABIInternal register: R14 on amd64, R28 on arm64 (always g there). */
        REGISTER,
        /** g is loaded from thread-local storage (amd64 ABI0: assembly, and all code before Go 1.17). */
        TLS
    }
}
