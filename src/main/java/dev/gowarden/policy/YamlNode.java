package dev.gowarden.policy;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A YAML node with the path that leads to it ({@code spec.uprobes[0].args[1].type}) and its place in the file, so
 * that every complaint names both. Strict: mappings are checked against the keys their schema allows.
 */
record YamlNode(String file, String path, Node node) {

    PolicyException error(String what) {
        String where = node.getStartMark().map(m -> file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse(file);
        return new PolicyException(where + ": " + (path.isEmpty() ? "" : path + ": ") + what);
    }

    /** The entries of a mapping, after checking every key is one of {@code allowed}. */
    Map<String, YamlNode> mapping(Set<String> allowed) {
        if (!(node instanceof MappingNode m)) throw error("expected a mapping (key: value lines), found " + describe());
        Map<String, YamlNode> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) throw new YamlNode(file, path, t.getKeyNode()).error("keys must be plain names");
            String key = k.getValue();
            YamlNode value = new YamlNode(file, path.isEmpty() ? key : path + "." + key, t.getValueNode());
            if (!allowed.contains(key)) {
                String close = closest(key, allowed);
                throw new YamlNode(file, path, t.getKeyNode()).error("unknown field '" + key + "'"
                        + (close != null ? " (did you mean '" + close + "'?)" : " (known: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")"));
            }
            if (out.put(key, value) != null) throw value.error("given twice");
        }
        return out;
    }

    List<YamlNode> list() {
        if (!(node instanceof SequenceNode s)) throw error("expected a list (lines starting with '- '), found " + describe());
        List<YamlNode> out = new ArrayList<>();
        for (int i = 0; i < s.getValue().size(); i++) out.add(new YamlNode(file, path + "[" + i + "]", s.getValue().get(i)));
        return out;
    }

    String string() {
        if (!(node instanceof ScalarNode s)) throw error("expected a value, found " + describe());
        if (org.snakeyaml.engine.v2.nodes.Tag.NULL.equals(s.getTag())) throw error("has no value (null)");
        return s.getValue();
    }

    long integer(long min, long max) {
        String text = string().strip();
        long v;
        try {
            v = text.startsWith("0x") || text.startsWith("0X") ? Long.parseLong(text.substring(2), 16)
                    : text.startsWith("-0x") ? -Long.parseLong(text.substring(3), 16) : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw error("'" + text + "' is not an integer");
        }
        if (v < min || v > max) throw error(v + " is out of range (" + min + " to " + max + ")");
        return v;
    }

    boolean bool() {
        return switch (string().strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error("'" + string() + "' is not true or false");
        };
    }

    List<String> strings() {
        List<String> out = new ArrayList<>();
        for (YamlNode n : list()) out.add(n.string());
        return out;
    }

    private String describe() {
        return switch (node) {
            case MappingNode m -> "a mapping";
            case SequenceNode s -> "a list";
            case ScalarNode s -> "'" + s.getValue() + "'";
            default -> "a " + node.getNodeType().name().toLowerCase();
        };
    }

    /** The allowed key within edit distance 2 of a misspelt one, if any. */
    static String closest(String key, Set<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String a : allowed) {
            int d = distance(key.toLowerCase(), a.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = a;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static Optional<YamlNode> optional(Map<String, YamlNode> m, String key) {
        return Optional.ofNullable(m.get(key));
    }

    YamlNode required(Map<String, YamlNode> m, String key) {
        YamlNode n = m.get(key);
        if (n == null) throw error("missing required field '" + key + "'");
        return n;
    }
}
