package org.busline.outbox;

import java.util.concurrent.CompletionStage;

/**
 * Where the relay delivers the stored events of a topic when that is not a local durable subscription: a bridge to a
 * broker (the Kafka bridge is one), a webhook, another store.
 *
 * <p>A sink is registered on the builder under a <b>stable name</b> with the topics it receives,
 * {@link Outbox.Builder#sink(String, OutboxSink, String...)}; every event published on one of those topics is stored
 * once for that sink (one row per event and sink) and delivered to it at least once, after the commit of the
 * transaction that published it, also after a crash and restart of the process.
 *
 * <pre>{@code
 * Outbox outbox = Outbox.builder(dataSource, bus)
 *         .sink("kafka.orders", record -> producer.send(toProducerRecord(record)), "orders.>")
 *         .build();
 * }</pre>
 *
 * <p><b>Acknowledgement.</b> {@link #deliver} returns at once with a stage that completes when the destination has
 * taken the record for good (for Kafka: when the broker acknowledged it). The row is completed only when the stage
 * completes normally. A stage that completes exceptionally, a {@code deliver} that throws or returns null, and a stage
 * that does not complete within the delivery timeout ({@link Outbox.Builder#deliveryTimeout}) are failed attempts:
 * the row is retried with back-off and, after the most attempts, is dead. The value of the stage is ignored.
 *
 * <p><b>Order.</b> For one key ({@link OutboxRecord#key()}) and one sink, {@code deliver} is called for a record only
 * after the stage of the previous record of that key completed normally, across every instance of the application
 * that shares the table. Records without a key, and records of different keys, may be delivered concurrently.
 *
 * <p><b>Duplicates.</b> At least once: a record may be delivered again after a crash, a lost acknowledgement or a
 * lease that ran out, always with the same {@link OutboxRecord#id()}, by which the destination can deduplicate.
 *
 * <p><b>Threads.</b> {@code deliver} is called on a relay thread and may be called by several relay threads at once
 * (for different keys), so an implementation must be thread-safe. It should not block for long: the work belongs in
 * the stage. The stage may complete on any thread.
 */
@FunctionalInterface
public interface OutboxSink {
    /**
     * Hands one stored record to its destination.
     *
     * @param record the record, with its event id, topic, key, logical type, payload and headers; never null
     * @return a stage that completes normally once the destination acknowledged the record, or exceptionally if it
     *         refused or lost it; not null
     * @throws Exception if the record cannot be handed over; counts as a failed attempt
     */
    CompletionStage<?> deliver(OutboxRecord record) throws Exception;
}
