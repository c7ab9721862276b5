package org.busline.test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.busline.Boundaries;
import org.busline.CircuitBreakerPolicy;
import org.busline.DeadLetter;
import org.busline.DeadMessage;
import org.busline.MessageBus;
import org.busline.SubscriptionInfo;
import org.busline.Topic;
import org.busline.test.internal.Consumer;
import org.busline.test.internal.Graphs;
import org.busline.test.internal.Render;
import org.busline.test.internal.TopicNode;

/**
 * Who publishes and who consumes what: the modules of an application, the topics between them, and the dependencies
 * that follow (when B consumes what A publishes, B depends on A: information flows from A to B).
 *
 * <p>Made from what the bus knows at run time, so lambdas, patterns and responders are all there
 * ({@link MessageBus#subscriptions()}), and from what publishers declare ({@link Builder#publishes}) or what a
 * {@link BusRecorder} saw them publish during a test ({@link Builder#recorded}): a message published inside a
 * subscription's handler, on any thread, is published by that subscription's module.
 *
 * <p><b>Modules</b> are named by the application: a function from a subscription's name to its module
 * ({@link Builder#modules(Function)}). The default takes the name up to its first dot, so the subscriptions
 * {@code payments} and {@code payments.dead-letters} both belong to the module {@code payments}; unnamed
 * subscriptions (named {@code #n …} by the bus) belong to {@code unnamed}. The bus itself is the module
 * {@value #BUS_MODULE}: it publishes dead letters, dead messages and circuit-breaker changes, and appears when some
 * subscription consumes them. A {@link BusRecorder}'s own subscriptions are left out.
 *
 * <p><b>Outputs</b>: JSON with a versioned schema ({@link #toJson()}), a Mermaid flowchart ({@link #toMermaid()}),
 * and the edge list of a baseline file ({@link #toBaseline()}); {@link BusAssertions#assertThat(Topology)} checks it
 * in architecture tests. All three are deterministic: sorted, and free of run-time ids. Given module boundaries
 * ({@link #withBoundaries}), all three show the rules and flag the edges that break them.
 *
 * <p>Immutable and thread-safe.
 */
public final class Topology {
    /** The version of the JSON schema {@link #toJson()} writes, in its {@code "version"} field. */
    public static final int SCHEMA_VERSION = 1;
    /** The name of the schema {@link #toJson()} writes, in its {@code "schema"} field. */
    public static final String SCHEMA = "busline-topology";
    /** The module that stands for the bus: the publisher of dead letters, dead messages and breaker changes. */
    public static final String BUS_MODULE = "bus";

    private static final Set<String> BUS_TOPICS = Set.of(DeadLetter.class.getName(), DeadMessage.class.getName(),
            CircuitBreakerPolicy.StateChange.class.getName());

    /** What a module does with a topic. */
    public enum Kind {
        /** The module publishes or sends on the topic: its subscriptions receive the messages. */
        PUBLISHES,
        /** The module sends requests on the topic: its responders answer them. */
        REQUESTS,
        /** A subscription of the module receives the topic's messages (publish/subscribe or point-to-point). */
        SUBSCRIBES,
        /** A responder of the module answers the topic's requests. */
        ANSWERS,
        /**
         * A durable subscription or sink of the module receives the topic's messages from outside the bus's own
         * registry, across restarts: an outbox's durable subscription, a bridge to another service.
         */
        DURABLE;

        /** The word of the baseline file and the JSON. */
        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** True for the kinds a module sends with. */
        boolean sends() {
            return this == PUBLISHES || this == REQUESTS;
        }

        /** True if this consuming kind receives what {@code sent} sends: subscribers publishes, responders requests. */
        boolean receives(Kind sent) {
            return (this == SUBSCRIBES || this == DURABLE) && sent == PUBLISHES || this == ANSWERS && sent == REQUESTS;
        }
    }

    /**
     * One edge of the topology: a module publishes on, sends requests on, subscribes to or answers a topic (or a
     * pattern). Edges are what a baseline file holds, as the lines {@code "<module> <kind> <topic>"}.
     *
     * @param module the module; not null
     * @param kind   what it does; not null
     * @param topic  the topic's name, or the pattern; not null
     */
    public record Edge(String module, Kind kind, String topic) implements Comparable<Edge> {
        /**
         * Checks the components.
         *
         * @param module the module; not null
         * @param kind   what it does; not null
         * @param topic  the topic's name or pattern; not null
         */
        public Edge {
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(topic, "topic");
        }

