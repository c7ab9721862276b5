package org.busline.benchmarks;

import java.util.concurrent.TimeUnit;
import org.busline.Boundaries;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Topic;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What module boundaries cost a synchronous publish to one subscriber (as {@link SyncPublishBenchmark}'s
 * {@code busline}); average time per publish. The subscriber is {@code Delivery.sync().module("payments")} in every
 * set-up, and may consume the topic.
 * <ul>
 *   <li>{@code noRules}: a bus without boundaries, {@code publish(TOPIC, event)}: the baseline (the bus holds no
 *       boundary check; the publish pays one null check).</li>
 *   <li>{@code noRulesAsModule}: the same publish inside {@code asModule("orders", …)}, which sets and restores the
 *       thread's module: the baseline of the two below.</li>
 *   <li>{@code allowed}: boundaries in enforce mode under which {@code orders} owns the topic; its publish is
 *       allowed (a remembered decision: two map look-ups).</li>
 *   <li>{@code audited}: the same rules in audit mode, published as {@code shipping}, which may not: each publish is
 *       a violation, counted and delivered (logged once, in the set-up).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BoundariesBenchmark {
    static final Topic<Event> TOPIC = Topic.of(Event.class);

    static final String RULES = """
            owns orders org.busline.benchmarks.>
            consume payments org.busline.benchmarks.Event
            publish billing org.busline.benchmarks.Event
            deny consume shipping org.busline.benchmarks.>
            """;

    /** A bus with one subscriber, and the publish to run as a module. */
    @State(Scope.Thread)
    public abstract static class BusState {
        MessageBus bus;
        Event event = new Event(0);
        Runnable publish;

        abstract Boundaries boundaries();

        @Setup
        public void setUp(Blackhole bh) {
            MessageBus.Builder builder = MessageBus.builder();
            Boundaries boundaries = boundaries();
            bus = (boundaries == null ? builder : builder.boundaries(boundaries)).build();
            bus.subscribe(TOPIC, e -> bh.consume(e), Delivery.sync().module("payments"));
            publish = () -> bus.publish(TOPIC, event);
            Verify.busline(1, bus.asModule(module(), () -> bus.publish(TOPIC, event)).reached());
        }

        /** The module the measured publish runs as. */
        String module() {
            return "orders";
        }

        @TearDown
        public void tearDown() {
            bus.close();
        }
    }

    /** No boundaries. */
    public static class NoRules extends BusState {
        @Override
        Boundaries boundaries() {
            return null;
        }
    }

    /** Boundaries under which {@code orders} owns the topic. */
    public static class Enforced extends BusState {
        @Override
        Boundaries boundaries() {
            return Boundaries.parse(RULES);
        }
    }

    /** The same rules in audit mode; {@code shipping} publishes. */
    public static class Audited extends BusState {
        @Override
        Boundaries boundaries() {
            return Boundaries.parse("mode audit\n" + RULES);
        }

        @Override
        String module() {
            return "shipping";
        }
    }

    /**
     * No boundaries, no module.
     *
     * @param s the bus
     */
    @Benchmark
    public void noRules(NoRules s) {
        s.bus.publish(TOPIC, s.event);
    }

    /**
     * No boundaries, published as a module.
     *
     * @param s the bus
     */
    @Benchmark
    public void noRulesAsModule(NoRules s) {
        s.bus.asModule("orders", s.publish);
    }

    /**
     * An allowed publish under rules.
     *
     * @param s the bus
     */
    @Benchmark
    public void allowed(Enforced s) {
        s.bus.asModule("orders", s.publish);
    }

    /**
     * A forbidden publish in audit mode: counted and delivered.
     *
     * @param s the bus
     */
    @Benchmark
    public void audited(Audited s) {
        s.bus.asModule("shipping", s.publish);
    }
}
