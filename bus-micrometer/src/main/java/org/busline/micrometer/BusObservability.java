package org.busline.micrometer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.ThreadLocalAccessor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.busline.MessageBus;
import org.busline.micrometer.internal.BusBinding;
import org.busline.micrometer.internal.BusMeters;
import org.busline.micrometer.internal.MdcAccessor;
import org.busline.micrometer.internal.ObservedMessageBus;
import org.busline.micrometer.internal.ObservingInterceptor;
import org.busline.micrometer.internal.SnapshotPropagator;

/**
 * Observations, metrics and context propagation for a {@link MessageBus}, on Micrometer.
 *
 * <pre>{@code
 * BusObservability observability = BusObservability.builder()
 *         .observationRegistry(observationRegistry)   // spans, through Micrometer Tracing's handlers
 *         .meterRegistry(meterRegistry)               // busline.* meters
 *         .build();
 * MessageBus bus = observability.build(MessageBus.builder().name("shop"));
 * }</pre>
 *
 * <p><b>Observations.</b> {@code send {topic}} (a {@link BusSendContext}, producer kind) around each publish, send
 * and request (for a request, until its reply or failure), and {@code process {topic}} (a {@link BusProcessContext},
 * consumer kind) around each attempt of each handler, on whichever thread runs it. Their keys follow the OpenTelemetry
 * messaging conventions; the module's README lists them. Tracing handlers inject the trace context (W3C
 * {@code traceparent}, {@code tracestate}) into the envelope's headers at send, and extract it at process, so the
 * process span is a child of the send span across threads, retries, serialization and bridges; with
 * {@link BusTracing#linkingReceiverHandler} it also links to it.
 *
 * <p><b>Metrics</b> ({@code busline.*}) when a meter registry is set: messages published, delivered, failed,
 * retried, dead-lettered, dropped and dead; handler duration; requests in flight and their outcome; and gauges of
 * each subscription's mailbox and circuit breaker, read from {@link MessageBus#subscriptions()}. Tags are the bus,
 * the topic's name, the subscription's name and small enumerations, never a message id.
 *
 * <p><b>Context.</b> Unless turned off, every thread-local of a {@link ContextRegistry} (by default the SLF4J MDC
 * and those found by {@link java.util.ServiceLoader}, such as Micrometer's current observation) is captured when a
 * message enters an asynchronous mailbox and set around its handler, with {@code clearMissing(true)}: what the
 * publisher did not have is cleared, so nothing of one message leaks into the next on a pooled thread.
 *
 * <p>Instances are immutable and thread-safe; one may observe several buses.
 */
public final class BusObservability {
    private final ObservationRegistry observations;
    private final MeterRegistry meters;
    private final ContextSnapshotFactory snapshots;
    private final ObservationConvention<BusSendContext> sendConvention;
    private final ObservationConvention<BusProcessContext> processConvention;
    /** The outbox names whose gauges are bound now ({@link #bindOutboxStats}). */
    private final Set<String> boundOutboxes = ConcurrentHashMap.newKeySet();

    private BusObservability(Builder builder) {
        this.observations = builder.observations;
        this.meters = builder.meters;
        this.snapshots = builder.propagateContext
                ? ContextSnapshotFactory.builder().contextRegistry(builder.contextRegistry != null
                        ? builder.contextRegistry : defaultContextRegistry()).clearMissing(true).build()
                : null;
        this.sendConvention = builder.sendConvention;
        this.processConvention = builder.processConvention;
    }

    /**
     * Returns a builder with no observation registry ({@link ObservationRegistry#NOOP}), no meter registry, and
     * context propagation on.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The thread-local accessor of the whole SLF4J MDC, for a {@link ContextRegistry} given to
     * {@link Builder#contextRegistry}; the default registry already holds one.
     *
     * @return an accessor that captures a copy of the MDC's map and restores it whole
     */
    public static ThreadLocalAccessor<Map<String, String>> mdcAccessor() {
        return new MdcAccessor();
    }

    private static ContextRegistry defaultContextRegistry() {
        ContextRegistry registry = new ContextRegistry();
        registry.loadContextAccessors();
        registry.loadThreadLocalAccessors();
        registry.registerThreadLocalAccessor(new MdcAccessor());
        return registry;
    }

    /**
     * Adds this module's interceptor and context propagator to {@code builder}, builds the bus, subscribes to its
     * reports ({@code DeadLetter}, {@code DeadMessage}, circuit breaker state changes) and registers its gauges.
     * The bus returned records each publish, send and request: use it, not another reference to the same bus. Its
     * {@code close()} also removes the gauges. With neither an observation nor a meter registry, only the context
     * propagator is added, and the bus is returned as built, with no cost on its synchronous path.
     *
     * <p>The builder keeps the interceptor and propagator: do not build another bus with it.
     *
     * @param builder the configured builder; not null
     * @return the observed bus
     * @throws NullPointerException if {@code builder} is null
     */
    public MessageBus build(MessageBus.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        if (snapshots != null) {
            builder.contextPropagator(new SnapshotPropagator(snapshots));
        }
        if (observations == ObservationRegistry.NOOP && meters == null) {
            return builder.build();
        }
        ObservingInterceptor interceptor = new ObservingInterceptor(observations, sendConvention,
                processConvention);
        builder.interceptor(interceptor);
        MessageBus bus = builder.build();
        BusMeters busMeters = meters == null ? null : new BusMeters(meters, bus.name());
        interceptor.bind(bus.name(), busMeters);
        BusBinding binding = null;
        if (busMeters != null) {
            binding = new BusBinding(bus, busMeters);
            binding.bind();
        }
        return new ObservedMessageBus(bus, interceptor, busMeters, binding);
    }

