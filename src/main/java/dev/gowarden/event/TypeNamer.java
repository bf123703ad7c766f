package dev.gowarden.event;

import java.util.Optional;

/** Names the Go type whose descriptor is at a run-time address in a process (an interface value's dynamic type). */
@FunctionalInterface
public interface TypeNamer {
    TypeNamer NONE = (tgid, address) -> Optional.empty();

    Optional<String> nameOf(int tgid, long address);
}
