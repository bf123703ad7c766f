package dev.gowarden.disasm;

/**
 * Machine code that cannot be swept safely (undecodable bytes, a cut-off instruction). Probing such a function
 * would risk a breakpoint in the middle of an instruction, which corrupts the traced program, so callers must not.
 */
public final class CodeAnalysisException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CodeAnalysisException(String message) {
        super(message);
    }
}
