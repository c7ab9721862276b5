package org.busline.kafka.internal;

import org.busline.Envelope;

/**
 * Keeps a bridge from producing back to Kafka the very record it is carrying in from the same Kafka topic (a bridge
 * with an outbound and an inbound route of one topic would otherwise loop).
 *
 * <p>Design note: an inbound lane marks its thread with the id of the envelope it publishes and the Kafka topic it
 * came from; the outbound subscription is synchronous, so it runs on that thread inside the publish and sees the
 * mark. A message a handler publishes meanwhile has an id of its own and goes out as usual. An outbound route looks
 * only if an inbound route of its own bridge reads its Kafka topic: a bridge that mirrors a topic read by another
 * bridge (another cluster, say) produces it.
 */
final class Echo {
    private static final ThreadLocal<String[]> CURRENT = new ThreadLocal<>();

    private Echo() {
    }

    static void mark(String id, String kafkaTopic) {
        CURRENT.set(new String[] {id, kafkaTopic});
    }

    static void clear() {
        CURRENT.remove();
    }

    static boolean isEcho(Envelope<?> envelope, String kafkaTopic) {
        String[] current = CURRENT.get();
        return current != null && current[1].equals(kafkaTopic) && current[0].equals(envelope.id());
    }
}
