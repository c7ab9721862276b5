package org.busline.micrometer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import org.busline.AsyncResponder;
import org.busline.CircuitBreakerPolicy;
import org.busline.DeadLetter;
import org.busline.DeadMessage;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.Gather;
import org.busline.Gathered;
import org.busline.EnvelopeHandler;
import org.busline.FanOutResponder;
import org.busline.MessageBus;
import org.busline.MessageHandler;
import org.busline.PublishResult;
import org.busline.RequestException;
import org.busline.Responder;
import org.busline.Subscription;
import org.busline.SubscriptionInfo;
import org.busline.Topic;

/**
 * The bus that {@code BusObservability.build} returns: the built bus, with each publish, send and request wrapped
 * in its {@code send} observation, so the observation knows the operation, lasts as long as the call (for a request,
 * until its reply or failure) and carries the call's error; and with the request meters. Every other method
 * delegates unchanged.
 *
 * <p>Design note: stateless but for the request meters (thread-safe maps of meters), so thread-safe as the bus is. The
 * observation itself is started by {@link ObservingInterceptor#onPublish} on the calling thread, where it finds the
 * send this class opened for the same payload.
 */
public final class ObservedMessageBus implements MessageBus {
    private final MessageBus bus;
    private final ObservingInterceptor interceptor;
    private final BusMeters meters;
    private final BusBinding binding;
    private static final Set<Topic<?>> REPORTS = Set.of(Topic.of(DeadLetter.class), Topic.of(DeadMessage.class),
            Topic.of(CircuitBreakerPolicy.StateChange.class));
    private final ConcurrentHashMap<Topic<?>, AtomicInteger> active = new ConcurrentHashMap<>();

    public ObservedMessageBus(MessageBus bus, ObservingInterceptor interceptor, BusMeters meters, BusBinding binding) {
        this.bus = bus;
        this.interceptor = interceptor;
        this.meters = meters;
        this.binding = binding;
    }

    @Override
    public String name() {
        return bus.name();
    }

    @Override
    public <T> Envelope<T> stamp(Envelope<T> envelope) {
        return bus.stamp(envelope);
    }

    // ------------------------------------------------------------------------------------------------ observed

    @Override
    public PublishResult publish(Object message) {
        if (!interceptor.observes()) {
            return bus.publish(message);
        }
        return observe("publish", message, () -> bus.publish(message));
    }

    @Override
    public <T> PublishResult publish(Topic<T> topic, T message) {
        if (!interceptor.observes()) {
            return bus.publish(topic, message);
        }
        return observe("publish", message, () -> bus.publish(topic, message));
    }

    @Override
    public <T> PublishResult publish(Envelope<T> envelope) {
        if (!interceptor.observes()) {
            return bus.publish(envelope);
        }
        return observe("publish", envelope == null ? null : envelope.payload(), () -> bus.publish(envelope));
    }

    @Override
    public PublishResult send(Object message) {
        if (!interceptor.observes()) {
            return bus.send(message);
        }
        return observe("send", message, () -> bus.send(message));
    }

    @Override
    public <T> PublishResult send(Topic<T> topic, T message) {
        if (!interceptor.observes()) {
            return bus.send(topic, message);
        }
        return observe("send", message, () -> bus.send(topic, message));
    }

    @Override
    public <Q, R> CompletableFuture<R> request(Topic<Q> topic, Q request, Class<R> replyType, Duration timeout) {
        return observeRequest(topic, request, () -> bus.request(topic, request, replyType, timeout));
    }

    @Override
    public <R> CompletableFuture<R> request(Object request, Class<R> replyType, Duration timeout) {
        return observeRequest(request == null ? null : Topic.of(request.getClass()), request,
                () -> bus.request(request, replyType, timeout));
    }

