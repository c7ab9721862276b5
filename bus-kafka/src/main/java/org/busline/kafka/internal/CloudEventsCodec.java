package org.busline.kafka.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Design note: the value is what the bus's {@link Serializer} writes, the whole envelope, so the envelope comes
 * back exactly (id, timestamp, correlation, causation, headers) through the one SPI every store and bridge shares;
 * the {@code ce_*} headers repeat its attributes for Kafka tools and CloudEvents consumers. Thread-safe; its one
 * mutable field is a cache of the last {@code ce_time}.
 */
public final class CloudEventsCodec {
    private static final String SPEC = "1.0";
    private static final byte[] SPEC_BYTES = bytes(SPEC);

    private final Serializer serializer;
    private final TypeRegistry types;
    private final byte[] source;
    private final byte[] contentType;
    /** The last {@code ce_time} written, shared by the threads that produce (a benign race: any value is right). */
    private volatile Time lastTime;

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
     * Restores the envelope of a record of a topic.
     *
     * @param record the record
     * @param topic  the local topic it must belong to
     * @param <T>    the topic's type
     * @return the envelope as it was produced
     * @throws SerializationException if the record is not a Busline event of that topic
     */
    public <T> Envelope<T> fromRecord(ConsumerRecord<byte[], byte[]> record, Topic<T> topic) {
        Header specHeader = record.headers().lastHeader(KafkaHeaders.SPEC_VERSION);
        String spec = specHeader == null || Arrays.equals(specHeader.value(), SPEC_BYTES) ? null
                : text(record.headers(), KafkaHeaders.SPEC_VERSION);
        if (spec != null) {
            throw SerializationException.decoding(topic.name(), text(record.headers(), KafkaHeaders.TYPE), 0,
                    "unsupported CloudEvents specversion '" + spec + "' (expected " + SPEC + ")", null);
        }
        Header typeHeader = record.headers().lastHeader(KafkaHeaders.CONTENT_TYPE);
        String contentType = typeHeader == null || Arrays.equals(typeHeader.value(), this.contentType) ? null
                : text(record.headers(), KafkaHeaders.CONTENT_TYPE);
        if (contentType != null) {
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
