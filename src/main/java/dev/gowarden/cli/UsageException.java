package dev.gowarden.cli;

/** Bad command-line input that parsing could not catch; the message says what to write instead. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
