package org.busline.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import org.assertj.core.api.AbstractAssert;
import org.busline.Boundaries;
import org.busline.Topic;
import org.busline.test.Topology.Dependency;
import org.busline.test.Topology.Edge;
import org.busline.test.internal.TopicNode;

/**
 * Architecture checks on a {@link Topology}, made by {@link BusAssertions#assertThat(Topology)}:
 *
 * <pre>{@code
 * assertThat(topology)
 *         .everyPublishedTopicHasASubscriber()
 *         .everySubscribedTopicHasAPublisher()
 *         .moduleDoesNotConsume("notifications", PaymentFailed.TOPIC)
 *         .hasNoCycleBetweenModules()
 *         .matchesBaseline(Path.of("src/test/resources/topology.baseline"));
 * }</pre>
 *
 * <p><b>Committed files.</b> {@link #matchesBaseline(Path)}, {@link #matchesMermaidIn(Path)} and
 * {@link #matchesJsonIn(Path)} compare the topology with a file kept in the repository. When they differ the test fails and prints the difference; run the tests
 * once with the system property {@value #UPDATE_PROPERTY}{@code =true} (for Maven:
 * {@code mvn test -Dbusline.topology.update=true}, which Surefire passes on to the tests) to write the files as they
 * are now instead, then review and commit them.
 */
public final class TopologyAssert extends AbstractAssert<TopologyAssert, Topology> {
    /** The system property that makes the file checks rewrite their files instead of failing: {@code true}. */
    public static final String UPDATE_PROPERTY = "busline.topology.update";

    TopologyAssert(Topology topology) {
        super(Objects.requireNonNull(topology, "topology"), TopologyAssert.class);
    }

    /**
     * Verifies that every topic some module publishes on reaches a subscription, and every topic it sends requests on
     * a responder.
     *
     * @return this
     */
    public TopologyAssert everyPublishedTopicHasASubscriber() {
        List<String> unheard = new ArrayList<>();
        for (Edge edge : actual.edges()) {
            if (edge.kind().sends() && actual.consumersOf(null, actual.node(edge.topic()), edge.kind()).isEmpty()) {
                unheard.add(edge.toString());
            }
        }
        if (!unheard.isEmpty()) {
            fail("Expected every published topic to have a subscriber, but nobody consumes:\n  "
                    + String.join("\n  ", unheard));
        }
        return this;
    }

    /**
     * Verifies that every subscription is on a topic (or a pattern matching a topic) that some module publishes on,
     * and every responder on a topic that some module sends requests on.
     *
     * @return this
     */
    public TopologyAssert everySubscribedTopicHasAPublisher() {
        List<String> unfed = new ArrayList<>();
        for (Edge consumer : actual.edges()) {
            if (consumer.kind().sends()) {
                continue;
            }
            boolean fed = actual.edges().stream().anyMatch(edge -> actual.receives(consumer, edge));
            if (!fed) {
                unfed.add(consumer.toString());
            }
        }
        if (!unfed.isEmpty()) {
            fail("Expected every subscribed topic to have a publisher, but nobody publishes what these consume:\n  "
                    + String.join("\n  ", unfed));
        }
        return this;
    }

    /**
     * Verifies that no subscription or responder of a module receives a topic's messages, directly, through a
     * supertype or through a pattern.
     *
     * @param module the module; not null
     * @param topic  the topic; not null
     * @return this
     */
    public TopologyAssert moduleDoesNotConsume(String module, Topic<?> topic) {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(topic, "topic");
        return doesNotConsume(module, TopicNode.of(topic));
    }

    /**
     * Verifies that no subscription or responder of a module receives the messages of a topic given by name: a
     * topic of the topology, or else a named topic of that name.
     *
     * @param module the module; not null
     * @param topic  the topic's name; not null
     * @return this
     */
    public TopologyAssert moduleDoesNotConsume(String module, String topic) {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(topic, "topic");
        TopicNode node = actual.node(topic);
        return doesNotConsume(module, node != null && !node.pattern() ? node
                : new TopicNode(topic, null, true, false, null));
    }

