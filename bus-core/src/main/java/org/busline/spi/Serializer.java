package org.busline.spi;

import org.busline.Envelope;
import org.busline.Topic;

/**
 * Turns an {@link Envelope}, its payload and all of its metadata (id, topic, timestamp, correlation and causation
 * ids, headers), into bytes and back.
 *
 * <p>In-process delivery is by reference and needs no serializer. Serializers work at the boundaries: isolated
 * delivery ({@link org.busline.Delivery#isolated()}), stores and bridges, and tests that prove a message survives
 * the trip. A bus uses the serializer of the message's topic ({@code MessageBus.Builder#serializer(Topic,
 * Serializer)}), else its default one ({@code MessageBus.Builder#serializer(Serializer)}), else one made by the
 * first {@link SerializerProvider} that {@link java.util.ServiceLoader} finds, such as {@code bus-jackson}'s.
 *
 * <p><b>Types on the wire.</b> A payload's type is written as a logical type name and a schema version from a
 * {@link TypeRegistry}, never as a Java class name. A decoder takes the Java type from the registry or from the
 * topic its caller names, never from the input, and upcasts old versions with the registry's {@link Upcaster}s.
 *
 * <p><b>Failures.</b> Every encoding and decoding failure, whatever the input, is a
 * {@link SerializationException}, and a failed decoding returns nothing half-built.
 *
 * <p>Implementations are immutable and thread-safe: one instance serves every thread of every bus that uses it.
 */
public interface Serializer {
    /**
     * Returns the media type of what {@link #encode} writes, for the headers of a transport or a column of a store.
     *
     * @return the media type, for example {@code application/vnd.busline.envelope+json}; never null
     */
    String contentType();

    /**
     * Writes an envelope, with every field and the payload, under the logical type and version that the registry
     * gives its topic. Assigns the envelope's id if it had none yet.
     *
     * @param envelope the envelope; not null
     * @return the bytes, a new array
     * @throws NullPointerException   if {@code envelope} is null
     * @throws SerializationException if the payload cannot be written
     */
    byte[] encode(Envelope<?> envelope);

    /**
     * Reads an envelope whose topic the bytes name: the logical type it carries must be registered in the
     * serializer's {@link TypeRegistry}, which gives the topic and the payload's Java type.
     *
     * @param bytes what {@link #encode} or a compatible writer wrote; not null
     * @return the envelope, complete, with its original id, timestamp, ids and headers
     * @throws NullPointerException   if {@code bytes} is null
     * @throws SerializationException if the bytes are malformed, exceed a limit, name an unregistered logical type
     *                                or a newer version than registered, or do not fit the payload's type
     */
    Envelope<?> decode(byte[] bytes);

    /**
     * Reads an envelope of a topic the caller expects, which gives the payload's Java type. The bytes must name
     * that topic and its logical type: the registered one, or the topic's own name if it is not registered.
     *
     * @param bytes what {@link #encode} or a compatible writer wrote; not null
     * @param topic the topic the message must belong to; not null
     * @param <T>   the topic's type
     * @return the envelope, complete
     * @throws NullPointerException   if an argument is null
     * @throws SerializationException if the bytes are malformed, exceed a limit, belong to another topic or
     *                                logical type, or do not fit the payload's type
     */
    <T> Envelope<T> decode(byte[] bytes, Topic<T> topic);

    /**
     * Returns the media type of what {@link #encodeData} writes, the payload alone. Default: {@link #contentType()}.
     *
     * @return the media type, such as {@code application/json}
     */
    default String dataContentType() {
        return contentType();
    }

    /**
     * Writes the payload alone, without the envelope's attributes: the data of a message whose attributes travel
     * beside it, as the CloudEvents binary content mode carries them in Kafka headers. {@link #decodeData} reads it
     * back, given the topic and the version of its logical type.
     *
     * @param envelope the envelope whose payload to write; not null
     * @return the payload's bytes, in {@link #dataContentType()}
     * @throws NullPointerException          if {@code envelope} is null
     * @throws SerializationException        if the payload cannot be written
     * @throws UnsupportedOperationException if this serializer writes whole envelopes only (the default)
     */
    default byte[] encodeData(Envelope<?> envelope) {
        throw new UnsupportedOperationException(this + " writes whole envelopes only, not a payload alone");
    }

    /**
     * Reads a payload that {@link #encodeData} wrote, in the given version of the topic's logical type: an older
     * version is upcast as {@link #decode} does.
     *
     * @param data    the payload's bytes; not null
     * @param topic   the topic, which gives the payload's Java type; not null
     * @param version the version of the logical type the bytes were written in, 1 or more
     * @param <T>     the topic's type
     * @return the payload, never null
     * @throws NullPointerException          if {@code data} or {@code topic} is null
     * @throws SerializationException        if the bytes are malformed, exceed a limit, are of a version newer than
     *                                       the registered one, or do not fit the payload's type
     * @throws UnsupportedOperationException if this serializer reads whole envelopes only (the default)
     */
    default <T> T decodeData(byte[] data, Topic<T> topic, int version) {
        throw new UnsupportedOperationException(this + " reads whole envelopes only, not a payload alone");
    }

    /**
     * Returns a deep copy of an envelope made by encoding and decoding it, as isolated delivery hands to a
     * subscriber: equal metadata, and a payload that shares no mutable state with the original.
     *
     * @param envelope the envelope; not null
     * @param <T>      the payload's type
     * @return the copy
     * @throws NullPointerException   if {@code envelope} is null
     * @throws SerializationException if the envelope cannot make the trip
     */
    default <T> Envelope<T> copy(Envelope<T> envelope) {
        return decode(encode(envelope), envelope.topic());
    }
}
