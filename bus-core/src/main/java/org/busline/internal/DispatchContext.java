package org.busline.internal;

import java.util.ArrayDeque;
import org.busline.Envelope;
import org.busline.Topic;

/**
 * What one thread is doing on the bus: the message its handler is handling now, and the messages published from
 * inside synchronous handlers that wait for the current delivery to finish.
 *
 * <p>Thread-confined: one instance per thread, reached through a {@link ThreadLocal} once per publish, and never
 * shared, so its fields need no synchronization. The current message is kept as topic and payload, and its envelope
 * is made only on demand ({@link #envelope(DefaultMessageBus)}), which keeps a synchronous publish to payload handlers
 * free of allocation.
 */
final class DispatchContext {
    private static final ThreadLocal<DispatchContext> CURRENT = ThreadLocal.withInitial(DispatchContext::new);

    /** True while this thread runs synchronous handlers; a publish then queues instead of recursing. */
    boolean dispatching;
    /** The message being handled on this thread, or null. */
    Topic<?> topic;
    Object payload;
    /** Its envelope, if made yet. */
    Envelope<?> envelope;
    /** The message whose handler published the current one, or null. */
    Envelope<?> parent;
    /** The request whose synchronous responder runs on this thread now, handed to it without a lookup; or null. */
    PendingRequest<?> request;

    private ArrayDeque<Runnable> queued;

    static DispatchContext current() {
        return CURRENT.get();
    }

    /** The current message's envelope, made now if nobody needed it before. Null outside any handler. */
    Envelope<?> envelope(DefaultMessageBus bus) {
        Envelope<?> current = envelope;
        if (current == null && payload != null) {
            current = bus.newEnvelope(topic, payload, parent);
            envelope = current;
        }
        return current;
    }

    void queue(Runnable delivery) {
        if (queued == null) {
            queued = new ArrayDeque<>();
        }
        queued.add(delivery);
    }

    /** The next queued delivery, or null. */
    Runnable nextQueued() {
        return queued == null ? null : queued.poll();
    }
}
