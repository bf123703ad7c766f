package dev.gowarden.policy;

import dev.gowarden.policy.TracingPolicy.Action;
import dev.gowarden.policy.TracingPolicy.Arg;
import dev.gowarden.policy.TracingPolicy.ArgType;
import dev.gowarden.policy.TracingPolicy.MatchArg;
import dev.gowarden.policy.TracingPolicy.MatchBinaries;
import dev.gowarden.policy.TracingPolicy.MatchPids;
import dev.gowarden.policy.TracingPolicy.Operator;
import dev.gowarden.policy.TracingPolicy.Selector;
import dev.gowarden.policy.TracingPolicy.Uprobe;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a TracingPolicy document strictly, the way Tetragon's CRD validation does: unknown fields, wrong types,
 * missing required fields and out-of-range values are errors that name the file, line, column and field path.
 * Fields Tetragon has but gowarden does not run yet are refused by name rather than ignored, so a policy never
 * means less than it says.
 */
public final class PolicyParser {
    /** Tetragon's limits (selectors per hook, filters and actions per selector, integer values per filter); strings too. */
    static final int MAX_SELECTORS = 5;
    static final int MAX_MATCH_ARGS = 5;
    static final int MAX_ACTIONS = 3;
    static final int MAX_VALUES = 4;
    static final int MAX_STRING_VALUE = 255;
    static final int MAX_MESSAGE = 256;
    static final int MAX_TAGS = 16;

    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Set<String> NOT_YET_SPEC = Set.of("kprobes", "fentries", "tracepoints", "usdts", "lists",
            "enforcers", "podSelector", "containerSelector", "hostSelector", "nodeSelector", "loader", "selectorsMacros");
    private static final Set<String> NOT_YET_UPROBE = Set.of("offsets", "addrs", "refCtrOffsets", "btfPath", "data", "return",
            "returnArg", "binaryDigests", "ignore");
    private static final Set<String> NOT_YET_ARG = Set.of("sizeArgIndex", "returnCopy", "maxData", "resolve", "btfType",
            "btfTypeModule", "source");
    private static final Set<String> NOT_YET_SELECTOR = Set.of("matchData", "matchReturnArgs", "matchNamespaces",
            "matchNamespaceChanges", "matchCapabilities", "matchCapabilityChanges", "matchParentBinaries", "matchWorkloads",
            "matchReturnActions", "label", "macros");
    private static final Set<String> TETRAGON_ACTIONS = Set.of("GetUrl", "DnsLookup", "TrackSock", "UntrackSock", "NotifyEnforcer",
            "CleanupEnforcerNotification", "Set", "FollowFD", "UnfollowFD", "CopyFD");

    private PolicyParser() {
    }

