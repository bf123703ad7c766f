package dev.gowarden.event;

import java.nio.file.Path;
import java.util.List;

/**
 * A probe as events refer to it: its id (the BPF cookie), binary, function, how to decode its values, and the
 * policy it serves (null when traced from the command line).
 */
public record TracedFunction(int id, Path binary, String symbol, Kind kind, List<ValuePlan> values, PolicyContext policy) {
    public enum Kind { ENTRY, RETURN }

    /** What a policy's events carry: its name, the hook's message and tags. */
    public record PolicyContext(String name, String message, List<String> tags) {
        public PolicyContext {
            tags = List.copyOf(tags);
        }
    }

    public TracedFunction {
        values = List.copyOf(values);
    }

    public TracedFunction(int id, Path binary, String symbol, Kind kind, List<ValuePlan> values) {
        this(id, binary, symbol, kind, values, null);
    }
}
