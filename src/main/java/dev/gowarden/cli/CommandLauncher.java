package dev.gowarden.cli;

import dev.gowarden.sensor.GoTraceSensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs {@code -c COMMAND} so that no call is missed: the shell first blocks on a FIFO, its pid is added to the
 * traced set (children follow through fork), then the FIFO is opened and the shell execs the command.
 */
final class CommandLauncher {
    private CommandLauncher() {
    }

    static Process start(String command, GoTraceSensor sensor) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("gowarden-c");
        Path fifo = dir.resolve("go");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        if (mk.waitFor() != 0) throw new IOException("mkfifo " + fifo + " failed: " + new String(mk.getInputStream().readAllBytes()));
        Process p = new ProcessBuilder("/bin/sh", "-c", "read _ < \"$0\"; rm -rf \"$(dirname \"$0\")\"; exec /bin/sh -c \"$1\"",
                fifo.toString(), command).inheritIO().start();
        sensor.restrictTo(List.of((int) p.pid()));
        Files.writeString(fifo, "go\n");
        return p;
    }
}
