package dev.gowarden.link;

/** An attached probe. Closing detaches it and removes anything it created (perf events, tracefs entries). */
public interface Link extends AutoCloseable {
    /** What is attached where, for status output and errors. */
    String describe();

    @Override
    void close();
}
