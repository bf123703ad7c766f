package dev.gowarden.policy;

/** A TracingPolicy that cannot be used: the message names the file, line and column, and the field's path. */
public final class PolicyException extends RuntimeException {
    public PolicyException(String message) {
        super(message);
    }
}
