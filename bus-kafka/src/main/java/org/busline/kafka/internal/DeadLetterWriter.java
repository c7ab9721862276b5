package org.busline.kafka.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.busline.kafka.KafkaHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a record the bridge gives up on to the dead-letter topic: same key, value and headers, plus headers naming
 * the error and where the record came from.
 *
 * <p>Design note: the write goes through the shared idempotent producer and is asynchronous, so a poison record
 * never holds up its partition; the record counts as finished (and its offset may be committed) only once the broker
 * acknowledged the dead letter. A refused write is logged and tried again every second until it succeeds or the
 * bridge stops, in which case the record stays uncommitted and is read again later: nothing is lost.
 */
final class DeadLetterWriter {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterWriter.class);
    private static final int MAX_MESSAGE = 1000;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String group;
    private final ScheduledExecutorService timer;
    private final BooleanSupplier stopping;

    DeadLetterWriter(Producer<byte[], byte[]> producer, String topic, String group, ScheduledExecutorService timer,
                     BooleanSupplier stopping) {
        this.producer = producer;
        this.topic = topic;
        this.group = group;
        this.timer = timer;
        this.stopping = stopping;
    }

    /**
     * Writes the dead letter; calls {@code stored} once the broker acknowledged it, or {@code abandoned} if the bridge
     * stopped first.
     */
    void write(ConsumerRecord<byte[], byte[]> record, String reason, Throwable error, Runnable stored,
               Runnable abandoned) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        String message = String.valueOf(error.getMessage());
        headers.add(KafkaHeaders.DLT_REASON, CloudEventsCodec.bytes(reason));
        headers.add(KafkaHeaders.DLT_ERROR, CloudEventsCodec.bytes(error.getClass().getName()));
        headers.add(KafkaHeaders.DLT_ERROR_MESSAGE, CloudEventsCodec.bytes(
                message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message));
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, CloudEventsCodec.bytes(record.topic()));
        headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, CloudEventsCodec.bytes(Integer.toString(record.partition())));
        headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, CloudEventsCodec.bytes(Long.toString(record.offset())));
        headers.add(KafkaHeaders.DLT_GROUP, CloudEventsCodec.bytes(group));
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(topic, null, null, record.key(), record.value(),
                headers);
        log.warn("dead-lettering record {}-{}@{} (group {}) to '{}': {} {}", record.topic(), record.partition(),
                record.offset(), group, topic, reason, error.toString());
        send(letter, record, stored, abandoned);
    }

    private void send(ProducerRecord<byte[], byte[]> letter, ConsumerRecord<byte[], byte[]> record, Runnable stored,
                      Runnable abandoned) {
        try {
            producer.send(letter, (metadata, failure) -> {
                if (failure == null) {
                    stored.run();
                } else {
                    retry(letter, record, stored, abandoned, failure);
                }
            });
        } catch (RuntimeException failure) {
            retry(letter, record, stored, abandoned, failure);
        }
    }

    private void retry(ProducerRecord<byte[], byte[]> letter, ConsumerRecord<byte[], byte[]> record, Runnable stored,
                       Runnable abandoned, Exception failure) {
        if (stopping.getAsBoolean()) {
            log.error("could not dead-letter record {}-{}@{} to '{}' before the bridge stopped ({}); it stays "
                    + "uncommitted and will be read again", record.topic(), record.partition(), record.offset(),
                    topic, failure.toString());
            abandoned.run();
            return;
        }
        log.error("could not dead-letter record {}-{}@{} to '{}', trying again in 1 s: {}", record.topic(),
                record.partition(), record.offset(), topic, failure.toString());
        try {
            timer.schedule(() -> send(letter, record, stored, abandoned), 1, TimeUnit.SECONDS);
        } catch (RuntimeException rejected) {
            abandoned.run();
        }
    }
}
