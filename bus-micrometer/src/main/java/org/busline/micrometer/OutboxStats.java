package org.busline.micrometer;

import java.time.Duration;
import java.util.Objects;

/**
 * The numbers of a durable outbox at one moment, as {@link BusObservability#bindOutboxStats} reports them in gauges.
 * Plain numbers, so any outbox (Busline's own {@code bus-outbox} or another) can map its statistics to it.
 *
 * @param pending          rows waiting to be delivered; zero or more
 * @param inFlight         rows claimed by a relay and being delivered now; zero or more
 * @param dead             rows that gave up after their last attempt; zero or more
 * @param oldestPendingAge how long the oldest pending row has waited; {@link Duration#ZERO} when none is pending
 */
public record OutboxStats(long pending, long inFlight, long dead, Duration oldestPendingAge) {
    /**
     * Checks the components.
     *
     * @param pending          zero or more
     * @param inFlight         zero or more
     * @param dead             zero or more
     * @param oldestPendingAge not null nor negative
     * @throws IllegalArgumentException if a count or the age is negative
     */
    public OutboxStats {
        Objects.requireNonNull(oldestPendingAge, "oldestPendingAge");
        if (pending < 0 || inFlight < 0 || dead < 0) {
            throw new IllegalArgumentException("outbox counts must not be negative, but were pending=" + pending
                    + ", inFlight=" + inFlight + ", dead=" + dead);
        }
        if (oldestPendingAge.isNegative()) {
            throw new IllegalArgumentException("oldestPendingAge must not be negative, but was " + oldestPendingAge);
        }
    }
}
