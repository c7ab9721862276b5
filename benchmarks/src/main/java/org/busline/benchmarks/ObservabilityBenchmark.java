package org.busline.benchmarks;

import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.micrometer.BusObservability;
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
 * What {@code bus-micrometer} costs a synchronous publish to one subscriber (as {@link SyncPublishBenchmark}'s
 * {@code busline}); average time per publish.
 * <ul>
 *   <li>{@code bare}: the bus without the module: the baseline.</li>
 *   <li>{@code noopRegistry}: the module with {@link ObservationRegistry#NOOP} and no meter registry, as an
 *       application that turns observability off: the bus comes back as built.</li>
 *   <li>{@code emptyObservationRegistry}: an {@link ObservationRegistry#create()} with no handler (observations are
 *       no-ops, checked per message) and no meters: the interceptor is installed, so the bus makes an envelope per
 *       message.</li>
 *   <li>{@code simpleMeterRegistry}: the {@code busline.*} meters in a {@link SimpleMeterRegistry}, no
 *       observations.</li>
 *   <li>{@code observedAndMetered}: meters and real send and process observations, handled by a handler that does
 *       nothing (the cost of the observations themselves, without a tracer).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ObservabilityBenchmark {
    static final Topic<Event> TOPIC = Topic.of(Event.class);

    /** The event, made once. */
    @State(Scope.Thread)
    public static class Events {
        Event event = new Event(0);
    }

    /** A bus with one lambda subscriber, observed as {@link #observability()} says. */
    public abstract static class BusState {
        MessageBus bus;

        abstract BusObservability observability();

        @Setup
        public void setUp(Blackhole bh, Events events) {
            BusObservability observability = observability();
            bus = observability == null ? MessageBus.builder().build()
                    : observability.build(MessageBus.builder());
            bus.subscribe(Event.class, e -> bh.consume(e));
            Verify.busline(1, bus.publish(TOPIC, events.event).reached());
        }

        @TearDown
        public void tearDown() {
            bus.close();
        }
    }

    /** Without the module. */
    @State(Scope.Thread)
    public static class Bare extends BusState {
        @Override
        BusObservability observability() {
            return null;
        }
    }

    /** The module, everything off. */
    @State(Scope.Thread)
    public static class Noop extends BusState {
        @Override
        BusObservability observability() {
            return BusObservability.builder().observationRegistry(ObservationRegistry.NOOP).build();
        }
    }

    /** A registry without handlers. */
    @State(Scope.Thread)
    public static class EmptyRegistry extends BusState {
        @Override
        BusObservability observability() {
            return BusObservability.builder().observationRegistry(ObservationRegistry.create()).build();
        }
    }

    /** Meters only. */
    @State(Scope.Thread)
    public static class Metered extends BusState {
        @Override
        BusObservability observability() {
            return BusObservability.builder().meterRegistry(new SimpleMeterRegistry()).build();
        }
    }

    /** Meters and observations handled by a handler that does nothing. */
    @State(Scope.Thread)
    public static class Observed extends BusState {
        @Override
        BusObservability observability() {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(new ObservationHandler<>() {
                @Override
                public boolean supportsContext(Observation.Context context) {
                    return true;
                }
            });
            return BusObservability.builder().observationRegistry(registry).meterRegistry(new SimpleMeterRegistry())
                    .build();
        }
    }

    @Benchmark
    public Object bare(Bare state, Events events) {
        return state.bus.publish(TOPIC, events.event);
    }

    @Benchmark
    public Object noopRegistry(Noop state, Events events) {
        return state.bus.publish(TOPIC, events.event);
    }

    @Benchmark
    public Object emptyObservationRegistry(EmptyRegistry state, Events events) {
        return state.bus.publish(TOPIC, events.event);
    }

    @Benchmark
    public Object simpleMeterRegistry(Metered state, Events events) {
        return state.bus.publish(TOPIC, events.event);
    }

    @Benchmark
    public Object observedAndMetered(Observed state, Events events) {
        return state.bus.publish(TOPIC, events.event);
    }
}
