package dev.gowarden.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Mounts the pseudo file systems gowarden needs (tracefs, bpffs, securityfs), which a fresh machine lacks. */
public final class KernelFs {
    private KernelFs() {
    }

    /** True when something is mounted exactly at {@code where}. */
    public static boolean isMounted(Path where) {
        try {
            return Files.readAllLines(Path.of("/proc/mounts")).stream().map(l -> l.split(" "))
                    .anyMatch(f -> f.length > 1 && f[1].equals(where.toString()));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code mount -t TYPE TYPE WHERE} (needs root); fails with the output of mount and the command to run by hand.
     * {@code what} names the file system for the message ("tracefs", "bpffs").
     */
    public static void mount(String type, Path where, String what) {
        String how = "; mount it with: mount -t " + type + " " + type + " " + where;
        try {
            Process p = new ProcessBuilder("mount", "-t", type, type, where.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() != 0) {
                throw new BpfException(what + " is not mounted at " + where + " and mounting it failed (" + out + ")" + how);
            }
        } catch (IOException e) {
            throw new BpfException(what + " is not mounted at " + where + " and mount could not run (" + e.getMessage() + ")" + how);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BpfException("interrupted while mounting " + what + " at " + where);
        }
    }
}
