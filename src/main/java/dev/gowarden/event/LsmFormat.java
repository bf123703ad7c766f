package dev.gowarden.event;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

/**
 * The two shapes of an LSM hook's event: one compact line
 * ({@code 12:00:01.123456 cat[42/42] file_open(file="/etc/shadow") = -13 EACCES  [deny-shadow]}) and
 * Tetragon's {@code process_lsm} JSON (action KPROBE_ACTION_OVERRIDE when the hook was made to fail).
 */
public final class LsmFormat {
    private LsmFormat() {
    }

    public static void compact(StringBuilder sb, ZoneId zone, long epochNanos, String comm, int tgid, int tid, String hook,
                               String path, int error, String policy, String message) {
        LocalTime t = LocalTime.ofInstant(Instant.ofEpochSecond(0, epochNanos), zone);
        sb.append(String.format("%02d:%02d:%02d.%06d ", t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1000));
        sb.append(comm).append('[').append(tgid).append('/').append(tid).append("] ").append(hook).append('(')
                .append(hook.startsWith("bprm") ? "binary=" : "file=");
        GoSyntax.quote(sb, path);
        sb.append(')');
        if (error != 0) sb.append(" = ").append(error).append(' ').append(errnoName(-error));
        sb.append("  [").append(policy);
        if (!message.isEmpty()) sb.append(": ").append(message);
        sb.append(']');
    }

    public static void json(StringBuilder sb, long epochNanos, String comm, int tgid, int tid, String hook, String path, int error,
                            String policy, String message, List<String> tags) {
        Json j = new Json(sb);
        j.object().object("process_lsm").object("process").field("pid", tgid).field("tid", tid).field("comm", comm).endObject()
                .field("function_name", hook)
                .array("args").object().field("label", hook.startsWith("bprm") ? "binary" : "file")
                .object(hook.startsWith("bprm") ? "linux_binprm_arg" : "file_arg").field("path", path).endObject().endObject().endArray()
                .field("action", error != 0 ? "KPROBE_ACTION_OVERRIDE" : "KPROBE_ACTION_POST")
                .field("policy_name", policy);
        if (error != 0) j.object("return").field("int_arg", error).endObject();
        if (!message.isEmpty()) j.field("message", message);
        if (!tags.isEmpty()) {
            j.array("tags");
            for (String t : tags) j.value(t);
            j.endArray();
        }
        j.endObject().field("time", Instant.ofEpochSecond(0, epochNanos).toString()).endObject();
    }

    static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 13 -> "EACCES";
            case 22 -> "EINVAL";
            default -> "errno " + errno;
        };
    }
}
