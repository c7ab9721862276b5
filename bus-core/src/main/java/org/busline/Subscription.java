package org.busline;

/**
 * A handle on one or more subscribed handlers; closing it unsubscribes them.
 *
 * <p>Thread-safe. A message published after {@link #close()} returns never reaches the handlers (one whose publish
 * was already routing on another thread may); messages already in an asynchronous subscription's mailbox are still
 * delivered (the mailbox drains), so nothing accepted is lost.
 */
public interface Subscription extends AutoCloseable {
    /**
     * Returns the subscription's name, used in logs, error reports and dead letters: the one given with
     * {@link Delivery#name(String)}, else the annotated method ({@code Class.method}) or the handler's class.
     *
     * @return the name, never null
     */
    String name();

    /**
     * Tells whether the subscription still receives new messages.
     *
     * @return false once {@link #close()} was called or the bus was closed
     */
    boolean isActive();

    /** Unsubscribes. Idempotent: calling it again does nothing. Never throws. */
    @Override
    void close();
}
