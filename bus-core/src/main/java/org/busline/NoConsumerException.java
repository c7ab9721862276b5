package org.busline;

import java.util.Objects;

/**
 * Thrown by {@link MessageBus#send} when the topic has no subscription to take the message and the bus was built with
 * {@link MessageBus.Builder#failSendsWithoutConsumer(boolean) failSendsWithoutConsumer(true)}. Without that option
 * such a message goes to the dead-message handler instead, as an unheard publish does.
 */
public final class NoConsumerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String topic;

    /**
     * Creates the exception.
     *
     * @param topic   the name of the topic that had no consumer; not null
     * @param message what happened, naming the topic; not null
     */
    public NoConsumerException(String topic, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    /**
     * Returns the name of the topic that had no consumer.
     *
     * @return the topic's name, never null
     */
    public String topic() {
        return topic;
    }
}
