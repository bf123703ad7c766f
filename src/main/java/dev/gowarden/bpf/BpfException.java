package dev.gowarden.bpf;

/**
 * A kernel operation failed. Carries the errno and a message that says what was attempted, what the errno means
 * there, and what to do about it.
 */
public class BpfException extends RuntimeException {
    private final int errno;

    public BpfException(String message, int errno) {
        super(errno == 0 ? message : message + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    public BpfException(String message) {
        this(message, 0);
    }

    public int errno() {
        return errno;
    }
}