    private TopologyAssert doesNotConsume(String module, TopicNode topic) {
        List<Edge> found = actual.consumersOf(module, topic, null);
        if (!found.isEmpty()) {
            fail("Expected module '" + module + "' not to consume topic '" + topic.name() + "', but it does:\n  "
                    + found.stream().map(Edge::toString).reduce((a, b) -> a + "\n  " + b).orElse(""));
        }
        return this;
    }

    /**
     * Verifies that a module consumes nothing another module publishes.
     *
     * @param module the consuming module; not null
     * @param other  the publishing module; not null
     * @return this
     */
    public TopologyAssert moduleDoesNotDependOn(String module, String other) {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(other, "other");
        for (Dependency dependency : actual.dependencies()) {
            if (dependency.to().equals(module) && dependency.from().equals(other)) {
                fail("Expected module '" + module + "' not to depend on '" + other + "', but it consumes "
                        + dependency.topics() + " that '" + other + "' publishes.");
            }
        }
        return this;
    }

    /**
     * Verifies that no two modules depend on each other, directly or through others.
     *
     * @return this
     */
    public TopologyAssert hasNoCycleBetweenModules() {
        List<SortedSet<String>> cycles = actual.cycles();
        if (!cycles.isEmpty()) {
            StringBuilder text = new StringBuilder("Expected no cycle between modules, but found ")
                    .append(cycles.size()).append(':');
            for (SortedSet<String> cycle : cycles) {
                text.append("\n  ").append(cycle).append(", through:");
                for (Dependency dependency : actual.dependencies()) {
                    if (cycle.contains(dependency.from()) && cycle.contains(dependency.to())) {
                        text.append("\n    ").append(dependency);
                    }
                }
            }
            fail(text.toString());
        }
        return this;
    }

    /**
     * Verifies that the topology breaks none of the module boundaries given with {@link Topology#withBoundaries}:
     * no edge is a publish or a consumption they forbid ({@link Topology#violations()}).
     *
     * @return this
     * @throws AssertionError listing each violation, naming module, topic and rule; or if the topology was given no
     *                        boundaries with rules, as then there is nothing to check
     */
    public TopologyAssert hasNoBoundaryViolations() {
        if (actual.boundaries().isEmpty()) {
            fail("Expected no boundary violations, but the topology has no boundaries to check: give them with "
                    + "Topology.withBoundaries(Boundaries.load(...))");
        }
        List<Boundaries.Violation> violations = actual.violations();
        if (!violations.isEmpty()) {
            StringBuilder text = new StringBuilder("Expected no boundary violations, but found ")
                    .append(violations.size()).append(':');
            violations.forEach(violation -> text.append("\n  ").append(violation.message()));
            fail(text.toString());
        }
        return this;
    }

    /**
     * Verifies that the edges are those of a committed baseline file ({@link Topology#toBaseline()}): fails when an
     * edge appeared or disappeared, and prints each with {@code +} (new) or {@code -} (gone). With
     * {@link Topology#withBoundaries boundaries}, the baseline's violation lines count as edges do: a new violation
     * fails the check, printed as {@code + violation: <module> <kind> <topic> (rule '<rule>')}, while one the
     * committed file lists was accepted there (use {@link #hasNoBoundaryViolations()} to accept none). Comment lines
     * ({@code #}) and blank lines of the file are ignored. With {@value #UPDATE_PROPERTY}{@code =true}, writes the
     * file instead.
     *
     * @param baseline the file; not null
     * @return this
     * @throws UncheckedIOException if the file cannot be read or written
     */
    public TopologyAssert matchesBaseline(Path baseline) {
        Objects.requireNonNull(baseline, "baseline");
        if (updating()) {
            write(baseline, actual.toBaseline());
            return this;
        }
        if (!Files.exists(baseline)) {
            fail("The topology baseline " + baseline.toAbsolutePath() + " does not exist. Create it by running the "
                    + "test with -D" + UPDATE_PROPERTY + "=true, then commit it. Its edges would be:\n"
                    + actual.toBaseline());
        }
        SortedSet<String> committed = entries(read(baseline));
        SortedSet<String> now = entries(actual.toBaseline());
        List<String> difference = new ArrayList<>();
        now.stream().filter(edge -> !committed.contains(edge)).forEach(edge -> difference.add("+ " + edge));
        committed.stream().filter(edge -> !now.contains(edge)).forEach(edge -> difference.add("- " + edge));
        if (!difference.isEmpty()) {
            fail("The topology differs from the baseline " + baseline + " (+ new edge, - edge gone):\n  "
                    + String.join("\n  ", difference) + "\nIf the change is intended, run the test with -D"
                    + UPDATE_PROPERTY + "=true and commit the file.");
        }
        return this;
    }