    @Override
    public <Q, R> CompletableFuture<Envelope<R>> requestEnvelope(Envelope<Q> request, Class<R> replyType,
                                                                 Duration timeout) {
        return observeRequest(request == null ? null : request.topic(), request == null ? null : request.payload(),
                () -> bus.requestEnvelope(request, replyType, timeout));
    }

    @Override
    public void asModule(String module, Runnable action) {
        bus.asModule(module, action);
    }

    @Override
    public <Q, R> CompletableFuture<Gathered<R>> requestAll(Topic<Q> topic, Q request, Class<R> replyType,
                                                          Gather<? super R> options) {
        return bus.requestAll(topic, request, replyType, options);
    }

    /** Called only while observations are recorded; a direct call otherwise costs no lambda. */
    private PublishResult observe(String operation, Object payload, Supplier<PublishResult> call) {
        if (payload == null) {
            return call.get();
        }
        ObservingInterceptor.PendingSend pending = interceptor.beginSend(operation, payload);
        PublishResult result;
        try {
            result = call.get();
        } catch (RuntimeException | Error failure) {
            interceptor.endSend(pending, failure, false);
            throw failure;
        }
        interceptor.endSend(pending, null, false);
        return result;
    }

    private <F> CompletableFuture<F> observeRequest(Topic<?> topic, Object payload,
                                                    Supplier<CompletableFuture<F>> call) {
        if (payload == null || topic == null) {
            return call.get();
        }
        AtomicInteger inFlight = meters == null ? null : activeOf(topic);
        long start = System.nanoTime();
        if (inFlight != null) {
            inFlight.incrementAndGet();
        }
        ObservingInterceptor.PendingSend pending = interceptor.beginSend("request", payload);
        CompletableFuture<F> future;
        try {
            future = call.get();
        } catch (RuntimeException | Error failure) {
            interceptor.endSend(pending, failure, false);
            if (inFlight != null) {
                inFlight.decrementAndGet();
            }
            throw failure;
        }
        interceptor.endSend(pending, null, true);
        future.whenComplete((reply, failure) -> {
            if (pending.observation != null) {
                if (failure != null) {
                    pending.observation.error(failure);
                }
                pending.observation.stop();
            }
            if (inFlight != null) {
                Timer.builder(BusMeters.REQUESTS).description("Requests, from the call to the reply or failure")
                        .tags(BusMeters.BUS, meters.bus(), BusMeters.TOPIC, topic.name(), BusMeters.OUTCOME,
                                outcome(failure))
                        .register(meters.registry()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                // After the timer, so that a reader who sees no request in flight sees every outcome.
                inFlight.decrementAndGet();
            }
        });
        return future;
    }

    private AtomicInteger activeOf(Topic<?> topic) {
        AtomicInteger count = active.get(topic);
        if (count == null) {
            count = active.computeIfAbsent(topic, t -> {
                AtomicInteger fresh = new AtomicInteger();
                Gauge.builder(BusMeters.REQUESTS_ACTIVE, fresh, AtomicInteger::get)
                        .description("Requests waiting for their reply").tags(BusMeters.BUS, meters.bus(),
                                BusMeters.TOPIC, t.name()).register(meters.registry());
                return fresh;
            });
        }
        return count;
    }

    private static String outcome(Throwable failure) {
        if (failure == null) {
            return "SUCCESS";
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof RequestException) {
            return ((RequestException) cause).reason().name();
        }
        return cause instanceof CancellationException ? "CANCELLED" : "FAILED";
    }

    // ------------------------------------------------------------------------------------------------ delegated

    @Override
    public <Q, R> Subscription respond(Topic<Q> topic, Responder<? super Q, ? extends R> responder) {
        return bus.respond(topic, responder);
    }

    @Override
    public <Q, R> Subscription respond(Topic<Q> topic, Responder<? super Q, ? extends R> responder,
                                       Delivery delivery) {
        return bus.respond(topic, responder, delivery);
    }

    @Override
    public <Q, R> Subscription respondFanOut(Topic<Q> topic, FanOutResponder<? super Q, R> responder,
                                             Delivery delivery) {
        return bus.respondFanOut(topic, responder, delivery);
    }

    @Override
    public Optional<Envelope<?>> currentEnvelope() {
        return bus.currentEnvelope();
    }

    @Override
    public <Q, R> Subscription respondAsync(Topic<Q> topic, AsyncResponder<? super Q, ? extends R> responder) {
        return bus.respondAsync(topic, responder);
    }

    @Override
    public <Q, R> Subscription respondAsync(Topic<Q> topic, AsyncResponder<? super Q, ? extends R> responder,
                                            Delivery delivery) {
        return bus.respondAsync(topic, responder, delivery);
    }

    @Override
    public <T> Subscription subscribe(Class<T> type, MessageHandler<? super T> handler) {
        return bus.subscribe(type, handler);
    }

    @Override
    public <T> Subscription subscribe(Class<T> type, MessageHandler<? super T> handler, Delivery delivery) {
        return bus.subscribe(type, handler, delivery);
    }

    @Override
    public <T> Subscription subscribe(Topic<T> topic, MessageHandler<? super T> handler) {
        return bus.subscribe(topic, handler);
    }

    @Override
    public <T> Subscription subscribe(Topic<T> topic, MessageHandler<? super T> handler, Delivery delivery) {
        return bus.subscribe(topic, handler, delivery);
    }

    @Override
    public <T> Subscription subscribeEnvelopes(Topic<T> topic, EnvelopeHandler<? super T> handler,
                                               Delivery delivery) {
        return bus.subscribeEnvelopes(topic, handler, delivery);
    }

    @Override
    public Subscription subscribePattern(String pattern, EnvelopeHandler<Object> handler, Delivery delivery) {
        return bus.subscribePattern(pattern, handler, delivery);
    }

    @Override
    public Subscription register(Object subscriber) {
        return bus.register(subscriber);
    }

    @Override
    public Subscription register(Object subscriber, Delivery delivery) {
        return bus.register(subscriber, delivery);
    }

    /** The bus's subscriptions without the three of this module. */
    @Override
    public List<SubscriptionInfo> subscriptions() {
        List<SubscriptionInfo> all = bus.subscriptions();
        if (binding == null) {
            return all;
        }
        List<SubscriptionInfo> theirs = new ArrayList<>(all.size());
        for (SubscriptionInfo info : all) {
            if (!info.name().startsWith(ObservingInterceptor.OWN_PREFIX)) {
                theirs.add(info);
            }
        }
        return List.copyOf(theirs);
    }

    /** As the bus answers, but not counting this module's own subscriptions to the bus's reports. */
    @Override
    public boolean hasSubscribers(Topic<?> topic) {
        if (binding == null || !REPORTS.contains(topic)) {
            return bus.hasSubscribers(topic);
        }
        Objects.requireNonNull(topic, "topic");
        for (SubscriptionInfo info : subscriptions()) {
            // A pattern is not matched here: one that could match counts, as the bus's own answer includes it.
            if (topic.equals(info.topic()) || info.pattern() != null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean hasSubscribers(Class<?> type) {
        Objects.requireNonNull(type, "type");
        return hasSubscribers(Topic.of(type));
    }

    @Override
    public <T> Optional<T> retained(Topic<T> topic) {
        return bus.retained(topic);
    }

    @Override
    public <T> Optional<Envelope<T>> retainedEnvelope(Topic<T> topic) {
        return bus.retainedEnvelope(topic);
    }

    @Override
    public boolean clearRetained(Topic<?> topic) {
        return bus.clearRetained(topic);
    }

    @Override
    public int clearAllRetained() {
        return bus.clearAllRetained();
    }

    @Override
    public boolean isClosed() {
        return bus.isClosed();
    }

    @Override
    public void close() {
        bus.close();
        if (binding != null) {
            binding.unbind();
        }
    }

    @Override
    public String toString() {
        return bus.toString();
    }
}
