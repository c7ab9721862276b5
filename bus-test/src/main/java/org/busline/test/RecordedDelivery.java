package org.busline.test;

import java.util.List;
import java.util.Objects;
import org.busline.DeadLetter;

/**
 * What one subscription did with one recorded message, as far as it went when the snapshot was taken.
 *
 * @param subscriber the subscription's name; not null
 * @param outcome    where the delivery stands; not null
 * @param attempts   how many times its handler was called, zero or more (zero for a message rejected or dropped
 *                   before any attempt)
 * @param threads    the name of the thread of each attempt, in order; not null, immutable
 * @param failure    what the last attempt threw, or the failure the bus dead-lettered it with; null if none
 * @param reason     why the subscription gave up on it, for {@link Outcome#DEAD_LETTERED} and {@link Outcome#DROPPED};
 *                   null otherwise
 */
public record RecordedDelivery(String subscriber, Outcome outcome, int attempts, List<String> threads,
                               Throwable failure, DeadLetter.Reason reason) {

    /** Where a delivery stands. */
    public enum Outcome {
        /** An attempt is running now. */
        RUNNING,
        /** The last attempt returned normally: the message was handled (maybe after retries). */
        HANDLED,
        /** The last attempt failed and the bus has not given up yet: a retry may follow. */
        FAILED,
        /** The subscription gave up on it: it failed for the last time, or was rejected (circuit open, bulkhead). */
        DEAD_LETTERED,
        /** It was dropped: its mailbox was full, its executor refused it, or the bus closed first. */
        DROPPED
    }

    /**
     * Checks the components and copies the threads.
     *
     * @param subscriber the subscription's name; not null
     * @param outcome    the outcome; not null
     * @param attempts   zero or more
     * @param threads    the threads of the attempts; not null
     * @param failure    the last failure, or null
     * @param reason     why it was dead-lettered or dropped, or null
     */
    public RecordedDelivery {
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(outcome, "outcome");
        threads = List.copyOf(threads);
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative, but was " + attempts);
        }
    }

    /**
     * Tells whether the handler was called more than once for this message.
     *
     * @return true after at least one retry
     */
    public boolean retried() {
        return attempts > 1;
    }

    /**
     * Tells whether the delivery has ended: handled, dead-lettered or dropped.
     *
     * @return true if nothing more will happen to it
     */
    public boolean isSettled() {
        return outcome == Outcome.HANDLED || outcome == Outcome.DEAD_LETTERED || outcome == Outcome.DROPPED;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(subscriber).append(": ").append(outcome);
        if (reason != null) {
            text.append(" (").append(reason).append(')');
        }
        text.append(", ").append(attempts).append(attempts == 1 ? " attempt" : " attempts");
        if (!threads.isEmpty()) {
            text.append(" on ");
            for (int i = 0; i < threads.size(); i++) {
                text.append(i == 0 ? "'" : ", '").append(threads.get(i)).append('\'');
            }
        }
        if (failure != null) {
            text.append("; last failure: ").append(failure);
        }
        return text.toString();
    }
}