        @Override
        public int compareTo(Edge other) {
            return ORDER.compare(this, other);
        }

        private static final Comparator<Edge> ORDER = Comparator.comparing(Edge::module)
                .thenComparing(Edge::kind).thenComparing(Edge::topic);

        /** The baseline line: {@code "<module> <kind> <topic>"}, as {@code "orders publishes orders.placed"}. */
        @Override
        public String toString() {
            return module + " " + kind.word() + " " + topic;
        }
    }

    /**
     * A dependency between two modules: {@code to} consumes topics that {@code from} publishes.
     *
     * @param from   the publishing module; not null
     * @param to     the consuming module; not null
     * @param topics the topics it goes through, sorted; not null, immutable. A declared or recorded publication counts
     *               as the bus routes it: publishes reach subscriptions (also through supertypes and patterns),
     *               requests reach responders.
     */
    public record Dependency(String from, String to, SortedSet<String> topics) {
        /**
         * Checks the components and copies the topics.
         *
         * @param from   the publishing module; not null
         * @param to     the consuming module; not null
         * @param topics the topics; not null
         */
        public Dependency {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            topics = Collections.unmodifiableSortedSet(new TreeSet<>(topics));
        }

        @Override
        public String toString() {
            return from + " -> " + to + " " + topics;
        }
    }

    private final SortedSet<Edge> edges;
    private final SortedMap<String, TopicNode> topics;
    private final List<Consumer> consumers;
    private final Boundaries boundaries;

    private Topology(SortedSet<Edge> edges, SortedMap<String, TopicNode> topics, List<Consumer> consumers,
                     Boundaries boundaries) {
        this.edges = Collections.unmodifiableSortedSet(edges);
        this.topics = Collections.unmodifiableSortedMap(topics);
        this.consumers = List.copyOf(consumers);
        this.boundaries = boundaries;
    }

    /**
     * Returns the topology of a bus's subscriptions and responders now, with the default module names. Nothing
     * publishes in it except the bus: add publishers with {@link #builder()}.
     *
     * @param bus the bus; not null
     * @return the topology
     */
    public static Topology of(MessageBus bus) {
        return builder().bus(bus).build();
    }

    /**
     * Returns a builder of a topology.
     *
     * @return an empty builder with the default module names
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns every edge, sorted by module, kind and topic.
     *
     * @return an immutable sorted set
     */
    public SortedSet<Edge> edges() {
        return edges;
    }

    /**
     * Returns every module that publishes or consumes something, sorted.
     *
     * @return an immutable sorted set
     */
    public SortedSet<String> modules() {
        SortedSet<String> modules = new TreeSet<>();
        edges.forEach(edge -> modules.add(edge.module()));
        return Collections.unmodifiableSortedSet(modules);
    }

    /**
     * Returns the dependencies between distinct modules, sorted by publisher and consumer: who consumes whose
     * topics (through patterns and supertypes too, as the bus routes them).
     *
     * @return an immutable list
     */
    public List<Dependency> dependencies() {
        Map<List<String>, SortedSet<String>> through = new TreeMap<>(
                Comparator.<List<String>, String>comparing(pair -> pair.get(0)).thenComparing(pair -> pair.get(1)));
        for (Edge published : edges) {
            if (!published.kind().sends()) {
                continue;
            }
            for (Edge consumed : edges) {
                if (!consumed.module().equals(published.module()) && receives(consumed, published)) {
                    through.computeIfAbsent(List.of(published.module(), consumed.module()), k -> new TreeSet<>())
                            .add(published.topic());
                }
            }
        }
        List<Dependency> dependencies = new ArrayList<>();
        through.forEach((pair, names) -> dependencies.add(new Dependency(pair.get(0), pair.get(1), names)));
        return List.copyOf(dependencies);
    }

    /**
     * Returns this topology with module boundaries to show and check: its outputs then show the rules and flag the
     * edges that break them ({@link #toJson()}, {@link #toMermaid()}, {@link #toBaseline()}), and
     * {@link TopologyAssert#hasNoBoundaryViolations()} fails on them. Boundaries without rules
     * ({@link Boundaries#isEmpty()}) leave the outputs as they are without boundaries.
     *
     * @param rules the boundaries; not null
     * @return a topology of the same edges, with these boundaries
     */
    public Topology withBoundaries(Boundaries rules) {
        return new Topology(edges, topics, consumers, Objects.requireNonNull(rules, "rules"));
    }

