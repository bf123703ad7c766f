package dev.gowarden.golang;

/** A binary that cannot be used as a Go program, or a name that is not in it. The message says which and why. */
public class GoBinaryException extends RuntimeException {
    public GoBinaryException(String message) {
        super(message);
    }
}
