package org.busline.kafka.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.kafka.KafkaHeaders;
import org.busline.spi.SerializationException;
import org.busline.spi.Serializer;
import org.busline.spi.TypeRegistry;

/**
 * Envelopes to Kafka records and back, in the CloudEvents 1.0 Kafka binary binding (see {@link KafkaHeaders}).
 *
 * <p>Design note: binary content mode. The value is the payload alone, as the bus's {@link Serializer} writes it
 * ({@link Serializer#encodeData}); the envelope's attributes are the {@code ce_*} headers and its own headers are
 * headers of their own, so any CloudEvents consumer reads the event as the spec says, and the envelope comes back
 * exactly (id, timestamp, correlation, causation, headers, the version of the logical type). Thread-safe; its
 * mutable fields cache the last {@code ce_time} written and read.
 */
public final class CloudEventsCodec {
    private static final String SPEC = "1.0";
    private static final byte[] SPEC_BYTES = bytes(SPEC);

    private final Serializer serializer;
    private final TypeRegistry types;
    private final byte[] source;
    private final byte[] contentType;
    /** The last {@code ce_time} written and read, shared by the threads that use the codec: a benign race, as any
     * value kept is a right one. */
    private volatile Time lastTime;
    private volatile Time lastRead;

    /**
     * Makes the codec.
     *
     * @param serializer the serializer of values
     * @param types      where logical type names come from
     * @param source     the {@code ce_source} of produced records
     */
    public CloudEventsCodec(Serializer serializer, TypeRegistry types, String source) {
        this.serializer = serializer;
        this.types = types;
        this.source = bytes(source);
        this.contentType = bytes(serializer.dataContentType());
    }

    /**
     * Makes the record of an envelope.
     *
     * @param kafkaTopic the topic to produce to
     * @param key        the key, or null
     * @param envelope   the envelope
     * @return the record
     * @throws SerializationException if the envelope cannot be encoded
     */
    public ProducerRecord<byte[], byte[]> toRecord(String kafkaTopic, String key, Envelope<?> envelope) {
        byte[] value = serializer.encodeData(envelope);
        return new ProducerRecord<>(kafkaTopic, null, null, key == null ? null : bytes(key), value,
                headers(envelope));
    }

    /**
     * Returns the CloudEvents headers of an envelope, then its own headers.
     *
     * @param envelope the envelope
     * @return new headers
     */
    public Headers headers(Envelope<?> envelope) {
        TypeRegistry.Registration<?> registration = types.forTopic(envelope.topic());
        Map<String, String> own = envelope.headers();
        List<Header> headers = new ArrayList<>(9 + own.size());
        headers.add(new RecordHeader(KafkaHeaders.SPEC_VERSION, SPEC_BYTES));
        headers.add(new RecordHeader(KafkaHeaders.ID, bytes(envelope.id())));
        headers.add(new RecordHeader(KafkaHeaders.SOURCE, source));
        headers.add(new RecordHeader(KafkaHeaders.TYPE, bytes(registration.logicalType())));
        headers.add(new RecordHeader(KafkaHeaders.TYPE_VERSION, bytes(Integer.toString(registration.version()))));
        if (envelope.timestamp() != null) {
            headers.add(new RecordHeader(KafkaHeaders.TIME, time(envelope.timestamp())));
        }
        headers.add(new RecordHeader(KafkaHeaders.CONTENT_TYPE, contentType));
        headers.add(new RecordHeader(KafkaHeaders.CORRELATION_ID, bytes(envelope.correlationId())));
        if (envelope.causationId() != null) {
            headers.add(new RecordHeader(KafkaHeaders.CAUSATION_ID, bytes(envelope.causationId())));
        }
        for (Map.Entry<String, String> header : own.entrySet()) {
            String name = header.getKey();
            if (!name.startsWith("ce_") && !name.equalsIgnoreCase(KafkaHeaders.CONTENT_TYPE)) {
                headers.add(new RecordHeader(name, bytes(header.getValue())));
            }
        }
        return new RecordHeaders(headers);
    }

    /**
     * The bytes of {@code ce_time}. The events of a burst share their millisecond, so the last one is kept: a
     * formatted {@code Instant} was a tenth of what the producing side allocated per record.
     */
    private byte[] time(Instant timestamp) {
        Time last = lastTime;
        if (last == null || !last.instant.equals(timestamp)) {
            last = new Time(timestamp, bytes(timestamp.toString()));
            lastTime = last;
        }
        return last.bytes;
    }

    private record Time(Instant instant, byte[] bytes) {
    }