    /**
     * Returns the violations of the boundaries given with {@link #withBoundaries}, as {@link #violations(Boundaries)}
     * finds them.
     *
     * @return the violations, in the order of the edges; empty if the topology has no boundaries or keeps to them
     */
    public List<Boundaries.Violation> violations() {
        return violations(boundaries);
    }

    /** The boundaries given with {@link #withBoundaries}; {@link Boundaries#none()} if none were. */
    Boundaries boundaries() {
        return boundaries;
    }

    /**
     * Checks this topology against module boundaries, as a build can: every edge but the bus's own is checked as its
     * module publishing (publishes, requests) or consuming (subscribes, answers) its topic or pattern, by
     * {@link Boundaries#check}. The module {@code unnamed} counts as naming no module.
     *
     * @param boundaries the rules; not null
     * @return the violations, in the order of the edges; empty if the topology keeps to the rules
     */
    public List<Boundaries.Violation> violations(Boundaries boundaries) {
        return List.copyOf(violationsByEdge(Objects.requireNonNull(boundaries, "boundaries")).values());
    }

    /** The edges that break the boundaries, in order, each with its violation. */
    private Map<Edge, Boundaries.Violation> violationsByEdge(Boundaries rules) {
        Map<Edge, Boundaries.Violation> found = new LinkedHashMap<>();
        for (Edge edge : edges) {
            if (edge.module().equals(BUS_MODULE) || BUS_TOPICS.contains(edge.topic())) {
                continue;
            }
            Boundaries.Action action = edge.kind().sends() ? Boundaries.Action.PUBLISH : Boundaries.Action.CONSUME;
            String module = edge.module().equals("unnamed") ? null : edge.module();
            rules.check(action, module, edge.topic()).ifPresent(violation -> found.put(edge, violation));
        }
        return found;
    }

    /** The boundaries to show, or null if there are none, which leaves every output as it is without them. */
    private Boundaries shown() {
        return boundaries.isEmpty() ? null : boundaries;
    }

    /**
     * Returns the cycles between modules: each set of two or more modules that depend on each other, directly or
     * through others (a strongly connected component of the dependencies), sorted. A module that consumes its own
     * topics is not a cycle.
     *
     * @return an immutable list of sorted module sets; empty if there is none
     */
    public List<SortedSet<String>> cycles() {
        Map<String, Set<String>> graph = new TreeMap<>();
        modules().forEach(module -> graph.put(module, new TreeSet<>()));
        dependencies().forEach(dependency -> graph.get(dependency.from()).add(dependency.to()));
        return Graphs.cycles(graph);
    }

    /** Tells whether a consuming edge receives what a sending edge sends, as the bus routes it. */
    boolean receives(Edge consumed, Edge sent) {
        TopicNode consumer = topics.get(consumed.topic());
        TopicNode publication = topics.get(sent.topic());
        return consumed.kind().receives(sent.kind()) && consumer != null && publication != null
                && consumer.receives(publication);
    }

    /** The node of a topic or pattern by name, or null. */
    TopicNode node(String topic) {
        return topics.get(topic);
    }

    /**
     * The consuming edges of {@code module} (or of every module, if null) that receive {@code published} when sent as
     * {@code sent} (or sent either way, if null).
     */
    List<Edge> consumersOf(String module, TopicNode published, Kind sent) {
        List<Edge> found = new ArrayList<>();
        for (Edge edge : edges) {
            if (!edge.kind().sends() && (module == null || edge.module().equals(module))
                    && (sent == null || edge.kind().receives(sent))) {
                TopicNode consumer = topics.get(edge.topic());
                if (consumer != null && consumer.receives(published)) {
                    found.add(edge);
                }
            }
        }
        return found;
    }

