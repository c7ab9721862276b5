package org.busline.kafka.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.busline.Envelope;
import org.busline.kafka.KafkaHeaders;
import org.busline.kafka.internal.CloudEventsCodec;
import org.busline.kafka.tests.Shop.OrderPlaced;
import org.busline.spi.SerializationException;
import org.junit.jupiter.api.Test;

/** Envelopes to records and back in the CloudEvents binary content mode, without a broker. */
class CloudEventsCodecTest {
    private final CloudEventsCodec codec = new CloudEventsCodec(Shop.serializer(), Shop.TYPES, "/shop");

    @Test
    void restoresTheEnvelopeFromTheHeadersAndThePayloadFromTheValue() {
        Envelope<OrderPlaced> sent = Envelope.restore("m-1", Shop.ORDERS, new OrderPlaced("o-1", "ada", 3, "n"),
                Instant.parse("2026-12-01T10:15:30.123Z"), "flow-1", "m-0",
                Map.of("tenant", "acme", "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        ProducerRecord<byte[], byte[]> produced = codec.toRecord("orders", "o-1", sent);
        // What the bridge adds beside the event never becomes a header of the envelope.
        produced.headers().add(KafkaHeaders.REPLY_TO, "replies".getBytes(StandardCharsets.UTF_8));
        produced.headers().add(KafkaHeaders.DEADLINE, "123".getBytes(StandardCharsets.UTF_8));

        Envelope<OrderPlaced> received = codec.fromRecord(consumed(produced.headers(), produced.value()), Shop.ORDERS);

        assertThat(new String(produced.value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"orderId\":\"o-1\",\"customer\":\"ada\",\"seq\":3,\"note\":\"n\"}");
        assertThat(received.id()).isEqualTo("m-1");
        assertThat(received.payload()).isEqualTo(sent.payload());
        assertThat(received.timestamp()).isEqualTo(sent.timestamp());
        assertThat(received.correlationId()).isEqualTo("flow-1");
        assertThat(received.causationId()).isEqualTo("m-0");
        assertThat(received.headers()).isEqualTo(sent.headers());
    }

    @Test
    void refusesRecordsThatAreNotCloudEventsOfTheTopicNamingWhatIsWrong() {
        ProducerRecord<byte[], byte[]> good = codec.toRecord("orders", null,
                Envelope.of(Shop.ORDERS, new OrderPlaced("o-2", "bob", 1, "")));

        assertThat(refusal(without(good.headers(), KafkaHeaders.ID), good.value()))
                .contains("orders.placed").contains("the record has no ce_id header");
        assertThat(refusal(replaced(good.headers(), KafkaHeaders.TYPE, "shop.price"), good.value()))
                .contains("logical type 'shop.price' does not belong to topic 'orders.placed'");
        assertThat(refusal(replaced(good.headers(), KafkaHeaders.TYPE_VERSION, "two"), good.value()))
                .contains("ce_typeversion 'two' is not a number");
        assertThat(refusal(replaced(good.headers(), KafkaHeaders.TYPE_VERSION, "9"), good.value()))
                .contains("version 9 is not one of the registered versions");
        assertThat(refusal(replaced(good.headers(), KafkaHeaders.SPEC_VERSION, "0.3"), good.value()))
                .contains("unsupported CloudEvents specversion '0.3'");
        assertThat(refusal(replaced(good.headers(), KafkaHeaders.CONTENT_TYPE, "text/plain"), good.value()))
                .contains("content-type 'text/plain' is not the serializer's 'application/json'");
        assertThat(refusal(replaced(good.headers(), KafkaHeaders.TIME, "yesterday"), good.value()))
                .contains("ce_time 'yesterday' is not an RFC 3339 timestamp");
        assertThat(refusal(good.headers(), null)).contains("the record has no value (a tombstone)");
        assertThat(refusal(good.headers(), "{\"orderId\":".getBytes(StandardCharsets.UTF_8)))
                .contains("malformed JSON");
    }

    @Test
    void readsACloudEventWithoutTypeVersionAsTheRegisteredVersion() {
        ProducerRecord<byte[], byte[]> good = codec.toRecord("orders", null,
                Envelope.of(Shop.ORDERS, new OrderPlaced("o-3", "eve", 2, "")));

        Envelope<OrderPlaced> read = codec.fromRecord(consumed(without(good.headers(), KafkaHeaders.TYPE_VERSION),
                good.value()), Shop.ORDERS);

        assertThat(read.payload().orderId()).isEqualTo("o-3");
    }

    @Test
    void aMessageThatIsItsOwnCorrelationCarriesNoCorrelationHeaderAndComesBackSo() {
        Envelope<OrderPlaced> root = Envelope.restore("m-7", Shop.ORDERS, new OrderPlaced("o-7", "kim", 1, ""),
                Instant.parse("2026-12-01T10:15:30Z"), null, null, Map.of());
        Envelope<OrderPlaced> child = Envelope.restore("m-8", Shop.ORDERS, new OrderPlaced("o-8", "kim", 2, ""),
                Instant.parse("2026-12-01T10:15:31Z"), "m-7", "m-7", Map.of());

        ProducerRecord<byte[], byte[]> rootRecord = codec.toRecord("orders", null, root);
        ProducerRecord<byte[], byte[]> childRecord = codec.toRecord("orders", null, child);

        assertThat(rootRecord.headers().lastHeader(KafkaHeaders.CORRELATION_ID)).isNull();
        assertThat(new String(childRecord.headers().lastHeader(KafkaHeaders.CORRELATION_ID).value(),
                StandardCharsets.UTF_8)).isEqualTo("m-7");
        Envelope<OrderPlaced> rootRead = codec.fromRecord(consumed(rootRecord.headers(), rootRecord.value()),
                Shop.ORDERS);
        Envelope<OrderPlaced> childRead = codec.fromRecord(consumed(childRecord.headers(), childRecord.value()),
                Shop.ORDERS);
        assertThat(rootRead.correlationId()).isEqualTo("m-7");
        assertThat(rootRead.causationId()).isNull();
        assertThat(childRead.correlationId()).isEqualTo("m-7");
        assertThat(childRead.causationId()).isEqualTo("m-7");
    }

    @Test
    void readsTheTimeOfAForeignCloudEventWrittenWithAnOffset() {
        ProducerRecord<byte[], byte[]> good = codec.toRecord("orders", null,
                Envelope.of(Shop.ORDERS, new OrderPlaced("o-9", "lee", 1, "")));

        Envelope<OrderPlaced> read = codec.fromRecord(consumed(replaced(good.headers(), KafkaHeaders.TIME,
                "2026-12-01T12:15:30.5+02:00"), good.value()), Shop.ORDERS);

        assertThat(read.timestamp()).isEqualTo(Instant.parse("2026-12-01T10:15:30.500Z"));
    }

    private String refusal(Headers headers, byte[] value) {
        ConsumerRecord<byte[], byte[]> record = consumed(headers, value);
        Throwable failure = catchThrowable(() -> codec.fromRecord(record,
                Shop.ORDERS));
        assertThat(failure).isInstanceOf(SerializationException.class);
        return failure.getMessage();
    }

    private static Headers without(Headers headers, String name) {
        Headers copy = new org.apache.kafka.common.header.internals.RecordHeaders(headers.toArray());
        copy.remove(name);
        return copy;
    }

    private static Headers replaced(Headers headers, String name, String value) {
        Headers copy = without(headers, name);
        copy.add(name, value.getBytes(StandardCharsets.UTF_8));
        return copy;
    }

    private static ConsumerRecord<byte[], byte[]> consumed(Headers headers, byte[] value) {
        return new ConsumerRecord<>("orders", 0, 0L, 0L, TimestampType.CREATE_TIME, 0, value == null ? 0
                : value.length, null, value, headers, Optional.empty());
    }
}
