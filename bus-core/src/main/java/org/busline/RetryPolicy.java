package org.busline;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * How an asynchronous subscription retries a message whose handler failed: at most {@link #maxAttempts()} calls,
 * with exponential back-off and full jitter between them, for the failures {@link #retryOn(Predicate)} accepts.
 * Set it with {@link Delivery#retry(RetryPolicy)}.
 *
 * <pre>{@code
 * Delivery.async(pool).retry(RetryPolicy.of(5)
 *         .backoff(Duration.ofMillis(50), Duration.ofSeconds(5))
 *         .retryOn(failure -> failure instanceof IOException))
 * }</pre>
 *
 * <p><b>Back-off.</b> Retry {@code n} (1 for the first retry, after the first attempt failed) waits a uniformly
 * random time in {@code [0, min(cap, base·2^(n-1))]} ("full jitter"), so a crowd of failing messages spreads out
 * instead of retrying in lock-step. The wait runs on the bus's {@link org.busline.spi.Scheduler}, never on a
 * handler's thread.
 *
 * <p><b>Attempts.</b> The handler of attempt {@code k} (1, 2, …) sees the message's envelope with the header
 * {@value #ATTEMPT_HEADER} set to {@code k}. The error handler receives only the failure of the last attempt;
 * failures followed by a retry are logged at DEBUG. An {@link Error} is never retried.
 *
 * <p>Instances are immutable and thread-safe (given a thread-safe {@link #random(RandomGenerator) random source});
 * every method checks its argument at once and returns a new instance.
 */
public final class RetryPolicy {
    /** The envelope header that carries the attempt number, 1 for the first attempt. */
    public static final String ATTEMPT_HEADER = "busline-attempt";
    /** The default base delay of the back-off. */
    public static final Duration DEFAULT_BASE = Duration.ofMillis(100);
    /** The default longest delay of the back-off. */
    public static final Duration DEFAULT_CAP = Duration.ofSeconds(10);

    private static final Predicate<Throwable> EVERY_EXCEPTION = failure -> true;

    private final int maxAttempts;
    private final Duration base;
    private final Duration cap;
    private final Predicate<? super Throwable> retryable;
    private final RandomGenerator random;

    private RetryPolicy(int maxAttempts, Duration base, Duration cap, Predicate<? super Throwable> retryable,
                        RandomGenerator random) {
        this.maxAttempts = maxAttempts;
        this.base = base;
        this.cap = cap;
        this.retryable = retryable;
        this.random = random;
    }

    /**
     * Returns a policy of at most {@code maxAttempts} handler calls per message, with a back-off from
     * {@link #DEFAULT_BASE} up to {@link #DEFAULT_CAP}, retrying every {@link Exception}.
     *
     * @param maxAttempts the most calls per message, the first one included; 1 means no retry
     * @return the policy
     * @throws IllegalArgumentException if {@code maxAttempts} is not positive
     */
    public static RetryPolicy of(int maxAttempts) {
        if (maxAttempts <= 0) {
            throw new IllegalArgumentException("maxAttempts must be positive, but was " + maxAttempts);
        }
        return new RetryPolicy(maxAttempts, DEFAULT_BASE, DEFAULT_CAP, EVERY_EXCEPTION, null);
    }

    /**
     * Sets the exponential back-off: retry {@code n} waits a random time in {@code [0, min(cap, base·2^(n-1))]}.
     *
     * @param base the bound of the first retry's wait; zero (retry at once) or more
     * @param cap  the longest wait; not less than {@code base}
     * @return the refined policy
     * @throws IllegalArgumentException if {@code base} is negative or {@code cap} is less than {@code base}
     */
    public RetryPolicy backoff(Duration base, Duration cap) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        if (base.isNegative()) {
            throw new IllegalArgumentException("base must not be negative, but was " + base);
        }
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("cap must not be less than base " + base + ", but was " + cap);
        }
        return new RetryPolicy(maxAttempts, base, cap, retryable, random);
    }

    /**
     * Sets which failures are retried; the others end the delivery at once. {@link Error}s are never retried,
     * whatever the predicate says. Default: every {@link Exception}, including the
     * {@link java.util.concurrent.TimeoutException} of a {@linkplain Delivery#timeout(Duration) timed-out} attempt.
     *
     * @param retryable true for a failure worth another attempt; called on the handler's thread; not null
     * @return the refined policy
     */
    public RetryPolicy retryOn(Predicate<? super Throwable> retryable) {
        return new RetryPolicy(maxAttempts, base, cap, Objects.requireNonNull(retryable, "retryable"), random);
    }

    /**
     * Sets the source of the jitter, for tests that need known delays: each delay is
     * {@code random.nextDouble()} times its bound. It is called from the threads that handle the subscription's
     * messages, so it must be thread-safe unless one thread at a time uses it. Default: {@link ThreadLocalRandom}.
     *
     * @param random the random source; not null
     * @return the refined policy
     */
    public RetryPolicy random(RandomGenerator random) {
        return new RetryPolicy(maxAttempts, base, cap, retryable, Objects.requireNonNull(random, "random"));
    }

    /**
     * Returns the most handler calls per message, the first one included.
     *
     * @return the count, 1 or more
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Returns the bound of the first retry's wait.
     *
     * @return the base, zero or more
     */
    public Duration base() {
        return base;
    }

    /**
     * Returns the longest wait between two attempts.
     *
     * @return the cap, not less than {@link #base()}
     */
    public Duration cap() {
        return cap;
    }

    /**
     * Tells whether a failure is worth another attempt.
     *
     * @param failure what the handler threw; not null
     * @return false for an {@link Error}; otherwise what the {@linkplain #retryOn(Predicate) predicate} says
     */
    public boolean isRetryable(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        return !(failure instanceof Error) && retryable.test(failure);
    }

    /**
     * Returns the bound of the wait before retry {@code retry}: {@code min(cap, base·2^(retry-1))}, without
     * overflow.
     *
     * @param retry 1 for the first retry (the second attempt), 2 for the next, and so on
     * @return the bound, between zero and {@link #cap()}
     * @throws IllegalArgumentException if {@code retry} is not positive
     */
    public Duration maxDelay(int retry) {
        return Duration.ofNanos(maxDelayNanos(retry));
    }

    /**
     * Draws the wait before retry {@code retry}: uniformly random in {@code [0, }{@link #maxDelay(int)}{@code ]}.
     *
     * @param retry 1 for the first retry (the second attempt), 2 for the next, and so on
     * @return the wait, between zero and {@code maxDelay(retry)}
     * @throws IllegalArgumentException if {@code retry} is not positive
     */
    public Duration delay(int retry) {
        long bound = maxDelayNanos(retry);
        double fraction = (random != null ? random : ThreadLocalRandom.current()).nextDouble();
        long delay = (long) (Math.min(1.0, Math.max(0.0, fraction)) * bound);
        return Duration.ofNanos(Math.min(bound, Math.max(0L, delay)));
    }

    private long maxDelayNanos(int retry) {
        if (retry <= 0) {
            throw new IllegalArgumentException("retry must be positive, but was " + retry);
        }
        long capNanos = saturatedNanos(cap);
        long baseNanos = saturatedNanos(base);
        int shift = retry - 1;
        if (baseNanos == 0L) {
            return 0L;
        }
        if (shift >= Long.numberOfLeadingZeros(baseNanos) || baseNanos << shift > capNanos) {
            return capNanos;
        }
        return baseNanos << shift;
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", base=" + base + ", cap=" + cap
                + (retryable == EVERY_EXCEPTION ? "" : ", retryOn=" + retryable) + "]";
    }
}
