package org.busline;

/**
 * Handles the payload of each message a subscription receives.
 *
 * <p>Which thread calls it, and whether calls can overlap, depends on the subscription's {@link Delivery}: a
 * synchronous subscription is called on the publisher's thread; an asynchronous one on its executor, one message at a
 * time unless {@link Delivery#concurrency(int)} allows more.
 *
 * @param <T> the type of message handled
 */
@FunctionalInterface
public interface MessageHandler<T> {
    /**
     * Handles one message.
     *
     * @param message the payload, never null
     * @throws Exception to report a failure: it goes to the bus's error handler with its context and never stops
     *                   delivery to other subscribers
     */
    void onMessage(T message) throws Exception;
}
