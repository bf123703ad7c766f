package dev.gowarden.golang;

import java.util.List;

/** A function name that the binary does not contain; carries the closest names it does contain. */
public final class SymbolNotFoundException extends GoBinaryException {
    private final List<String> suggestions;

    public SymbolNotFoundException(String binary, String name, List<String> suggestions) {
        super("function '" + name + "' not found in " + binary
                + (suggestions.isEmpty() ? "" : "; did you mean: " + String.join(", ", suggestions) + "?"));
        this.suggestions = List.copyOf(suggestions);
    }

    public List<String> suggestions() {
        return suggestions;
    }
}
