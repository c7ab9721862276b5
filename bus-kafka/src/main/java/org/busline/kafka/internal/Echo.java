package org.busline.kafka.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.busline.Envelope;

/**
 * Keeps a bridge from producing back to Kafka the very record it is carrying in from the same Kafka topic (a bridge
 * with an outbound and an inbound route of one topic would otherwise loop).
 *
 * <p>Design note: an inbound lane marks its thread with the id of the envelope it publishes and the Kafka topic it
 * came from ({@link #guard}); the outbound subscription is synchronous, so it runs on that thread inside the publish
 * and sees the mark. A message a handler publishes meanwhile has an id of its own and goes out as usual. Only a
 * Kafka topic that one bridge both reads and writes needs this: its inbound route marks, its outbound route looks,
 * and every other route skips both (a bridge that mirrors a topic read by another bridge, of another cluster say,
 * produces it).
 */
final class Echo {
    private static final ThreadLocal<String[]> CURRENT = new ThreadLocal<>();

    private Echo() {
    }

    /**
     * Returns a step that runs {@code step} with its thread marked by the record's envelope, so an outbound route of
     * {@code kafkaTopic} does not produce it again.
     *
     * @param step       the step
     * @param kafkaTopic the Kafka topic the records come from
     * @param <T>        the topic's type
     * @return the marking step
     */
    static <T> InboundConsumer.LocalStep<T> guard(InboundConsumer.LocalStep<T> step, String kafkaTopic) {
        return (Envelope<T> envelope, ConsumerRecord<byte[], byte[]> record) -> {
            CURRENT.set(new String[] {envelope.id(), kafkaTopic});
            try {
                return step.start(envelope, record);
            } finally {
                CURRENT.remove();
            }
        };
    }

    static boolean isEcho(Envelope<?> envelope, String kafkaTopic) {
        String[] current = CURRENT.get();
        return current != null && current[1].equals(kafkaTopic) && current[0].equals(envelope.id());
    }
}
