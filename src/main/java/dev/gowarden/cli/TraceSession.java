package dev.gowarden.cli;

import dev.gowarden.event.CompactFormatter;
import dev.gowarden.event.EventFormatter;
import dev.gowarden.event.GoCallEvent;
import dev.gowarden.event.TetragonJsonFormatter;
import dev.gowarden.sensor.GoTraceSensor;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What `trace` and `policy run` share once probes are planned: SIGTERM/Ctrl-C handling that lets the sensor detach
 * before the JVM exits, and the loop that prints events until the command ends or the user stops it.
 */
final class TraceSession {
    private TraceSession() {
    }

    /** The work that owns the sensor, told when to stop. */
    @FunctionalInterface
    interface Body {
        int run(AtomicBoolean stop) throws Exception;
    }

    /** Runs {@code body} with a shutdown hook that sets its stop flag and waits (10 s at most) for it to finish. */
    static int guarded(Body body) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                closed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.run(stop);
        } finally {
            closed.countDown();
            if (!stop.get()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // already shutting down
                }
            }
        }
    }

    /**
     * Polls (a timeout in ms, the number of events) until stop is set or the child, if any, exits; then drains what
     * the child produced before it exited. Returns the child's exit status (0 without one).
     */
    static int loop(java.util.function.IntUnaryOperator poll, Process child, AtomicBoolean stop, Writer out)
            throws IOException, InterruptedException {
        int exit = 0;
        while (!stop.get()) {
            if (poll.applyAsInt(200) > 0) out.flush();
            if (child != null && !child.isAlive()) {
                Thread.sleep(50);
                while (poll.applyAsInt(0) > 0) {
                    // keep draining
                }
                exit = child.exitValue();
                break;
            }
        }
        out.flush();
        return exit;
    }

    /**
     * Starts the command (traced from its first instruction) or restricts to the pid, says what is traced (in
     * {@code binaryPath}: the binaries, for the status line), then prints
     * events until the command exits or stop is set; returns the command's exit status (0 otherwise).
     */
    static int pump(GoTraceSensor sensor, String binaryPath, boolean json, Integer pid, String command, String what,
                    Writer stdout, PrintWriter err, AtomicBoolean stop) throws IOException, InterruptedException {
        EventFormatter formatter = json ? new TetragonJsonFormatter() : new CompactFormatter(ZoneId.systemDefault());
        Writer out = new BufferedWriter(stdout, 1 << 16);
        StringBuilder line = new StringBuilder(512);
        java.util.function.Consumer<GoCallEvent> sink = e -> {
            line.setLength(0);
            formatter.format(e, e.function().binary().toString(), line);
            line.append('\n');
            try {
                out.append(line);
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        };
        Process child = null;
        int exit = 0;
        try {
            if (command != null) {
                child = CommandLauncher.start(command, sensor);
            } else if (pid != null) {
                sensor.restrictTo(List.of(pid));
            }
            err.printf("gowarden: %s in %s%s; Ctrl-C to stop%n", what, binaryPath,
                    pid != null ? " (pid " + pid + ")" : command != null ? " (command: " + command + ")" : " (all processes)");
            err.flush();
            exit = loop(timeout -> sensor.poll(timeout, sink), child, stop, out);
            GoTraceSensor.Stats s = sensor.stats();
            err.printf("gowarden: %d events, %d dropped (ring buffer full)%n", s.events(), s.dropped());
            err.flush();
        } finally {
            if (child != null && child.isAlive()) child.destroy();
        }
        return exit;
    }
}
