package org.busline;

/**
 * Handles each message a subscription receives together with its metadata (id, topic, correlation id, headers).
 *
 * <p>Threading is as for {@link MessageHandler}. A handler of a type topic also receives the messages of its
 * subtypes, so the envelope's payload and topic may be of a subtype of {@code T}; a method reference to
 * {@code void on(Envelope<OrderPlaced> message)} fits. Prefer {@link MessageHandler} where the metadata is not needed: a
 * synchronous publish to payload handlers allocates nothing.
 *
 * @param <T> the type of message handled
 */
@FunctionalInterface
public interface EnvelopeHandler<T> {
    /**
     * Handles one message.
     *
     * @param envelope the message and its metadata, never null
     * @throws Exception to report a failure, as for {@link MessageHandler#onMessage}
     */
    void onMessage(Envelope<T> envelope) throws Exception;
}
