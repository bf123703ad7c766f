package dev.gowarden.event;

import java.nio.file.Path;
import java.util.List;

/** A probe as events refer to it: its id (the BPF cookie), binary, function and how to decode its values. */
public record TracedFunction(int id, Path binary, String symbol, Kind kind, List<ValuePlan> values) {
    public enum Kind { ENTRY, RETURN }

    public TracedFunction {
        values = List.copyOf(values);
    }
}