    /**
     * Restores the envelope of a record of a topic: the attributes from the headers, the payload from the value.
     *
     * @param record the record
     * @param topic  the local topic it must belong to
     * @param <T>    the topic's type
     * @return the envelope as it was produced
     * @throws SerializationException if the record is not a CloudEvent of that topic's logical type
     */
    public <T> Envelope<T> fromRecord(ConsumerRecord<byte[], byte[]> record, Topic<T> topic) {
        return restore(record.headers(), record.value(), types.forTopic(topic));
    }

    private <T> Envelope<T> restore(Headers headers, byte[] value, TypeRegistry.Registration<T> registration) {
        Topic<T> topic = registration.topic();
        String type = text(headers, KafkaHeaders.TYPE);
        Header spec = headers.lastHeader(KafkaHeaders.SPEC_VERSION);
        if (spec != null && !Arrays.equals(spec.value(), SPEC_BYTES)) {
            throw failure(topic, type, 0, "unsupported CloudEvents specversion '"
                    + text(headers, KafkaHeaders.SPEC_VERSION) + "' (expected " + SPEC + ")");
        }
        Header media = headers.lastHeader(KafkaHeaders.CONTENT_TYPE);
        if (media != null && !Arrays.equals(media.value(), contentType)) {
            throw failure(topic, type, 0, "content-type '" + text(headers, KafkaHeaders.CONTENT_TYPE)
                    + "' is not the serializer's '" + serializer.dataContentType() + "'");
        }
        if (type == null || !type.equals(registration.logicalType())) {
            throw failure(topic, type, 0, type == null ? "the record has no " + KafkaHeaders.TYPE + " header"
                    : "logical type '" + type + "' does not belong to topic '" + topic.name() + "', which carries '"
                    + registration.logicalType() + "'");
        }
        String id = text(headers, KafkaHeaders.ID);
        if (id == null || id.isEmpty()) {
            throw failure(topic, type, 0, "the record has no " + KafkaHeaders.ID + " header");
        }
        int version = version(headers, registration);
        if (value == null) {
            throw failure(topic, type, version, "the record has no value (a tombstone)");
        }
        T payload = serializer.decodeData(value, topic, version);
        return Envelope.restore(id, topic, payload, time(headers, topic, type), text(headers,
                KafkaHeaders.CORRELATION_ID), text(headers, KafkaHeaders.CAUSATION_ID), ownHeaders(headers));
    }

    /** The version of {@code ce_typeversion}; a CloudEvent without one is taken to be of the registered version. */
    private static int version(Headers headers, TypeRegistry.Registration<?> registration) {
        String text = text(headers, KafkaHeaders.TYPE_VERSION);
        if (text == null) {
            return registration.version();
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException malformed) {
            throw failure(registration.topic(), registration.logicalType(), 0, KafkaHeaders.TYPE_VERSION + " '"
                    + text + "' is not a number");
        }
    }

    /** {@code ce_time}; the events of a burst share their millisecond, so the last one read is kept too. */
    private Instant time(Headers headers, Topic<?> topic, String type) {
        Header header = headers.lastHeader(KafkaHeaders.TIME);
        if (header == null || header.value() == null) {
            return null;
        }
        Time last = lastRead;
        if (last != null && Arrays.equals(last.bytes, header.value())) {
            return last.instant;
        }
        String text = new String(header.value(), StandardCharsets.UTF_8);
        try {
            Instant instant = OffsetDateTime.parse(text).toInstant();
            lastRead = new Time(instant, header.value());
            return instant;
        } catch (DateTimeParseException malformed) {
            throw failure(topic, type, 0, KafkaHeaders.TIME + " '" + text + "' is not an RFC 3339 timestamp");
        }
    }

    /** The headers that are neither CloudEvents attributes nor the bridge's own: the envelope's headers. */
    private static Map<String, String> ownHeaders(Headers headers) {
        Map<String, String> own = null;
        for (Header header : headers) {
            String name = header.key();
            if (!name.startsWith("ce_") && !name.equals(KafkaHeaders.CONTENT_TYPE)
                    && !isTransport(name) && header.value() != null) {
                if (own == null) {
                    own = new HashMap<>();
                }
                own.put(name, new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return own == null ? Map.of() : own;
    }

    /** The headers the bridge adds for dead letters and request/reply, which are no part of the envelope. */
    private static boolean isTransport(String name) {
        return name.startsWith("busline-dlt-") || name.startsWith("busline-reply-")
                || name.equals(KafkaHeaders.DEADLINE) || name.equals(KafkaHeaders.REPLIER);
    }

    private static SerializationException failure(Topic<?> topic, String type, int version, String problem) {
        return SerializationException.decoding(topic.name(), type, version, problem, null);
    }

    /**
     * Returns the text of the last header of a name.
     *
     * @param headers the headers
     * @param name    the name
     * @return the UTF-8 text, or null if absent
     */
    public static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * Returns UTF-8 bytes.
     *
     * @param text the text
     * @return its bytes
     */
    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