    /**
     * Returns the edges as the lines of a baseline file, sorted, after a comment that names the schema. A test
     * compares them with the committed file ({@link TopologyAssert#matchesBaseline(java.nio.file.Path)}).
     *
     * <p>With {@link #withBoundaries boundaries}, the comment also lists the rules, and after the edges comes one
     * line per edge that breaks them, {@code "violation: <edge> (rule '<rule>')"}, as
     * {@code "violation: shipping publishes orders.placed (rule 'owns orders orders.>')"}, in the order of the edges;
     * a new one is a difference the baseline check fails on.
     *
     * @return the file's text, ending with a newline
     */
    public String toBaseline() {
        StringBuilder text = new StringBuilder("# ").append(SCHEMA).append(' ').append(SCHEMA_VERSION)
                .append(" baseline: one edge per line, \"<module> <publishes|requests|subscribes|answers> <topic>\".\n")
                .append("# Regenerate with -D").append(TopologyAssert.UPDATE_PROPERTY).append("=true\n");
        Boundaries rules = shown();
        if (rules != null) {
            text.append("# Then one line per edge that breaks the module boundaries, ")
                    .append("\"violation: <edge> (rule '<rule>')\". The boundaries:\n");
            rules.toString().lines().forEach(line -> text.append("#   ").append(line).append('\n'));
        }
        edges.forEach(edge -> text.append(edge).append('\n'));
        if (rules != null) {
            violationsByEdge(rules).forEach((edge, violation) -> text.append(violationLine(edge, violation))
                    .append('\n'));
        }
        return text.toString();
    }

    /** The baseline line of a violation. */
    private static String violationLine(Edge edge, Boundaries.Violation violation) {
        return "violation: " + edge + " (rule '" + violation.rule() + "')";
    }

    /**
     * Returns the topology as JSON, schema {@value #SCHEMA} version {@value #SCHEMA_VERSION}: an object with the
     * fields {@code schema}, {@code version}, {@code modules} (names), {@code topics} (each with {@code name},
     * {@code type} (null for a pattern), {@code named} and {@code pattern}), {@code edges} ({@code module},
     * {@code kind}: publishes, requests, subscribes or answers, {@code topic}), {@code subscriptions} ({@code module},
     * {@code name}, {@code kind}, {@code selector}, {@code async}) and {@code dependencies} ({@code from},
     * {@code to}, {@code topics}). Keys are sorted; arrays are sorted; one element per line, so that a committed
     * copy diffs well. A later version only adds fields.
     *
     * <p>With {@link #withBoundaries boundaries}, two more fields: {@code boundaries} ({@code mode}: enforce or
     * audit, {@code requireModules}, and {@code rules} in their order, each with {@code kind}: owns, publish, consume,
     * deny_publish, deny_consume or limit_publish, {@code module}, {@code pattern}, {@code line} (0 if built in code),
     * {@code rule} (its line of the text format), and for a limit {@code permits}, {@code perMillis} and
     * {@code burst}) and {@code violations} in the order of the edges, each with {@code module}, {@code kind} (the
     * edge's), {@code topic}, {@code action} (publish or consume), {@code rule} and {@code message}.
     *
     * @return the JSON text, ending with a newline
     */
    public String toJson() {
        Boundaries rules = shown();
        return Render.json(this, consumers, topics, rules, rules == null ? Map.of() : violationsByEdge(rules));
    }

    /**
     * Returns the topology as a Mermaid flowchart, left to right: modules as boxes, topics as rounded nodes
     * (patterns as hexagons), an arrow from each publishing module to its topic (labelled {@code requests} for
     * requests) and from each topic to the modules that consume it, labelled {@code async} for a subscription with a
     * mailbox and {@code answers} for a responder. Type topics show their simple class name.
     *
     * <p>With {@link #withBoundaries boundaries}, each module that owns topics of the diagram is a subgraph
     * {@code owned by <module>} around its box and those topics, and each edge that breaks the rules is a dotted red
     * arrow labelled {@code violates <rule>}.
     *
     * @return the diagram's text, ending with a newline, ready for a {@code mermaid} code block
     */
    public String toMermaid() {
        Boundaries rules = shown();
        return Render.mermaid(this, consumers, topics, rules, rules == null ? Map.of() : violationsByEdge(rules));
    }

    /** Equal: the same edges, subscriptions and boundaries (compared as their text: mode and rules). */
    @Override
    public boolean equals(Object other) {
        return other instanceof Topology that && edges.equals(that.edges) && consumers.equals(that.consumers)
                && boundaries.toString().equals(that.boundaries.toString());
    }

    @Override
    public int hashCode() {
        return edges.hashCode();
    }

    @Override
    public String toString() {
        return "Topology" + edges;
    }

    /**
     * Collects a topology. Not thread-safe. The module function applies to subscriptions added before it was set too:
     * it is used in {@link #build()}.
     */
    public static final class Builder {
        private Function<String, String> modules = Builder::defaultModule;
        private String outside;
        private final List<SubscriptionInfo> subscriptions = new ArrayList<>();
        /** Declared: {module, null, Topic, Kind}; recorded: {null, publishing subscription, Topic, RecordedMessage}. */
        private final List<Object[]> publishers = new ArrayList<>();
        private final List<Consumer> durables = new ArrayList<>();
        private final List<TopicNode> durableNodes = new ArrayList<>();

