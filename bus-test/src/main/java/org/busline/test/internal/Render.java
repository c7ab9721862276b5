package org.busline.test.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.busline.Boundaries;
import org.busline.test.Topology;

/** The topology's JSON and Mermaid texts, written from its parts; deterministic, as {@link Topology} promises. */
public final class Render {
    private Render() {
    }

    private static String word(Topology.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The JSON of schema {@link Topology#SCHEMA}, version {@link Topology#SCHEMA_VERSION}; with the fields
     * {@code boundaries} and {@code violations} if {@code boundaries} is not null.
     */
    public static String json(Topology topology, List<Consumer> consumers, SortedMap<String, TopicNode> topics,
                              Boundaries boundaries, Map<Topology.Edge, Boundaries.Violation> violations) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schema", Topology.SCHEMA);
        root.put("version", Topology.SCHEMA_VERSION);
        root.put("modules", List.copyOf(topology.modules()));
        List<Object> topicList = new ArrayList<>();
        topics.values().forEach(node -> {
            Map<String, Object> topic = new LinkedHashMap<>();
            topic.put("name", node.name());
            topic.put("type", node.type());
            topic.put("named", node.named());
            topic.put("pattern", node.pattern());
            topicList.add(topic);
        });
        root.put("topics", topicList);
        List<Object> edgeList = new ArrayList<>();
        topology.edges().forEach(edge -> edgeList.add(Map.of("module", edge.module(), "kind", word(edge.kind()),
                "topic", edge.topic())));
        root.put("edges", edgeList);
        List<Object> subscriptionList = new ArrayList<>();
        consumers.forEach(consumer -> subscriptionList.add(Map.of("module", consumer.module(),
                "name", consumer.name(), "kind", consumer.kind() == Topology.Kind.ANSWERS ? "responder"
                        : consumer.kind() == Topology.Kind.DURABLE ? "durable" : "subscriber",
                "selector", consumer.selector(), "async", consumer.async())));
        root.put("subscriptions", subscriptionList);
        List<Object> dependencyList = new ArrayList<>();
        topology.dependencies().forEach(dependency -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("from", dependency.from());
            entry.put("to", dependency.to());
            entry.put("topics", List.copyOf(dependency.topics()));
            dependencyList.add(entry);
        });
        root.put("dependencies", dependencyList);
        if (boundaries != null) {
            root.put("boundaries", boundariesJson(boundaries));
            List<Object> violationList = new ArrayList<>();
            violations.forEach((edge, violation) -> violationList.add(Map.of("module", edge.module(),
                    "kind", word(edge.kind()), "topic", edge.topic(),
                    "action", violation.action().name().toLowerCase(Locale.ROOT),
                    "rule", violation.rule().toString(), "message", violation.message())));
            root.put("violations", violationList);
        }
        return Json.write(root);
    }

