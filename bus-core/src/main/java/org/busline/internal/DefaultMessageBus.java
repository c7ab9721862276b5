package org.busline.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.busline.AsyncResponder;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.FanOutResponder;
import org.busline.Gather;
import org.busline.Gathered;
import org.busline.EnvelopeHandler;
import org.busline.MessageBus;
import org.busline.MessageHandler;
import org.busline.PublishResult;
import org.busline.Responder;
import org.busline.Subscription;
import org.busline.SubscriptionInfo;
import org.busline.Topic;
import org.busline.spi.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus: a thin facade that checks arguments and hands each call to the room where it belongs. A message's way
 * through the rooms, each entered once, in order:
 *
 * <ol>
 *   <li>{@link Registry}: routing, which subscriptions (or responders) a topic reaches;</li>
 *   <li>{@link Dispatcher}: dispatch on the caller's thread, synchronous handlers and the hand-over to mailboxes;</li>
 *   <li>{@link Mailbox}: the asynchronous subscription's queue, drained on its executor;</li>
 *   <li>{@link Invoker}: the handler's call, through its guard and the interceptors;</li>
 *   <li>{@link DeadLetterOffice}: every message that ends undelivered, reported once.</li>
 * </ol>
 *
 * <p>{@link Requests} starts a request on the same way, and keeps the requests that await a reply. {@link Resources}
 * holds what every room shares (name, clock, scheduler, default executor, whether closed).
 *
 * <p><b>Threads.</b> Thread-safe; holds no state of its own. The rooms are wired once, in the constructor, before the
 * bus is returned to anybody.
 */
