package org.busline.kafka.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.Subscription;
import org.busline.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way out: a synchronous subscription on the local topic that hands each message to the shared producer.
 *
 * <p>Design note: the subscription runs on the publisher's thread and only encodes and hands the record to the
 * producer, whose own buffer and I/O thread do the rest, so the bus is never held up by a broker round trip. What
 * fails at once (encoding, the key function, a full producer buffer past {@code max.block.ms}) is thrown from the
 * handler, so the bus reports it as it reports any subscriber's failure: error handler, then a {@link DeadLetter}
 * of reason {@code FAILED}. What fails later, when the broker answers (after the producer's own retries, within
 * {@code delivery.timeout.ms}), arrives on the producer's I/O thread; it is logged at ERROR and published as a
 * {@link DeadLetter} of reason {@code FAILED} from the reporter executor, never from the I/O thread. Records of one
 * publisher thread reach the producer in publish order, and the idempotent producer keeps that order per partition.
 *
 * @param <T> the topic's type
 */
public final class OutboundRoute<T> {
    private static final Logger log = LoggerFactory.getLogger(OutboundRoute.class);

    private final MessageBus bus;
    private final Topic<T> topic;
    private final String kafkaTopic;
    private final Function<? super T, String> key;
    /** Whether the same bridge reads the Kafka topic too, so a message may be an echo. */
    private final boolean carriedIn;
    private final CloudEventsCodec codec;
    private final Producer<byte[], byte[]> producer;
    private final Executor reporter;
    private final String name;
    private final AtomicLong failed = new AtomicLong();
    private Subscription subscription;

    /**
     * Makes the route; {@link #start()} subscribes it.
     *
     * @param bus        the local bus
     * @param topic      the local topic
     * @param kafkaTopic the Kafka topic
     * @param key        the key function, or null
     * @param carriedIn  whether an inbound route of the same bridge reads {@code kafkaTopic}
     * @param codec      the codec
     * @param producer   the shared producer
     * @param reporter   where late failures are reported
     */
    public OutboundRoute(MessageBus bus, Topic<T> topic, String kafkaTopic, Function<? super T, String> key,
                         boolean carriedIn, CloudEventsCodec codec, Producer<byte[], byte[]> producer,
                         Executor reporter) {
        this.bus = bus;
        this.topic = topic;
        this.kafkaTopic = kafkaTopic;
        this.key = key;
        this.carriedIn = carriedIn;
        this.codec = codec;
        this.producer = producer;
        this.reporter = reporter;
        this.name = "kafka-outbound:" + kafkaTopic;
    }

    /** Subscribes to the local topic. */
    public void start() {
        subscription = bus.subscribeEnvelopes(topic, this::send, Delivery.sync().name(name));
    }

    /** Unsubscribes: no message published from now on goes out (the ones handed to the producer still do). */
    public void stop() {
        if (subscription != null) {
            subscription.close();
        }
    }

    /**
     * Returns how many records the broker refused after the handler returned.
     *
     * @return the count
     */
    public long failedSends() {
        return failed.get();
    }

    private void send(Envelope<? extends T> envelope) {
        if (carriedIn && Echo.isEcho(envelope, kafkaTopic)) {
            return;
        }
        String recordKey = key == null ? null : key.apply(envelope.payload());
        ProducerRecord<byte[], byte[]> record = codec.toRecord(kafkaTopic, recordKey, onRoute(envelope));
        producer.send(record, (metadata, failure) -> {
            if (failure != null) {
                failed.incrementAndGet();
                reporter.execute(() -> report(envelope, failure));
            }
        });
    }

    /**
     * The message as the route's topic carries it: a subtype's message (a {@code Dog} on the route of
     * {@code Animal}) goes out under the route's logical type, which the other side's inbound route expects, not
     * under its own class's.
     */
    private Envelope<T> onRoute(Envelope<? extends T> envelope) {
        if (envelope.topic().equals(topic)) {
            @SuppressWarnings("unchecked")
            Envelope<T> same = (Envelope<T>) envelope;
            return same;
        }
        return Envelope.restore(envelope.id(), topic, envelope.payload(), envelope.timestamp(),
                envelope.correlationId(), envelope.causationId(), envelope.headers());
    }

    private void report(Envelope<?> envelope, Exception failure) {
        log.error("Kafka refused message {} of topic '{}' for Kafka topic '{}' (correlation {}): {}", envelope.id(),
                envelope.topic().name(), kafkaTopic, envelope.correlationId(), failure.toString(), failure);
        try {
            if (!bus.isClosed()) {
                bus.publish(new DeadLetter(envelope, name, failure, 1, DeadLetter.Reason.FAILED));
            }
        } catch (RuntimeException publishFailed) {
            log.error("could not publish the dead letter of message {}: {}", envelope.id(), publishFailed.toString(),
                    publishFailed);
        }
    }
}