        private Builder() {
        }

        static String defaultModule(String subscription) {
            if (subscription.startsWith("#")) {
                return "unnamed";
            }
            int dot = subscription.indexOf('.');
            return dot > 0 ? subscription.substring(0, dot) : subscription;
        }

        /**
         * Sets how subscriptions are grouped into modules: a function from a subscription's name to its module, or
         * to null to leave the subscription out (a test's own probe, say). Default: the name up to its first dot, so
         * an annotated method ({@code OrderListener.onOrder}) belongs to its class; {@code unnamed} for the bus's
         * derived names of unnamed handlers ({@code #n …}).
         *
         * @param modules the function; not null; it must not throw
         * @return this builder
         */
        public Builder modules(Function<String, String> modules) {
            this.modules = Objects.requireNonNull(modules, "modules");
            return this;
        }

        /**
         * Names the module of messages a recorder saw published outside every handler (by the test, a scheduled
         * job, a web controller). Default: such publications are left out, as nobody declared them.
         *
         * @param module the module's name; not null, not blank
         * @return this builder
         * @throws IllegalArgumentException if {@code module} is blank
         */
        public Builder outsideModule(String module) {
            Objects.requireNonNull(module, "module");
            if (module.isBlank()) {
                throw new IllegalArgumentException("module must not be blank, but was '" + module + "'");
            }
            this.outside = module;
            return this;
        }

        /**
         * Adds every subscription and responder of a bus now, except a {@link BusRecorder}'s own.
         *
         * @param bus the bus; not null
         * @return this builder
         */
        public Builder bus(MessageBus bus) {
            Objects.requireNonNull(bus, "bus");
            for (SubscriptionInfo info : bus.subscriptions()) {
                if (!info.name().equals(BusRecorder.SUBSCRIPTION_NAME)
                        && !info.name().startsWith(BusRecorder.SUBSCRIPTION_NAME + ".")) {
                    subscriptions.add(info);
                }
            }
            return this;
        }

        /**
         * Declares that a module publishes (or sends) on topics.
         *
         * @param module the module; not null, not blank
         * @param topics the topics; none null
         * @return this builder
         * @throws IllegalArgumentException if {@code module} is blank
         */
        public Builder publishes(String module, Topic<?>... topics) {
            Objects.requireNonNull(module, "module");
            if (module.isBlank()) {
                throw new IllegalArgumentException("module must not be blank, but was '" + module + "'");
            }
            for (Topic<?> topic : topics) {
                publishers.add(new Object[] {module, null, Objects.requireNonNull(topic, "topic"), Kind.PUBLISHES});
            }
            return this;
        }

        /**
         * Declares that a module sends requests on topics.
         *
         * @param module the module; not null, not blank
         * @param topics the topics; none null
         * @return this builder
         * @throws IllegalArgumentException if {@code module} is blank
         */
        public Builder requests(String module, Topic<?>... topics) {
            Objects.requireNonNull(module, "module");
            if (module.isBlank()) {
                throw new IllegalArgumentException("module must not be blank, but was '" + module + "'");
            }
            for (Topic<?> topic : topics) {
                publishers.add(new Object[] {module, null, Objects.requireNonNull(topic, "topic"), Kind.REQUESTS});
            }
            return this;
        }

        /**
         * Declares a durable subscription or sink that the bus's registry does not hold: an outbox's durable
         * subscription (for example {@code durable("inventory", "inventory.reservations", OrderPlaced.TOPIC)}) or a
         * bridge that carries the topics to another service. It consumes what is published on the topics, as a
         * subscription does, with edges of kind {@link Kind#DURABLE}.
         *
         * @param module the module it belongs to; not null, not blank
         * @param name   its stable name; not null
         * @param topics the topics it receives; none null
         * @return this builder
         * @throws IllegalArgumentException if {@code module} is blank
         */
        public Builder durable(String module, String name, Topic<?>... topics) {
            checkModule(module);
            Objects.requireNonNull(name, "name");
            for (Topic<?> topic : topics) {
                durables.add(new Consumer(module, name, Kind.DURABLE, Objects.requireNonNull(topic, "topic").name(),
                        true));
                durableNodes.add(TopicNode.of(topic));
            }
            return this;
        }