public final class DefaultMessageBus implements MessageBus {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultMessageBus.class);

    private final Resources resources;
    private final Registry registry;
    private final Dispatcher dispatcher;
    private final DeadLetterOffice office;
    private final Requests requests;
    private final RetainedTopics retained;

    DefaultMessageBus(org.busline.spi.BusFactory.Configuration config) {
        Interceptor[] interceptors = config.interceptors().toArray(new Interceptor[0]);
        this.resources = new Resources(config);
        this.office = new DeadLetterOffice(resources);
        Invoker invoker = new Invoker(resources, interceptors, office);
        this.registry = new Registry(resources, new Serialization(config.serializer(), config.topicSerializers(),
                config.types(), config.isolatedTopics()), interceptors.length > 0);
        this.dispatcher = new Dispatcher(resources, registry, invoker, office, interceptors);
        this.requests = new Requests(resources);
        this.retained = new RetainedTopics(resources, config.retainedTopics());
        registry.connect(invoker, office);
        registry.connect(retained);
        retained.connect(dispatcher, office);
        office.connect(registry, dispatcher, requests);
        requests.connect(registry, dispatcher, invoker, office);
    }

    @Override
    public String name() {
        return resources.name;
    }

    @Override
    public <T> Envelope<T> stamp(Envelope<T> envelope) {
        Objects.requireNonNull(envelope, "envelope");
        return dispatcher.store(resources.stamp(envelope, DispatchContext.current().envelope(resources)));
    }

    @Override
    public Optional<Envelope<?>> currentEnvelope() {
        return Optional.ofNullable(DispatchContext.current().envelope(resources));
    }

    // ---------------------------------------------------------------------------------------------- publishing

    @Override
    public PublishResult publish(Object message) {
        return dispatcher.publish(registry.routeOf(message), message);
    }

    @Override
    public <T> PublishResult publish(Topic<T> topic, T message) {
        return dispatcher.publish(registry.routeOf(topic, message), message);
    }

    @Override
    public <T> PublishResult publish(Envelope<T> envelope) {
        Objects.requireNonNull(envelope, "envelope");
        return dispatcher.publish(envelope);
    }

    @Override
    public PublishResult send(Object message) {
        return dispatcher.send(registry.routeOf(message), message);
    }

    @Override
    public <T> PublishResult send(Topic<T> topic, T message) {
        return dispatcher.send(registry.routeOf(topic, message), message);
    }

    // ---------------------------------------------------------------------------------------------- subscribing

    @Override
    public <T> Subscription subscribe(Class<T> type, MessageHandler<? super T> handler) {
        return subscribe(type, handler, Delivery.sync());
    }

    @Override
    public <T> Subscription subscribe(Class<T> type, MessageHandler<? super T> handler, Delivery delivery) {
        Objects.requireNonNull(type, "type");
        return subscribe(Topic.of(type), handler, delivery);
    }

    @Override
    public <T> Subscription subscribe(Topic<T> topic, MessageHandler<? super T> handler) {
        return subscribe(topic, handler, Delivery.sync());
    }

    @Override
    public <T> Subscription subscribe(Topic<T> topic, MessageHandler<? super T> handler, Delivery delivery) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(delivery, "delivery");
        Selector selector = registry.selector(topic);
        return retained.subscribe(() -> registry.subscribe(selector, handler, false, delivery, null), List::of);
    }

    @Override
    public <T> Subscription subscribeEnvelopes(Topic<T> topic, EnvelopeHandler<? super T> handler,
                                               Delivery delivery) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(delivery, "delivery");
        Selector selector = registry.selector(topic);
        return retained.subscribe(() -> registry.subscribe(selector, handler, true, delivery, null), List::of);
    }

    @Override
    public Subscription subscribePattern(String pattern, EnvelopeHandler<Object> handler, Delivery delivery) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(delivery, "delivery");
        Selector selector = Selector.pattern(pattern);
        return retained.subscribe(() -> registry.subscribe(selector, handler, true, delivery, null), List::of);
    }

    @Override
    public Subscription register(Object subscriber) {
        return register(subscriber, Delivery.sync());
    }

    @Override
    public Subscription register(Object subscriber, Delivery delivery) {
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(delivery, "delivery");
        List<AnnotatedMethods.Method> methods = AnnotatedMethods.scan(subscriber);
        String given = delivery.name();
        List<String> names = new ArrayList<>(methods.size());
        for (AnnotatedMethods.Method method : methods) {
            names.add(given == null ? method.name() : methods.size() == 1 ? given : given + "." + method.method());
        }
        String name = given != null ? given : String.join(", ", names);
        return retained.subscribe(() -> registry.register(subscriber, name, given != null, () -> {
            List<Subscriber> added = new ArrayList<>(methods.size());
            try {
                for (int i = 0; i < methods.size(); i++) {
                    AnnotatedMethods.Method method = methods.get(i);
                    added.add(registry.subscribe(registry.selector(method.topic()), method.handler(),
                            method.takesEnvelope(), method.priority() == 0 ? delivery
                                    : delivery.priority(method.priority()), names.get(i)));
                }
            } catch (RuntimeException failure) {
                added.forEach(Subscriber::close);
                throw failure;
            }
            return added;
        }), Registration::subscribers);
    }

    // ---------------------------------------------------------------------------------------------- request/reply

    @Override
    public <Q, R> Subscription respond(Topic<Q> topic, Responder<? super Q, ? extends R> responder) {
        return respond(topic, responder, Delivery.sync());
    }

    @Override
    public <Q, R> Subscription respond(Topic<Q> topic, Responder<? super Q, ? extends R> responder,
                                       Delivery delivery) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(responder, "responder");
        Objects.requireNonNull(delivery, "delivery");
        return registry.respond(topic, new ResponderHandler(requests, responder, null), delivery);
    }

    @Override
    public <Q, R> Subscription respondAsync(Topic<Q> topic, AsyncResponder<? super Q, ? extends R> responder) {
        return respondAsync(topic, responder, Delivery.sync());
    }

    @Override
    public <Q, R> Subscription respondAsync(Topic<Q> topic, AsyncResponder<? super Q, ? extends R> responder,
                                            Delivery delivery) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(responder, "responder");
        Objects.requireNonNull(delivery, "delivery");
        return registry.respond(topic, new ResponderHandler(requests, null, responder), delivery);
    }

    @Override
    public <Q, R> Subscription respondFanOut(Topic<Q> topic, FanOutResponder<? super Q, R> responder,
                                             Delivery delivery) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(responder, "responder");
        Objects.requireNonNull(delivery, "delivery");
        return registry.respond(topic, new ResponderHandler(requests, responder), delivery);
    }

    @Override
    public <Q, R> CompletableFuture<R> request(Topic<Q> topic, Q request, Class<R> replyType, Duration timeout) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(request, "request");
        long nanos = Requests.checkReply(replyType, timeout, false);
        if (!topic.type().rawType().isInstance(request)) {
            topic.cast(request);
        }
        return requests.start(topic, request, null, replyType, false, timeout, nanos);
    }

    @Override
    public <R> CompletableFuture<R> request(Object request, Class<R> replyType, Duration timeout) {
        Objects.requireNonNull(request, "request");
        long nanos = Requests.checkReply(replyType, timeout, false);
        return requests.start(Topic.of(request.getClass()), request, null, replyType, false, timeout, nanos);
    }

    @Override
    public void asModule(String module, Runnable action) {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(action, "action");
        if (module.isBlank()) {
            throw new IllegalArgumentException("module must not be blank, but was '" + module + "'");
        }
        DispatchContext context = DispatchContext.current();
        String outer = context.module;
        context.module = module;
        try {
            action.run();
        } finally {
            context.module = outer;
        }
    }

    /** Boundary violations so far; for tests. */
    long boundaryViolations() {
        return resources.boundaries == null ? 0L : resources.boundaries.violations();
    }

    @Override
    public <Q, R> CompletableFuture<Gathered<R>> requestAll(Topic<Q> topic, Q request, Class<R> replyType,
                                                          Gather<? super R> options) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(options, "options");
        long nanos = Requests.checkReply(replyType, options.deadline(), false);
        if (!topic.type().rawType().isInstance(request)) {
            topic.cast(request);
        }
        return requests.startAll(topic, request, replyType, options, nanos);
    }

    @Override
    public <Q, R> CompletableFuture<Envelope<R>> requestEnvelope(Envelope<Q> request, Class<R> replyType,
                                                                 Duration timeout) {
        Objects.requireNonNull(request, "request");
        long nanos = Requests.checkReply(replyType, timeout, true);
        return requests.start(request.topic(), request.payload(), request, replyType, true, timeout, nanos);
    }

    // ---------------------------------------------------------------------------------------------- introspection

    @Override
    public List<SubscriptionInfo> subscriptions() {
        return registry.subscriptions();
    }

    @Override
    public boolean hasSubscribers(Topic<?> topic) {
        Objects.requireNonNull(topic, "topic");
        return !resources.isClosed() && registry.hasSubscribers(topic);
    }

    @Override
    public boolean hasSubscribers(Class<?> type) {
        Objects.requireNonNull(type, "type");
        return hasSubscribers(Topic.of(type));
    }

    /** The hint of the default dead-message log; for tests. */
    java.util.function.Function<Topic<?>, String> deadTopicHint() {
        return office::near;
    }

    /** Requests awaiting a reply from another thread; for tests. */
    int awaitingRequests() {
        return requests.awaitingCount();
    }

    /** Replies that came after their request stopped waiting; for tests. */
    long lateReplies() {
        return requests.lateReplies();
    }

    // ---------------------------------------------------------------------------------------------- retained

    @Override
    public <T> Optional<T> retained(Topic<T> topic) {
        Objects.requireNonNull(topic, "topic");
        return retained.last(topic).map(last -> topic.cast(last.payload()));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<Envelope<T>> retainedEnvelope(Topic<T> topic) {
        Objects.requireNonNull(topic, "topic");
        // Safe: a retained topic's slot holds only envelopes published on that topic, checked against its type.
        return retained.last(topic).map(last -> (Envelope<T>) last);
    }

    @Override
    public boolean clearRetained(Topic<?> topic) {
        Objects.requireNonNull(topic, "topic");
        return retained.clear(topic);
    }

    @Override
    public int clearAllRetained() {
        return retained.clearAll();
    }

    // ---------------------------------------------------------------------------------------------- lifecycle

    @Override
    public boolean isClosed() {
        return resources.isClosed();
    }

    @Override
    public void close() {
        if (!resources.markClosed()) {
            return;
        }
        List<Mailbox> draining = registry.mailboxes();
        // Closed from one of its own asynchronous handlers, a mailbox cannot drain while this thread waits in it.
        Mailbox own = DispatchContext.current().draining;
        Duration drainTimeout = resources.config.drainTimeout();
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        for (Mailbox mailbox : draining) {
            while (mailbox != own && !mailbox.isIdle() && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        List<String> unfinished = new ArrayList<>();
        for (Mailbox mailbox : draining) {
            if (mailbox != own && !mailbox.isIdle()) {
                unfinished.add("'" + mailbox.name() + "'");
            }
            mailbox.close();
        }
        if (own != null) {
            LOG.debug("Bus '{}' closed from a handler of subscription '{}', without waiting for it: what waits in "
                    + "its mailbox is reported as dropped (BUS_CLOSED)", resources.name, own.name());
        }
        requests.closeAll();
        if (!unfinished.isEmpty()) {
            LOG.warn("Bus '{}': {} had not drained after {}; their waiting messages were reported as dropped "
                    + "(BUS_CLOSED), and a handler still running finishes on its own thread", resources.name,
                    (unfinished.size() == 1 ? "subscription " : "subscriptions ") + String.join(", ", unfinished),
                    drainTimeout);
        }
        resources.shutdownOwnExecutor();
        LOG.debug("Bus '{}' closed", resources.name);
    }

    @Override
    public String toString() {
        return "MessageBus[" + resources.name + (isClosed() ? ", closed" : "") + "]";
    }
}
