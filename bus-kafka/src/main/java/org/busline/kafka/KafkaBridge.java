package org.busline.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.busline.MessageBus;
import org.busline.kafka.internal.CloudEventsCodec;
import org.busline.kafka.internal.InboundConsumer;
import org.busline.kafka.internal.KafkaSettings;
import org.busline.kafka.internal.OutboundRoute;
import org.busline.kafka.internal.RemoteRequester;
import org.busline.kafka.internal.ResponderStep;
import org.busline.spi.Serializer;
import org.busline.spi.SerializerProvider;
import org.busline.spi.TypeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries topics of a local {@link MessageBus} between services over Apache Kafka, so that a module moved out of the
 * monolith keeps its publishers and subscribers unchanged.
 *
 * <pre>{@code
 * KafkaBridge bridge = KafkaBridge.builder(bus, "localhost:9092")
 *         .source("/shop/orders")
 *         .outbound(Outbound.of(OrderPlaced.TOPIC).key(OrderPlaced::orderId))   // bus -> Kafka
 *         .inbound(Inbound.of(PaymentTaken.TOPIC, "orders"))                      // Kafka -> bus
 *         .start();
 * ...
 * bridge.close();   // before bus.close()
 * }</pre>
 *
 * <p><b>Outbound</b> ({@link Outbound}): a synchronous subscription of the bridge hands every message of the topic to
 * one idempotent producer ({@code acks=all}, {@code enable.idempotence=true}, at most 5 requests in flight, set
 * explicitly), keyed by the route's key function; records of one key keep their publish order. A send that fails at
 * once is a failure of that subscription, reported by the bus (error handler, {@link org.busline.DeadLetter}); one
 * the broker refuses later is logged at ERROR and published on the bus as a {@link org.busline.DeadLetter} of reason
 * {@code FAILED} whose subscriber is {@code kafka-outbound:<topic>}. The local publish does not wait for the broker:
 * for a message that must survive a crash of this process, go through the outbox.
 *
 * <p><b>Inbound</b> ({@link Inbound}): at least once, offsets committed only after every local subscriber finished,
 * per-key order, bounded memory, dead-letter topic; see {@link Inbound}. Consumers never auto-commit.
 *
 * <p><b>Wire format</b>: CloudEvents 1.0 binary mode ({@link KafkaHeaders}); the value is the envelope as the
 * {@link Serializer} writes it, so the receiving bus gets the same id, correlation and causation ids and headers.
 *
 * <p><b>Close</b>: {@link #close()} stops the outbound subscriptions, stops polling, waits for the local deliveries
 * in flight, commits, then flushes and closes the producer. Close the bridge before its bus.
 *
 * <p>Thread-safe.
 */
public final class KafkaBridge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaBridge.class);

    private final List<OutboundRoute<?>> outbound;
    private final List<InboundConsumer<?>> inbound;
    private final List<InboundConsumer<?>> responders;
    private final RemoteRequester requester;
    private final List<RequestRoute<?, ?>> requestRoutes;
    private final ExecutorService executor;
    private final Producer<byte[], byte[]> producer;
    private final CloudEventsCodec codec;
    private final ExecutorService reporter;
    private final ScheduledExecutorService timer;
    private final Duration closeTimeout;
    private final Object lock = new Object();
    private boolean closed;

    private KafkaBridge(Builder builder) {
        this.closeTimeout = builder.closeTimeout;
        TypeRegistry types = builder.types;
        Serializer serializer = builder.serializer != null ? builder.serializer : discover(types);
        String clientId = "busline-" + builder.bus.name();
        CloudEventsCodec codec = new CloudEventsCodec(serializer, types,
                builder.source != null ? builder.source : "/busline/" + builder.bus.name());
        this.codec = codec;
        this.reporter = Executors.newSingleThreadExecutor(task -> daemon(task, clientId + "-kafka-reports"));
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, clientId + "-kafka-timer"));
        this.executor = Executors.newCachedThreadPool(task -> daemon(task, clientId + "-kafka-requests"));
        this.producer = new KafkaProducer<>(KafkaSettings.producer(builder.bootstrapServers, clientId,
                builder.producerOverrides));
        List<OutboundRoute<?>> routes = new ArrayList<>();
        List<InboundConsumer<?>> consumers = new ArrayList<>();
        List<InboundConsumer<?>> answering = new ArrayList<>();
        RemoteRequester remote = null;
        try {
            for (Outbound<?> route : builder.outbound) {
                routes.add(outboundRoute(builder, route, codec));
            }
            for (Inbound<?> route : builder.inbound) {
                consumers.add(inboundConsumer(builder, route, clientId, codec));
            }
            for (ResponderRoute<?, ?> route : builder.responders) {
                answering.add(responderConsumer(builder, route, clientId, codec));
            }
            if (!builder.requests.isEmpty()) {
                if (builder.replyTopic == null) {
                    throw new IllegalStateException("request routes need this instance's reply topic: set "
                            + "KafkaBridge.Builder.replyTopic(...)");
                }
                remote = new RemoteRequester(builder.bus, producer, codec, builder.replyTopic, builder.requestTimeout,
                        timer, executor, KafkaSettings.replyConsumer(builder.bootstrapServers,
                        clientId + "-replies", builder.consumerOverrides));
            }
        } catch (RuntimeException failure) {
            producer.close(Duration.ZERO);
            reporter.shutdownNow();
            timer.shutdownNow();
            executor.shutdownNow();
            throw failure;
        }
        this.outbound = List.copyOf(routes);
        this.inbound = List.copyOf(consumers);
        this.responders = List.copyOf(answering);
        this.requester = remote;
        this.requestRoutes = List.copyOf(builder.requests);
    }

    private <Q, R> InboundConsumer<Q> responderConsumer(Builder builder, ResponderRoute<Q, R> route, String clientId,
                                                        CloudEventsCodec codec) {
        Map<String, Object> settings = KafkaSettings.consumer(builder.bootstrapServers,
                clientId + "-" + route.kafkaTopic() + "-" + route.group(), route.group(), builder.consumerOverrides);
        return new InboundConsumer<>(builder.bus, route.topic(), route.kafkaTopic(), route.group(),
                Inbound.DEFAULT_LANES, Inbound.DEFAULT_MAX_IN_FLIGHT, route.kafkaTopic() + ".dlt", settings, producer,
                timer, codec, closeTimeout, new ResponderStep<>(builder.bus, route.replyType(), codec, producer,
                builder.requestTimeout, route.group()), readsAndWrites(builder, route.kafkaTopic()));
    }

    /**
     * Warns, once per route, of a type topic that crosses the hop without a logical type name: its {@code ce_type}
     * would be the class's name, which ties the wire to a Java package.
     */
    private static void warnIfUnregistered(TypeRegistry types, org.busline.Topic<?> topic, String route) {
        if (types.forTopic(topic).namedAfterClass()) {
            log.warn("{} carries the type topic of {} without a registration: its ce_type is the class name '{}'. "
                    + "Register a logical type name (TypeRegistry.builder().register(topic, \"orders.order-placed\", "
                    + "1)) on both sides", route, topic.type(), topic.name());
        }
    }

    private <T> OutboundRoute<T> outboundRoute(Builder builder, Outbound<T> route, CloudEventsCodec codec) {
        warnIfUnregistered(builder.types, route.topic(), "the outbound route to '" + route.kafkaTopic() + "'");
        return new OutboundRoute<>(builder.bus, route.topic(), route.kafkaTopic(), route.key(),
                readsAndWrites(builder, route.kafkaTopic()), codec, producer, reporter);
    }

    private <T> InboundConsumer<T> inboundConsumer(Builder builder, Inbound<T> route, String clientId,
                                                   CloudEventsCodec codec) {
        warnIfUnregistered(builder.types, route.topic(), "the inbound route from '" + route.kafkaTopic() + "'");
        Map<String, Object> settings = KafkaSettings.consumer(builder.bootstrapServers,
                clientId + "-" + route.kafkaTopic() + "-" + route.group(), route.group(), builder.consumerOverrides);
        return new InboundConsumer<>(builder.bus, route.topic(), route.kafkaTopic(), route.group(), route.lanes(),
                route.maxInFlightPerPartition(), route.deadLetterTopic(), settings, producer, timer, codec,
                closeTimeout, (envelope, record) -> builder.bus.publish(envelope).completion(),
                readsAndWrites(builder, route.kafkaTopic()));
    }

    /**
     * Whether the bridge both reads a Kafka topic (an inbound route) and writes it (an outbound route), so that a
     * record carried in could go straight out again: the one case where routes mark and look for echoes.
     */
    private static boolean readsAndWrites(Builder builder, String kafkaTopic) {
        return builder.inbound.stream().anyMatch(in -> in.kafkaTopic().equals(kafkaTopic))
                && builder.outbound.stream().anyMatch(out -> out.kafkaTopic().equals(kafkaTopic));
    }

    /**
     * Returns a builder of a bridge of a bus.
     *
     * @param bus              the local bus; not null
     * @param bootstrapServers the brokers, as Kafka's {@code bootstrap.servers}; not blank
     * @return the builder
     * @throws IllegalArgumentException if {@code bootstrapServers} is blank
     */
    public static Builder builder(MessageBus bus, String bootstrapServers) {
        return new Builder(bus, bootstrapServers);
    }

    /**
     * Returns what each inbound route has done so far, in the order they were added.
     *
     * @return snapshots, one per inbound route
     */
    public List<InboundStats> inboundStats() {
        List<InboundStats> stats = new ArrayList<>();
        for (InboundConsumer<?> consumer : inbound) {
            stats.add(consumer.stats());
        }
        return stats;
    }

    /**
     * Returns how many outbound records the broker refused after they were handed to the producer (each also
     * logged and published as a {@link org.busline.DeadLetter}).
     *
     * @return the count over all outbound routes
     */
    public long failedSends() {
        long failed = 0;
        for (OutboundRoute<?> route : outbound) {
            failed += route.failedSends();
        }
        return failed;
    }

    /**
     * Returns how many requests of this bridge's request routes wait for an answer from Kafka now. A request stops
     * waiting once its requester no longer waits (answered, timed out, cancelled, or its gathering completed), or at
     * the bridge's {@linkplain Builder#requestTimeout request timeout}; so when no request is in flight, this is 0.
     *
     * @return the number, 0 without request routes
     */
    public int pendingRequests() {
        return requester == null ? 0 : requester.pendingCount();
    }

    /** The codec, for {@link KafkaOutboxSink}. */
    CloudEventsCodec codec() {
        return codec;
    }

    /** The shared producer, for {@link KafkaOutboxSink}. */
    Producer<byte[], byte[]> producer() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the Kafka bridge is closed; close the outbox before the bridge");
            }
        }
        return producer;
    }

    /** Starts every route; if one cannot start, undoes what did (close) before it throws. */
    private KafkaBridge begin() {
        try {
            for (OutboundRoute<?> route : outbound) {
                route.start();
            }
            for (InboundConsumer<?> consumer : inbound) {
                consumer.start();
            }
            for (InboundConsumer<?> consumer : responders) {
                consumer.start();
            }
            if (requester != null) {
                requester.start(requestRoutes);
            }
            return this;
        } catch (RuntimeException | Error failure) {
            try {
                close();
            } catch (RuntimeException closing) {
                failure.addSuppressed(closing);
            }
            throw failure;
        }
    }

    /**
     * Closes the bridge: no message published from now on goes out; consumers stop polling, wait up to the close
     * timeout for the local deliveries in flight, commit what is finished and close; then the producer sends what
     * it holds (up to the close timeout) and closes. Records not finished stay uncommitted, so the group reads them
     * again. Idempotent; may block up to about twice the close timeout. Must not be called from a handler of the
     * bus.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (OutboundRoute<?> route : outbound) {
            route.stop();
        }
        if (requester != null) {
            requester.close();
        }
        for (InboundConsumer<?> consumer : inbound) {
            consumer.close();
        }
        for (InboundConsumer<?> consumer : responders) {
            consumer.close();
        }
        try {
            producer.flush();
        } finally {
            producer.close(closeTimeout);
            timer.shutdownNow();
            executor.shutdown();
            reporter.shutdown();
            try {
                if (!reporter.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("failure reports of the Kafka bridge still running at close");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Serializer discover(TypeRegistry types) {
        for (SerializerProvider provider : ServiceLoader.load(SerializerProvider.class)) {
            return provider.create(types);
        }
        throw new IllegalStateException("no Serializer: set one with KafkaBridge.Builder.serializer(...) or put a "
                + "module that provides org.busline.spi.SerializerProvider (such as bus-jackson) on the class path");
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Configures a {@link KafkaBridge}. Each method checks its argument at once and quotes a bad value. Not
     * thread-safe.
     */
    public static final class Builder {
        private final MessageBus bus;
        private final String bootstrapServers;
        private final Map<String, Object> producerOverrides = new LinkedHashMap<>();
        private final Map<String, Object> consumerOverrides = new LinkedHashMap<>();
        private final List<Outbound<?>> outbound = new ArrayList<>();
        private final List<Inbound<?>> inbound = new ArrayList<>();
        private final List<RequestRoute<?, ?>> requests = new ArrayList<>();
        private final List<ResponderRoute<?, ?>> responders = new ArrayList<>();
        private String replyTopic;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Serializer serializer;
        private TypeRegistry types = TypeRegistry.empty();
        private String source;
        private Duration closeTimeout = Duration.ofSeconds(10);

        private Builder(MessageBus bus, String bootstrapServers) {
            this.bus = Objects.requireNonNull(bus, "bus");
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            if (bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers must not be blank, but was '"
                        + bootstrapServers + "'");
            }
            this.bootstrapServers = bootstrapServers;
        }

        /**
         * Sets the serializer of record values. Default: one made by the first
         * {@link org.busline.spi.SerializerProvider} found through {@link ServiceLoader} (such as bus-jackson's),
         * with {@link #types(TypeRegistry)}.
         *
         * @param serializer the serializer; not null; it should use the same types as {@link #types}
         * @return this builder
         */
        public Builder serializer(Serializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /**
         * Sets the logical type names written as {@code ce_type}, and given to a discovered serializer. Default:
         * {@link TypeRegistry#empty()}, where a topic's logical type is its name.
         *
         * @param types the registry; not null
         * @return this builder
         */
        public Builder types(TypeRegistry types) {
            this.types = Objects.requireNonNull(types, "types");
            return this;
        }

        /**
         * Sets the CloudEvents {@code ce_source} of the records this bridge produces, a URI reference naming the
         * service. Default: {@code /busline/<bus name>}.
         *
         * @param source not blank
         * @return this builder
         * @throws IllegalArgumentException if {@code source} is blank
         */
        public Builder source(String source) {
            Objects.requireNonNull(source, "source");
            if (source.isBlank()) {
                throw new IllegalArgumentException("source must not be blank, but was '" + source + "'");
            }
            this.source = source;
            return this;
        }

        /**
         * Overrides one producer setting, such as {@code linger.ms}, {@code batch.size} (the bridge's default 65536),
         * {@code compression.type} (default {@code lz4}) or security.
         *
         * @param key   the Kafka producer setting; not null
         * @param value its value; not null
         * @return this builder
         * @throws IllegalArgumentException if it would break durability or per-key order ({@code acks} other than
         *                                  {@code all}, {@code enable.idempotence=false},
         *                                  {@code max.in.flight.requests.per.connection} above 5, {@code retries=0},
         *                                  {@code partitioner.ignore.keys=true}), or it is the bridge's own (the
         *                                  serializers, {@code transactional.id}); the message says why
         */
        public Builder producerProperty(String key, Object value) {
            KafkaSettings.checkProducer(key, value);
            producerOverrides.put(key, value);
            return this;
        }

        /**
         * Overrides one consumer setting of every inbound route, such as {@code max.poll.records},
         * {@code auto.offset.reset} (default {@code earliest}) or security.
         *
         * @param key   the Kafka consumer setting; not null
         * @param value its value; not null
         * @return this builder
         * @throws IllegalArgumentException if it is {@code enable.auto.commit=true}, {@code group.id} (each inbound
         *                                  route names its group) or a deserializer; the message says why
         */
        public Builder consumerProperty(String key, Object value) {
            KafkaSettings.checkConsumer(key, value);
            consumerOverrides.put(key, value);
            return this;
        }

        /**
         * Adds an outbound route.
         *
         * @param route the route; not null
         * @return this builder
         * @throws IllegalArgumentException if the route has no Kafka topic (its local topic's name is not a legal
         *                                  one and none was named), or a route from the same local topic to the same
         *                                  Kafka topic was added
         */
        public Builder outbound(Outbound<?> route) {
            Objects.requireNonNull(route, "route");
            KafkaNames.require(route.kafkaTopic(), route.topic().name(), "outbound route", "Outbound.to(...)");
            for (Outbound<?> other : outbound) {
                if (other.topic().equals(route.topic()) && other.kafkaTopic().equals(route.kafkaTopic())) {
                    throw new IllegalArgumentException("an outbound route from '" + route.topic().name() + "' to '"
                            + route.kafkaTopic() + "' was already added");
                }
            }
            outbound.add(route);
            return this;
        }

        /**
         * Adds an inbound route.
         *
         * @param route the route; not null
         * @return this builder
         * @throws IllegalArgumentException if the route has no Kafka topic, or a route of the same Kafka topic and
         *                                  group was added
         */
        public Builder inbound(Inbound<?> route) {
            Objects.requireNonNull(route, "route");
            KafkaNames.require(route.kafkaTopic(), route.topic().name(), "inbound route", "Inbound.from(...)");
            for (Inbound<?> other : inbound) {
                if (other.kafkaTopic().equals(route.kafkaTopic()) && other.group().equals(route.group())) {
                    throw new IllegalArgumentException("an inbound route of '" + route.kafkaTopic() + "' in group '"
                            + route.group() + "' was already added");
                }
            }
            inbound.add(route);
            return this;
        }

        /**
         * Adds a request route: requests made on the local bus to its topic are answered by a service across Kafka.
         * Needs {@link #replyTopic(String)}.
         *
         * @param route the route; not null
         * @return this builder
         * @throws IllegalArgumentException if a route of the same local topic was added
         */
        public Builder requests(RequestRoute<?, ?> route) {
            Objects.requireNonNull(route, "route");
            KafkaNames.require(route.kafkaTopic(), route.topic().name(), "request route", "RequestRoute.to(...)");
            for (RequestRoute<?, ?> other : requests) {
                if (other.topic().equals(route.topic())) {
                    throw new IllegalArgumentException("a request route of '" + route.topic().name()
                            + "' was already added");
                }
            }
            requests.add(route);
            return this;
        }

        /**
         * Adds a responder route: requests read from Kafka are answered by this bus's local responders.
         *
         * @param route the route; not null
         * @return this builder
         * @throws IllegalArgumentException if a route of the same Kafka topic and group was added
         */
        public Builder responder(ResponderRoute<?, ?> route) {
            Objects.requireNonNull(route, "route");
            KafkaNames.require(route.kafkaTopic(), route.topic().name(), "responder route",
                    "ResponderRoute.from(...)");
            for (ResponderRoute<?, ?> other : responders) {
                if (other.kafkaTopic().equals(route.kafkaTopic()) && other.group().equals(route.group())) {
                    throw new IllegalArgumentException("a responder route of '" + route.kafkaTopic() + "' in group '"
                            + route.group() + "' was already added");
                }
            }
            responders.add(route);
            return this;
        }

        /**
         * Names this instance's reply topic, where the replies to its requests come back. Each running instance
         * needs its own (for example named after its host or pod), created before the bridge starts; one partition
         * is enough.
         *
         * @param replyTopic a legal Kafka topic name
         * @return this builder
         * @throws IllegalArgumentException if the name is not legal
         */
        public Builder replyTopic(String replyTopic) {
            this.replyTopic = KafkaNames.checkTopic(replyTopic, "replyTopic");
            return this;
        }

        /**
         * Sets the longest time the bridge waits for a remote reply; it travels with the request as its deadline, so
         * the responder's side skips a request that comes later. The requester's own timeout still applies and is
         * normally shorter. Default: 30 seconds.
         *
         * @param requestTimeout positive
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder requestTimeout(Duration requestTimeout) {
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            if (requestTimeout.isZero() || requestTimeout.isNegative()) {
                throw new IllegalArgumentException("requestTimeout must be positive, but was " + requestTimeout);
            }
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * Sets how long {@link KafkaBridge#close()} waits for local deliveries in flight, and then for the producer
         * to send what it holds. Default: 10 seconds.
         *
         * @param closeTimeout zero or more
         * @return this builder
         * @throws IllegalArgumentException if it is negative
         */
        public Builder closeTimeout(Duration closeTimeout) {
            Objects.requireNonNull(closeTimeout, "closeTimeout");
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative, but was " + closeTimeout);
            }
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * Builds the bridge and starts it: outbound subscriptions are made and consumers start polling.
         *
         * @return the running bridge
         * @throws IllegalStateException if no serializer was set and none is found
         * @throws org.apache.kafka.common.KafkaException if Kafka refuses the clients' settings
         */
        public KafkaBridge start() {
            return new KafkaBridge(this).begin();
        }
    }
}
