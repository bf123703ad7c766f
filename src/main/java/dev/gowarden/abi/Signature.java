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
}
