package org.busline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A message with its metadata: id, topic, timestamp, correlation id, causation id and free-form headers.
 *
 * <p>The bus wraps every published message in an envelope when somebody needs one: a subscriber that takes
 * envelopes ({@link EnvelopeHandler}), an asynchronous subscriber, an interceptor, the error and dead-message
 * handlers. A synchronous publish to subscribers that take only payloads makes none, which keeps that path free of
 * allocation; its metadata is made on first demand, for instance when such a subscriber publishes in turn.
 *
 * <p><b>Correlation.</b> A message published while a handler handles another message (on the handler's thread,
 * also on an asynchronous subscriber's thread) carries that message's correlation id and has that message's id as
 * its causation id. A message published outside any handler is its own correlation: {@link #correlationId()}
 * returns its id, and {@link #causationId()} is null.
 *
 * <p>Envelopes are immutable and thread-safe. The {@code with…} methods return copies. The id is assigned lazily,
 * on the first call of {@link #id()}, as a time-ordered random UUID (version 7), and never changes after.
 *
 * @param <T> the payload's type
 */
public final class Envelope<T> {
    private static final VarHandle ID;

    static {
        try {
            ID = MethodHandles.lookup().findVarHandle(Envelope.class, "id", String.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Topic<T> topic;
    private final T payload;
    private final Instant timestamp;
    private final String correlationId;
    private final String causationId;
    private final Map<String, String> headers;
    private volatile String id;

    private Envelope(String id, Topic<T> topic, T payload, Instant timestamp, String correlationId,
                     String causationId, Map<String, String> headers) {
        this.id = id;
        this.topic = topic;
        this.payload = payload;
        this.timestamp = timestamp;
        this.correlationId = correlationId;
        this.causationId = causationId;
        this.headers = headers;
    }

    /**
     * Returns a new envelope to publish with {@link MessageBus#publish(Envelope)}, for a caller that wants to set
     * headers or a correlation id (an HTTP request id, say). The bus sets its timestamp when it is published.
     *
     * @param topic   the topic; not null
     * @param payload the message; not null and an instance of the topic's type
     * @param <T>     the payload's type
     * @return an envelope with no headers, no timestamp yet and a fresh id
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code payload} does not fit the topic's type
     */
    public static <T> Envelope<T> of(Topic<T> topic, T payload) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        return new Envelope<>(null, topic, topic.cast(payload), null, null, null, Map.of());
    }

    /**
     * Rebuilds an envelope from all of its parts, as a serializer, a store or a bridge does.
     *
     * @param id            the message id, or null to assign a fresh one lazily
     * @param topic         the topic; not null
     * @param payload       the message; not null and an instance of the topic's type
     * @param timestamp     when it was published, or null if it was not published yet
     * @param correlationId the correlation id, or null to use the message's own id
     * @param causationId   the id of the message that caused this one, or null
     * @param headers       the headers; not null, without null names or values; copied
     * @param <T>           the payload's type
     * @return the envelope
     * @throws NullPointerException     if {@code topic}, {@code payload} or {@code headers} is null, or a header
     *                                  name or value is null
     * @throws IllegalArgumentException if {@code payload} does not fit the topic's type
     */
    public static <T> Envelope<T> restore(String id, Topic<T> topic, T payload, Instant timestamp,
                                          String correlationId, String causationId, Map<String, String> headers) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(headers, "headers");
        return new Envelope<>(id, topic, topic.cast(payload), timestamp, correlationId, causationId,
                copyOf(headers, topic));
    }

    /** An immutable copy of headers; a null name or value fails naming it and the topic, not from deep inside. */
    private static Map<String, String> copyOf(Map<String, String> headers, Topic<?> topic) {
        try {
            return Map.copyOf(headers);
        } catch (NullPointerException nullInside) {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (header.getKey() == null) {
                    throw new NullPointerException("a header of a message on topic '" + topic.name()
                            + "' has a null name (value '" + header.getValue() + "')");
                }
                if (header.getValue() == null) {
                    throw new NullPointerException("header '" + header.getKey() + "' of a message on topic '"
                            + topic.name() + "' has a null value");
                }
            }
            throw nullInside;
        }
    }

    /**
     * Returns this message's unique id, assigning a time-ordered random UUID on the first call.
     *
     * @return the id, never null
     */
    public String id() {
        String current = id;
        return current != null ? current : assignId();
    }

    /**
     * Returns the topic the message was published to.
     *
     * @return the topic, never null
     */
    public Topic<T> topic() {
        return topic;
    }

    /**
     * Returns the message itself.
     *
     * @return the payload, never null
     */
    public T payload() {
        return payload;
    }

    /**
     * Returns when the message was published, from the bus's clock, to the millisecond.
     *
     * @return the timestamp; null only on an envelope made by {@link #of} that was not published yet
     */
    public Instant timestamp() {
        return timestamp;
    }

    /**
     * Returns the id shared by every message of one flow: the correlation id of the message being handled when
     * this one was published, or a given one, or else this message's own id.
     *
     * @return the correlation id, never null
     */
    public String correlationId() {
        return correlationId != null ? correlationId : id();
    }

    /**
     * Returns the id of the message whose handler published this one.
     *
     * @return the causation id, or null for a message published outside any handler
     */
    public String causationId() {
        return causationId;
    }

    /**
     * Returns the headers.
     *
     * @return an unmodifiable map, never null
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * Returns one header.
     *
     * @param name the header's name; not null
     * @return its value, or null if there is no such header
     */
    public String header(String name) {
        return headers.get(Objects.requireNonNull(name, "name"));
    }

    /**
     * Returns a copy with one header added or replaced.
     *
     * @param name  the header's name; not null
     * @param value its value; not null
     * @return the copy, with the same id
     */
    public Envelope<T> withHeader(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Map<String, String> copy = new HashMap<>(headers);
        copy.put(name, value);
        return new Envelope<>(id(), topic, payload, timestamp, correlationId, causationId, Map.copyOf(copy));
    }

    /**
     * Returns a copy with the given correlation id.
     *
     * @param correlationId the correlation id; not null
     * @return the copy, with the same id
     */
    public Envelope<T> withCorrelationId(String correlationId) {
        Objects.requireNonNull(correlationId, "correlationId");
        return new Envelope<>(id(), topic, payload, timestamp, correlationId, causationId, headers);
    }

    /**
     * Returns a copy with another payload of the same topic, for an interceptor or serializer that transforms it.
     *
     * @param payload the new payload; not null and an instance of the topic's type
     * @return the copy, with the same id and metadata
     */
    public Envelope<T> withPayload(T payload) {
        return new Envelope<>(id(), topic, topic.cast(payload), timestamp, correlationId, causationId, headers);
    }

    /**
     * Two envelopes are equal when every field is: id, topic, payload, timestamp, correlation id, causation id and
     * headers.
     */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Envelope)) {
            return false;
        }
        Envelope<?> that = (Envelope<?>) other;
        return id().equals(that.id()) && topic.equals(that.topic) && payload.equals(that.payload)
                && Objects.equals(timestamp, that.timestamp) && correlationId().equals(that.correlationId())
                && Objects.equals(causationId, that.causationId) && headers.equals(that.headers);
    }

    @Override
    public int hashCode() {
        return id().hashCode();
    }

    @Override
    public String toString() {
        return "Envelope[id=" + id() + ", topic=" + topic.name() + ", correlationId=" + correlationId()
                + ", causationId=" + causationId + ", timestamp=" + timestamp + ", headers=" + headers
                + ", payload=" + payload + "]";
    }

    private String assignId() {
        String fresh = newId();
        String witness = (String) ID.compareAndExchange(this, (String) null, fresh);
        return witness == null ? fresh : witness;
    }

    /** A version 7 UUID: 48 bits of Unix milliseconds, then 74 random bits, so ids sort roughly by time. */
    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
