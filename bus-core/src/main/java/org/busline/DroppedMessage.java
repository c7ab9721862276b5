package org.busline;

import java.util.Objects;

/**
 * A message that an asynchronous subscription did not handle: dropped by its overflow policy, or still in its
 * mailbox when the bus closed and its drain deadline passed, or refused by its executor; or a reply that nobody
 * awaited any more ({@link Reason#LATE_REPLY}). It goes to the dropped-message handler
 * ({@link MessageBus.Builder#onDropped}, which by default logs it at WARN), and is then published as a
 * {@link DeadLetter} with the reason of the same name; except a late reply, which no subscription gave up on.
 *
 * @param envelope   the message; not null
 * @param subscriber the name of the subscription that did not handle it; not null
 * @param reason     why; not null
 */
public record DroppedMessage(Envelope<?> envelope, String subscriber, Reason reason) {
    /** Why a message was dropped. */
    public enum Reason {
        /** The subscription's mailbox was full and its policy was {@link OverflowPolicy#DROP_OLDEST} or
         * {@link OverflowPolicy#DROP_NEWEST}. */
        MAILBOX_FULL,
        /** The bus closed before the subscription could handle it. */
        BUS_CLOSED,
        /**
         * The subscription's executor refused to run its handler: it was shut down or its own queue was full (a
         * {@code RejectedExecutionException}), or its {@code execute} threw anything else, such as an
         * {@code OutOfMemoryError} for a thread it could not start.
         */
        EXECUTOR_REJECTED,
        /**
         * A responder's reply came after its request had stopped waiting (it timed out, was cancelled, or the bus
         * closed). The envelope is the reply, on the type topic of the reply type, with the request's correlation id;
         * the subscriber is the responder. It never reaches another requester, and it is not dead-lettered.
         */
        LATE_REPLY
    }

    /**
     * Checks the components.
     *
     * @param envelope   the message; not null
     * @param subscriber the subscription's name; not null
     * @param reason     why; not null
     */
    public DroppedMessage {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(reason, "reason");
    }
}
