package dev.gowarden.abi;

/** A probe signature that does not parse; the message shows the text with a caret under the column at fault. */
public final class SignatureException extends RuntimeException {
    private final int column;

    public SignatureException(String text, int column, String problem) {
        super("cannot parse signature at column " + (column + 1) + ": " + problem + "\n  " + text + "\n  "
                + " ".repeat(Math.max(0, Math.min(column, text.length()))) + "^");
        this.column = column;
    }

    /** 0-based column of the problem. */
    public int column() {
        return column;
    }
}
