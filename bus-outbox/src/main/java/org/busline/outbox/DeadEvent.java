package org.busline.outbox;

import java.time.Instant;
import java.util.Objects;

/**
 * A row that failed its last delivery attempt, as {@link Outbox#deadEvents(int)} lists it; pass it to
 * {@link Outbox#resubmit(DeadEvent)} to deliver it again.
 *
 * @param id               the event's id (column {@code id}); not null
 * @param sink             the name of the durable subscription or sink (column {@code sink}); not null
 * @param topic            the topic's name (column {@code aggregatetype}); not null
 * @param key              the key (column {@code aggregateid}), or null
 * @param type             the logical type name (column {@code type}); not null
 * @param attempts         how many attempts were made
 * @param lastErrorType    the class name of the last failure (column {@code last_error_type}), or null
 * @param lastErrorMessage the message of the last failure (column {@code last_error_message}), or null
 * @param createdAt        when the event was stored; not null
 */
public record DeadEvent(String id, String sink, String topic, String key, String type, int attempts,
                        String lastErrorType, String lastErrorMessage, Instant createdAt) {
    /**
     * Checks the components.
     *
     * @param id               the event's id; not null
     * @param sink             the sink's name; not null
     * @param topic            the topic's name; not null
     * @param key              the key, or null
     * @param type             the logical type; not null
     * @param attempts         the attempts made
     * @param lastErrorType    the last failure's class name, or null
     * @param lastErrorMessage the last failure's message, or null
     * @param createdAt        when it was stored; not null
     */
    public DeadEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
