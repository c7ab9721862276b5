package org.busline.spi;

/**
 * Carries thread-bound context (a logging MDC, a tracing scope, a security context) from the thread that publishes a
 * message to the thread that handles it asynchronously. Registered with {@code MessageBus.builder().contextPropagator(…)};
 * several run in registration order, and a bus without one pays nothing.
 *
 * <p>{@link #capture()} runs on the publisher's thread when a message enters an asynchronous subscription's or
 * responder's mailbox (once per mailbox). {@link #restore} runs on the mailbox's worker thread around each attempt of
 * the handler, retries included, and its scope is closed after the attempt, on the same thread, whatever the handler
 * did. A restore must replace the whole context it manages, clearing what the capture did not hold, so that nothing
 * of one message leaks into the next on a pooled thread. Synchronous handlers run on the publisher's thread, in its
 * context, and involve no propagator.
 *
 * <p>Implementations must be thread-safe. Context is best effort and never costs a message: an exception thrown by
 * {@code capture} or {@code restore} is logged at ERROR and the message goes, or the handler runs, without that
 * propagator's context; one thrown by a scope's {@code close} is logged and ignored.
 */
public interface ContextPropagator {

    /**
     * Takes a snapshot of the current thread's context.
     *
     * @return the snapshot, handed back to {@link #restore}; may be null
     */
    Object capture();

    /**
     * Installs a snapshot on the current thread until the returned scope is closed.
     *
     * @param snapshot what {@link #capture()} returned on the publisher's thread; may be null
     * @return the scope that puts back the thread's previous context when closed; not null
     */
    Scope restore(Object snapshot);

    /** The extent of a restored context. */
    interface Scope extends AutoCloseable {
        /** Puts back the context the thread had before {@link ContextPropagator#restore}. Does not throw. */
        @Override
        void close();
    }
}
