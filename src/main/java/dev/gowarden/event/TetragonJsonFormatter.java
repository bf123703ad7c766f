package dev.gowarden.event;

import dev.gowarden.abi.GoType;

import java.time.Instant;
import java.util.Base64;

/**
 * Tetragon's export shape (protobuf JSON, snake_case): {@code {"process_uprobe":{"process":{...},"path":...,
 * "symbol":...,"args":[{"label":"name","string_arg":"hello"},...]},"time":"...Z"}}. Go ints up to 32 bits and
 * {@code int} map to {@code int_arg}/{@code uint_arg} numbers, 64-bit kinds to {@code long_arg}/{@code size_arg}
 * strings as Tetragon writes them, strings to {@code string_arg} (with {@code "truncated":true} when cut),
 * {@code []byte} to base64 {@code bytes_arg}; other kinds to their Go rendering in {@code string_arg}. A return
 * probe's event has {@code "return":true}, its results as {@code args} and, when its entry was seen, the call's
 * {@code latency_ns}.
 */
public final class TetragonJsonFormatter implements EventFormatter {
    @Override
    public void format(GoCallEvent e, String binaryPath, StringBuilder sb) {
        Json j = new Json(sb);
        j.object().object("process_uprobe").object("process")
                .field("pid", e.tgid()).field("tid", e.tid()).field("binary", binaryPath).field("comm", e.comm());
        if (e.goid() != 0) j.field("goroutine_id", e.goid());
        j.endObject();
        TracedFunction f = e.function();
        j.field("path", f.binary().toString()).field("symbol", f.symbol());
        if (f.kind() == TracedFunction.Kind.RETURN) j.field("return", true);
        j.array("args");
        for (int i = 0; i < e.values().size(); i++) {
            ValuePlan plan = f.values().get(i);
            j.object().field("label", plan.label());
            argument(j, plan.type(), e.values().get(i));
            j.endObject();
        }
        j.endArray();
        if (f.kind() == TracedFunction.Kind.RETURN && e.durationNs() > 0) j.field("latency_ns", e.durationNs());
        if (f.policy() != null) {
            j.field("action", action(e.actions())).field("policy_name", f.policy().name());
            if (!f.policy().message().isEmpty()) j.field("message", f.policy().message());
            if (!f.policy().tags().isEmpty()) {
                j.array("tags");
                for (String t : f.policy().tags()) j.value(t);
                j.endArray();
            }
        }
        j.endObject();
        j.field("time", Instant.ofEpochSecond(0, e.epochNanos()).toString());
        j.endObject();
    }

    /** Tetragon's action enum for what the selector did: a kill or a signal outranks the post that reports it. */
    static String action(int bits) {
        if ((bits & GoCallEvent.ACTION_SIGKILL) != 0) return "KPROBE_ACTION_SIGKILL";
        if ((bits & GoCallEvent.ACTION_SIGNAL) != 0) return "KPROBE_ACTION_SIGNAL";
        return "KPROBE_ACTION_POST";
    }

    private static void argument(Json j, GoType type, GoValue v) {
        switch (v) {
            case GoValue.Int i -> {
                if (type instanceof GoType.Basic b && b.kind() == GoType.Kind.INT64) j.field("long_arg", Long.toString(i.value()));
                else j.field("int_arg", i.value());
            }
            case GoValue.Uint u -> {
                if (type instanceof GoType.Basic b && b.size() == 8) j.field("size_arg", Long.toUnsignedString(u.value()));
                else j.field("uint_arg", u.value());
            }
            case GoValue.Bool b -> j.field("int_arg", b.value() ? 1 : 0);
            case GoValue.Pointer p -> j.field("size_arg", Long.toUnsignedString(p.address()));
            case GoValue.Str s -> {
                j.field("string_arg", s.text());
                if (s.truncated()) j.field("truncated", true).field("orig_size", s.length());
            }
            case GoValue.Bytes b -> {
                String b64 = Base64.getEncoder().encodeToString(b.bytes());
                if (b.truncated()) {
                    j.object("truncated_bytes_arg").field("bytes_arg", b64).field("orig_size", Long.toString(b.length())).endObject();
                } else {
                    j.field("bytes_arg", b64);
                }
            }
            case GoValue.Unreadable u -> j.field("string_arg", "<unreadable: " + u.reason() + ">").field("unreadable", true);
            default -> j.field("string_arg", GoSyntax.toString(v));
        }
    }
}
