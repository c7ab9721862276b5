package org.busline.internal;

import org.busline.EnvelopeHandler;
import org.busline.Envelope;
import org.busline.MessageHandler;
import org.busline.CircuitBreakerPolicy;
import org.busline.Subscription;
import org.busline.SubscriptionInfo;
import org.busline.Topic;

/**
 * One subscribed handler: what it selects, how it is called, and, when asynchronous, its mailbox.
 *
 * <p>Immutable but for {@link #active}, so any thread may read it. Routes hold subscribers in arrays sorted by
 * {@link #priority}, higher first, then {@link #sequence}, the order of subscription: the order of delivery. {@link #close()} may run on any
 * thread, more than once; only the first removes the subscriber from its routes.
 */
final class Subscriber implements Subscription {
    final long sequence;
    /** Higher first in every route; ties in {@link #sequence} order ({@link #DELIVERY_ORDER}). */
    final int priority;
    final String name;
    final Selector selector;
    /** Exactly one of the two handlers is set. */
    final MessageHandler<Object> payloadHandler;
    final EnvelopeHandler<Object> envelopeHandler;
    final boolean propagateFailures;
    /** Null for a synchronous subscriber. */
    final Mailbox mailbox;
    /** The resilience policies and their state; null if the subscription uses none. */
    final Guard guard;
    /**
     * The module its handler publishes as; null unless the bus has {@link BoundaryCheck boundaries} and it names one.
     * Written by the registry before the subscriber is routed.
     */
    String module;
    /** Null unless the subscriber receives deserialized copies (isolated delivery). */
    final Serialization.Isolation isolation;
    private final Registry registry;
    private volatile boolean active = true;

    @SuppressWarnings("unchecked")
    Subscriber(Registry registry, long sequence, String name, Selector selector, Object handler,
               boolean envelopes, boolean propagateFailures, Mailbox.Settings mailbox, Guard guard,
               Serialization.Isolation isolation, int priority) {
        this.priority = priority;
        this.guard = guard;
        this.registry = registry;
        this.sequence = sequence;
        this.name = name;
        this.selector = selector;
        this.payloadHandler = envelopes ? null : (MessageHandler<Object>) handler;
        this.envelopeHandler = envelopes ? (EnvelopeHandler<Object>) handler : null;
        this.propagateFailures = propagateFailures;
        this.isolation = isolation;
        this.mailbox = mailbox == null ? null : new Mailbox(registry.invoker(), registry.office(),
                registry.resources().propagation, registry.intercepted(), this, mailbox);
    }

    /** The order of delivery: priority, higher first, then subscription order. */
    static final java.util.Comparator<Subscriber> DELIVERY_ORDER =
            java.util.Comparator.comparingInt((Subscriber s) -> -s.priority).thenComparingLong(s -> s.sequence);

    /** A snapshot of this subscription for {@link org.busline.MessageBus#subscriptions()}. */
    SubscriptionInfo info(SubscriptionInfo.Kind kind) {
        Topic<?> topic = selector.topic();
        String pattern = topic == null ? selector.describe() : null;
        CircuitBreakerPolicy.State breaker = guard == null || guard.breaker == null ? null : guard.breaker.state();
        if (mailbox == null) {
            return new SubscriptionInfo(name, kind, topic, pattern, false, 1, 0, 0, 0, 0, breaker, priority);
        }
        Mailbox.SubscriptionInfoParts parts = mailbox.parts();
        return new SubscriptionInfo(name, kind, topic, pattern, true, parts.concurrency(), parts.capacity(),
                parts.queued(), parts.workers(), parts.retriesPending(), breaker, priority);
    }

    /**
     * True if delivery needs the message's envelope, which a synchronous payload handler does not unless it is
     * guarded (its id, its dead letters).
     */
    boolean needsEnvelope() {
        return envelopeHandler != null || mailbox != null || guard != null || isolation != null || module != null;
    }

    void invoke(Object payload, Envelope<?> envelope) throws Exception {
        if (isolation != null && (mailbox == null || guard != null && guard.retry != null)) {
            // An asynchronous subscriber's copy was taken when the message entered its mailbox (forMailbox); one
            // that retries copies that snapshot again for each attempt, so no attempt sees what an earlier one did.
            envelope = isolation.copy(envelope);
            payload = envelope.payload();
        }
        if (payloadHandler != null) {
            payloadHandler.onMessage(payload);
        } else {
            envelopeHandler.onMessage(erase(envelope));
        }
    }

    /** An envelope handler of T receives envelopes of T's subtypes too: safe, as handlers only read them. */
    @SuppressWarnings("unchecked")
    private static Envelope<Object> erase(Envelope<?> envelope) {
        return (Envelope<Object>) envelope;
    }

    /**
     * What enters this asynchronous subscriber's mailbox: the envelope, or its copy when isolated, taken now on the
     * publisher's thread so that later changes to the publisher's object cannot reach the handler.
     *
     * @throws RuntimeException if the copy fails, a failure of this subscriber's delivery
     */
    Envelope<?> forMailbox(Envelope<?> envelope) {
        return isolation == null ? envelope : isolation.copy(envelope);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isActive() {
        return active && !registry.resources().isClosed();
    }

    @Override
    public void close() {
        if (active) {
            active = false;
            registry.unsubscribe(this);
        }
    }

    @Override
    public String toString() {
        return "Subscription[" + name + " on " + selector.describe() + (mailbox == null ? ", sync" : ", async") + "]";
    }
}
