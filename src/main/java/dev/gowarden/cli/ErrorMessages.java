package dev.gowarden.cli;

import dev.gowarden.abi.SignatureException;
import dev.gowarden.bpf.BpfException;
import dev.gowarden.elf.ElfFormatException;
import dev.gowarden.golang.GoBinaryException;
import dev.gowarden.disasm.CodeAnalysisException;
import dev.gowarden.policy.PolicyException;

/** Turns failures into the one-line messages users see. Known failures carry their own precise message. */
final class ErrorMessages {
    private ErrorMessages() {
    }

    static String describe(Throwable ex) {
        if (ex instanceof ElfFormatException || ex instanceof GoBinaryException || ex instanceof SignatureException
                || ex instanceof BpfException || ex instanceof UsageException || ex instanceof PolicyException
                || ex instanceof CodeAnalysisException) {
            return ex.getMessage();
        }
        String msg = ex.getMessage();
        return ex.getClass().getSimpleName() + (msg == null ? "" : ": " + msg)
                + " (internal error; rerun with GOWARDEN_DEBUG=1 for a stack trace)";
    }

    static int exitCode(Throwable ex) {
        return ex instanceof UsageException || ex instanceof SignatureException || ex instanceof PolicyException ? 2 : 1;
    }
}
