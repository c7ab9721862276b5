package org.busline.outbox;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.spi.Serializer;

/**
 * One stored event as a sink receives it: the row of one event for one sink.
 *
 * <p>{@link #payload()} is what the outbox's {@link Serializer} wrote for the event's whole {@link Envelope} (its id,
 * topic, timestamp, correlation and causation ids, headers and payload), under the logical type name of the
 * {@link org.busline.spi.TypeRegistry} ({@link #type()}), never a class name. A bridge can forward those bytes as
 * they are, with {@link #contentType()}, or decode them with {@link #envelope()} or {@link #envelope(Topic)}.
 *
 * <p>Instances are immutable and thread-safe. The column each accessor reads is named in its description; the names
 * match Debezium's outbox event router.
 */
public final class OutboxRecord {
    private final String id;
    private final String sink;
    private final String topic;
    private final String key;
    private final String type;
    private final byte[] payload;
    private final String contentType;
    private final Map<String, String> headers;
    private final int attempt;
    private final Instant createdAt;
    private final Serializer serializer;

    /**
     * Makes a record, as the relay does; public so that a sink can be tested without a database.
     *
     * @param id          the event's id; not null
     * @param sink        the sink's name; not null
     * @param topic       the topic's name; not null
     * @param key         the key (aggregate id), or null if the event has none
     * @param type        the logical type name; not null
     * @param payload     the serialized envelope; not null; copied
     * @param contentType the media type of the payload; not null
     * @param headers     the envelope's headers; not null; copied
     * @param attempt     1 for the first delivery, 2 for the next, and so on
     * @param createdAt   when the event was stored; not null
     * @param serializer  the serializer that wrote the payload, used by {@link #envelope()}; not null
     * @throws NullPointerException     if an argument but {@code key} is null
     * @throws IllegalArgumentException if {@code attempt} is less than 1
     */
    public OutboxRecord(String id, String sink, String topic, String key, String type, byte[] payload,
                        String contentType, Map<String, String> headers, int attempt, Instant createdAt,
                        Serializer serializer) {
        this.id = Objects.requireNonNull(id, "id");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.key = key;
        this.type = Objects.requireNonNull(type, "type");
        this.payload = Objects.requireNonNull(payload, "payload").clone();
        this.contentType = Objects.requireNonNull(contentType, "contentType");
        this.headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be 1 or more, but was " + attempt);
        }
        this.attempt = attempt;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
    }

    /**
     * Returns the event's id (column {@code id}): the envelope's id, the same for every sink and every redelivery,
     * so that a destination deduplicates by it.
     *
     * @return the id, never null
     */
    public String id() {
        return id;
    }

    /**
     * Returns the stable name under which the sink was registered (column {@code sink}).
     *
     * @return the sink's name, never null
     */
    public String sink() {
        return sink;
    }

    /**
     * Returns the name of the topic the event was published on (column {@code aggregatetype}).
     *
     * @return the topic's name, never null
     */
    public String topic() {
        return topic;
    }

    /**
     * Returns the event's key (column {@code aggregateid}), the unit of ordering: a Kafka bridge uses it as the record
     * key.
     *
     * @return the key, or null if the event was published without one
     */
    public String key() {
        return key;
    }

    /**
     * Returns the logical type name of the payload (column {@code type}), from the {@link org.busline.spi.TypeRegistry}.
     *
     * @return the logical type, never null
     */
    public String type() {
        return type;
    }

    /**
     * Returns the serialized envelope (column {@code payload}).
     *
     * @return a new copy of the bytes, never null
     */
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * Returns the media type of {@link #payload()} (column {@code content_type}), as
     * {@link Serializer#contentType()} gave it.
     *
     * @return the content type, never null
     */
    public String contentType() {
        return contentType;
    }

    /**
     * Returns the envelope's headers (column {@code headers}), without decoding the payload.
     *
     * @return an unmodifiable map, never null
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * Returns the number of this delivery attempt (column {@code attempts}): 1 the first time, more after a failure,
     * a crash or a lease that ran out.
     *
     * @return the attempt, 1 or more
     */
    public int attempt() {
        return attempt;
    }

    /**
     * Returns when the event was stored (column {@code created_at}).
     *
     * @return the instant, never null
     */
    public Instant createdAt() {
        return createdAt;
    }

    /**
     * Decodes the payload into its envelope, finding the topic and Java type through the logical type of the
     * serializer's registry.
     *
     * @return the envelope, with its original id, timestamp, ids and headers
     * @throws org.busline.spi.SerializationException if the payload cannot be decoded (the logical type is not
     *                                                registered, say)
     */
    public Envelope<?> envelope() {
        return serializer.decode(payload);
    }

    /**
     * Decodes the payload into an envelope of a topic the caller expects.
     *
     * @param topic the topic; not null
     * @param <T>   the topic's type
     * @return the envelope
     * @throws NullPointerException                   if {@code topic} is null
     * @throws org.busline.spi.SerializationException if the payload cannot be decoded as a message of that topic
     */
    public <T> Envelope<T> envelope(Topic<T> topic) {
        return serializer.decode(payload, Objects.requireNonNull(topic, "topic"));
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof OutboxRecord)) {
            return false;
        }
        OutboxRecord that = (OutboxRecord) other;
        return attempt == that.attempt && id.equals(that.id) && sink.equals(that.sink) && topic.equals(that.topic)
                && Objects.equals(key, that.key) && type.equals(that.type) && Arrays.equals(payload, that.payload)
                && headers.equals(that.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, sink, attempt);
    }

    @Override
    public String toString() {
        return "OutboxRecord[id=" + id + ", sink=" + sink + ", topic=" + topic + ", key=" + key + ", type=" + type
                + ", attempt=" + attempt + ", " + payload.length + " bytes]";
    }
}
