package org.busline.kafka.internal;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.kafka.KafkaHeaders;
import org.busline.spi.SerializationException;
import org.busline.spi.Serializer;
import org.busline.spi.Timestamps;
import org.busline.spi.TypeRegistry;

/**
 * Envelopes to Kafka records and back, in the CloudEvents 1.0 Kafka binary binding (see {@link KafkaHeaders}).
 *
 * <p>Design note: binary content mode. The value is the payload alone, as the bus's {@link Serializer} writes it
 * ({@link Serializer#encodeData}); the envelope's attributes are the {@code ce_*} headers and its own headers are
 * headers of their own, so any CloudEvents consumer reads the event as the spec says, and the envelope comes back
 * exactly (id, timestamp, correlation, causation, headers, the version of the logical type). A message that is its
 * own correlation (published outside any handler) carries no correlation header, as it would say nothing the id does
 * not. Reading takes one pass over the headers. Thread-safe; its mutable fields cache the last {@code ce_time} and
 * type headers written.
 */
public final class CloudEventsCodec {
    private static final String SPEC = "1.0";
    private static final byte[] SPEC_BYTES = bytes(SPEC);
    private static final Header SPEC_HEADER = new RecordHeader(KafkaHeaders.SPEC_VERSION, SPEC_BYTES);

