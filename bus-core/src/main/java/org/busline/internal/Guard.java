package org.busline.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.Delivery;
import org.busline.RetryPolicy;
import org.busline.spi.Scheduler;

/**
 * The resilience state of one subscription: its retry policy and attempt deadline, its circuit breaker, the ids it
 * recently accepted, its synchronous calls in flight, and
 * its {@link RateLimiter}. A subscription that uses none of them has no guard, and
 * its deliveries take the paths they took before guards existed.
 *
 * <p>Thread-safe: the breaker and the ids lock themselves for a few steps each; the bulkhead is one atomic counter.
 */
final class Guard {
    /** Null for a single attempt. */
    final RetryPolicy retry;
    /** Null for no deadline. */
    final Duration timeout;
    /** Null for no breaker. */
    final CircuitBreaker breaker;
    /** Null unless the subscription is idempotent. */
    private final RecentIds ids;
    /** The synchronous bulkhead, or {@link Integer#MAX_VALUE} for none (always for asynchronous delivery). */
    private final int syncLimit;
    private final AtomicInteger inFlight;
    /** Null unless the subscription is rate-limited. */
    final RateLimiter limiter;
    /** Null unless something here needs time. */
    final Scheduler scheduler;

    private Guard(Delivery delivery, String subscriber, Resources resources, DeadLetterOffice office, int syncLimit) {
        this.retry = delivery.retry();
        this.timeout = delivery.timeout();
        this.scheduler = retry != null || timeout != null || delivery.circuitBreaker() != null
                || delivery.rateLimit() != null ? resources.scheduler()
                : null;
        this.breaker = delivery.circuitBreaker() == null ? null
                : new CircuitBreaker(delivery.circuitBreaker(), subscriber, scheduler, office);
        this.ids = delivery.idempotenceWindow() > 0 ? new RecentIds(delivery.idempotenceWindow()) : null;
        this.limiter = delivery.rateLimit() == null ? null : new RateLimiter(delivery.rateLimit(), scheduler);
        this.syncLimit = syncLimit;
        this.inFlight = syncLimit == Integer.MAX_VALUE ? null : new AtomicInteger();
    }

    /** Returns the guard a delivery asks for, or null if it asks for none. */
    static Guard of(Delivery delivery, String subscriber, Resources resources, DeadLetterOffice office) {
        int syncLimit = delivery.isAsync() ? Integer.MAX_VALUE : delivery.concurrency();
        if (delivery.retry() == null && delivery.timeout() == null && delivery.circuitBreaker() == null
                && delivery.idempotenceWindow() == 0 && delivery.rateLimit() == null
                && syncLimit == Integer.MAX_VALUE) {
            return null;
        }
        return new Guard(delivery, subscriber, resources, office, syncLimit);
    }

    /** Accepts a message id: false if it is a duplicate, to skip. */
    boolean accept(String id) {
        return ids == null || ids.add(id);
    }

    /** Forgets an accepted id whose delivery ended as a dead letter, so a re-published copy is handled. */
    void forget(String id) {
        if (ids != null) {
            ids.remove(id);
        }
    }

    boolean bulkheaded() {
        return inFlight != null;
    }

    /** Takes a synchronous bulkhead slot: false if all are taken. */
    boolean enter() {
        if (inFlight.incrementAndGet() > syncLimit) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    void exit() {
        inFlight.decrementAndGet();
    }

    /** The latest ids, oldest first; evicts beyond the window. */
    private static final class RecentIds {
        private final Map<String, Boolean> ids;

        RecentIds(int window) {
            this.ids = new LinkedHashMap<>(Math.min(window, 1024) * 2) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > window;
                }
            };
        }

        synchronized boolean add(String id) {
            return ids.putIfAbsent(id, Boolean.TRUE) == null;
        }

        synchronized void remove(String id) {
            ids.remove(id);
        }
    }
}
