package org.busline;

/**
 * Thrown by a publish when an asynchronous subscription's mailbox is full and its {@link OverflowPolicy} is
 * {@link OverflowPolicy#FAIL}, or {@link OverflowPolicy#BLOCK} and no room came in time. The message reached no
 * subscriber.
 */
public final class MailboxFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was full, naming the topic, the subscription and its capacity
     */
    public MailboxFullException(String message) {
        super(message);
    }
}