    private final Serializer serializer;
    private final TypeRegistry types;
    private final Header source;
    private final Header contentType;
    /** The last {@code ce_time} written, shared by the threads that use the codec: a benign race, as any value
     * kept is a right one. */
    private volatile Time lastTime;
    /** The last registration written, with its headers: records of one topic come in runs. */
    private volatile TypeHeaders lastType;

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
        this.source = new RecordHeader(KafkaHeaders.SOURCE, bytes(source));
        this.contentType = new RecordHeader(KafkaHeaders.CONTENT_TYPE, bytes(serializer.dataContentType()));
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
        // Headers go into the record's own list: one given to the constructor would be copied.
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(kafkaTopic, null, null,
                key == null ? null : bytes(key), value);
        addHeaders(record.headers(), envelope);
        return record;
    }

    /**
     * Adds the CloudEvents headers of an envelope, then its own headers. The headers that are the same for every
     * record of a type are shared {@link RecordHeader}s, which the producer only reads.
     */
    private void addHeaders(Headers headers, Envelope<?> envelope) {
        TypeHeaders type = typeHeaders(envelope.topic());
        headers.add(SPEC_HEADER);
        String id = envelope.id();
        headers.add(KafkaHeaders.ID, bytes(id));
        headers.add(source);
        headers.add(type.name);
        headers.add(type.version);
        if (envelope.timestamp() != null) {
            headers.add(KafkaHeaders.TIME, time(envelope.timestamp()));
        }
        headers.add(contentType);
        String correlation = envelope.correlationId();
        if (!correlation.equals(id)) {
            headers.add(KafkaHeaders.CORRELATION_ID, bytes(correlation));
        }
        if (envelope.causationId() != null) {
            headers.add(KafkaHeaders.CAUSATION_ID, bytes(envelope.causationId()));
        }
        for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
            String name = header.getKey();
            if (!name.startsWith("ce_") && !name.equalsIgnoreCase(KafkaHeaders.CONTENT_TYPE)) {
                headers.add(name, bytes(header.getValue()));
            }
        }
    }

    /** The type headers of a topic, from the registry once per run of records of one topic. */
    private TypeHeaders typeHeaders(Topic<?> topic) {
        TypeHeaders last = lastType;
        if (last == null || !last.topic.equals(topic)) {
            TypeRegistry.Registration<?> registration = types.forTopic(topic);
            last = new TypeHeaders(topic, new RecordHeader(KafkaHeaders.TYPE, bytes(registration.logicalType())),
                    new RecordHeader(KafkaHeaders.TYPE_VERSION, bytes(Integer.toString(registration.version()))));
            lastType = last;
        }
        return last;
    }

    private record TypeHeaders(Topic<?> topic, Header name, Header version) {
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
        byte[] spec = null;
        byte[] media = null;
        byte[] type = null;
        byte[] version = null;
        byte[] time = null;
        String id = null;
        String correlation = null;
        String causation = null;
        Map<String, String> own = null;
        // One pass, the last header of a name winning, as Headers.lastHeader would.
        for (Header header : headers) {
            byte[] bytes = header.value();
            if (bytes == null) {
                continue;
            }
            String name = header.key();
            switch (name) {
                case KafkaHeaders.SPEC_VERSION -> spec = bytes;
                case KafkaHeaders.CONTENT_TYPE -> media = bytes;
                case KafkaHeaders.TYPE -> type = bytes;
                case KafkaHeaders.TYPE_VERSION -> version = bytes;
                case KafkaHeaders.TIME -> time = bytes;
                case KafkaHeaders.ID -> id = text(bytes);
                case KafkaHeaders.CORRELATION_ID -> correlation = text(bytes);
                case KafkaHeaders.CAUSATION_ID -> causation = text(bytes);
                default -> {
                    if (!name.startsWith("ce_") && !isTransport(name)) {
                        if (own == null) {
                            own = new HashMap<>();
                        }
                        own.put(name, text(bytes));
                    }
                }
            }
        }
        // The registry's name, unless the header says another: one string less per record.
        String typeName = type == null ? null
                : Arrays.equals(type, typeHeaders(topic).name.value()) ? registration.logicalType() : text(type);
        if (spec != null && !Arrays.equals(spec, SPEC_BYTES)) {
            throw failure(topic, typeName, 0, "unsupported CloudEvents specversion '" + text(spec) + "' (expected "
                    + SPEC + ")");
        }
        if (media != null && !Arrays.equals(media, contentType.value())) {
            throw failure(topic, typeName, 0, "content-type '" + text(media) + "' is not the serializer's '"
                    + serializer.dataContentType() + "'");
        }
        if (typeName == null || !typeName.equals(registration.logicalType())) {
            throw failure(topic, typeName, 0, typeName == null ? "the record has no " + KafkaHeaders.TYPE + " header"
                    : "logical type '" + typeName + "' does not belong to topic '" + topic.name()
                    + "', which carries '" + registration.logicalType() + "'");
        }
        if (id == null || id.isEmpty()) {
            throw failure(topic, typeName, 0, "the record has no " + KafkaHeaders.ID + " header");
        }
        int typeVersion = version(version, registration);
        if (value == null) {
            throw failure(topic, typeName, typeVersion, "the record has no value (a tombstone)");
        }
        T payload = serializer.decodeData(value, topic, typeVersion);
        return Envelope.restore(id, topic, payload, time(time, topic, typeName), correlation, causation,
                own == null ? Map.of() : own);
    }

    /** The version of {@code ce_typeversion}; a CloudEvent without one is taken to be of the registered version. */
    private static int version(byte[] text, TypeRegistry.Registration<?> registration) {
        if (text == null) {
            return registration.version();
        }
        int version = 0;
        for (byte digit : text) {
            if (digit < '0' || digit > '9' || version > (Integer.MAX_VALUE - 9) / 10) {
                throw failure(registration.topic(), registration.logicalType(), 0, KafkaHeaders.TYPE_VERSION + " '"
                        + text(text) + "' is not a number");
            }
            version = version * 10 + (digit - '0');
        }
        if (text.length == 0) {
            throw failure(registration.topic(), registration.logicalType(), 0, KafkaHeaders.TYPE_VERSION
                    + " '' is not a number");
        }
        return version;
    }

    /** {@code ce_time}, read without a formatter for the form the bus writes ({@link Timestamps}). */
    private static Instant time(byte[] text, Topic<?> topic, String type) {
        if (text == null) {
            return null;
        }
        try {
            return Timestamps.parse(text);
        } catch (DateTimeException malformed) {
            throw failure(topic, type, 0, KafkaHeaders.TIME + " '" + text(text) + "' is not an RFC 3339 timestamp");
        }
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
        return header == null || header.value() == null ? null : text(header.value());
    }

    private static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
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