    public static TracingPolicy parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PolicyException(file + ": no such file");
        } catch (IOException e) {
            throw new PolicyException(file + ": cannot read: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    public static TracingPolicy parse(String yaml, String source) {
        Node root = compose(yaml, source);
        YamlNode doc = new YamlNode(source, "", root);
        Map<String, YamlNode> top = doc.mapping(Set.of("apiVersion", "kind", "metadata", "spec"));
        String api = doc.required(top, "apiVersion").string();
        if (!api.equals("cilium.io/v1alpha1")) throw top.get("apiVersion").error("'" + api + "' is not cilium.io/v1alpha1");
        String kind = doc.required(top, "kind").string();
        if (!kind.equals("TracingPolicy") && !kind.equals("TracingPolicyNamespaced")) {
            throw top.get("kind").error("'" + kind + "' is not TracingPolicy or TracingPolicyNamespaced");
        }
        YamlNode metadataNode = doc.required(top, "metadata");
        Map<String, YamlNode> metadata = metadataNode.mapping(Set.of("name", "namespace", "labels", "annotations"));
        YamlNode nameNode = metadataNode.required(metadata, "name");
        String name = nameNode.string();
        if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            throw nameNode.error("'" + name + "' is not a DNS subdomain (lower-case letters, digits, '-' and '.')");
        }
        YamlNode specNode = doc.required(top, "spec");
        Set<String> specKeys = new java.util.HashSet<>(NOT_YET_SPEC);
        specKeys.add("uprobes");
        specKeys.add("lsmhooks");
        specKeys.add("options");
        Map<String, YamlNode> spec = specNode.mapping(specKeys);
        refuse(spec, NOT_YET_SPEC, "gowarden runs uprobes on Go functions and LSM hooks so far");
        YamlNode.optional(spec, "options").ifPresent(PolicyParser::options);
        List<Uprobe> uprobes = new ArrayList<>();
        YamlNode.optional(spec, "uprobes").ifPresent(n -> {
            for (YamlNode u : n.list()) uprobes.add(uprobe(u));
        });
        List<TracingPolicy.LsmHook> lsmhooks = new ArrayList<>();
        YamlNode.optional(spec, "lsmhooks").ifPresent(n -> {
            for (YamlNode h : n.list()) lsmhooks.add(lsmHook(h));
        });
        if (uprobes.isEmpty() && lsmhooks.isEmpty()) throw specNode.error("no uprobes and no lsmhooks: nothing to run");
        return new TracingPolicy(name, kind, uprobes, lsmhooks, source);
    }

    /** Stack for composing: ample for any policy, and a fixed bound however deeply a hostile file nests. */
    private static final long COMPOSE_STACK = 4L << 20;

    /**
     * Composes the document on a thread with a known stack, so that nesting too deep for it is the same clean error
     * on every JVM and thread (the YAML composer recurses once per level).
     */
    private static Node compose(String yaml, String source) {
        Object[] result = new Object[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = new Compose(LoadSettings.builder().setLabel(source).build()).composeString(yaml)
                        .orElseThrow(() -> new PolicyException(source + ": empty document"));
            } catch (YamlEngineException e) {
                result[0] = new PolicyException(source + ": not valid YAML: " + e.getMessage().replace('\n', ' ').replaceAll(" +", " "));
            } catch (StackOverflowError e) {
                result[0] = new PolicyException(source + ": not a TracingPolicy: nested too deeply to read");
            } catch (RuntimeException e) {
                result[0] = e;
            }
        }, "policy-yaml", COMPOSE_STACK);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PolicyException(source + ": interrupted while reading");
        }
        if (result[0] instanceof RuntimeException e) throw e;
        return (Node) result[0];
    }

    private static void options(YamlNode node) {
        for (YamlNode o : node.list()) {
            Map<String, YamlNode> m = o.mapping(Set.of("name", "value"));
            String name = o.required(m, "name").string();
            if (!Set.of("disable-uprobe-multi", "policy-mode").contains(name)) {
                throw m.get("name").error("option '" + name + "' is not one gowarden knows (disable-uprobe-multi, policy-mode)");
            }
            String value = o.required(m, "value").string();
            if (name.equals("policy-mode") && !Set.of("enforce", "monitor").contains(value)) {
                throw m.get("value").error("'" + value + "' is not enforce or monitor");
            }
        }
    }

    private static void refuse(Map<String, YamlNode> m, Set<String> notYet, String why) {
        for (Map.Entry<String, YamlNode> e : m.entrySet()) {
            if (notYet.contains(e.getKey())) throw e.getValue().error("not supported by gowarden yet (" + why + ")");
        }
    }

    private static Uprobe uprobe(YamlNode node) {
        Set<String> keys = new java.util.HashSet<>(NOT_YET_UPROBE);
        keys.addAll(Set.of("path", "symbols", "args", "selectors", "message", "tags"));
        Map<String, YamlNode> m = node.mapping(keys);
        refuse(m, NOT_YET_UPROBE, "functions are named by symbol; returns come with the trace command's --returns");
        String path = node.required(m, "path").string();
        if (path.isBlank()) throw m.get("path").error("empty path");
        YamlNode symbolsNode = node.required(m, "symbols");
        List<String> symbols = symbolsNode.strings();
        if (symbols.isEmpty()) throw symbolsNode.error("no symbols");
        if (new java.util.HashSet<>(symbols).size() != symbols.size()) throw symbolsNode.error("a symbol is listed twice (it would be probed twice)");
        List<Arg> args = new ArrayList<>();
        YamlNode.optional(m, "args").ifPresent(a -> {
            for (YamlNode n : a.list()) {
                Arg arg = arg(n, args);
                if (arg.type() == ArgType.FILE || arg.type() == ArgType.LINUX_BINPRM) {
                    throw n.error("type " + arg.type().yaml() + " is an LSM hook argument; a Go function's are go_string or integers");
                }
                args.add(arg);
            }
        });
        List<Selector> selectors = new ArrayList<>();
        YamlNode.optional(m, "selectors").ifPresent(s -> {
            List<YamlNode> list = s.list();
            if (list.size() > MAX_SELECTORS) throw list.get(MAX_SELECTORS).error("more than " + MAX_SELECTORS + " selectors on one hook");
            for (YamlNode n : list) selectors.add(selector(n, args));
        });
        for (int s = 0; s < selectors.size(); s++) {
            for (Action a : selectors.get(s).actions()) {
                if (a instanceof Action.Override o && o.error() != null) {
                    throw m.get("selectors").error("selector " + s + ": Override argError on a Go function is not supported (its "
                            + "results are in registers at RET; clearGoString neutralises a string argument instead)");
                }
                if (a instanceof Action.Override o && !o.clearGoString()) {
                    throw m.get("selectors").error("selector " + s + ": Override on a Go function needs clearGoString: true");
                }
            }
        }
        String message = YamlNode.optional(m, "message").map(YamlNode::string).orElse("");
        if (message.length() > MAX_MESSAGE) throw m.get("message").error("longer than " + MAX_MESSAGE + " characters");
        List<String> tags = YamlNode.optional(m, "tags").map(YamlNode::strings).orElse(List.of());
        if (tags.size() > MAX_TAGS) throw m.get("tags").error("more than " + MAX_TAGS + " tags");
        return new Uprobe(path, symbols, args, selectors, message, tags);
    }

    /** LSM hooks gowarden runs, and the type of each argument it can read. */
    private static final Map<String, List<ArgType>> LSM_HOOKS = Map.of("file_open", List.of(ArgType.FILE),
            "bprm_check_security", List.of(ArgType.LINUX_BINPRM));

    private static TracingPolicy.LsmHook lsmHook(YamlNode node) {
        Map<String, YamlNode> m = node.mapping(Set.of("hook", "args", "selectors", "message", "tags"));
        YamlNode hookNode = node.required(m, "hook");
        String hook = hookNode.string();
        if (hook.startsWith("security_")) throw hookNode.error("write the hook without 'security_' (Tetragon's spelling): " + hook.substring(9));
        List<ArgType> types = LSM_HOOKS.get(hook);
        if (types == null) {
            throw hookNode.error("hook '" + hook + "' is not run by gowarden yet (" + String.join(", ", new java.util.TreeSet<>(LSM_HOOKS.keySet())) + ")");
        }
        List<Arg> args = new ArrayList<>();
        YamlNode.optional(m, "args").ifPresent(a -> {
            for (YamlNode n : a.list()) {
                Arg arg = arg(n, args);
                if (arg.index() >= types.size() || arg.type() != types.get(arg.index())) {
                    throw n.error("argument " + arg.index() + " of " + hook + " is read as " + (arg.index() < types.size()
                            ? types.get(arg.index()).yaml() : "nothing (it has " + types.size() + ")"));
                }
                args.add(arg);
            }
        });
        List<Selector> selectors = new ArrayList<>();
        YamlNode.optional(m, "selectors").ifPresent(s -> {
            List<YamlNode> list = s.list();
            if (list.size() > MAX_SELECTORS) throw list.get(MAX_SELECTORS).error("more than " + MAX_SELECTORS + " selectors on one hook");
            for (YamlNode n : list) {
                Selector sel = selector(n, args);
                if (!sel.matchPids().isEmpty() || !sel.matchBinaries().isEmpty() || sel.matchArgs().size() > 1) {
                    throw n.error("an LSM selector filters on one argument's path so far (one matchArgs, no matchPIDs or matchBinaries)");
                }
                for (TracingPolicy.MatchArg ma : sel.matchArgs()) {
                    if (ma.operator() != Operator.EQUAL && ma.operator() != Operator.PREFIX && ma.operator() != Operator.POSTFIX) {
                        throw n.error("an LSM path filter is Equal, Prefix or Postfix so far, not " + ma.operator().yaml());
                    }
                }
                for (Action a : sel.actions()) {
                    if (a instanceof Action.Sigkill || a instanceof Action.Signal) throw n.error("an LSM selector's actions are Post, NoPost and Override so far");
                }
                selectors.add(sel);
            }
        });
        String message = YamlNode.optional(m, "message").map(YamlNode::string).orElse("");
        if (message.length() > MAX_MESSAGE) throw m.get("message").error("longer than " + MAX_MESSAGE + " characters");
        List<String> tags = YamlNode.optional(m, "tags").map(YamlNode::strings).orElse(List.of());
        if (tags.size() > MAX_TAGS) throw m.get("tags").error("more than " + MAX_TAGS + " tags");
        return new TracingPolicy.LsmHook(hook, args, selectors, message, tags);
    }

    private static Arg arg(YamlNode node, List<Arg> earlier) {
        Set<String> keys = new java.util.HashSet<>(NOT_YET_ARG);
        keys.addAll(Set.of("index", "type", "label"));
        Map<String, YamlNode> m = node.mapping(keys);
        refuse(m, NOT_YET_ARG, "Go arguments are read where the Go ABI puts them");
        int index = (int) node.required(m, "index").integer(0, 63);
        for (Arg a : earlier) {
            if (a.index() == index) throw m.get("index").error("argument " + index + " is already listed");
        }
        YamlNode typeNode = node.required(m, "type");
        String t = typeNode.string();
        ArgType type = ArgType.of(t);
        if (type == null) {
            String hint = switch (t) {
                case "string", "char_buf", "data_loc" -> ": '" + t + "' reads C memory; a Go string argument is go_string";
                case "auto" -> ": the type must be explicit";
                default -> "";
            };
            List<String> known = java.util.Arrays.stream(ArgType.values()).map(ArgType::yaml).toList();
            throw typeNode.error("unknown type '" + t + "'" + (hint.isEmpty() ? " (known: " + String.join(", ", known) + ")" : hint));
        }
        String label = YamlNode.optional(m, "label").map(YamlNode::string).orElse("");
        return new Arg(index, type, label);
    }

    private static Selector selector(YamlNode node, List<Arg> args) {
        Set<String> keys = new java.util.HashSet<>(NOT_YET_SELECTOR);
        keys.addAll(Set.of("matchArgs", "matchPIDs", "matchBinaries", "matchActions"));
        Map<String, YamlNode> m = node.mapping(keys);
        refuse(m, NOT_YET_SELECTOR, "selectors filter on arguments, PIDs and binaries so far");
        List<MatchArg> matchArgs = new ArrayList<>();
        YamlNode.optional(m, "matchArgs").ifPresent(a -> {
            List<YamlNode> list = a.list();
            if (list.size() > MAX_MATCH_ARGS) throw list.get(MAX_MATCH_ARGS).error("more than " + MAX_MATCH_ARGS + " matchArgs in one selector");
            for (YamlNode n : list) matchArgs.add(matchArg(n, args));
        });
        List<MatchPids> pids = new ArrayList<>();
        YamlNode.optional(m, "matchPIDs").ifPresent(p -> {
            for (YamlNode n : p.list()) pids.add(matchPids(n));
        });
        List<MatchBinaries> binaries = new ArrayList<>();
        YamlNode.optional(m, "matchBinaries").ifPresent(b -> {
            List<YamlNode> list = b.list();
            if (list.size() > 1) throw list.get(1).error("one matchBinaries per selector");
            for (YamlNode n : list) binaries.add(matchBinaries(n));
        });
        List<Action> actions = new ArrayList<>();
        YamlNode.optional(m, "matchActions").ifPresent(a -> {
            List<YamlNode> list = a.list();
            if (list.size() > MAX_ACTIONS) throw list.get(MAX_ACTIONS).error("more than " + MAX_ACTIONS + " actions in one selector");
            for (YamlNode n : list) actions.add(action(n, args));
        });
        return new Selector(matchArgs, pids, binaries, actions);
    }

    private static MatchArg matchArg(YamlNode node, List<Arg> args) {
        Map<String, YamlNode> m = node.mapping(Set.of("index", "args", "operator", "values"));
        int position;
        if (m.containsKey("args")) {
            List<YamlNode> positions = m.get("args").list();
            if (positions.size() != 1) throw m.get("args").error("one position into args (two only for CapabilitiesGained)");
            position = (int) positions.getFirst().integer(0, args.size() - 1L);
        } else {
            int index = (int) node.required(m, "index").integer(0, 63);
            position = -1;
            for (int i = 0; i < args.size(); i++) if (args.get(i).index() == index) position = i;
            if (position < 0) throw m.get("index").error("argument " + index + " is not in this hook's args: list it there with its type");
        }
        Arg arg = args.get(position);
        YamlNode opNode = node.required(m, "operator");
        Operator op = Operator.of(opNode.string());
        if (op == null) {
            List<String> known = java.util.Arrays.stream(Operator.values()).map(Operator::yaml).toList();
            throw opNode.error("unknown operator '" + opNode.string() + "' (gowarden knows " + String.join(", ", known) + ")");
        }
        if (arg.type().isString() ? !op.forStrings() : !op.forIntegers()) {
            throw opNode.error(op.yaml() + " does not apply to a " + arg.type().yaml() + " argument");
        }
        YamlNode valuesNode = node.required(m, "values");
        List<YamlNode> valueNodes = valuesNode.list();
        if (valueNodes.isEmpty()) throw valuesNode.error("no values");
        List<String> values = new ArrayList<>();
        for (YamlNode v : valueNodes) values.add(value(v, arg, op));
        if (values.size() > MAX_VALUES) {
            throw valueNodes.get(MAX_VALUES).error("more than " + MAX_VALUES + " values in one filter (gowarden compares up to "
                    + MAX_VALUES + " in the kernel; split them over selectors)");
        }
        return new MatchArg(position, op, values);
    }

    /**
     * A value checked against the argument's type; ranges stay "min:max". Unsigned 64-bit values are written
     * unsigned (up to 18446744073709551615) and compared unsigned in the kernel.
     */
    private static String value(YamlNode v, Arg arg, Operator op) {
        String s = v.string();
        if (arg.type().isString()) {
            if (s.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_VALUE) throw v.error("longer than " + MAX_STRING_VALUE + " bytes");
            return s;
        }
        if (op == Operator.IN_RANGE || op == Operator.NOT_IN_RANGE) {
            int colon = s.indexOf(':', 1);
            if (colon < 0) throw v.error("'" + s + "' is not a range min:max");
            long lo = number(v, s.substring(0, colon), arg.type());
            long hi = number(v, s.substring(colon + 1), arg.type());
            if (arg.type().signed() ? lo > hi : Long.compareUnsigned(lo, hi) > 0) throw v.error("range " + s + " is empty (min > max)");
            return text(lo, arg.type()) + ":" + text(hi, arg.type());
        }
        return text(number(v, s, arg.type()), arg.type());
    }

    private static String text(long v, ArgType type) {
        return type.signed() ? Long.toString(v) : Long.toUnsignedString(v);
    }

    /** An integer of the argument's type: decimal or 0x hex, one leading '-' for signed types. */
    private static long number(YamlNode v, String raw, ArgType type) {
        String t = raw.strip();
        boolean negative = t.startsWith("-");
        String digits = negative ? t.substring(1) : t;
        boolean hex = digits.startsWith("0x") || digits.startsWith("0X");
        String body = hex ? digits.substring(2) : digits;
        if (body.isEmpty() || !body.chars().allMatch(c -> hex ? Character.digit(c, 16) >= 0 : c >= '0' && c <= '9')) {
            throw v.error("'" + raw + "' is not an integer");
        }
        if (negative && !type.signed()) throw v.error("'" + raw + "' is negative; a " + type.yaml() + " is not");
        long magnitude;
        try {
            magnitude = Long.parseUnsignedLong(body, hex ? 16 : 10);
        } catch (NumberFormatException e) {
            throw v.error("'" + raw + "' is out of range for " + type.yaml());
        }
        int bits = 8 * type.size();
        if (type.signed()) {
            long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
            if (negative ? Long.compareUnsigned(magnitude, max + 1) > 0 : Long.compareUnsigned(magnitude, max) > 0) {
                throw v.error(raw + " is out of range (" + (-max - 1) + " to " + max + ")");
            }
            return negative ? -magnitude : magnitude;
        }
        if (bits < 64 && Long.compareUnsigned(magnitude, (1L << bits) - 1) > 0) {
            throw v.error(raw + " is out of range (0 to " + ((1L << bits) - 1) + ")");
        }
        return magnitude;
    }

    private static MatchPids matchPids(YamlNode node) {
        Map<String, YamlNode> m = node.mapping(Set.of("operator", "values", "followForks", "isNamespacePID"));
        String op = node.required(m, "operator").string();
        if (!op.equals("In") && !op.equals("NotIn")) throw m.get("operator").error("'" + op + "' is not In or NotIn");
        if (YamlNode.optional(m, "isNamespacePID").map(YamlNode::bool).orElse(false)) {
            throw m.get("isNamespacePID").error("not supported by gowarden yet (PIDs are host PIDs)");
        }
        List<Integer> pids = new ArrayList<>();
        List<YamlNode> pidNodes = node.required(m, "values").list();
        if (pidNodes.isEmpty()) throw m.get("values").error("no PIDs");
        if (pidNodes.size() > MAX_VALUES) throw pidNodes.get(MAX_VALUES).error("more than " + MAX_VALUES + " PIDs in one filter");
        for (YamlNode v : pidNodes) pids.add((int) v.integer(0, Integer.MAX_VALUE));
        boolean follow = YamlNode.optional(m, "followForks").map(YamlNode::bool).orElse(false);
        return new MatchPids(op.equals("In"), pids, follow);
    }

    private static MatchBinaries matchBinaries(YamlNode node) {
        Map<String, YamlNode> m = node.mapping(Set.of("operator", "values", "followChildren"));
        String op = node.required(m, "operator").string();
        Operator operator = switch (op) {
            case "In" -> Operator.EQUAL;
            case "NotIn" -> Operator.NOT_EQUAL;
            case "Prefix" -> Operator.PREFIX;
            case "NotPrefix" -> Operator.NOT_PREFIX;
            case "Postfix" -> Operator.POSTFIX;
            case "NotPostfix" -> Operator.NOT_POSTFIX;
            default -> throw m.get("operator").error("'" + op + "' is not In, NotIn, Prefix, NotPrefix, Postfix or NotPostfix");
        };
        if (m.containsKey("followChildren")) throw m.get("followChildren").error("not supported by gowarden yet");
        List<String> values = node.required(m, "values").strings();
        for (String v : values) {
            if (v.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_VALUE) throw m.get("values").error("'" + v + "' is longer than " + MAX_STRING_VALUE + " bytes");
        }
        return new MatchBinaries(operator, values);
    }

    private static Action action(YamlNode node, List<Arg> args) {
        Map<String, YamlNode> m = node.mapping(Set.of("action", "argSig", "argError", "clearGoString", "rateLimit", "rateLimitScope",
                "kernelStackTrace", "userStackTrace", "imaHash", "argRegs", "argNewSymbol", "argNewAddr", "argNewOffset", "argUrl",
                "argFqdn", "argSock", "argIndex", "argValue", "argFd", "argName"));
        YamlNode actionNode = node.required(m, "action");
        String name = actionNode.string();
        Action a = switch (name) {
            case "Post" -> new Action.Post(YamlNode.optional(m, "rateLimit").map(YamlNode::string).orElse(null));
            case "NoPost" -> new Action.NoPost();
            case "Sigkill" -> new Action.Sigkill();
            case "Signal" -> new Action.Signal((int) node.required(m, "argSig").integer(1, 64));
            case "Override" -> {
                boolean clear = YamlNode.optional(m, "clearGoString").map(YamlNode::bool).orElse(false);
                Integer error = m.containsKey("argError") ? (int) m.get("argError").integer(Integer.MIN_VALUE, Integer.MAX_VALUE) : null;
                if (!clear && error == null) throw actionNode.error("Override needs argError or clearGoString: true");
                if (error != null && (error >= 0 || error < -4095)) {
                    throw m.get("argError").error(error + " is not an error a kernel hook can return (a negative errno, -1 to -4095)");
                }
                if (clear && args.stream().noneMatch(x -> x.type() == ArgType.GO_STRING)) {
                    throw m.get("clearGoString").error("clearGoString needs a go_string argument in this hook's args");
                }
                yield new Action.Override(error, clear);
            }
            default -> throw actionNode.error(TETRAGON_ACTIONS.contains(name)
                    ? "action '" + name + "' is not supported by gowarden yet (Post, NoPost, Sigkill, Signal, Override)"
                    : "unknown action '" + name + "' (Post, NoPost, Sigkill, Signal, Override)");
        };
        // arguments that belong to another action are mistakes, not options
        Set<String> allowed = switch (a) {
            case Action.Post p -> Set.of("action", "rateLimit", "rateLimitScope", "kernelStackTrace", "userStackTrace");
            case Action.Signal s -> Set.of("action", "argSig");
            case Action.Override o -> Set.of("action", "argError", "clearGoString");
            default -> Set.of("action");
        };
        for (Map.Entry<String, YamlNode> e : m.entrySet()) {
            if (!allowed.contains(e.getKey())) throw e.getValue().error("'" + e.getKey() + "' does not apply to action " + name);
        }
        for (String unsupported : List.of("rateLimitScope", "kernelStackTrace", "userStackTrace")) {
            if (m.containsKey(unsupported)) throw m.get(unsupported).error("not supported by gowarden yet");
        }
        if (a instanceof Action.Post p && p.rateLimit() != null) {
            throw m.get("rateLimit").error("not supported by gowarden yet");
        }
        return a;
    }
}
