package dev.gowarden.abi;

import java.util.List;

/**
 * A Go function signature as the user wrote it: {@code main.(*Server).Handle(req *Request, user string) int}.
 * A pointer receiver taken from the name is the first parameter, labelled with its type.
 */
public record Signature(String function, List<Param> params, List<Param> results, boolean declared) {
    public record Param(String name, GoType type) {
    }

    public Signature {
        params = List.copyOf(params);
        results = List.copyOf(results);
    }

    /** True when the function is a shape-stenciled generic body, whose first register carries a dictionary. */
    public boolean isGeneric() {
        return AbiLayouts.takesDictionary(function);
    }

    /** Go syntax: {@code main.greet(name string, n int) (string, error)}. */
    public String display() {
        StringBuilder sb = new StringBuilder(function).append('(');
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) sb.append(", ");
            if (!params.get(i).name().isEmpty()) sb.append(params.get(i).name()).append(' ');
            sb.append(params.get(i).type().display());
        }
        sb.append(')');
        if (results.size() == 1 && results.getFirst().name().isEmpty()) {
            sb.append(' ').append(results.getFirst().type().display());
        } else if (!results.isEmpty()) {
            sb.append(" (");
            for (int i = 0; i < results.size(); i++) {
                if (i > 0) sb.append(", ");
                if (!results.get(i).name().isEmpty()) sb.append(results.get(i).name()).append(' ');
                sb.append(results.get(i).type().display());
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
