package org.busline.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.busline.DeadLetter;
import org.busline.Envelope;
import org.busline.Gather;
import org.busline.Gathered;
import org.busline.MailboxFullException;
import org.busline.RequestException;
import org.busline.Topic;
import org.busline.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request/reply: starts each request on its way to one responder, and keeps the requests that await a reply.
 *
 * <p><b>Threads.</b> Thread-safe: the awaited requests are a concurrent map; everything else is immutable once the bus
 * is wired.
 *
 * <p><b>Responders</b> are {@link Subscriber}s whose handler is a {@link ResponderHandler}, kept by the
 * {@link Registry} apart from the subscriptions. A request walks the same rooms as a point-to-point send: the
 * registry's responder route, the {@link Dispatcher}'s pick of one responder, the {@link Invoker} for a synchronous
 * responder or the {@link Mailbox} of an asynchronous one, and the {@link DeadLetterOffice} when it ends undelivered,
 * which fails the request through {@link #gaveUp}.
 *
 * <p><b>Awaited requests</b> ({@link #awaiting}) are those an asynchronous responder must find by id, or whose reply
 * comes later: a lock-free map from request id to {@link PendingRequest}. A request answered at once by a synchronous
 * responder never enters it.
 */
final class Requests {
    private static final Logger LOG = LoggerFactory.getLogger(Requests.class);

    private final Resources resources;
    /** Set once while the bus is wired, before any thread sees it. */
    private Registry registry;
    private Dispatcher dispatcher;
    private Invoker invoker;
    private DeadLetterOffice office;
    /** Requests waiting for a reply that will come from another thread, by request id. */
    final ConcurrentHashMap<String, PendingRequest<?>> awaiting = new ConcurrentHashMap<>();
    private final LongAdder lateReplies = new LongAdder();
    private volatile Scheduler scheduler;

    Requests(Resources resources) {
        this.resources = resources;
    }

    void connect(Registry registry, Dispatcher dispatcher, Invoker invoker, DeadLetterOffice office) {
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.invoker = invoker;
        this.office = office;
    }

    /** Checks the arguments of a request and returns the timeout in nanoseconds, capped at about a century. */
    static long checkReply(Class<?> replyType, Duration timeout, boolean envelopes) {
        Objects.requireNonNull(replyType, "replyType");
        Objects.requireNonNull(timeout, "timeout");
        if (replyType.isPrimitive()) {
            throw new IllegalArgumentException("replyType must not be primitive, but was " + replyType
                    + "; use its wrapper class");
        }
        if (envelopes && replyType == Void.class) {
            throw new IllegalArgumentException("replyType of requestEnvelope must not be Void, as an envelope cannot "
                    + "carry null; use request(…, Void.class, …)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
        }
        return timeout.compareTo(Duration.ofDays(36_500)) > 0 ? Duration.ofDays(36_500).toNanos() : timeout.toNanos();
    }

    Scheduler scheduler() {
        Scheduler current = scheduler;
        if (current == null) {
            current = resources.scheduler();
            scheduler = current;
        }
        return current;
    }

    /** As the bus timestamps envelopes: milliseconds of the clock. */
    Instant now() {
        return resources.now();
    }

    String busName() {
        return resources.name;
    }

    boolean isClosed() {
        return resources.isClosed();
    }

    // ---------------------------------------------------------------------------------------------- starting

    /**
     * Hands a request to one responder, picked as a point-to-point send picks a subscriber. A synchronous responder
     * runs here; for an asynchronous one the request awaits (findable by id, deadline timer running) before it enters
     * the mailbox.
     */
    <T> CompletableFuture<T> start(Topic<?> topic, Object payload, Envelope<?> given, Class<?> replyType,
                                   boolean envelopes, Duration timeout, long nanos) {
        long deadline = scheduler().nanoTime() + nanos;
        if (resources.isClosed()) {
            return CompletableFuture.failedFuture(new RequestException(RequestException.Reason.BUS_CLOSED,
                    topic.name(), "Bus '" + resources.name + "': a request on topic '" + topic.name()
                            + "' failed: request() must not be called after close()", null));
        }
        Route route = registry.responderRoute(topic);
        DispatchContext context = DispatchContext.current();
        if (resources.boundaries != null) {
            resources.boundaries.checkPublish(topic, context);
        }
        Envelope<?> envelope = given == null ? resources.newEnvelope(topic, payload, context.envelope(resources))
                : resources.stamp(given, context.envelope(resources));
        envelope = dispatcher.intercept(route, envelope);
        if (envelope == null) {
            return CompletableFuture.failedFuture(new RequestException(RequestException.Reason.REJECTED,
                    topic.name(), "Bus '" + resources.name + "': a request on topic '" + topic.name()
                            + "' failed: an interceptor vetoed it", null));
        }
        Subscriber[] targets = route.state.subscribers;
        if (targets.length == 0) {
            return CompletableFuture.failedFuture(new RequestException(RequestException.Reason.NO_RESPONDER,
                    topic.name(), "Bus '" + resources.name + "': request " + envelope.id() + " on topic '"
                            + topic.name() + "' failed: the topic has no responder", null));
        }
        PendingRequest<T> pending = new PendingRequest<>(this, envelope, replyType, envelopes, timeout, deadline);
        Dispatcher.Pick pick;
        try {
            pick = dispatcher.pick(route, targets, envelope, null, pending);
        } catch (MailboxFullException full) {
            pending.fail(RequestException.Reason.REJECTED, full.getMessage(), full);
            return pending;
        }
        if (pick.synchronous() != null) {
            callSync(pick.synchronous(), envelope, pending, context);
        }
        return pending;
    }

    /**
     * Asks every responder of a topic, each with a request of its own (its own id, one correlation id, one
     * deadline), and gathers their outcomes in a {@link Gathering}. Synchronous responders run here, in turn; once the
     * gathering has what it needs, the responders not yet asked are not asked (they are unanswered).
     */
    <R> CompletableFuture<Gathered<R>> startAll(Topic<?> topic, Object payload, Class<R> replyType,
                                                 Gather<? super R> options, long nanos) {
        long deadline = scheduler().nanoTime() + nanos;
        if (resources.isClosed()) {
            return CompletableFuture.failedFuture(new RequestException(RequestException.Reason.BUS_CLOSED,
                    topic.name(), "Bus '" + resources.name + "': a scatter-gather request on topic '" + topic.name()
                            + "' failed: requestAll() must not be called after close()", null));
        }
        Route route = registry.responderRoute(topic);
        if (resources.boundaries != null) {
            resources.boundaries.checkPublish(topic, DispatchContext.current());
        }
        Subscriber[] targets = route.state.subscribers;
        String[] names = new String[targets.length];
        boolean[] fansOut = new boolean[targets.length];
        for (int i = 0; i < targets.length; i++) {
            names[i] = targets[i].name;
            fansOut[i] = targets[i].envelopeHandler instanceof ResponderHandler handler && handler.fansOut();
        }
        Gathering<R> gathering = new Gathering<>(this, options, names, fansOut);
        DispatchContext context = DispatchContext.current();
        Envelope<?> cause = context.envelope(resources);
        String correlation = null;
        for (int i = 0; i < targets.length && !gathering.isFinished(); i++) {
            Envelope<?> envelope = resources.newEnvelope(topic, payload, cause);
            if (correlation == null) {
                correlation = envelope.correlationId();
            } else if (!correlation.equals(envelope.correlationId())) {
                envelope = envelope.withCorrelationId(correlation);
            }
            Envelope<?> intercepted = dispatcher.intercept(route, envelope);
            PendingRequest<R> pending = new PendingRequest<>(this, intercepted == null ? envelope : intercepted,
                    replyType, false, options.deadline(), deadline);
            pending.responder = targets[i].name;
            pending.gathering = gathering;
            pending.slot = i;
            if (intercepted == null) {
                pending.fail(RequestException.Reason.REJECTED, "an interceptor vetoed it", null);
            } else {
                startTo(route, targets[i], pending, context);
            }
            gathering.follow(i, pending);
        }
        if (targets.length == 0) {
            gathering.finishNow();
        }
        return gathering;
    }

    /** Hands one request to one given responder, as {@link #start} hands it to the one it picks. */
    private void startTo(Route route, Subscriber responder, PendingRequest<?> pending, DispatchContext context) {
        pending.responder = responder.name;
        Dispatcher.Pick pick;
        try {
            pick = dispatcher.pick(route, new Subscriber[] {responder}, pending.envelope, null, pending);
        } catch (MailboxFullException full) {
            pending.fail(RequestException.Reason.REJECTED, full.getMessage(), full);
            return;
        }
        if (pick.synchronous() != null) {
            callSync(pick.synchronous(), pending.envelope, pending, context);
        }
    }

    /**
     * Runs a synchronous responder on the requester's thread, at once even when nested, so a handler may wait.
     *
     * <p><b>The deadline of a synchronous responder.</b> The request's deadline is the responder's: a request whose
     * deadline passed before it was handed over fails with {@code TIMEOUT} and never reaches the responder; one whose
     * deadline passes while the responder runs interrupts the requester's thread then (as {@code Delivery.timeout}
     * does for asynchronous handlers), so a responder that waits stops and the request fails with {@code TIMEOUT}
     * at once; the interrupt is cleared afterwards. A reply the responder returns is never dropped: the requester
     * waited for it.
     */
    private void callSync(Subscriber responder, Envelope<?> envelope, PendingRequest<?> pending,
                          DispatchContext context) {
        long remaining = pending.remainingNanos();
        if (remaining <= 0L) {
            pending.timedOutWhileRunning();
            return;
        }
        AttemptTimer timer;
        try {
            timer = AttemptTimer.start(scheduler(), Duration.ofNanos(remaining));
        } catch (RuntimeException refused) {
            pending.fail(RequestException.Reason.REJECTED, "the scheduler refused its deadline: " + refused, refused);
            return;
        }
        Envelope<?> outer = context.enter(envelope);
        PendingRequest<?> savedRequest = context.request;
        boolean nested = context.dispatching == resources.id;
        context.request = pending;
        Object interrupted = nested ? null : context.beginOutermost(resources.id);
        pending.onRequestersThread = true;
        try {
            Throwable failure = invoker.callSync(responder, envelope);
            pending.onRequestersThread = false;
            if (timer.finish() && !pending.isDone()) {
                pending.timedOutWhileRunning();
                if (failure instanceof InterruptedException) {
                    failure = new TimeoutException(Resources.describe(envelope) + " was not answered by synchronous "
                            + "responder '" + responder.name + "' within the request's deadline; the requester's "
                            + "thread was interrupted");
                }
            }
            if (failure != null) {
                // Reported while the request still waits, so that the log knows whether its requester receives it.
                office.failedSync(responder, envelope, failure);
            }
            if (failure instanceof Invoker.Rejected) {
                pending.fail(RequestException.Reason.REJECTED, "responder '" + responder.name + "' rejected it: "
                        + ((Invoker.Rejected) failure).reason, null);
            } else if (failure != null) {
                pending.responderFailed(failure);
            } else if (!pending.started) {
                pending.fail(RequestException.Reason.REJECTED, "responder '" + responder.name + "' skipped it (an "
                        + "interceptor vetoed the delivery, or it was a duplicate for an idempotent responder)", null);
            }
            if (!nested) {
                Dispatcher.runQueued(context);
            }
        } finally {
            pending.onRequestersThread = false;
            if (!nested) {
                context.endOutermost(interrupted);
            }
            context.leave(outer);
            context.request = savedRequest;
        }
        if (!nested) {
            context.throwFatal();
        }
    }

    // ---------------------------------------------------------------------------------------------- awaiting

    /** The request a responder's handler was given: handed over by this thread, or else awaited by id. */
    PendingRequest<?> pendingFor(Envelope<?> envelope) {
        PendingRequest<?> handed = DispatchContext.current().request;
        if (handed != null && handed.envelope == envelope) {
            return handed;
        }
        return awaiting.isEmpty() ? null : awaiting.get(envelope.id());
    }

    /**
     * True if the requester of a request receives its responder's failure: it still waits for the reply, on this
     * thread (a synchronous responder's) or another. False once it stopped waiting (deadline, cancel, close).
     */
    boolean requesterReceives(Envelope<?> envelope) {
        PendingRequest<?> request = pendingFor(envelope);
        return request != null && !request.isDone();
    }

    void skipped(Envelope<?> envelope) {
        LOG.debug("Bus '{}': request {} on topic '{}' was no longer awaited when its responder came to it; skipped",
                resources.name, envelope.id(), envelope.topic().name());
    }

    /** Counts and reports a reply that nobody awaits any more. */
    void late(PendingRequest<?> pending, Object value) {
        late(pending, pending.responder, value);
    }

    /** Counts and reports a reply of the named responder that nobody awaits any more. */
    void late(PendingRequest<?> pending, String responder, Object value) {
        lateReplies.increment();
        LOG.debug("Bus '{}': a reply of responder '{}' to request {} on topic '{}' came after the request stopped "
                + "waiting; dropped", resources.name, responder, pending.envelope.id(),
                pending.envelope.topic().name());
        if (value != null) {
            office.lateReply(replyEnvelope(pending.envelope, value.getClass(), value), responder);
        }
    }

    /**
     * Reports the failure of a responder's stage or of a fan-out's remote responder, which no delivery reports, to
     * the bus's error handler; {@code received} tells whether the requester received it.
     */
    void reportFailure(PendingRequest<?> pending, String responder, Throwable cause, boolean received) {
        office.reportFailure(pending.envelope, responder, cause, received);
    }

    /**
     * Fails an awaited request that its responder gave up on: failed for the last time (after any retries), rejected
     * by its circuit breaker or bulkhead, or dropped by its mailbox. Called on every dead letter, so it looks the
     * request up only while some request awaits.
     */
    void gaveUp(Envelope<?> envelope, String subscriber, Throwable cause, int attempts, DeadLetter.Reason reason) {
        if (awaiting.isEmpty()) {
            return;
        }
        PendingRequest<?> pending = awaiting.get(envelope.id());
        if (pending == null) {
            return;
        }
        if (reason == DeadLetter.Reason.FAILED) {
            pending.responderFailed(cause);
        } else if (reason == DeadLetter.Reason.BUS_CLOSED) {
            pending.fail(RequestException.Reason.BUS_CLOSED, "the bus closed before responder '" + subscriber
                    + "' answered", cause);
        } else {
            pending.fail(RequestException.Reason.REJECTED, "responder '" + subscriber + "' gave it up: " + reason
                    + (attempts > 0 ? " after " + attempts + " attempts" : ""), cause);
        }
    }

    /** Runs a completion off the scheduler's timer thread: on the bus's default executor, or here if it refuses. */
    void completeElsewhere(Runnable completion) {
        Executor executor = resources.completionExecutor();
        if (executor != null) {
            try {
                executor.execute(completion);
                return;
            } catch (RejectedExecutionException rejected) {
                LOG.debug("Bus '{}': the default executor refused a request's timeout; completing it on the timer",
                        resources.name, rejected);
            }
        }
        completion.run();
    }

    /** Fails every request still waiting. Called by close() after it marked the bus closed. */
    void closeAll() {
        for (PendingRequest<?> pending : awaiting.values()) {
            pending.fail(RequestException.Reason.BUS_CLOSED, "the bus closed before a reply came", null);
        }
    }

    Envelope<?> replyEnvelope(Envelope<?> request, Class<?> replyType, Object reply) {
        return envelope(Topic.of(replyType), reply, request);
    }

    @SuppressWarnings("unchecked")
    private <R> Envelope<R> envelope(Topic<R> topic, Object reply, Envelope<?> request) {
        return Envelope.restore(null, topic, (R) reply, now(), request.correlationId(), request.id(),
                Map.of());
    }

    /** The number of requests waiting for a reply from another thread, for tests. */
    int awaitingCount() {
        return awaiting.size();
    }

    /** The number of replies dropped because their request no longer waited, for tests. */
    long lateReplies() {
        return lateReplies.sum();
    }
}
