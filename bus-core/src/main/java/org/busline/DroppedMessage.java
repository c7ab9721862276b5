package org.busline;

import java.util.Objects;

/**
 * A message that an asynchronous subscription did not handle: dropped by its overflow policy, or still in its
 * mailbox when the bus closed and its drain deadline passed, or refused by its executor. It goes to the dropped-message handler
 * ({@link MessageBus.Builder#onDropped}, which by default logs it at WARN), and is then published as a
 * {@link DeadLetter} with the reason of the same name.
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
        /** The subscription's executor refused to run its handler (it was shut down, or its own queue was full). */
        EXECUTOR_REJECTED
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