    /**
     * Reports an outbox's numbers as gauges: {@code busline.outbox.pending}, {@code busline.outbox.in.flight},
     * {@code busline.outbox.dead} and {@code busline.outbox.oldest.age} (seconds), tagged {@code outbox=name}. The
     * supplier is called at most about once a second, from the registry's poller thread, and must be thread-safe; if
     * it throws, the gauges read NaN until it succeeds again.
     *
     * @param name  the outbox's name, as the tag shows it; not blank
     * @param stats the source of the numbers, such as {@code () -> map(outbox.stats())}; not null
     * @return a handle whose {@code close()} removes the gauges; closing it again does nothing
     * @throws IllegalStateException    if no meter registry was set, or gauges of this name are bound already (close
     *                                  their handle first)
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public AutoCloseable bindOutboxStats(String name, Supplier<OutboxStats> stats) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(stats, "stats");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, but was '" + name + "'");
        }
        if (meters == null) {
            throw new IllegalStateException("bindOutboxStats needs a meter registry: set one with "
                    + "BusObservability.builder().meterRegistry(…)");
        }
        if (!boundOutboxes.add(name)) {
            throw new IllegalStateException("the stats of outbox '" + name + "' are bound already; the registry would "
                    + "keep reading the first supplier. Close that handle first, or give this outbox another name");
        }
        CachedStats cached = new CachedStats(stats);
        List<Meter> gauges;
        try {
            gauges = List.of(
                    outboxGauge("busline.outbox.pending", "Outbox rows waiting to be delivered", name, cached,
                            OutboxStats::pending),
                    outboxGauge("busline.outbox.in.flight", "Outbox rows being delivered now", name, cached,
                            OutboxStats::inFlight),
                    outboxGauge("busline.outbox.dead", "Outbox rows that gave up", name, cached, OutboxStats::dead),
                    TimeGauge.builder("busline.outbox.oldest.age", cached, TimeUnit.SECONDS,
                                    c -> c.read(s -> s.oldestPendingAge().toNanos() / 1e9))
                            .description("How long the oldest pending outbox row has waited").tag("outbox", name)
                            .register(meters));
        } catch (RuntimeException refused) {
            boundOutboxes.remove(name);
            throw refused;
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                gauges.forEach(meters::remove);
                boundOutboxes.remove(name);
            }
        };
    }

    private Gauge outboxGauge(String meterName, String description, String outbox, CachedStats cached,
                              ToDoubleFunction<OutboxStats> value) {
        return Gauge.builder(meterName, cached, c -> c.read(value)).description(description).tag("outbox", outbox)
                .strongReference(true).register(meters);
    }

    /** The last numbers of an outbox, taken again when older than a second. Thread-safe. */
    private static final class CachedStats {
        private static final long TTL_NANOS = Duration.ofSeconds(1).toNanos();
        private final Supplier<OutboxStats> source;
        private OutboxStats last;
        private long takenAt;

        CachedStats(Supplier<OutboxStats> source) {
            this.source = source;
        }

        synchronized double read(ToDoubleFunction<OutboxStats> value) {
            long now = System.nanoTime();
            if (last == null || now - takenAt > TTL_NANOS) {
                try {
                    last = Objects.requireNonNull(source.get(), "the outbox stats supplier returned null");
                    takenAt = now;
                } catch (RuntimeException failure) {
                    last = null;
                    return Double.NaN;
                }
            }
            return value.applyAsDouble(last);
        }
    }

    /** Configures a {@link BusObservability}. Each method checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private ObservationRegistry observations = ObservationRegistry.NOOP;
        private MeterRegistry meters;
        private ContextRegistry contextRegistry;
        private boolean propagateContext = true;
        private ObservationConvention<BusSendContext> sendConvention;
        private ObservationConvention<BusProcessContext> processConvention;

        private Builder() {
        }

        /**
         * Sets the registry of the send and process observations. Default: {@link ObservationRegistry#NOOP}, which
         * records none.
         *
         * @param registry the registry; not null
         * @return this builder
         */
        public Builder observationRegistry(ObservationRegistry registry) {
            this.observations = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Sets the registry of the {@code busline.*} meters. Default: none, so no meters.
         *
         * @param registry the registry; not null
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meters = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Sets the registry of the thread-locals carried to asynchronous handlers. Default: a registry of its own
         * with the SLF4J MDC ({@link #mdcAccessor()}) and the accessors found by {@link java.util.ServiceLoader};
         * a registry given here is used as it is (register {@link #mdcAccessor()} in it to carry the MDC).
         *
         * @param registry the registry; not null
         * @return this builder
         */
        public Builder contextRegistry(ContextRegistry registry) {
            this.contextRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Turns the propagation of thread-locals to asynchronous handlers on or off. Default: on.
         *
         * @param propagate false to add no context propagator
         * @return this builder
         */
        public Builder propagateContext(boolean propagate) {
            this.propagateContext = propagate;
            return this;
        }

        /**
         * Replaces the default names and keys of the send observations. As Micrometer arranges for a custom
         * convention, it takes precedence over a {@code GlobalObservationConvention} of the registry.
         *
         * @param convention the convention; not null
         * @return this builder
         */
        public Builder sendConvention(ObservationConvention<BusSendContext> convention) {
            this.sendConvention = Objects.requireNonNull(convention, "convention");
            return this;
        }

        /**
         * Replaces the default names and keys of the process observations.
         *
         * @param convention the convention; not null
         * @return this builder
         */
        public Builder processConvention(ObservationConvention<BusProcessContext> convention) {
            this.processConvention = Objects.requireNonNull(convention, "convention");
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return a new {@link BusObservability}
         */
        public BusObservability build() {
            return new BusObservability(this);
        }
    }
}