    private static Map<String, Object> boundariesJson(Boundaries boundaries) {
        List<Object> rules = new ArrayList<>();
        for (Boundaries.Rule rule : boundaries.rules()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("kind", rule.kind().name().toLowerCase(Locale.ROOT));
            entry.put("module", rule.module());
            entry.put("pattern", rule.pattern());
            entry.put("line", rule.line());
            entry.put("rule", rule.toString());
            if (rule.limit() != null) {
                entry.put("permits", rule.limit().permits());
                entry.put("perMillis", rule.limit().per().toMillis());
                entry.put("burst", rule.limit().burst());
            }
            rules.add(entry);
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("mode", boundaries.mode().name().toLowerCase(Locale.ROOT));
        entry.put("requireModules", boundaries.requiresModules());
        entry.put("rules", rules);
        return entry;
    }

    /**
     * The Mermaid flowchart; if {@code boundaries} is not null, with a subgraph per module that owns topics of the
     * diagram, and the edges that break the rules dotted, red and labelled with the rule.
     */
    public static String mermaid(Topology topology, List<Consumer> consumers, SortedMap<String, TopicNode> topics,
                                 Boundaries boundaries, Map<Topology.Edge, Boundaries.Violation> violations) {
        Map<String, String> ids = new TreeMap<>();
        Set<String> used = new TreeSet<>();
        Map<String, String> moduleNodes = new LinkedHashMap<>();
        for (String module : topology.modules()) {
            String id = id("m_", module, used);
            ids.put("m:" + module, id);
            moduleNodes.put(module, id + "[\"" + escape(module) + "\"]");
        }
        Map<String, String> topicNodes = new LinkedHashMap<>();
        for (TopicNode node : topics.values()) {
            if (topology.edges().stream().noneMatch(edge -> edge.topic().equals(node.name()))) {
                continue;
            }
            String id = id("t_", node.name(), used);
            ids.put("t:" + node.name(), id);
            String label = escape(node.label());
            topicNodes.put(node.name(), id + (node.pattern() ? "{{\"" + label + "\"}}" : "([\"" + label + "\"])"));
        }
        StringBuilder text = new StringBuilder("flowchart LR\n");
        if (boundaries != null) {
            ownerSubgraphs(boundaries, topics, moduleNodes, topicNodes, used, text);
        }
        moduleNodes.values().forEach(node -> text.append("  ").append(node).append('\n'));
        topicNodes.values().forEach(node -> text.append("  ").append(node).append('\n'));
        List<String> violating = new ArrayList<>();
        int link = 0;
        for (Topology.Edge edge : topology.edges()) {
            String module = ids.get("m:" + edge.module());
            String topic = ids.get("t:" + edge.topic());
            boolean sends = edge.kind() == Topology.Kind.PUBLISHES || edge.kind() == Topology.Kind.REQUESTS;
            String label;
            if (sends) {
                label = edge.kind() == Topology.Kind.REQUESTS ? "requests" : "";
            } else {
                boolean async = consumers.stream().anyMatch(c -> c.module().equals(edge.module())
                        && c.selector().equals(edge.topic()) && c.kind() == edge.kind() && c.async());
                label = edge.kind() == Topology.Kind.ANSWERS ? (async ? "answers, async" : "answers")
                        : edge.kind() == Topology.Kind.DURABLE ? "durable" : async ? "async" : "";
            }
            String from = sends ? module : topic;
            String to = sends ? topic : module;
            Boundaries.Violation violation = violations.get(edge);
            if (violation == null) {
                text.append("  ").append(from).append(label.isEmpty() ? " --> " : " -->|" + label + "| ");
            } else {
                violating.add(String.valueOf(link));
                text.append("  ").append(from).append(" -.->|\"").append(label.isEmpty() ? "" : label + "; ")
                        .append("violates ").append(escape(violation.rule().toString())).append("\"| ");
            }
            text.append(to).append('\n');
            link++;
        }
        if (!violating.isEmpty()) {
            text.append("  linkStyle ").append(String.join(",", violating))
                    .append(" stroke:#d32f2f,stroke-width:2px,color:#d32f2f\n");
        }
        return text.toString();
    }

    /**
     * Writes a subgraph for each module that owns topics of the diagram, around its box and those topics, and takes
     * them out of the nodes left to write. Patterns stay outside: one may reach the topics of several owners.
     */
    private static void ownerSubgraphs(Boundaries boundaries, SortedMap<String, TopicNode> topics,
                                       Map<String, String> moduleNodes, Map<String, String> topicNodes,
                                       Set<String> used, StringBuilder text) {
        Map<String, List<String>> owned = new TreeMap<>();
        for (String topic : topicNodes.keySet()) {
            if (!topics.get(topic).pattern()) {
                boundaries.owner(topic).ifPresent(rule -> owned.computeIfAbsent(rule.module(),
                        unused -> new ArrayList<>()).add(topic));
            }
        }
        owned.forEach((owner, ownedTopics) -> {
            text.append("  subgraph ").append(id("o_", owner, used)).append("[\"owned by ").append(escape(owner))
                    .append("\"]\n");
            String module = moduleNodes.remove(owner);
            if (module != null) {
                text.append("    ").append(module).append('\n');
            }
            ownedTopics.forEach(topic -> text.append("    ").append(topicNodes.remove(topic)).append('\n'));
            text.append("  end\n");
        });
    }

    private static String id(String prefix, String name, Set<String> used) {
        String base = prefix + name.replaceAll("[^A-Za-z0-9]", "_");
        String id = base;
        for (int n = 2; !used.add(id); n++) {
            id = base + "_" + n;
        }
        return id;
    }

    private static String escape(String label) {
        return label.replace("\"", "#quot;");
    }
}
