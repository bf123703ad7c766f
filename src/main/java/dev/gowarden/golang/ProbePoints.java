package dev.gowarden.golang;

import java.util.List;

/**
 * Where to place uprobes in one function (link-time virtual addresses).
 *
 * @param entry    the function's first instruction
 * @param body     first instruction after the prologue's stack-bound check: fires exactly once per call (an entry
 *                 probe fires again whenever the check fails, because the morestack path jumps back to the entry).
 *                 Equal to {@code entry} for functions without a check (NOSPLIT). No argument register is written
 *                 between entry and body.
 * @param returns  every RET in [entry, end), ascending
 * @param noReturn true when there is no RET at all (tail call, panic-only, infinite loop, abort)
 */
public record ProbePoints(long entry, long body, List<Long> returns, boolean noReturn) {
    public ProbePoints {
        returns = List.copyOf(returns);
        if (noReturn != returns.isEmpty()) {
            throw new IllegalArgumentException("noReturn must be true exactly when there are no returns");
        }
    }
}
