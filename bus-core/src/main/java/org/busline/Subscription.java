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
     * Returns the subscription's name, used in logs, error reports and dead letters, in this order of preference:
     * <ol>
     *   <li>the one given with {@link Delivery#name(String)}, unique among the bus's active subscriptions;</li>
     *   <li>for a {@link Subscribe} method, {@code SimpleClassName.method}; the subscription that
     *       {@link MessageBus#register(Object)} returns, which covers every method of the object, has the names of
     *       its methods in name order, joined with {@code ", "};</li>
     *   <li>for a handler object of a named class, that class's simple name;</li>
     *   <li>for a lambda or an anonymous class, {@code #n topic}, where {@code n} is the subscription's number on
     *       the bus and {@code topic} what it subscribed to (a responder: {@code #n responder of topic}).</li>
     * </ol>
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
