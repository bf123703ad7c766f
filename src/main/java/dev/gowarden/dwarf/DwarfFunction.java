package dev.gowarden.dwarf;

import dev.gowarden.abi.Signature;

import java.util.ArrayList;
import java.util.List;

/** A Go function as its DWARF subprogram describes it: name, code range and formal parameters in order. */
public record DwarfFunction(String name, long lowPc, long highPc, List<DwarfParam> params) {
    public DwarfFunction {
        params = List.copyOf(params);
    }

    /**
     * The declared signature. The receiver is an ordinary first parameter in Go's DWARF; unnamed results
     * ({@code ~r0}) get an empty name as a parsed signature would have.
     */
    public Signature signature() {
        List<Signature.Param> args = new ArrayList<>();
        List<Signature.Param> results = new ArrayList<>();
        for (DwarfParam p : params) {
            String n = p.name().startsWith("~r") ? "" : p.name();
            (p.result() ? results : args).add(new Signature.Param(n, p.type()));
        }
        return new Signature(name, args, results, true);
    }

    public List<DwarfParam> arguments() {
        return params.stream().filter(p -> !p.result()).toList();
    }
}
