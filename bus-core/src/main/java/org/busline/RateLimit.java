package org.busline;

import java.time.Duration;
import java.util.Objects;

/**
 * A token bucket: at most {@code permits} messages per {@code per}, after a burst of at most {@code burst} at once.
 * The bucket holds {@code burst} tokens and starts full; one token comes back every {@code per / permits}. Time is
 * the bus's {@linkplain org.busline.spi.Scheduler#nanoTime() scheduler clock}, so a manual scheduler drives it in
 * tests.
 *
 * <p>Set on a subscription or responder with {@link Delivery#rateLimit(RateLimit)} or
 * {@link Delivery#rateLimit(int, Duration)}.
 *
 * @param permits how many messages per period; positive
 * @param per     the period; positive, at least one nanosecond per permit
 * @param burst   how many messages may pass at once after a quiet time; positive
 */
public record RateLimit(int permits, Duration per, int burst) {

    /**
     * Checks the components.
     *
     * @param permits positive
     * @param per     positive, at least {@code permits} nanoseconds
     * @param burst   positive
     * @throws IllegalArgumentException if one is out of range
     */
    public RateLimit {
        Objects.requireNonNull(per, "per");
        if (permits <= 0) {
            throw new IllegalArgumentException("permits must be positive, but was " + permits);
        }
        if (per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException("per must be positive, but was " + per);
        }
        if (per.compareTo(Duration.ofDays(36_500)) > 0 || per.toNanos() / permits == 0L) {
            throw new IllegalArgumentException("per must be between " + permits + " ns (one per permit) and a "
                    + "century, but was " + per);
        }
        if (burst <= 0) {
            throw new IllegalArgumentException("burst must be positive, but was " + burst);
        }
    }

    /**
     * Returns a limit of {@code permits} per {@code per} whose burst is {@code permits}.
     *
     * @param permits how many messages per period; positive
     * @param per     the period; positive
     * @return the limit
     */
    public static RateLimit of(int permits, Duration per) {
        return new RateLimit(permits, per, permits);
    }

    /**
     * Returns this limit with another burst.
     *
     * @param burst how many messages may pass at once; positive
     * @return the limit
     */
    public RateLimit withBurst(int burst) {
        return new RateLimit(permits, per, burst);
    }

    /**
     * Returns the time one token takes to come back.
     *
     * @return {@code per / permits}, in nanoseconds
     */
    public long intervalNanos() {
        return per.toNanos() / permits;
    }
}
