package org.busline.internal;

import java.util.List;
import java.util.concurrent.TimeoutException;
import org.busline.DeadLetter;
import org.busline.Envelope;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.busline.spi.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler's call: one attempt at delivering one message to one subscriber, through its guard (idempotence,
 * bulkhead, rate limit, circuit breaker, attempt deadline) and inside the interceptors' {@code beforeDelivery} and
 * {@code afterDelivery}. Both the caller's-thread dispatch and the mailboxes call it; neither calls a handler any
 * other way.
 *
 * <p><b>Threads.</b> Stateless but for the interceptors it was given; runs on whatever thread delivers, and makes the
 * message the thread's current one (its {@link DispatchContext}) while the handler runs.
 *
 * <p><b>Invariant.</b> Never throws: every outcome is returned (null, the handler's failure, or a {@link Rejected}
 * standing for a guard's refusal), and the caller hands a failure to the {@link DeadLetterOffice}.
 */
final class Invoker {
    private static final Logger LOG = LoggerFactory.getLogger(Invoker.class);

    private final Resources resources;
    private final String busName;
    private final Interceptor[] interceptors;
    private final DeadLetterOffice office;

    Invoker(Resources resources, Interceptor[] interceptors, DeadLetterOffice office) {
        this.resources = resources;
        this.busName = resources.name;
        this.interceptors = interceptors;
        this.office = office;
    }

    /** A synchronous delivery that a guard refused; stands for the reason until the office reports it. */
    static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final DeadLetter.Reason reason;

        Rejected(DeadLetter.Reason reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }
    }

    /**
     * Delivers to a synchronous subscriber on this thread, through its guard if it has one. Returns its failure, a
     * {@link Rejected} if the guard refused the call, or null.
     */
    Throwable callSync(Subscriber subscriber, Envelope<?> envelope) {
        Guard guard = subscriber.guard;
        if (guard == null) {
            return call(subscriber, envelope);
        }
        if (!guard.accept(envelope.id())) {
            office.skippedDuplicate(subscriber, envelope);
            return null;
        }
        if (guard.bulkheaded() && !guard.enter()) {
            guard.forget(envelope.id());
            return new Rejected(DeadLetter.Reason.BULKHEAD_FULL);
        }
        try {
            if (guard.limiter != null && guard.limiter.tryAcquire() != 0L) {
                guard.forget(envelope.id());
                return new Rejected(DeadLetter.Reason.RATE_LIMITED);
            }
            int permit = guard.breaker == null ? CircuitBreaker.PERMITTED : guard.breaker.acquire();
            if (permit == CircuitBreaker.REJECTED) {
                guard.forget(envelope.id());
                return new Rejected(DeadLetter.Reason.CIRCUIT_OPEN);
            }
            Throwable failure = call(subscriber, envelope);
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

    /**
     * Makes one attempt at a message from an asynchronous subscriber's mailbox, on its executor's thread, within the
     * guard's deadline if it has one. Returns the failure (a {@link TimeoutException} if the deadline passed, or
     * what the scheduler threw if it refused the deadline), or null. The mailbox handles the rest of the guard.
     */
    Throwable callAsync(Subscriber subscriber, Envelope<?> envelope, DispatchContext context, Guard guard) {
        Envelope<?> outer = context.enter(envelope);
        try {
            if (guard == null || guard.timeout == null) {
                return call(subscriber, envelope);
            }
            AttemptTimer timer;
            try {
                timer = AttemptTimer.start(guard.scheduler, guard.timeout);
            } catch (RuntimeException refused) {
                return refused;
            }
            Throwable failure = call(subscriber, envelope);
            if (!timer.finish() || failure instanceof Error) {
                return failure;
            }
            String attempt = envelope.header(RetryPolicy.ATTEMPT_HEADER);
            TimeoutException timedOut = new TimeoutException((attempt == null ? "" : "attempt " + attempt + " of ")
                    + Resources.describe(envelope) + " by subscription '" + subscriber.name + "' timed out after "
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
     * Makes one attempt at a message of an asynchronous subscriber's mailbox through its guard (idempotence, circuit
     * breaker, attempt deadline) and ends its delivery: handled, or reported to the office and settled. Returns null
     * when the delivery ended, or the failure when the guard's retry policy wants another attempt, which the mailbox
     * schedules. Rethrows an {@link Error} once reported, for the executor. {@code last} is the failure of the attempt
     * before, null for the first.
     */
    Throwable attempt(Subscriber owner, QueuedMessage entry, int attempt, Throwable last, DispatchContext context) {
        Envelope<?> envelope = entry.envelope();
        Guard guard = owner.guard;
        if (guard == null) {
            Throwable failure = callAsync(owner, envelope, context, null);
            if (failure != null) {
                office.failedFinally(owner, envelope, envelope, failure, 1);
            }
            entry.settle(failure);
            if (failure instanceof Error) {
                throw (Error) failure;
            }
            return null;
        }
        if (attempt == 1 && !guard.accept(envelope.id())) {
            office.skippedDuplicate(owner, envelope);
            entry.settle(null);
            return null;
        }
        int permit = guard.breaker == null ? CircuitBreaker.PERMITTED : guard.breaker.acquire();
        if (permit == CircuitBreaker.REJECTED) {
            guard.forget(envelope.id());
            if (last != null) {
                office.retryRefused(owner, envelope, last);
            }
            office.deadLetter(envelope, owner.name, last, attempt - 1, DeadLetter.Reason.CIRCUIT_OPEN);
            entry.settle(office.rejection(owner, envelope, DeadLetter.Reason.CIRCUIT_OPEN, last));
            return null;
        }
        Envelope<?> seen = guard.retry == null ? envelope
                : envelope.withHeader(RetryPolicy.ATTEMPT_HEADER, Integer.toString(attempt));
        Throwable failure = callAsync(owner, seen, context, guard);
        if (guard.breaker != null) {
            guard.breaker.record(permit, failure == null);
        }
        if (failure == null) {
            entry.settle(null);
            return null;
        }
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        if (guard.retry != null && attempt < guard.retry.maxAttempts() && guard.retry.isRetryable(failure)) {
            return failure;
        }
        guard.forget(envelope.id());
        office.failedFinally(owner, seen, envelope, failure, attempt);
        entry.settle(failure);
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        return null;
    }

    /**
     * Delivers a bare payload from a mailbox ({@link PayloadDelivery}) to its subscriber, which has no guard, module or
     * interceptor by construction: the handler is called directly, with the message recorded on the thread's context
     * as the allocation-free synchronous path records it, so that an envelope is made only if somebody asks. A
     * failure is final (such a subscription has no retry policy), reported with that envelope, and settled; an
     * {@link Error} is then rethrown, for the mailbox and the executor.
     */
    void deliver(Subscriber owner, PayloadDelivery delivery, Topic<?> topic, DispatchContext context) {
        Object payload = delivery.payload();
        Topic<?> savedTopic = context.topic;
        Object savedPayload = context.payload;
        Envelope<?> savedEnvelope = context.envelope;
        Envelope<?> savedParent = context.parent;
        if (savedTopic != topic) {
            context.topic = topic;
        }
        context.payload = payload;
        context.envelope = null;
        context.parent = null;
        Throwable failure = null;
        try {
            owner.payloadHandler.onMessage(payload);
        } catch (Throwable thrown) {
            failure = thrown;
        }
        Envelope<?> envelope = failure == null ? null : context.envelope(resources);
        if (savedPayload != null) {
            context.topic = savedTopic;
        }
        context.payload = savedPayload;
        context.envelope = savedEnvelope;
        context.parent = savedParent;
        if (failure == null) {
            delivery.handled();
            return;
        }
        office.failedFinally(owner, envelope, envelope, failure, 1);
        delivery.failed(Results.Tracker.exception(List.of(failure), Resources.describe(envelope)), true);
        if (failure instanceof Error fatal) {
            throw fatal;
        }
    }

    /** Calls one handler inside the interceptors, as its module if it names one. Returns its failure, or null. */
    private Throwable call(Subscriber subscriber, Envelope<?> envelope) {
        if (subscriber.module == null) {
            return callInside(subscriber, envelope);
        }
        DispatchContext context = DispatchContext.current();
        String outer = context.module;
        context.module = subscriber.module;
        try {
            return callInside(subscriber, envelope);
        } finally {
            context.module = outer;
        }
    }

    private Throwable callInside(Subscriber subscriber, Envelope<?> envelope) {
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
                LOG.error("Bus '{}': interceptor {} failed after delivering message {} to '{}'", busName,
                        interceptors[i], envelope.id(), subscriber.name, thrown);
            }
        }
        return failure;
    }
}
