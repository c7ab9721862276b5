package org.busline.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.busline.DeadLetter;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.RequestException;
import org.busline.Topic;
import org.busline.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request/reply state of one bus: the responders, apart from the subscriptions, with their own routes; and the
 * requests that await a reply.
 *
 * <p><b>Responders</b> are {@link Subscriber}s whose handler is a {@link ResponderHandler}. They change only under the
 * bus's registry lock, as subscriptions do, and each {@link Route} of {@link #routes} holds a copy-on-write array of
 * them, so a request takes no lock to find its responder.
 *
 * <p><b>Awaited requests</b> ({@link #awaiting}) are those an asynchronous responder must find by id, or whose reply
 * comes later: a lock-free map from request id to {@link PendingRequest}. A request answered at once by a synchronous
 * responder never enters it.
 */
final class Requests {
    private static final Logger LOG = LoggerFactory.getLogger(MessageBus.class);

    private final DefaultMessageBus bus;
    private final Clock clock;
    /** Routes of requests by topic, holding the matching responders. */
    final ConcurrentHashMap<Topic<?>, Route> routes = new ConcurrentHashMap<>();
    /** Guarded by the bus's registry lock: every active responder, in registration order. */
    Subscriber[] responders = new Subscriber[0];
    /** Requests waiting for a reply that will come from another thread, by request id. */
    final ConcurrentHashMap<String, PendingRequest<?>> awaiting = new ConcurrentHashMap<>();
    private final LongAdder lateReplies = new LongAdder();
    private volatile Scheduler scheduler;

    Requests(DefaultMessageBus bus, Clock clock) {
        this.bus = bus;
        this.clock = clock;
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
            current = bus.scheduler();
            scheduler = current;
        }
        return current;
    }

    /** As the bus timestamps envelopes: milliseconds of the clock. */
    Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    String busName() {
        return bus.name();
    }

    boolean isClosed() {
        return bus.isClosed();
    }

    /** Called under the bus's registry lock. */
    void add(Subscriber responder, boolean intercepted) {
        Subscriber[] next = Arrays.copyOf(responders, responders.length + 1);
        next[responders.length] = responder;
        responders = next;
        for (Route route : routes.values()) {
            if (responder.selector.matches(route.topic)) {
                route.add(responder, intercepted);
            }
        }
    }

    /** Called under the bus's registry lock; does nothing for a subscriber that is no responder. */
    void remove(Subscriber subscriber, boolean intercepted) {
        Subscriber[] next = Arrays.stream(responders).filter(s -> s != subscriber).toArray(Subscriber[]::new);
        if (next.length != responders.length) {
            responders = next;
            for (Route route : routes.values()) {
                route.remove(subscriber, intercepted);
            }
        }
    }

    /** The responders matching a new route's topic. Called under the bus's registry lock. */
    Subscriber[] matching(Topic<?> topic) {
        return Arrays.stream(responders).filter(s -> s.selector.matches(topic)).toArray(Subscriber[]::new);
    }

    /** The request a responder's handler was given: handed over by this thread, or else awaited by id. */
    PendingRequest<?> pendingFor(Envelope<?> envelope) {
        PendingRequest<?> handed = DispatchContext.current().request;
        if (handed != null && handed.envelope == envelope) {
            return handed;
        }
        return awaiting.isEmpty() ? null : awaiting.get(envelope.id());
    }

    void skipped(Envelope<?> envelope) {
        LOG.debug("Bus '{}': request {} on topic '{}' was no longer awaited when its responder came to it; skipped",
                bus.name(), envelope.id(), envelope.topic().name());
    }

    /** Counts and reports a reply that nobody awaits any more. */
    void late(PendingRequest<?> pending, Object value) {
        lateReplies.increment();
        LOG.debug("Bus '{}': a reply of responder '{}' to request {} on topic '{}' came after the request stopped "
                + "waiting; dropped", bus.name(), pending.responder, pending.envelope.id(),
                pending.envelope.topic().name());
        if (value != null) {
            bus.reportLateReply(replyEnvelope(pending.envelope, value.getClass(), value), pending.responder);
        }
    }

    /** Reports the failure of a responder's stage, which no delivery reports, to the bus's error handler. */
    void reportFailure(PendingRequest<?> pending, Throwable cause) {
        bus.reportFailure(pending.envelope, pending.responder, cause);
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
        Executor executor = bus.completionExecutor();
        if (executor != null) {
            try {
                executor.execute(completion);
                return;
            } catch (RejectedExecutionException rejected) {
                LOG.debug("Bus '{}': the default executor refused a request's timeout; completing it on the timer",
                        bus.name(), rejected);
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
