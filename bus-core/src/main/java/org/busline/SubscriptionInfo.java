package org.busline;

import java.util.Objects;

/**
 * A snapshot of one subscription or responder as its bus sees it at the moment of {@link MessageBus#subscriptions()}.
 * Immutable; the counters are read without locking, so each is exact but they may come from slightly different
 * moments.
 *
 * @param name           the subscription's name ({@link Subscription#name()}); not null
 * @param kind           a subscription (publish/subscribe and point-to-point) or a responder (request/reply)
 * @param topic          the topic it subscribed to; null for a pattern subscription
 * @param pattern        the topic-name pattern it subscribed with; null unless it is a pattern subscription
 * @param async          true if it has a mailbox and runs on an executor, false if it runs on the publisher's thread
 * @param concurrency    how many of its messages may be handled at once: 1 for a synchronous subscription
 * @param capacity       its mailbox's capacity; 0 for a synchronous subscription
 * @param queued         messages waiting in its mailbox, not yet taken by a worker; 0 for a synchronous subscription
 * @param workers        mailbox workers started and not finished (each handles one message at a time), whether
 *                       running or still waiting for a thread of their executor; 0 for a synchronous
 *                       subscription, whose handler runs inside the publisher's call and is not counted
 * @param retriesPending messages waiting for a scheduled retry
 * @param circuitBreaker the state of its circuit breaker; null if it has none
 * @param priority       its {@linkplain Delivery#priority(int) priority}, higher first; 0 by default
 */
public record SubscriptionInfo(String name, Kind kind, Topic<?> topic, String pattern, boolean async, int concurrency,
                               int capacity, int queued, int workers, int retriesPending,
                               CircuitBreakerPolicy.State circuitBreaker, int priority) {

    /** What kind of registration a {@link SubscriptionInfo} describes. */
    public enum Kind {
        /** Made by {@code subscribe…} or {@code register}: receives publishes and point-to-point sends. */
        SUBSCRIBER,
        /** Made by {@code respond} or {@code respondAsync}: answers requests. */
        RESPONDER
    }

    /**
     * Checks the snapshot's fields.
     *
     * @param name           the subscription's name; not null
     * @param kind           subscriber or responder; not null
     * @param topic          the topic, or null for a pattern subscription
     * @param pattern        the pattern, or null for a topic subscription
     * @param async          whether it has a mailbox
     * @param concurrency    its concurrency, 1 if synchronous
     * @param capacity       its mailbox's capacity, 0 if synchronous
     * @param queued         messages waiting in its mailbox
     * @param workers        mailbox workers running
     * @param retriesPending messages waiting for a retry
     * @param circuitBreaker its breaker's state, or null
     * @param priority       its priority
     * @throws NullPointerException     if name or kind is null
     * @throws IllegalArgumentException if neither or both of topic and pattern are given
     */
    public SubscriptionInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        if ((topic == null) == (pattern == null)) {
            throw new IllegalArgumentException("exactly one of topic and pattern must be given, for '" + name + "'");
        }
    }

    /**
     * A snapshot of a subscription of the default priority, 0.
     *
     * @param name           the subscription's name; not null
     * @param kind           subscriber or responder; not null
     * @param topic          the topic, or null for a pattern subscription
     * @param pattern        the pattern, or null for a topic subscription
     * @param async          whether it has a mailbox
     * @param concurrency    its concurrency, 1 if synchronous
     * @param capacity       its mailbox's capacity, 0 if synchronous
     * @param queued         messages waiting in its mailbox
     * @param workers        mailbox workers running
     * @param retriesPending messages waiting for a retry
     * @param circuitBreaker its breaker's state, or null
     * @throws NullPointerException     if name or kind is null
     * @throws IllegalArgumentException if neither or both of topic and pattern are given
     */
    public SubscriptionInfo(String name, Kind kind, Topic<?> topic, String pattern, boolean async, int concurrency,
                            int capacity, int queued, int workers, int retriesPending,
                            CircuitBreakerPolicy.State circuitBreaker) {
        this(name, kind, topic, pattern, async, concurrency, capacity, queued, workers, retriesPending, circuitBreaker,
                0);
    }

    /**
     * The topic's name or the pattern: what the subscription listens to, as logs and reports show it.
     *
     * @return the topic name or the pattern, never null
     */
    public String selector() {
        return topic != null ? topic.name() : pattern;
    }

    /**
     * Tells whether the subscription has nothing to do: nothing queued, no worker running, no retry pending.
     *
     * @return true if idle
     */
    public boolean isIdle() {
        return queued == 0 && workers == 0 && retriesPending == 0;
    }
}
