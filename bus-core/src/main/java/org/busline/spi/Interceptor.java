package org.busline.spi;

import org.busline.Envelope;

/**
 * Observes and shapes messages around publish and around each delivery: for logging, tracing, metrics or a
 * logging context (MDC). Registered with {@code MessageBus.builder().interceptor(…)}; several run in registration
 * order.
 *
 * <p>Implementations must be thread-safe: they are called concurrently from every publishing and delivering
 * thread. An exception thrown by an interceptor is treated as the failure of what it surrounds: of the publish in
 * {@link #onPublish}, of the delivery in {@link #beforeDelivery}. Any interceptor makes the bus create an envelope for
 * every message.
 */
public interface Interceptor {
    /**
     * Called once per publish, on the publisher's thread, before the message is routed.
     *
     * @param envelope the message; not null
     * @param <T>      the payload's type
     * @return the envelope to publish: the same, or a copy with added headers ({@link Envelope#withHeader}); or
     *         null to veto the publish, which then reaches nobody and is not a dead message
     */
    default <T> Envelope<T> onPublish(Envelope<T> envelope) {
        return envelope;
    }

    /**
     * Called when a message is stored now to be published later, elsewhere ({@code MessageBus.stamp}, which a
     * transactional outbox calls as it writes the message), on the storing thread: the place to add what must travel
     * with it, such as the current trace context. The later publish runs {@link #onPublish} as any does.
     *
     * @param envelope the message; not null
     * @param <T>      the payload's type
     * @return the envelope to store: the same, or a copy with added headers; not null
     */
    default <T> Envelope<T> onStore(Envelope<T> envelope) {
        return envelope;
    }

    /**
     * Called before each delivery, on the thread that will run the handler.
     *
     * @param envelope   the message; not null
     * @param subscriber the subscription's name; not null
     * @return true to deliver, false to skip this subscription for this message
     */
    default boolean beforeDelivery(Envelope<?> envelope, String subscriber) {
        return true;
    }

    /**
     * Called after each delivery that {@link #beforeDelivery} allowed, on the same thread, whether the handler
     * succeeded or failed. Pairs with {@code beforeDelivery}, so it is the place to clear an MDC or end a span.
     *
     * @param envelope   the message; not null
     * @param subscriber the subscription's name; not null
     * @param failure    what the handler threw, or null on success
     */
    default void afterDelivery(Envelope<?> envelope, String subscriber, Throwable failure) {
    }
}
