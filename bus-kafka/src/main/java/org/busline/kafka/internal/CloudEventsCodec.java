package org.busline.kafka.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
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
 * <p>Design note: the value is what the bus's {@link Serializer} writes, the whole envelope, so the envelope comes
 * back exactly (id, timestamp, correlation, causation, headers) through the one SPI every store and bridge shares;
 * the {@code ce_*} headers repeat its attributes for Kafka tools and CloudEvents consumers. Immutable, thread-safe.
 */
public final class CloudEventsCodec {
    private static final String SPEC = "1.0";

    private final Serializer serializer;
    private final TypeRegistry types;
    private final byte[] source;
    private final byte[] contentType;

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
        this.contentType = bytes(serializer.contentType());
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
        byte[] value = serializer.encode(envelope);
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
        RecordHeaders headers = new RecordHeaders();
        headers.add(KafkaHeaders.SPEC_VERSION, bytes(SPEC));
        headers.add(KafkaHeaders.ID, bytes(envelope.id()));
        headers.add(KafkaHeaders.SOURCE, source);
        headers.add(KafkaHeaders.TYPE, bytes(registration.logicalType()));
        headers.add(KafkaHeaders.TYPE_VERSION, bytes(Integer.toString(registration.version())));
        if (envelope.timestamp() != null) {
            headers.add(KafkaHeaders.TIME, bytes(envelope.timestamp().toString()));
        }
        headers.add(KafkaHeaders.CONTENT_TYPE, contentType);
        headers.add(KafkaHeaders.CORRELATION_ID, bytes(envelope.correlationId()));
        if (envelope.causationId() != null) {
            headers.add(KafkaHeaders.CAUSATION_ID, bytes(envelope.causationId()));
        }
        for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
            String name = header.getKey();
            if (!name.startsWith("ce_") && !name.equalsIgnoreCase(KafkaHeaders.CONTENT_TYPE)) {
                headers.add(name, bytes(header.getValue()));
            }
        }
        return headers;
    }

    /**
     * Restores the envelope of a record of a topic.
     *
     * @param record the record
     * @param topic  the local topic it must belong to
     * @param <T>    the topic's type
     * @return the envelope as it was produced
     * @throws SerializationException if the record is not a Busline event of that topic
     */
    public <T> Envelope<T> fromRecord(ConsumerRecord<byte[], byte[]> record, Topic<T> topic) {
        String spec = text(record.headers(), KafkaHeaders.SPEC_VERSION);
        if (spec != null && !spec.equals(SPEC)) {
            throw SerializationException.decoding(topic.name(), text(record.headers(), KafkaHeaders.TYPE), 0,
                    "unsupported CloudEvents specversion '" + spec + "' (expected " + SPEC + ")", null);
        }
        String contentType = text(record.headers(), KafkaHeaders.CONTENT_TYPE);
        if (contentType != null && !contentType.equals(serializer.contentType())) {
            throw SerializationException.decoding(topic.name(), text(record.headers(), KafkaHeaders.TYPE), 0,
                    "content-type '" + contentType + "' is not the serializer's '" + serializer.contentType() + "'",
                    null);
        }
        if (record.value() == null) {
            throw SerializationException.decoding(topic.name(), text(record.headers(), KafkaHeaders.TYPE), 0,
                    "the record has no value (a tombstone)", null);
        }
        return serializer.decode(record.value(), topic);
    }

    /**
     * Restores an envelope of a given topic from a record's value.
     *
     * @param value the value
     * @param topic the topic
     * @param <T>   its type
     * @return the envelope
     * @throws SerializationException if it cannot be decoded
     */
    public <T> Envelope<T> decodeAs(byte[] value, Topic<T> topic) {
        if (value == null) {
            throw SerializationException.decoding(topic.name(), null, 0, "the record has no value", null);
        }
        return serializer.decode(value, topic);
    }

    /**
     * Restores the envelope of a record, its topic named by the bytes.
     *
     * @param value the record's value
     * @return the envelope
     * @throws SerializationException if it cannot be decoded
     */
    public Envelope<?> decode(byte[] value) {
        return serializer.decode(value);
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
