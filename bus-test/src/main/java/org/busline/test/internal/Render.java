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
import org.busline.test.Topology;

/** The topology's JSON and Mermaid texts, written from its parts; deterministic, as {@link Topology} promises. */
public final class Render {
    private Render() {
    }

    private static String word(Topology.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** The JSON of schema {@link Topology#SCHEMA}, version {@link Topology#SCHEMA_VERSION}. */
    public static String json(Topology topology, List<Consumer> consumers, SortedMap<String, TopicNode> topics) {
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
        return Json.write(root);
    }

    /** The Mermaid flowchart. */
    public static String mermaid(Topology topology, List<Consumer> consumers, SortedMap<String, TopicNode> topics) {
        Map<String, String> ids = new TreeMap<>();
        Set<String> used = new TreeSet<>();
        StringBuilder text = new StringBuilder("flowchart LR\n");
        for (String module : topology.modules()) {
            String id = id("m_", module, used);
            ids.put("m:" + module, id);
            text.append("  ").append(id).append("[\"").append(escape(module)).append("\"]\n");
        }
        for (TopicNode node : topics.values()) {
            if (topology.edges().stream().noneMatch(edge -> edge.topic().equals(node.name()))) {
                continue;
            }
            String id = id("t_", node.name(), used);
            ids.put("t:" + node.name(), id);
            String label = escape(node.label());
            text.append("  ").append(id).append(node.pattern() ? "{{\"" + label + "\"}}" : "([\"" + label + "\"])")
                    .append('\n');
        }
        for (Topology.Edge edge : topology.edges()) {
            String module = ids.get("m:" + edge.module());
            String topic = ids.get("t:" + edge.topic());
            if (edge.kind() == Topology.Kind.PUBLISHES) {
                text.append("  ").append(module).append(" --> ").append(topic).append('\n');
            } else if (edge.kind() == Topology.Kind.REQUESTS) {
                text.append("  ").append(module).append(" -->|requests| ").append(topic).append('\n');
            } else {
                boolean async = consumers.stream().anyMatch(c -> c.module().equals(edge.module())
                        && c.selector().equals(edge.topic()) && c.kind() == edge.kind() && c.async());
                String label = edge.kind() == Topology.Kind.ANSWERS ? (async ? "answers, async" : "answers")
                        : edge.kind() == Topology.Kind.DURABLE ? "durable" : async ? "async" : "";
                text.append("  ").append(topic).append(label.isEmpty() ? " --> " : " -->|" + label + "| ")
                        .append(module).append('\n');
            }
        }
        return text.toString();
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
