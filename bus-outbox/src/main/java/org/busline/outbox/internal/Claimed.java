package org.busline.outbox.internal;

import java.time.Instant;
import org.busline.outbox.internal.OutboxConfig.SinkSpec;

/**
 * A row this relay claimed: what it must deliver, and the fencing token that alone lets it complete or fail the row.
 *
 * @param seq         the row's primary key
 * @param id          the event's id
 * @param sink        the subscription or sink
 * @param topic       the topic's name
 * @param key         the key, or null
 * @param type        the logical type
 * @param payload     the serialized envelope
 * @param contentType its media type
 * @param headers     the headers column
 * @param attempt     the attempt this claim makes, 1 or more
 * @param token       the fencing token of this claim
 * @param createdAt   when the event was stored
 * @param leaseUntil  when this claim's lease runs out
 */
record Claimed(long seq, String id, SinkSpec sink, String topic, String key, String type, byte[] payload,
               String contentType, String headers, int attempt, long token, Instant createdAt,
               Instant leaseUntil) {
    @Override
    public String toString() {
        return "row " + seq + " (event " + id + " of topic '" + topic + "'" + (key == null ? "" : ", key '" + key + "'")
                + ", for '" + sink.name() + "', attempt " + attempt + ")";
    }
}
