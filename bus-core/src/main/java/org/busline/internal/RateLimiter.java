package org.busline.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.busline.RateLimit;
import org.busline.spi.Scheduler;

/**
 * The token bucket of one rate-limited subscription or responder, next to its {@link Guard}'s bulkhead and
 * {@link CircuitBreaker}: the synchronous path ({@link Invoker#callSync}) rejects a message that finds no token, the
 * mailbox waits for one before it takes the next message.
 *
 * <p><b>Design note.</b> The bucket is kept as the generic cell rate algorithm: one number, the theoretical arrival
 * time {@link #tat} of the next message on the scheduler's clock. A message at time {@code t} passes if
 * {@code max(tat, t) - t <= (burst - 1) * interval}, and then moves {@code tat} on by one interval. One
 * {@link AtomicLong} updated by compare-and-set, so thread-safe without locks and without allocating.
 */
final class RateLimiter {
    private final Scheduler scheduler;
    private final long interval;
    private final long tolerance;
    private final AtomicLong tat;

    RateLimiter(RateLimit limit, Scheduler scheduler) {
        this.scheduler = scheduler;
        this.interval = limit.intervalNanos();
        this.tolerance = (limit.burst() - 1L) * interval;
        this.tat = new AtomicLong(scheduler.nanoTime());
    }

    /**
     * Takes a token if there is one now.
     *
     * @return 0 if a token was taken; else the nanoseconds until one is there, positive
     */
    long tryAcquire() {
        long now = scheduler.nanoTime();
        for (;;) {
            long current = tat.get();
            long next = current - now > 0L ? current : now;
            long wait = next - now - tolerance;
            if (wait > 0L) {
                return wait;
            }
            if (tat.compareAndSet(current, next + interval)) {
                return 0L;
            }
        }
    }
}
