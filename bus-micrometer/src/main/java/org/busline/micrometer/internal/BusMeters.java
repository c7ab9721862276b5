package org.busline.micrometer.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.busline.Topic;

/**
 * The counters and timers of one bus, made on first use and cached, so the hot path does two map lookups and no
 * allocation once a (topic, subscription) pair was seen.
 *
 * <p>Design note: thread-safe; every cache is a {@link ConcurrentHashMap} whose values are Micrometer meters, which
 * are themselves thread-safe and registered idempotently (two threads racing on a new key both get the registry's one
 * meter). Tags are the bus, the topic's name, the subscription's name and small enumerations (reason, outcome, error
 * type): never a message id.
 */
public final class BusMeters {
    public static final String PUBLISHED = "busline.messages.published";
    public static final String DELIVERED = "busline.messages.delivered";
    public static final String FAILED = "busline.messages.failed";
    public static final String RETRIED = "busline.messages.retried";
    public static final String DEAD_LETTERED = "busline.messages.dead.lettered";
    public static final String DROPPED = "busline.messages.dropped";
    public static final String DEAD = "busline.messages.dead";
    public static final String HANDLER_DURATION = "busline.handler.duration";
    public static final String TRANSITIONS = "busline.circuit.breaker.transitions";
    public static final String REQUESTS = "busline.requests";
    public static final String REQUESTS_ACTIVE = "busline.requests.active";

    public static final String BUS = "bus";
    public static final String TOPIC = "topic";
    public static final String SUBSCRIPTION = "subscription";
    public static final String REASON = "reason";
    public static final String OUTCOME = "outcome";
    public static final String ERROR_TYPE = "error.type";

    private final MeterRegistry registry;
    private final String bus;
    private final ConcurrentHashMap<Topic<?>, Counter> published = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<Topic<?>, Delivery>> deliveries =
            new ConcurrentHashMap<>();

    public BusMeters(MeterRegistry registry, String bus) {
        this.registry = registry;
        this.bus = bus;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public String bus() {
        return bus;
    }

    /** Counts one message entering the bus. */
    public void published(Topic<?> topic) {
        Counter counter = published.get(topic);
        if (counter == null) {
            counter = published.computeIfAbsent(topic, t -> Counter.builder(PUBLISHED)
                    .description("Messages that entered the bus: publishes, sends and requests")
                    .tags(BUS, bus, TOPIC, t.name()).register(registry));
        }
        counter.increment();
    }

    /** The meters of one subscription's deliveries of one topic. */
    public Delivery delivery(String subscription, Topic<?> topic) {
        ConcurrentHashMap<Topic<?>, Delivery> byTopic = deliveries.get(subscription);
        if (byTopic == null) {
            byTopic = deliveries.computeIfAbsent(subscription, s -> new ConcurrentHashMap<>());
        }
        Delivery meters = byTopic.get(topic);
        if (meters == null) {
            meters = byTopic.computeIfAbsent(topic, t -> new Delivery(Tags.of(BUS, bus, TOPIC, t.name(),
                    SUBSCRIPTION, subscription)));
        }
        return meters;
    }

    public void deadLettered(String subscription, Topic<?> topic, String reason) {
        Counter.builder(DEAD_LETTERED).description("Deliveries a subscription gave up on, by reason")
                .tags(BUS, bus, TOPIC, topic.name(), SUBSCRIPTION, subscription, REASON, reason)
                .register(registry).increment();
    }

    public void dropped(String subscription, Topic<?> topic, String reason) {
        Counter.builder(DROPPED).description("Messages a subscription dropped unhandled, by reason")
                .tags(BUS, bus, TOPIC, topic.name(), SUBSCRIPTION, subscription, REASON, reason)
                .register(registry).increment();
    }

    public void dead(Topic<?> topic) {
        Counter.builder(DEAD).description("Messages that reached no subscriber")
                .tags(BUS, bus, TOPIC, topic.name()).register(registry).increment();
    }

    public void transition(String subscription, String from, String to) {
        Counter.builder(TRANSITIONS).description("Changes of state of a subscription's circuit breaker")
                .tags(BUS, bus, SUBSCRIPTION, subscription, "from", from, "to", to).register(registry).increment();
    }

    /** The meters of one (subscription, topic) pair. */
    public final class Delivery {
        private final Tags tags;
        private final Counter delivered;
        private final Counter retried;
        private final Timer succeeded;
        private final Timer failedTimer;
        private final ConcurrentHashMap<Class<?>, Counter> failed = new ConcurrentHashMap<>();

        Delivery(Tags tags) {
            this.tags = tags;
            this.delivered = Counter.builder(DELIVERED).description("Handler calls that returned normally")
                    .tags(tags).register(registry);
            this.retried = Counter.builder(RETRIED).description("Handler calls that were retries of a failed one")
                    .tags(tags).register(registry);
            this.succeeded = handlerTimer("SUCCESS");
            this.failedTimer = handlerTimer("FAILURE");
        }

        private Timer handlerTimer(String outcome) {
            return Timer.builder(HANDLER_DURATION).description("How long each handler call took")
                    .tags(tags).tag(OUTCOME, outcome).register(registry);
        }

        public void retried() {
            retried.increment();
        }

        public void succeeded(long nanos) {
            delivered.increment();
            succeeded.record(nanos, TimeUnit.NANOSECONDS);
        }

        public void failed(Throwable failure, long nanos) {
            Counter counter = failed.get(failure.getClass());
            if (counter == null) {
                counter = failed.computeIfAbsent(failure.getClass(), type -> Counter.builder(FAILED)
                        .description("Handler calls that threw, each attempt counted")
                        .tags(tags).tag(ERROR_TYPE, type.getName()).register(registry));
            }
            counter.increment();
            failedTimer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
