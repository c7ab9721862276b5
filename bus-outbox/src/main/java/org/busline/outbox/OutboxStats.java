package org.busline.outbox;

import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of the outbox: what the table holds, for every instance that shares it, and what this instance's relay
 * counted since it started.
 *
 * @param pending              rows waiting for delivery, due or backing off (status {@code PENDING})
 * @param inFlight             rows claimed by a relay and not yet completed or failed (status {@code IN_FLIGHT}),
 *                             including leases that ran out and will be claimed again
 * @param dead                 rows that failed their last attempt (status {@code DEAD}); they block their key unless
 *                             the outbox skips dead rows
 * @param oldestPendingAge     how long ago the oldest row that is pending or in flight was stored; zero if there is
 *                             none
 * @param delivered            deliveries this relay completed since it started
 * @param failedAttempts       delivery attempts of this relay that failed and were retried or ended dead
 * @param fencedCompletions    completions or failures of this relay refused because another relay had claimed the
 *                             row again after this relay's lease ran out (the row was left as the other wrote it)
 * @param deadLettered         rows this relay marked dead
 */
public record OutboxStats(long pending, long inFlight, long dead, Duration oldestPendingAge, long delivered,
                          long failedAttempts, long fencedCompletions, long deadLettered) {
    /**
     * Checks the components.
     *
     * @param pending           rows waiting for delivery
     * @param inFlight          rows claimed by a relay
     * @param dead              dead rows
     * @param oldestPendingAge  the age of the oldest row pending or in flight; not null
     * @param delivered         deliveries completed by this relay
     * @param failedAttempts    failed attempts of this relay
     * @param fencedCompletions fenced completions of this relay
     * @param deadLettered      rows this relay marked dead
     */
    public OutboxStats {
        Objects.requireNonNull(oldestPendingAge, "oldestPendingAge");
    }
}
