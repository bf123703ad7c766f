package dev.gowarden.event;

import java.util.Optional;

/** Names the Go type whose descriptor is at a link-time address of the traced binary (an interface's dynamic type). */
@FunctionalInterface
public interface TypeNamer {
    TypeNamer NONE = address -> Optional.empty();

    Optional<String> nameOf(long linkTimeAddress);
}