    /**
     * Verifies that a committed file shows the topology's current Mermaid diagram ({@link Topology#toMermaid()}):
     * in a Markdown file ({@code .md}), the first {@code ```mermaid} block; in any other file, the whole text. With
     * {@value #UPDATE_PROPERTY}{@code =true}, writes it instead: replaces that block (or appends one to the Markdown
     * file, or creates the file).
     *
     * @param file the file; not null
     * @return this
     * @throws UncheckedIOException if the file cannot be read or written
     */
    public TopologyAssert matchesMermaidIn(Path file) {
        Objects.requireNonNull(file, "file");
        String diagram = actual.toMermaid();
        boolean markdown = file.getFileName().toString().endsWith(".md");
        String current = Files.exists(file) ? read(file) : null;
        String shown = current == null ? null : markdown ? mermaidBlock(current) : current;
        if (diagram.equals(shown)) {
            return this;
        }
        if (updating()) {
            write(file, markdown ? withMermaidBlock(current, diagram) : diagram);
            return this;
        }
        fail("The Mermaid diagram in " + file + (shown == null ? " is missing" : " is out of date")
                + ". It should be:\n"
                + diagram + (shown == null ? "" : "but it is:\n" + shown)
                + "Run the test with -D" + UPDATE_PROPERTY + "=true to rewrite it, then commit the file.");
        return this;
    }

    /**
     * Verifies that a committed file holds the topology's current JSON ({@link Topology#toJson()}), for tools that
     * read it. With {@value #UPDATE_PROPERTY}{@code =true}, writes it instead.
     *
     * @param file the file; not null
     * @return this
     * @throws UncheckedIOException if the file cannot be read or written
     */
    public TopologyAssert matchesJsonIn(Path file) {
        Objects.requireNonNull(file, "file");
        String json = actual.toJson();
        String current = Files.exists(file) ? read(file) : null;
        if (json.equals(current)) {
            return this;
        }
        if (updating()) {
            write(file, json);
            return this;
        }
        fail("The topology JSON in " + file + (current == null ? " is missing" : " is out of date")
                + ". It should be:\n" + json + "Run the test with -D" + UPDATE_PROPERTY
                + "=true to rewrite it, then commit the file.");
        return this;
    }

    /** The lines of a baseline that are not comments or blank: its edges and violations. */
    private static SortedSet<String> entries(String baseline) {
        SortedSet<String> entries = new TreeSet<>();
        for (String line : baseline.split("\n")) {
            String entry = line.strip();
            if (!entry.isEmpty() && !entry.startsWith("#")) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private static final String FENCE = "```mermaid\n";

    private static String mermaidBlock(String markdown) {
        int start = markdown.indexOf(FENCE);
        if (start < 0) {
            return null;
        }
        int end = markdown.indexOf("```", start + FENCE.length());
        return end < 0 ? null : markdown.substring(start + FENCE.length(), end);
    }

    private static String withMermaidBlock(String markdown, String diagram) {
        if (markdown == null) {
            return FENCE + diagram + "```\n";
        }
        int start = markdown.indexOf(FENCE);
        int end = start < 0 ? -1 : markdown.indexOf("```", start + FENCE.length());
        if (end < 0) {
            return markdown + (markdown.endsWith("\n") ? "\n" : "\n\n") + FENCE + diagram + "```\n";
        }
        return markdown.substring(0, start + FENCE.length()) + diagram + markdown.substring(end);
    }

    private static boolean updating() {
        return Boolean.getBoolean(UPDATE_PROPERTY);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    private void fail(String problem) {
        failWithMessage("%s", problem);
    }
}
