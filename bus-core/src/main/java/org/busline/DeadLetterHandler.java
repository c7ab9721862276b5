package org.busline;

/**
 * Handles the dead letters of one topic with the message typed as that topic's payload; see
 * {@link MessageBus#subscribeDeadLetters(Topic, DeadLetterHandler, Delivery)}.
 *
 * <p>Threading is as for {@link MessageHandler}: the thread of the subscription's delivery. A failing dead-letter
 * handler is logged, never dead-lettered again, so dead letters cannot loop.
 *
 * @param <T> the payload type of the topic whose dead letters are handled
 */
@FunctionalInterface
public interface DeadLetterHandler<T> {
    /**
     * Handles one dead letter.
     *
     * @param message the message that was given up on, typed; never null
     * @param letter  who gave up on it, why, after how many attempts and with what failure; never null
     * @throws Exception to report a failure, which is logged
     */
    void onDeadLetter(Envelope<T> message, DeadLetter letter) throws Exception;
}
