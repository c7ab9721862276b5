package org.busline.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.busline.CircuitBreakerPolicy;
import org.busline.DeadLetter;
import org.busline.AsyncResponder;
import org.busline.DeadMessage;
import org.busline.Delivery;
import org.busline.DeliveryException;
import org.busline.DeliveryFailure;
import org.busline.DroppedMessage;
import org.busline.Envelope;
import org.busline.EnvelopeHandler;
import org.busline.MailboxFullException;
import org.busline.MessageBus;
import org.busline.MessageHandler;
import org.busline.NoConsumerException;
import org.busline.PublishResult;
import org.busline.RetryPolicy;
import org.busline.RequestException;
import org.busline.Responder;
import org.busline.Subscription;
import org.busline.SubscriptionInfo;
import org.busline.Topic;
import org.busline.TypeRef;
import org.busline.spi.Interceptor;
import org.busline.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus.
 *
 * <p><b>Registry.</b> Subscriptions and routes change only under {@link #lock}; each {@link Route} holds a
 * copy-on-write array of its subscribers, so publishing takes no lock. A route is found by class
 * ({@link #classRoutes}), by topic ({@link #routes}), or, fastest, through a one-entry cache in the {@link Topic}
 * object itself, which holds the route of the last bus that published it.
 *
 * <p><b>Hot path.</b> A publish to synchronous payload handlers with no interceptor ({@link Route.State#fast})
 * makes no envelope and allocates nothing: it records the message in the thread's {@link DispatchContext}, where an
 * envelope can be made later if a handler needs one (to publish in turn, or to report a failure).
 *
 * <p><b>Re-entrancy.</b> A publish from inside a synchronous handler is queued on the thread's context and delivered
 * by the outermost publish after the current message, breadth first, so the stack never grows with the chain.
 */
public final class DefaultMessageBus implements MessageBus {
    private static final Logger LOG = LoggerFactory.getLogger(MessageBus.class);
    private static final VarHandle TOPIC_ROUTE;
    private static final Topic<DeadMessage> DEAD_MESSAGES = Topic.of(DeadMessage.class);
    private static final Topic<DeadLetter> DEAD_LETTERS = Topic.of(DeadLetter.class);
    private static final Topic<CircuitBreakerPolicy.StateChange> STATE_CHANGES =
            Topic.of(CircuitBreakerPolicy.StateChange.class);

    static {
        try {
            TOPIC_ROUTE = MethodHandles.privateLookupIn(Topic.class, MethodHandles.lookup())
                    .findVarHandle(Topic.class, "route", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final Clock clock;
    private final Interceptor[] interceptors;
    private final BusConfig config;
    private final Consumer<? super DeliveryFailure> errorHandler;
    private final Consumer<? super DeadMessage> deadMessageHandler;
    private final Consumer<? super DroppedMessage> droppedHandler;

    private final Object lock = new Object();
    private final ConcurrentHashMap<Topic<?>, Route> routes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Class<?>, Route> classRoutes = new ConcurrentHashMap<>();
    /** Guarded by {@link #lock}: topic names and their types, to refuse one name with two types. */
    private final Map<String, TypeRef<?>> topicTypes = new HashMap<>();
    /** Guarded by {@link #lock}: every active subscriber, in subscription order. */
    private Subscriber[] subscribers = new Subscriber[0];
    /** Guarded by {@link #lock}: every mailbox ever made, drained at close even if unsubscribed. */
    private final List<Mailbox> mailboxes = new ArrayList<>();
    /** Guarded by {@link #lock}. */
    private long sequence;
    /** Guarded by {@link #lock}: the scheduler, made on first use unless configured. */
    private Scheduler scheduler;
    /** Guarded by {@link #lock}: the executor this bus made and must shut down, made on first use. */
    private ExecutorService ownExecutor;
    private volatile boolean closed;
    /** Responders and awaited requests. */
    private final Requests requests;
    /** The context propagators of asynchronous deliveries; read by every mailbox. */
    final Propagation propagation;

    public DefaultMessageBus(BusConfig config) {
        this.config = config;
        this.name = config.name();
        this.clock = config.clock();
        this.interceptors = config.interceptors().toArray(new Interceptor[0]);
        this.propagation = new Propagation(config.propagators());
        this.errorHandler = config.errorHandler() != null ? config.errorHandler() : this::logFailure;
        this.deadMessageHandler = config.deadMessageHandler() != null ? config.deadMessageHandler()
                : dead -> LOG.debug("Bus '{}': message {} on topic '{}' reached no subscriber", name,
                        dead.envelope().id(), dead.envelope().topic().name());
        this.requests = new Requests(this, config.clock());
        this.droppedHandler = config.droppedHandler() != null ? config.droppedHandler()
                : dropped -> LOG.warn("Bus '{}': message {} on topic '{}' was dropped by subscription '{}': {}", name,
                        dropped.envelope().id(), dropped.envelope().topic().name(), dropped.subscriber(),
                        dropped.reason());
    }

    @Override
    public String name() {
        return name;
    }

    // ---------------------------------------------------------------------------------------------- publishing

    @Override
    public PublishResult publish(Object message) {
        return dispatch(routeOf(message), message);
    }

    @Override
    public <T> PublishResult publish(Topic<T> topic, T message) {
        return dispatch(routeOf(topic, message), message);
    }

    /** The route of the type topic of the message's class. */
    private Route routeOf(Object message) {
        Objects.requireNonNull(message, "message");
        Route route = classRoutes.get(message.getClass());
        return route != null ? route : route(Topic.of(message.getClass()));
    }

    /** The route of a topic, once the message is checked against its type. */
    private Route routeOf(Topic<?> topic, Object message) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(message, "message");
        Route route = route(topic);
        if (!topic.type().rawType().isInstance(message)) {
            topic.cast(message);
        }
        return route;
    }

    /** Runs the interceptors' {@code onPublish}; null if one vetoed the message. */
    private Envelope<?> intercept(Route route, Envelope<?> envelope) {
        for (Interceptor interceptor : interceptors) {
            envelope = interceptor.onPublish(envelope);
            if (envelope == null) {
                LOG.debug("Bus '{}': interceptor {} vetoed a message on topic '{}'", name, interceptor,
                        route.topic.name());
                return null;
            }
        }
        return envelope;
    }

    @Override
    public <T> PublishResult publish(Envelope<T> envelope) {
        Objects.requireNonNull(envelope, "envelope");
        checkOpen("publish");
        Route route = route(envelope.topic());
        DispatchContext context = DispatchContext.current();
        return publishEnvelope(route, stamp(envelope, context.envelope(this)), context);
    }

    private PublishResult dispatch(Route route, Object payload) {
        checkOpen("publish");
        DispatchContext context = DispatchContext.current();
        Route.State state = route.state;
        if (state.fast && !context.dispatching) {
            return deliverFast(route.topic, state.subscribers, 0, state.subscribers.length, payload, context);
        }
        return publishEnvelope(route, newEnvelope(route.topic, payload, context.envelope(this)), context);
    }

    /** Synchronous payload handlers only, not nested in another delivery: no envelope unless somebody asks. */
    private PublishResult deliverFast(Topic<?> topic, Subscriber[] targets, int first, int end, Object payload,
                                      DispatchContext context) {
        Topic<?> savedTopic = context.topic;
        Object savedPayload = context.payload;
        Envelope<?> savedEnvelope = context.envelope;
        Envelope<?> savedParent = context.parent;
        context.parent = savedEnvelope;
        // The topic is only read while a payload is recorded, so it may stay behind after the frame: a thread that
        // publishes on one topic again and again then skips this store and its GC write barrier (a quarter of the
        // cost of a publish under G1).
        if (context.topic != topic) {
            context.topic = topic;
        }
        context.payload = payload;
        context.envelope = null;
        context.dispatching = true;
        List<Throwable> failures = null;
        Envelope<?> failedMessage = null;
        try {
            for (int i = first; i < end; i++) {
                Subscriber subscriber = targets[i];
                try {
                    subscriber.payloadHandler.onMessage(payload);
                } catch (Throwable failure) {
                    failedMessage = context.envelope(this);
                    failures = failed(subscriber, failedMessage, failure, failures);
                }
            }
            runQueued(context);
        } finally {
            context.dispatching = false;
            if (savedPayload != null) {
                context.topic = savedTopic;
            }
            context.payload = savedPayload;
            context.envelope = savedEnvelope;
            context.parent = savedParent;
        }
        return failures == null ? Results.done(end - first) : finish(end - first, failures, failedMessage);
    }

    private PublishResult publishEnvelope(Route route, Envelope<?> envelope, DispatchContext context) {
        envelope = intercept(route, envelope);
        if (envelope == null) {
            return Results.done(0);
        }
        Route.State state = route.state;
        Subscriber[] targets = state.subscribers;
        if (targets.length == 0) {
            dead(envelope, context);
            return Results.done(0);
        }
        if (state.reserving) {
            reserveRoom(targets, envelope);
        }
        boolean nested = context.dispatching;
        Results.Tracker tracker = state.hasAsync || nested
                ? new Results.Tracker(envelope, targets.length > 1) : null;
        int reached = 0;
        List<Throwable> failures = null;
        List<Subscriber> deferred = null;
        Envelope<?> outer = context.enter(envelope);
        context.dispatching = true;
        try {
            for (Subscriber subscriber : targets) {
                if (subscriber.mailbox != null) {
                    Envelope<?> message;
                    try {
                        message = subscriber.forMailbox(envelope);
                    } catch (RuntimeException copyFailure) {
                        // Isolated delivery could not copy the message: this subscriber's failure, as a handler's.
                        if (subscriber.mailbox.refuses()) {
                            subscriber.mailbox.release();
                        }
                        reached++;
                        failures = failed(subscriber, envelope, copyFailure, failures);
                        continue;
                    }
                    if (subscriber.mailbox.put(message, tracker)) {
                        reached++;
                    }
                } else if (nested) {
                    if (deferred == null) {
                        deferred = new ArrayList<>(targets.length);
                    }
                    deferred.add(subscriber);
                    tracker.add();
                    reached++;
                } else {
                    reached++;
                    Throwable failure = deliverSync(subscriber, envelope);
                    if (failure != null) {
                        failures = failed(subscriber, envelope, failure, failures);
                    }
                }
            }
            if (deferred != null) {
                List<Subscriber> later = deferred;
                Envelope<?> message = envelope;
                context.queue(() -> deliverDeferred(later, message, tracker));
            }
            if (!nested) {
                runQueued(context);
            }
        } finally {
            context.dispatching = nested;
            context.leave(outer);
        }
        if (tracker != null) {
            if (failures != null) {
                for (Throwable failure : failures) {
                    tracker.add();
                    tracker.settle(failure instanceof Propagated ? failure.getCause() : failure);
                }
            }
            tracker.handedOver(reached);
            throwPropagated(failures, envelope);
            return tracker;
        }
        return failures == null ? Results.done(reached) : finish(reached, failures, envelope);
    }

    /** Delivers a message published from inside a synchronous handler, once the current delivery is done. */
    private void deliverDeferred(List<Subscriber> targets, Envelope<?> envelope, Results.Tracker tracker) {
        DispatchContext context = DispatchContext.current();
        Envelope<?> outer = context.enter(envelope);
        try {
            for (Subscriber subscriber : targets) {
                Throwable failure = deliverSync(subscriber, envelope);
                if (failure != null) {
                    Throwable reported = failed(subscriber, envelope, failure, null).get(0);
                    failure = reported instanceof Propagated ? reported.getCause() : reported;
                }
                tracker.settle(failure);
            }
        } finally {
            context.leave(outer);
        }
    }

    private static void runQueued(DispatchContext context) {
        Runnable next;
        while ((next = context.nextQueued()) != null) {
            next.run();
        }
    }

    /**
     * Makes one attempt at a message from an asynchronous subscriber's mailbox, on its executor's thread, within the
     * guard's deadline if it has one. Returns the failure (a {@link TimeoutException} if the deadline passed, or
     * what the scheduler threw if it refused the deadline), or null. Never throws; the caller reports the outcome.
     */
    Throwable deliverAsync(Subscriber subscriber, Envelope<?> envelope, DispatchContext context, Guard guard) {
        Envelope<?> outer = context.enter(envelope);
        try {
            if (guard == null || guard.timeout == null) {
                return deliver(subscriber, envelope);
            }
            AttemptTimer timer;
            try {
                timer = AttemptTimer.start(guard.scheduler, guard.timeout);
            } catch (RuntimeException refused) {
                return refused;
            }
            Throwable failure = deliver(subscriber, envelope);
            if (!timer.finish() || failure instanceof Error) {
                return failure;
            }
            String attempt = envelope.header(RetryPolicy.ATTEMPT_HEADER);
            TimeoutException timedOut = new TimeoutException((attempt == null ? "" : "attempt " + attempt + " of ")
                    + describe(envelope) + " by subscription '" + subscriber.name + "' timed out after "
                    + guard.timeout + "; its thread was interrupted");
            if (failure != null && !(failure instanceof InterruptedException)) {
                timedOut.addSuppressed(failure);
            }
            return timedOut;
        } finally {
            context.leave(outer);
        }
    }

    /**
     * Delivers to a synchronous subscriber, through its guard if it has one. Returns its failure, a
     * {@link Rejected} if the guard refused the call, or null. Never throws.
     */
    private Throwable deliverSync(Subscriber subscriber, Envelope<?> envelope) {
        Guard guard = subscriber.guard;
        if (guard == null) {
            return deliver(subscriber, envelope);
        }
        if (!guard.accept(envelope.id())) {
            skippedDuplicate(subscriber, envelope);
            return null;
        }
        if (guard.bulkheaded() && !guard.enter()) {
            guard.forget(envelope.id());
            return new Rejected(DeadLetter.Reason.BULKHEAD_FULL);
        }
        try {
            int permit = guard.breaker == null ? CircuitBreaker.PERMITTED : guard.breaker.acquire();
            if (permit == CircuitBreaker.REJECTED) {
                guard.forget(envelope.id());
                return new Rejected(DeadLetter.Reason.CIRCUIT_OPEN);
            }
            Throwable failure = deliver(subscriber, envelope);
            if (guard.breaker != null) {
                guard.breaker.record(permit, failure == null);
            }
            if (failure != null) {
                guard.forget(envelope.id());
            }
            return failure;
        } finally {
            if (guard.bulkheaded()) {
                guard.exit();
            }
        }
    }

    /** A synchronous delivery that a guard refused; stands for the reason until {@link #failed} reports it. */
    private static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final DeadLetter.Reason reason;

        Rejected(DeadLetter.Reason reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }
    }

    /** Calls one handler inside the interceptors. Returns its failure, or null. Never throws. */
    private Throwable deliver(Subscriber subscriber, Envelope<?> envelope) {
        if (interceptors.length == 0) {
            try {
                subscriber.invoke(envelope.payload(), envelope);
                return null;
            } catch (Throwable failure) {
                return failure;
            }
        }
        int entered = 0;
        Throwable failure = null;
        try {
            boolean allowed = true;
            for (Interceptor interceptor : interceptors) {
                if (!interceptor.beforeDelivery(envelope, subscriber.name)) {
                    allowed = false;
                    break;
                }
                entered++;
            }
            if (allowed) {
                subscriber.invoke(envelope.payload(), envelope);
            }
        } catch (Throwable thrown) {
            failure = thrown;
        }
        for (int i = entered - 1; i >= 0; i--) {
            try {
                interceptors[i].afterDelivery(envelope, subscriber.name, failure);
            } catch (Throwable thrown) {
                LOG.error("Bus '{}': interceptor {} failed after delivering message {} to '{}'", name,
                        interceptors[i], envelope.id(), subscriber.name, thrown);
            }
        }
        return failure;
    }

    /**
     * Reports a handler's failure and adds it to {@code failures}. Restores an interrupt; rethrows an
     * {@link Error} once reported.
     */
    private List<Throwable> failed(Subscriber subscriber, Envelope<?> envelope, Throwable failure,
                                   List<Throwable> failures) {
        Throwable reported;
        if (failure instanceof Rejected) {
            DeadLetter.Reason reason = ((Rejected) failure).reason;
            deadLetter(envelope, subscriber.name, null, 0, reason);
            reported = rejection(subscriber, envelope, reason, null);
        } else {
            failedFinally(subscriber, envelope, envelope, failure, 1);
            if (failure instanceof Error) {
                throw (Error) failure;
            }
            reported = failure;
        }
        List<Throwable> all = failures != null ? failures : new ArrayList<>(2);
        all.add(subscriber.propagateFailures ? new Propagated(subscriber, reported) : reported);
        return all;
    }

    /**
     * Reports the failure that ends a delivery: restores an interrupt, calls the error handler with the envelope the
     * handler saw, and dead-letters the original. Never throws; the caller rethrows an {@link Error}.
     */
    void failedFinally(Subscriber subscriber, Envelope<?> seen, Envelope<?> original, Throwable failure,
                       int attempts) {
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        try {
            errorHandler.accept(new DeliveryFailure(seen, subscriber.name, failure));
        } catch (Throwable handlerFailure) {
            LOG.error("Bus '{}': the error handler failed on the failure of subscription '{}'", name,
                    subscriber.name, handlerFailure);
        }
        deadLetter(original, subscriber.name, failure, attempts, DeadLetter.Reason.FAILED);
    }

    /** What a publish's completion reports for a delivery that a guard rejected. */
    DeliveryException rejection(Subscriber subscriber, Envelope<?> envelope, DeadLetter.Reason reason,
                                Throwable last) {
        return new DeliveryException(describe(envelope) + " was rejected by subscription '" + subscriber.name
                + "': " + reason, last);
    }

    void skippedDuplicate(Subscriber subscriber, Envelope<?> envelope) {
        LOG.debug("Bus '{}': subscription '{}' skipped {}, a duplicate", name, subscriber.name, describe(envelope));
    }

    void retrying(Subscriber subscriber, Envelope<?> envelope, int retry, Throwable failure, Duration delay) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("Bus '{}': subscription '{}' failed on {}; retry {} in {}", name, subscriber.name,
                    describe(envelope), retry, delay, failure);
        }
    }

    /**
     * Publishes a dead letter on its type topic, on this thread (after the current message if this thread is
     * delivering one synchronously), or logs it if nobody subscribes. Never throws.
     */
    void deadLetter(Envelope<?> envelope, String subscriber, Throwable cause, int attempts,
                    DeadLetter.Reason reason) {
        requests.gaveUp(envelope, subscriber, cause, attempts, reason);
        boolean reported = reason == DeadLetter.Reason.FAILED || reason == DeadLetter.Reason.MAILBOX_FULL
                || reason == DeadLetter.Reason.BUS_CLOSED || reason == DeadLetter.Reason.EXECUTOR_REJECTED;
        if (envelope.payload() instanceof DeadLetter) {
            LOG.warn("Bus '{}': subscription '{}' gave up on dead letter {} ({}); a dead letter is not dead-lettered "
                    + "again", name, subscriber, envelope.id(), reason);
            return;
        }
        try {
            Route route = route(DEAD_LETTERS);
            if (route.state.subscribers.length == 0) {
                if (reported) {
                    LOG.debug("Bus '{}': subscription '{}' gave up on {} ({}, {} attempts)", name, subscriber,
                            describe(envelope), reason, attempts);
                } else {
                    LOG.warn("Bus '{}': subscription '{}' gave up on {} ({}, {} attempts), and nobody subscribes "
                            + "to DeadLetter", name, subscriber, describe(envelope), reason, attempts);
                }
                return;
            }
            DeadLetter letter = new DeadLetter(envelope, subscriber, cause, attempts, reason);
            publishEnvelope(route, newEnvelope(DEAD_LETTERS, letter, envelope), DispatchContext.current());
        } catch (RuntimeException failure) {
            LOG.error("Bus '{}': could not publish the dead letter of {} from subscription '{}' ({})", name,
                    describe(envelope), subscriber, reason, failure);
        }
    }

    /**
     * Announces a circuit breaker's change of state to the policy's listener and on the bus. Never throws.
     */
    void announce(CircuitBreakerPolicy.StateChange change,
                  Consumer<? super CircuitBreakerPolicy.StateChange> listener) {
        LOG.info("Bus '{}': the circuit breaker of subscription '{}' went from {} to {}", name, change.subscriber(),
                change.from(), change.to());
        try {
            listener.accept(change);
        } catch (Throwable failure) {
            LOG.error("Bus '{}': the state-change listener failed on {}", name, change, failure);
        }
        try {
            Route route = route(STATE_CHANGES);
            if (route.state.subscribers.length > 0) {
                DispatchContext context = DispatchContext.current();
                publishEnvelope(route, newEnvelope(STATE_CHANGES, change, context.envelope(this)), context);
            }
        } catch (RuntimeException failure) {
            LOG.error("Bus '{}': could not publish {}", name, change, failure);
        }
    }

    /** Marks a failure that the publish must rethrow. */
    private static final class Propagated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Propagated(Subscriber subscriber, Throwable cause) {
            super("subscription '" + subscriber.name + "' failed: " + cause, cause, false, false);
        }
    }

    private PublishResult finish(int reached, List<Throwable> failures, Envelope<?> envelope) {
        throwPropagated(failures, envelope);
        List<Throwable> causes = new ArrayList<>(failures.size());
        for (Throwable failure : failures) {
            causes.add(failure instanceof Propagated ? failure.getCause() : failure);
        }
        return Results.failed(reached, causes, describe(envelope));
    }

    private void throwPropagated(List<Throwable> failures, Envelope<?> envelope) {
        if (failures == null) {
            return;
        }
        DeliveryException propagated = null;
        for (Throwable failure : failures) {
            if (failure instanceof Propagated) {
                if (propagated == null) {
                    propagated = new DeliveryException("Bus '" + name + "': " + describe(envelope) + " failed in "
                            + failure.getMessage(), failure.getCause());
                } else {
                    propagated.addSuppressed(failure.getCause());
                }
            }
        }
        if (propagated != null) {
            throw propagated;
        }
    }

    private void reserveRoom(Subscriber[] targets, Envelope<?> envelope) {
        int reserved = 0;
        try {
            for (Subscriber subscriber : targets) {
                if (subscriber.mailbox != null && subscriber.mailbox.refuses()) {
                    subscriber.mailbox.reserve(envelope);
                    reserved++;
                }
            }
        } catch (RuntimeException full) {
            for (Subscriber subscriber : targets) {
                if (reserved == 0) {
                    break;
                }
                if (subscriber.mailbox != null && subscriber.mailbox.refuses()) {
                    subscriber.mailbox.release();
                    reserved--;
                }
            }
            throw full;
        }
    }

    private void dead(Envelope<?> envelope, DispatchContext context) {
        try {
            deadMessageHandler.accept(new DeadMessage(envelope));
        } catch (Throwable failure) {
            LOG.error("Bus '{}': the dead-message handler failed on message {}", name, envelope.id(), failure);
        }
        if (!(envelope.payload() instanceof DeadMessage)) {
            Route deadRoute = route(DEAD_MESSAGES);
            if (deadRoute.state.subscribers.length > 0) {
                publishEnvelope(deadRoute, newEnvelope(DEAD_MESSAGES, new DeadMessage(envelope), envelope), context);
            }
        }
    }

    /** A new message's envelope: a lazy id, now, and the correlation of {@code parent} (null outside a handler). */
    @SuppressWarnings("unchecked")
    <T> Envelope<T> newEnvelope(Topic<T> topic, Object payload, Envelope<?> parent) {
        return Envelope.restore(null, topic, (T) payload, now(),
                parent == null ? null : parent.correlationId(), parent == null ? null : parent.id(),
                Map.of());
    }

    /**
     * Timestamps have millisecond precision: {@link Clock#millis()} of the system clock is an intrinsic, where
     * {@link Clock#instant()} is a native call that cost a tenth of an asynchronous publish.
     */
    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private static String describe(Envelope<?> envelope) {
        return "message " + envelope.id() + " on topic '" + envelope.topic().name() + "'";
    }

    /** Reports a dropped message to the dropped-message handler, then dead-letters it. Never throws. */
    void reportDropped(Envelope<?> envelope, String subscriber, DroppedMessage.Reason reason, Throwable last,
                       int attempts) {
        try {
            droppedHandler.accept(new DroppedMessage(envelope, subscriber, reason));
        } catch (Throwable failure) {
            LOG.error("Bus '{}': the dropped-message handler failed on message {}", name, envelope.id(), failure);
        }
        deadLetter(envelope, subscriber, last, attempts, DeadLetter.Reason.valueOf(reason.name()));
    }

    /**
     * Reports a reply that came after its request stopped waiting to the dropped-message handler. It is no
     * subscription's message, so it is not dead-lettered. Never throws.
     */
    void reportLateReply(Envelope<?> reply, String responder) {
        try {
            droppedHandler.accept(new DroppedMessage(reply, responder, DroppedMessage.Reason.LATE_REPLY));
        } catch (Throwable failure) {
            LOG.error("Bus '{}': the dropped-message handler failed on late reply {}", name, reply.id(), failure);
        }
    }

    void logExecutorRejection(String subscriber, Exception rejection) {
        LOG.error("Bus '{}': the executor of subscription '{}' refused its task; its waiting messages are dropped",
                name, subscriber, rejection);
    }

    private void logFailure(DeliveryFailure failure) {
        LOG.error("Bus '{}': subscription '{}' failed on message {} of topic '{}'", name, failure.subscriber(),
                failure.envelope().id(), failure.envelope().topic().name(), failure.cause());
    }

    // ---------------------------------------------------------------------------------------------- routing

    private Route route(Topic<?> topic) {
        Object cached = TOPIC_ROUTE.get(topic);
        if (cached instanceof Route && ((Route) cached).bus == this) {
            return (Route) cached;
        }
        Route route = routes.get(topic);
        if (route == null) {
            route = createRoute(topic);
        }
        TOPIC_ROUTE.set(topic, route);
        return route;
    }

    private Route createRoute(Topic<?> topic) {
        synchronized (lock) {
            Route route = routes.get(topic);
            if (route != null) {
                return route;
            }
            registerName(topic);
            Subscriber[] matching = Arrays.stream(subscribers).filter(s -> s.selector.matches(topic))
                    .toArray(Subscriber[]::new);
            route = new Route(this, topic, matching, interceptors.length > 0);
            routes.put(topic, route);
            if (!topic.isNamed() && topic.type().type() instanceof Class) {
                classRoutes.put(topic.type().rawType(), route);
            }
            return route;
        }
    }

    /** Guarded by {@link #lock}. */
    private void registerName(Topic<?> topic) {
        TypeRef<?> known = topicTypes.putIfAbsent(topic.name(), topic.type());
        if (known != null && !known.equals(topic.type())) {
            throw new IllegalArgumentException("topic '" + topic.name() + "' is already used on bus '" + name
                    + "' with type " + known + ", so it cannot carry " + topic.type());
        }
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
        return add(selector(topic), handler, false, delivery, null);
    }

    @Override
    public <T> Subscription subscribeEnvelopes(Topic<T> topic, EnvelopeHandler<? super T> handler,
                                               Delivery delivery) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(delivery, "delivery");
        return add(selector(topic), handler, true, delivery, null);
    }

    @Override
    public Subscription subscribePattern(String pattern, EnvelopeHandler<Object> handler, Delivery delivery) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(delivery, "delivery");
        return add(Selector.pattern(pattern), handler, true, delivery, null);
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
        List<Subscriber> added = new ArrayList<>(methods.size());
        try {
            for (AnnotatedMethods.Method method : methods) {
                added.add(add(selector(method.topic()), method.handler(), method.takesEnvelope(), delivery,
                        method.name()));
            }
        } catch (RuntimeException failure) {
            added.forEach(Subscriber::close);
            throw failure;
        }
        return new Registration(subscriber.getClass().getName(), added);
    }

    private Selector selector(Topic<?> topic) {
        synchronized (lock) {
            registerName(topic);
        }
        return topic.isNamed() ? Selector.named(topic) : Selector.type(topic);
    }

    private Subscriber add(Selector selector, Object handler, boolean envelopes, Delivery delivery,
                           String derivedName) {
        checkOpen("subscribe");
        synchronized (lock) {
            checkOpen("subscribe");
            long number = ++sequence;
            String subscriberName = delivery.name() != null ? delivery.name()
                    : derivedName != null ? derivedName : "#" + number + " " + selector.describe();
            Subscriber subscriber = newSubscriber(number, subscriberName, selector, handler, envelopes,
                    delivery.propagatesFailures(), delivery);
            Subscriber[] next = Arrays.copyOf(subscribers, subscribers.length + 1);
            next[subscribers.length] = subscriber;
            subscribers = next;
            for (Route route : routes.values()) {
                if (selector.matches(route.topic)) {
                    route.add(subscriber, interceptors.length > 0);
                }
            }
            return subscriber;
        }
    }

    /**
     * Guarded by {@link #lock}: makes a subscriber or responder as its delivery says, and keeps its mailbox, if it
     * has one, for {@link #close()} to drain.
     */
    private Subscriber newSubscriber(long number, String subscriberName, Selector selector, Object handler,
                                     boolean envelopes, boolean propagateFailures, Delivery delivery) {
        Mailbox.Settings settings = delivery.isAsync()
                ? new Mailbox.Settings(delivery.executor() != null ? delivery.executor() : defaultExecutor(),
                        delivery.capacity(), delivery.overflow(), delivery.blockTimeout().toNanos(),
                        delivery.concurrency())
                : null;
        Subscriber subscriber = new Subscriber(this, number, subscriberName, selector, handler, envelopes,
                propagateFailures, settings, Guard.of(delivery, subscriberName, this),
                config.serialization().isolation(selector, delivery.isIsolated(), subscriberName));
        if (subscriber.mailbox != null) {
            mailboxes.removeIf(Mailbox::isRetired);
            mailboxes.add(subscriber.mailbox);
        }
        return subscriber;
    }

    @Override
    public List<SubscriptionInfo> subscriptions() {
        Subscriber[] subscribed;
        Subscriber[] responding;
        synchronized (lock) {
            subscribed = subscribers;
            responding = requests.responders;
        }
        // Both arrays are in subscription order (appended under the lock): merge them to keep that order.
        List<SubscriptionInfo> snapshot = new ArrayList<>(subscribed.length + responding.length);
        int s = 0;
        int r = 0;
        while (s < subscribed.length || r < responding.length) {
            boolean takeSubscriber = r == responding.length
                    || s < subscribed.length && subscribed[s].sequence < responding[r].sequence;
            Subscriber next = takeSubscriber ? subscribed[s++] : responding[r++];
            if (next.isActive()) {
                snapshot.add(next.info(takeSubscriber ? SubscriptionInfo.Kind.SUBSCRIBER
                        : SubscriptionInfo.Kind.RESPONDER));
            }
        }
        return List.copyOf(snapshot);
    }

    @Override
    public boolean hasSubscribers(Topic<?> topic) {
        Objects.requireNonNull(topic, "topic");
        checkOpen("hasSubscribers");
        Subscriber[] subscribed;
        synchronized (lock) {
            subscribed = subscribers;
        }
        for (Subscriber subscriber : subscribed) {
            if (subscriber.isActive() && subscriber.selector.matches(topic)) {
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

    void unsubscribe(Subscriber subscriber) {
        synchronized (lock) {
            subscribers = Arrays.stream(subscribers).filter(s -> s != subscriber).toArray(Subscriber[]::new);
            for (Route route : routes.values()) {
                route.remove(subscriber, interceptors.length > 0);
            }
            requests.remove(subscriber, interceptors.length > 0);
        }
    }

    /** The bus's time and timers: the configured scheduler, or a system one made on first use. */
    Scheduler scheduler() {
        synchronized (lock) {
            if (scheduler == null) {
                scheduler = config.scheduler() != null ? config.scheduler() : Scheduler.system();
            }
            return scheduler;
        }
    }

    /** Guarded by {@link #lock}. */
    private Executor defaultExecutor() {
        if (config.executor() != null) {
            return config.executor();
        }
        if (ownExecutor == null) {
            AtomicInteger count = new AtomicInteger();
            ThreadFactory threads = task -> {
                Thread thread = new Thread(task, "busline-" + name + "-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
            ownExecutor = Executors.newCachedThreadPool(threads);
        }
        return ownExecutor;
    }

    /** The subscriptions of one object registered with {@link #register(Object)}. */
    private static final class Registration implements Subscription {
        private final String name;
        private final List<Subscriber> subscribers;

        Registration(String name, List<Subscriber> subscribers) {
            this.name = name;
            this.subscribers = List.copyOf(subscribers);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isActive() {
            return subscribers.stream().anyMatch(Subscriber::isActive);
        }

        @Override
        public void close() {
            subscribers.forEach(Subscriber::close);
        }

        @Override
        public String toString() {
            return "Subscription[" + name + ": " + subscribers + "]";
        }
    }

    // ---------------------------------------------------------------------------------------------- point-to-point

    @Override
    public PublishResult send(Object message) {
        return sendPayload(routeOf(message), message);
    }

    @Override
    public <T> PublishResult send(Topic<T> topic, T message) {
        return sendPayload(routeOf(topic, message), message);
    }

    private PublishResult sendPayload(Route route, Object payload) {
        checkOpen("send");
        DispatchContext context = DispatchContext.current();
        Route.State state = route.state;
        if (state.fast && !context.dispatching) {
            Subscriber[] targets = state.subscribers;
            int turn = route.nextTurn(targets.length);
            return deliverFast(route.topic, targets, turn, turn + 1, payload, context);
        }
        return sendEnvelope(route, newEnvelope(route.topic, payload, context.envelope(this)), context);
    }

    /**
     * Delivers to one subscriber: from the route's next turn on, the first synchronous one or the first asynchronous
     * one with room; if none has room, the overflow policy of the one whose turn it was decides.
     */
    private PublishResult sendEnvelope(Route route, Envelope<?> envelope, DispatchContext context) {
        envelope = intercept(route, envelope);
        if (envelope == null) {
            return Results.done(0);
        }
        Route.State state = route.state;
        Subscriber[] targets = state.subscribers;
        if (targets.length == 0) {
            if (config.failSendsWithoutConsumer()) {
                throw new NoConsumerException(route.topic.name(), "Bus '" + name + "': " + describe(envelope)
                        + " was sent to no consumer: the topic has no subscription, and failSendsWithoutConsumer is "
                        + "set");
            }
            dead(envelope, context);
            return Results.done(0);
        }
        int turn = route.nextTurn(targets.length);
        Results.Tracker tracker = state.hasAsync ? new Results.Tracker(envelope, false) : null;
        for (int i = 0; i < targets.length; i++) {
            Subscriber target = targets[turn + i < targets.length ? turn + i : turn + i - targets.length];
            if (target.mailbox == null) {
                return sendToSync(target, envelope, context);
            }
            Envelope<?> message;
            try {
                message = target.forMailbox(envelope);
            } catch (RuntimeException copyFailure) {
                return finish(1, failed(target, envelope, copyFailure, null), envelope);
            }
            if (target.mailbox.offer(message, tracker)) {
                tracker.handedOver(1);
                return tracker;
            }
        }
        Subscriber target = targets[turn];
        Envelope<?> message;
        try {
            message = target.forMailbox(envelope);
        } catch (RuntimeException copyFailure) {
            return finish(1, failed(target, envelope, copyFailure, null), envelope);
        }
        if (target.mailbox.refuses()) {
            target.mailbox.reserve(envelope);
        }
        tracker.handedOver(target.mailbox.put(message, tracker) ? 1 : 0);
        return tracker;
    }

    private PublishResult sendToSync(Subscriber target, Envelope<?> envelope, DispatchContext context) {
        if (context.dispatching) {
            Results.Tracker tracker = new Results.Tracker(envelope, false);
            tracker.add();
            context.queue(() -> deliverDeferred(List.of(target), envelope, tracker));
            tracker.handedOver(1);
            return tracker;
        }
        Envelope<?> outer = context.enter(envelope);
        context.dispatching = true;
        List<Throwable> failures = null;
        try {
            Throwable failure = deliverSync(target, envelope);
            if (failure != null) {
                failures = failed(target, envelope, failure, null);
            }
            runQueued(context);
        } finally {
            context.dispatching = false;
            context.leave(outer);
        }
        return failures == null ? Results.done(1) : finish(1, failures, envelope);
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
        return addResponder(topic, new ResponderHandler(requests, responder, null), delivery);
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
        return addResponder(topic, new ResponderHandler(requests, null, responder), delivery);
    }

    @Override
    public <Q, R> CompletableFuture<R> request(Topic<Q> topic, Q request, Class<R> replyType, Duration timeout) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(request, "request");
        long nanos = Requests.checkReply(replyType, timeout, false);
        if (!topic.type().rawType().isInstance(request)) {
            topic.cast(request);
        }
        return startRequest(topic, request, null, replyType, false, timeout, nanos);
    }

    @Override
    public <R> CompletableFuture<R> request(Object request, Class<R> replyType, Duration timeout) {
        Objects.requireNonNull(request, "request");
        long nanos = Requests.checkReply(replyType, timeout, false);
        return startRequest(Topic.of(request.getClass()), request, null, replyType, false, timeout, nanos);
    }

    @Override
    public <Q, R> CompletableFuture<Envelope<R>> requestEnvelope(Envelope<Q> request, Class<R> replyType,
                                                                 Duration timeout) {
        Objects.requireNonNull(request, "request");
        long nanos = Requests.checkReply(replyType, timeout, true);
        return startRequest(request.topic(), request.payload(), request, replyType, true, timeout, nanos);
    }

    /**
     * Hands a request to one responder, picked as {@link #sendEnvelope} picks a subscriber. A synchronous responder
     * runs here; for an asynchronous one the request awaits (findable by id, deadline timer running) before it enters
     * the mailbox.
     */
    private <T> CompletableFuture<T> startRequest(Topic<?> topic, Object payload, Envelope<?> given, Class<?> replyType,
                                                  boolean envelopes, Duration timeout, long nanos) {
        long deadline = requests.scheduler().nanoTime() + nanos;
        if (closed) {
            return CompletableFuture.failedFuture(new RequestException(RequestException.Reason.BUS_CLOSED,
                    topic.name(), "Bus '" + name + "': a request on topic '" + topic.name()
                            + "' failed: request() must not be called after close()", null));
        }
        Route route = responderRoute(topic);
        DispatchContext context = DispatchContext.current();
        Envelope<?> envelope = given == null ? newEnvelope(topic, payload, context.envelope(this))
                : stamp(given, context.envelope(this));
        for (Interceptor interceptor : interceptors) {
            envelope = interceptor.onPublish(envelope);
            if (envelope == null) {
                return CompletableFuture.failedFuture(new RequestException(RequestException.Reason.REJECTED,
                        topic.name(), "Bus '" + name + "': a request on topic '" + topic.name()
                                + "' failed: interceptor " + interceptor + " vetoed it", null));
            }
        }
        Subscriber[] targets = route.state.subscribers;
        if (targets.length == 0) {
            return CompletableFuture.failedFuture(new RequestException(RequestException.Reason.NO_RESPONDER,
                    topic.name(), "Bus '" + name + "': request " + envelope.id() + " on topic '" + topic.name()
                            + "' failed: the topic has no responder", null));
        }
        PendingRequest<T> pending = new PendingRequest<>(requests, envelope, replyType, envelopes, timeout, deadline);
        int turn = route.nextTurn(targets.length);
        for (int i = 0; i < targets.length; i++) {
            Subscriber responder = targets[turn + i < targets.length ? turn + i : turn + i - targets.length];
            pending.responder = responder.name;
            if (responder.mailbox == null) {
                deliverRequest(responder, envelope, pending, context);
                return pending;
            }
            pending.await();
            Envelope<?> message = pending.isDone() ? null : copyForMailbox(responder, envelope, pending);
            if (message == null || responder.mailbox.offer(message, null)) {
                return pending;
            }
        }
        Subscriber responder = targets[turn];
        pending.responder = responder.name;
        Envelope<?> message = copyForMailbox(responder, envelope, pending);
        if (message == null) {
            return pending;
        }
        try {
            if (responder.mailbox.refuses()) {
                responder.mailbox.reserve(envelope);
            }
            responder.mailbox.put(message, null);
        } catch (MailboxFullException full) {
            pending.fail(RequestException.Reason.REJECTED, full.getMessage(), full);
        }
        return pending;
    }

    /** What enters an asynchronous responder's mailbox (a copy if isolated); null if copying failed the request. */
    private Envelope<?> copyForMailbox(Subscriber responder, Envelope<?> envelope, PendingRequest<?> pending) {
        try {
            return responder.forMailbox(envelope);
        } catch (RuntimeException copyFailure) {
            pending.responderFailed(copyFailure);
            failed(responder, envelope, copyFailure, null);
            return null;
        }
    }

    /** Runs a synchronous responder on the requester's thread, at once even when nested, so a handler may wait. */
    private void deliverRequest(Subscriber responder, Envelope<?> envelope, PendingRequest<?> pending,
                                DispatchContext context) {
        Envelope<?> outer = context.enter(envelope);
        PendingRequest<?> savedRequest = context.request;
        boolean nested = context.dispatching;
        context.request = pending;
        context.dispatching = true;
        try {
            Throwable failure = deliverSync(responder, envelope);
            if (failure instanceof Rejected) {
                pending.fail(RequestException.Reason.REJECTED, "responder '" + responder.name + "' rejected it: "
                        + ((Rejected) failure).reason, null);
            } else if (failure != null) {
                pending.responderFailed(failure);
            } else if (!pending.started) {
                pending.fail(RequestException.Reason.REJECTED, "responder '" + responder.name + "' skipped it (an "
                        + "interceptor vetoed the delivery, or it was a duplicate for an idempotent responder)", null);
            }
            if (failure != null) {
                failed(responder, envelope, failure, null);
            }
            if (!nested) {
                runQueued(context);
            }
        } finally {
            context.dispatching = nested;
            context.leave(outer);
            context.request = savedRequest;
        }
    }

    /**
     * Completes an envelope given by a caller: the timestamp if it has none, and, when published from inside a
     * handler, the parent's correlation id (unless it carries its own) and the parent's id as causation.
     */
    private <T> Envelope<T> stamp(Envelope<T> envelope, Envelope<?> parent) {
        boolean ownCorrelation = !envelope.correlationId().equals(envelope.id());
        return Envelope.restore(envelope.id(), envelope.topic(), envelope.payload(),
                envelope.timestamp() != null ? envelope.timestamp() : now(),
                ownCorrelation || parent == null ? envelope.correlationId() : parent.correlationId(),
                envelope.causationId() != null || parent == null ? envelope.causationId() : parent.id(),
                envelope.headers());
    }

    private Route responderRoute(Topic<?> topic) {
        Route route = requests.routes.get(topic);
        if (route != null) {
            return route;
        }
        synchronized (lock) {
            route = requests.routes.get(topic);
            if (route == null) {
                registerName(topic);
                route = new Route(this, topic, requests.matching(topic), interceptors.length > 0);
                requests.routes.put(topic, route);
            }
            return route;
        }
    }

    /** As {@link #add}, into the registry of responders rather than of subscriptions. */
    private Subscriber addResponder(Topic<?> topic, ResponderHandler handler, Delivery delivery) {
        Selector selector = selector(topic);
        checkOpen("respond");
        synchronized (lock) {
            checkOpen("respond");
            long number = ++sequence;
            String responderName = delivery.name() != null ? delivery.name()
                    : "#" + number + " responder of " + selector.describe();
            Subscriber responder = newSubscriber(number, responderName, selector, handler, true, false, delivery);
            requests.add(responder, interceptors.length > 0);
            return responder;
        }
    }

    /** Reports a failure that happened outside any delivery (a responder's failed stage) to the error handler. */
    void reportFailure(Envelope<?> envelope, String subscriber, Throwable cause) {
        try {
            errorHandler.accept(new DeliveryFailure(envelope, subscriber, cause));
        } catch (Throwable handlerFailure) {
            LOG.error("Bus '{}': the error handler failed on the failure of responder '{}'", name, subscriber,
                    handlerFailure);
        }
    }

    /** Where a request's timeout completes its future: the default executor, or null once the bus is closed. */
    Executor completionExecutor() {
        synchronized (lock) {
            return closed ? null : defaultExecutor();
        }
    }

    /** Requests awaiting a reply from another thread; for tests. */
    int awaitingRequests() {
        return requests.awaitingCount();
    }

    /** Replies that came after their request stopped waiting; for tests. */
    long lateReplies() {
        return requests.lateReplies();
    }

    // ---------------------------------------------------------------------------------------------- lifecycle

    private void checkOpen(String method) {
        if (closed) {
            throw new IllegalStateException(method + "() must not be called after close() of bus '" + name + "'");
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        List<Mailbox> draining;
        ExecutorService owned;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            draining = List.copyOf(mailboxes);
            owned = ownExecutor;
        }
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        for (Mailbox mailbox : draining) {
            while (!mailbox.isIdle() && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        int unfinished = 0;
        for (Mailbox mailbox : draining) {
            if (!mailbox.isIdle()) {
                unfinished++;
            }
            mailbox.close();
        }
        requests.closeAll();
        if (unfinished > 0) {
            LOG.warn("Bus '{}': {} subscriptions had not drained after {}; their waiting messages are reported as "
                    + "dropped", name, unfinished, config.drainTimeout());
        }
        if (owned != null) {
            owned.shutdown();
        }
        LOG.debug("Bus '{}' closed", name);
    }

    @Override
    public String toString() {
        return "MessageBus[" + name + (closed ? ", closed" : "") + "]";
    }
}