        /**
         * As {@link #durable(String, String, Topic[])} for a sink that receives the topics whose names match
         * patterns ({@code *} one token, a final {@code >} one or more), as an outbox's sink does.
         *
         * @param module   the module it belongs to; not null, not blank
         * @param name     its stable name; not null
         * @param patterns the patterns; none null
         * @return this builder
         * @throws IllegalArgumentException if {@code module} is blank
         */
        public Builder durable(String module, String name, String... patterns) {
            checkModule(module);
            Objects.requireNonNull(name, "name");
            for (String pattern : patterns) {
                durables.add(new Consumer(module, name, Kind.DURABLE, Objects.requireNonNull(pattern, "pattern"),
                        true));
                durableNodes.add(TopicNode.ofPattern(pattern));
            }
            return this;
        }

        private static void checkModule(String module) {
            Objects.requireNonNull(module, "module");
            if (module.isBlank()) {
                throw new IllegalArgumentException("module must not be blank, but was '" + module + "'");
            }
        }

        /**
         * Adds what a recorder saw published: a message published inside a subscription's handler is published by
         * that subscription's module; one published outside every handler by the {@link #outsideModule(String)
         * outside module}, if one is named. A message that a responder of a bus given to {@link #bus(MessageBus)}
         * handled was a request. The bus's own messages (dead letters, dead messages, breaker changes) are left to
         * {@value Topology#BUS_MODULE}.
         *
         * @param recorder the recorder; not null
         * @return this builder
         */
        public Builder recorded(BusRecorder recorder) {
            Objects.requireNonNull(recorder, "recorder");
            for (RecordedMessage message : recorder.messages()) {
                if (!BUS_TOPICS.contains(message.topic().name()) || message.topic().isNamed()) {
                    publishers.add(new Object[] {null, message.publishedBy(), message.topic(), message});
                }
            }
            return this;
        }

        /** A recorded message was a request if a responder of its topic started on it. */
        private boolean wasRequest(RecordedMessage message) {
            TopicNode topic = TopicNode.of(message.topic());
            for (SubscriptionInfo info : subscriptions) {
                if (info.kind() == SubscriptionInfo.Kind.RESPONDER && info.topic() != null
                        && TopicNode.of(info.topic()).receives(topic) && message.delivery(info.name()).isPresent()) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Builds the topology.
         *
         * @return the topology, immutable
         */
        public Topology build() {
            SortedSet<Edge> edges = new TreeSet<>();
            SortedMap<String, TopicNode> topics = new TreeMap<>();
            List<Consumer> consumers = new ArrayList<>();
            for (SubscriptionInfo info : subscriptions) {
                String module = modules.apply(info.name());
                if (module == null) {
                    continue;
                }
                TopicNode node = info.topic() != null ? TopicNode.of(info.topic())
                        : TopicNode.ofPattern(info.pattern());
                topics.putIfAbsent(node.name(), node);
                Kind kind = info.kind() == SubscriptionInfo.Kind.RESPONDER ? Kind.ANSWERS : Kind.SUBSCRIBES;
                edges.add(new Edge(module, kind, node.name()));
                consumers.add(new Consumer(module, info.name(), kind, node.name(), info.async()));
                if (!node.named() && !node.pattern() && BUS_TOPICS.contains(node.name())) {
                    edges.add(new Edge(BUS_MODULE, Kind.PUBLISHES, node.name()));
                }
            }
            for (Object[] publisher : publishers) {
                String module = (String) publisher[0];
                Kind kind = publisher[3] instanceof Kind declared ? declared
                        : wasRequest((RecordedMessage) publisher[3]) ? Kind.REQUESTS : Kind.PUBLISHES;
                if (module == null) {
                    String subscription = (String) publisher[1];
                    module = subscription == null ? outside : modules.apply(subscription);
                }
                if (module == null) {
                    continue;
                }
                TopicNode node = TopicNode.of((Topic<?>) publisher[2]);
                topics.putIfAbsent(node.name(), node);
                edges.add(new Edge(module, kind, node.name()));
            }
            for (int i = 0; i < durables.size(); i++) {
                Consumer durable = durables.get(i);
                TopicNode node = durableNodes.get(i);
                topics.putIfAbsent(node.name(), node);
                edges.add(new Edge(durable.module(), Kind.DURABLE, node.name()));
                consumers.add(durable);
            }
            consumers.sort(Comparator.comparing(Consumer::module).thenComparing(Consumer::name)
                    .thenComparing(Consumer::selector).thenComparing(Consumer::kind));
            return new Topology(edges, topics, consumers, Boundaries.none());
        }
    }
}
