package org.busline.kafka;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.busline.Envelope;
import org.busline.kafka.internal.CloudEventsCodec;
import org.busline.outbox.OutboxRecord;
import org.busline.outbox.OutboxSink;

/**
 * The outbox's way to Kafka: a {@link OutboxSink} that produces each stored event with the bridge's producer, so the
 * outbox completes its row only after the broker acknowledged the record ({@code acks=all}).
 *
 * <pre>{@code
 * KafkaBridge bridge = KafkaBridge.builder(bus, servers).start();
 * Outbox outbox = Outbox.builder(dataSource, bus)
 *         .sink("kafka.orders", KafkaOutboxSink.of(bridge), "orders.>")
 *         .build();
 * }</pre>
 *
 * <p>The record is the one an {@link Outbound} route would produce: key = the row's key (its aggregate id), value =
 * the stored envelope as it is, CloudEvents headers with the event's id, logical type, correlation and causation ids
 * and the envelope's headers. So the consuming service's {@link Inbound} route cannot tell the two apart, and a
 * redelivery by the outbox has the same {@code ce_id}, by which it de-duplicates. Per key, the outbox calls the sink
 * only after the previous record of the key was acknowledged, so per-key order holds across relay instances.
 *
 * <p>Needs {@code bus-outbox} on the class path (an optional dependency of bus-kafka). Thread-safe. Close the outbox
 * before the bridge.
 */
public final class KafkaOutboxSink implements OutboxSink {
    private final KafkaBridge bridge;
    private final Function<String, String> kafkaTopic;

    private KafkaOutboxSink(KafkaBridge bridge, Function<String, String> kafkaTopic) {
        this.bridge = bridge;
        this.kafkaTopic = kafkaTopic;
    }

    /**
     * Returns a sink that produces each event to the Kafka topic named like its local topic.
     *
     * @param bridge the bridge whose producer sends; not null
     * @return the sink
     */
    public static KafkaOutboxSink of(KafkaBridge bridge) {
        return of(bridge, Function.identity());
    }

    /**
     * Returns a sink that produces each event to the Kafka topic a function names for its local topic.
     *
     * @param bridge     the bridge whose producer sends; not null
     * @param kafkaTopic gives the Kafka topic of a local topic's name; not null; what it returns must be a legal
     *                   Kafka topic name, else the delivery fails and the outbox retries it, then marks it dead
     * @return the sink
     */
    public static KafkaOutboxSink of(KafkaBridge bridge, Function<String, String> kafkaTopic) {
        return new KafkaOutboxSink(Objects.requireNonNull(bridge, "bridge"),
                Objects.requireNonNull(kafkaTopic, "kafkaTopic"));
    }

    /**
     * Produces the record; the stage completes when the broker acknowledged it, or exceptionally with what the
     * producer reported.
     *
     * @param record the stored event; not null
     * @return the stage of the acknowledgement
     * @throws IllegalArgumentException if the Kafka topic is not a legal name
     * @throws org.busline.spi.SerializationException if the stored envelope cannot be read back
     */
    @Override
    public CompletionStage<?> deliver(OutboxRecord record) {
        Objects.requireNonNull(record, "record");
        String topic = KafkaNames.checkTopic(kafkaTopic.apply(record.topic()), "the Kafka topic of local topic '"
                + record.topic() + "'");
        // The stored envelope, upcast to the current version, goes out as the bridge's outbound routes send one.
        ProducerRecord<byte[], byte[]> produced = bridge.codec().toRecord(topic, record.key(), record.envelope());
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        bridge.producer().send(produced,
                (metadata, failure) -> {
                    if (failure == null) {
                        acknowledged.complete(null);
                    } else {
                        acknowledged.completeExceptionally(failure);
                    }
                });
        return acknowledged;
    }

    @Override
    public String toString() {
        return "KafkaOutboxSink[" + bridge + "]";
    }
}
