package org.busline.micrometer.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.busline.CircuitBreakerPolicy;
import org.busline.DeadLetter;
import org.busline.DeadMessage;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Subscription;
import org.busline.SubscriptionInfo;
import org.busline.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one bus reports beyond its interceptor: the gauges read from {@link MessageBus#subscriptions()} (mailbox
 * depth, capacity, workers, pending retries, circuit breaker state, one set per subscription), and the counters of
 * the reports the bus publishes as messages ({@link DeadLetter}, {@link DeadMessage},
 * {@link CircuitBreakerPolicy.StateChange}), received by three synchronous subscriptions of its own.
 *
 * <p>Design note: thread-safe. Gauges are read by the registry's poller; they read the last snapshot of the
 * subscriptions, taken again when it is older than {@link #TTL_NANOS} or when the bus-wide
 * {@code busline.subscriptions} gauge is read, so one scrape costs one {@code subscriptions()} call. Each refresh
 * registers the gauges of new subscriptions and removes those of subscriptions that are gone, all under
 * {@link #lock}; once the bus is closed, every gauge is removed.
 */
public final class BusBinding {
    private static final Logger LOG = LoggerFactory.getLogger(BusBinding.class);
    static final long TTL_NANOS = 1_000_000_000L;

    private final MessageBus bus;
    private final BusMeters meters;
    private final MeterRegistry registry;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private Map<String, SubscriptionInfo> snapshot = Map.of();
    /** Guarded by {@link #lock}. */
    private long takenAt;
    /** Guarded by {@link #lock}: the gauges of each subscription, by name. */
    private final Map<String, List<Meter>> gauges = new HashMap<>();
    private final List<Subscription> reports = new ArrayList<>(3);
    private Gauge count;

    public BusBinding(MessageBus bus, BusMeters meters) {
        this.bus = bus;
        this.meters = meters;
        this.registry = meters.registry();
    }

    /** Subscribes to the bus's reports and registers the gauges. */
    public void bind() {
        reports.add(bus.subscribe(DeadLetter.class, this::onDeadLetter,
                Delivery.sync().name(ObservingInterceptor.OWN_PREFIX + "dead letters")));
        reports.add(bus.subscribe(DeadMessage.class, dead -> meters.dead(dead.envelope().topic()),
                Delivery.sync().name(ObservingInterceptor.OWN_PREFIX + "dead messages")));
        reports.add(bus.subscribe(CircuitBreakerPolicy.StateChange.class,
                change -> meters.transition(change.subscriber(), change.from().name(), change.to().name()),
                Delivery.sync().name(ObservingInterceptor.OWN_PREFIX + "breaker changes")));
        count = Gauge.builder("busline.subscriptions", this, binding -> binding.refresh().size())
                .description("Open subscriptions and responders of the bus")
                .tags(BusMeters.BUS, meters.bus()).register(registry);
        refresh();
    }

    private void onDeadLetter(DeadLetter letter) {
        String reason = letter.reason().name();
        meters.deadLettered(letter.subscriber(), letter.envelope().topic(), reason);
        switch (letter.reason()) {
            case MAILBOX_FULL:
            case BUS_CLOSED:
            case EXECUTOR_REJECTED:
                meters.dropped(letter.subscriber(), letter.envelope().topic(), reason);
                break;
            case CIRCUIT_OPEN:
            case BULKHEAD_FULL:
            case RATE_LIMITED:
                // The bus warns of these when nobody subscribes to DeadLetter; this subscription must not hush it.
                if (!othersSubscribe()) {
                    LOG.warn("Bus '{}': subscription '{}' gave up on message {} on topic '{}' ({}), and nobody "
                                    + "subscribes to DeadLetter", bus.name(), letter.subscriber(),
                            letter.envelope().id(), letter.envelope().topic().name(), letter.reason());
                }
                break;
            default:
                break;
        }
    }

    private boolean othersSubscribe() {
        Topic<DeadLetter> deadLetters = Topic.of(DeadLetter.class);
        for (SubscriptionInfo info : bus.subscriptions()) {
            if (deadLetters.equals(info.topic()) && !info.name().startsWith(ObservingInterceptor.OWN_PREFIX)) {
                return true;
            }
        }
        return false;
    }

    /** Unsubscribes and removes every gauge. Idempotent. */
    public void unbind() {
        synchronized (lock) {
            reports.forEach(Subscription::close);
            reports.clear();
            gauges.values().forEach(list -> list.forEach(registry::remove));
            gauges.clear();
            if (count != null) {
                registry.remove(count);
                count = null;
            }
            snapshot = Map.of();
        }
    }

    /** Takes a new snapshot, registering and removing gauges to match it. */
    Map<String, SubscriptionInfo> refresh() {
        if (bus.isClosed()) {
            unbind();
            return Map.of();
        }
        List<SubscriptionInfo> infos = bus.subscriptions();
        synchronized (lock) {
            Map<String, SubscriptionInfo> next = new HashMap<>(infos.size() * 2);
            for (SubscriptionInfo info : infos) {
                if (!info.name().startsWith(ObservingInterceptor.OWN_PREFIX)) {
                    next.put(info.name(), info);
                }
            }
            for (SubscriptionInfo info : next.values()) {
                if (!gauges.containsKey(info.name())) {
                    gauges.put(info.name(), register(info));
                }
            }
            gauges.entrySet().removeIf(entry -> {
                if (next.containsKey(entry.getKey())) {
                    return false;
                }
                entry.getValue().forEach(registry::remove);
                return true;
            });
            snapshot = next;
            takenAt = System.nanoTime();
            return next;
        }
    }

    private SubscriptionInfo current(String name) {
        Map<String, SubscriptionInfo> known;
        synchronized (lock) {
            known = System.nanoTime() - takenAt > TTL_NANOS ? null : snapshot;
        }
        if (known == null) {
            known = refresh();
        }
        return known.get(name);
    }

    private List<Meter> register(SubscriptionInfo info) {
        Tags tags = Tags.of(BusMeters.BUS, meters.bus(), BusMeters.SUBSCRIPTION, info.name(), BusMeters.TOPIC,
                info.selector(), "kind", info.kind().name().toLowerCase(java.util.Locale.ROOT));
        String name = info.name();
        List<Meter> list = new ArrayList<>(8);
        list.add(gauge("busline.mailbox.queued", "Messages waiting in the subscription's mailbox", tags, name,
                SubscriptionInfo::queued));
        list.add(gauge("busline.mailbox.capacity", "The capacity of the subscription's mailbox (0 if synchronous)",
                tags, name, SubscriptionInfo::capacity));
        list.add(gauge("busline.mailbox.workers", "Mailbox workers handling a message now", tags, name,
                SubscriptionInfo::workers));
        list.add(gauge("busline.retries.pending", "Messages waiting for a scheduled retry", tags, name,
                SubscriptionInfo::retriesPending));
        if (info.circuitBreaker() != null) {
            for (CircuitBreakerPolicy.State state : CircuitBreakerPolicy.State.values()) {
                list.add(gauge("busline.circuit.breaker.state",
                        "1 if the subscription's circuit breaker is in this state, else 0",
                        Tags.of(BusMeters.BUS, meters.bus(), BusMeters.SUBSCRIPTION, name, "state",
                                state.name().toLowerCase(java.util.Locale.ROOT)),
                        name, sub -> sub.circuitBreaker() == state ? 1 : 0));
            }
        }
        return list;
    }

    private Gauge gauge(String meterName, String description, Tags tags, String subscription,
                        ToDoubleFunction<SubscriptionInfo> value) {
        return Gauge.builder(meterName, this, binding -> {
            SubscriptionInfo info = binding.current(subscription);
            return info == null ? Double.NaN : value.applyAsDouble(info);
        }).description(description).tags(tags).strongReference(true).register(registry);
    }
}
