package org.busline.test;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.busline.Envelope;
import org.busline.Topic;

/**
 * One message a {@link BusRecorder} saw published on its bus, with what each subscription did with it, as far as it
 * went when the snapshot was taken. Immutable.
 *
 * @param sequence    its place among the recorder's messages, from 1, in the order they were published
 * @param envelope    the message as it was published, after the interceptors registered before the recorder;
 *                    not null
 * @param thread      the name of the thread that published it; not null
 * @param publishedBy the name of the subscription whose handler published it, on any thread; null when it was
 *                    published from outside every handler of the bus (by the test, a scheduler, or the bus itself)
 * @param deliveries  what each subscription that started on it did, in the order they started; not null, immutable
 * @param dead        true if it reached no subscription (a {@link org.busline.DeadMessage})
 */
public record RecordedMessage(long sequence, Envelope<?> envelope, String thread, String publishedBy,
                              List<RecordedDelivery> deliveries, boolean dead) {

    /**
     * Checks the components and copies the deliveries.
     *
     * @param sequence    from 1
     * @param envelope    the message; not null
     * @param thread      the publishing thread's name; not null
     * @param publishedBy the publishing subscription, or null
     * @param deliveries  the deliveries; not null
     * @param dead        whether it reached nobody
     */
    public RecordedMessage {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(thread, "thread");
        deliveries = List.copyOf(deliveries);
    }

    /**
     * Returns the message itself.
     *
     * @return the envelope's payload
     */
    public Object payload() {
        return envelope.payload();
    }

    /**
     * Returns the topic it was published on.
     *
     * @return the envelope's topic
     */
    public Topic<?> topic() {
        return envelope.topic();
    }

    /**
     * Returns its message id.
     *
     * @return the envelope's id
     */
    public String id() {
        return envelope.id();
    }

    /**
     * Returns the id of the conversation it belongs to.
     *
     * @return the envelope's correlation id
     */
    public String correlationId() {
        return envelope.correlationId();
    }

    /**
     * Returns what one subscription did with it.
     *
     * @param subscriber the subscription's name; not null
     * @return its delivery, or empty if that subscription has not started on it
     */
    public Optional<RecordedDelivery> delivery(String subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        return deliveries.stream().filter(delivery -> delivery.subscriber().equals(subscriber)).findFirst();
    }

    /**
     * Tells whether a subscription handled it.
     *
     * @param subscriber the subscription's name; not null
     * @return true if that subscription's last attempt returned normally
     */
    public boolean handledBy(String subscriber) {
        return delivery(subscriber).map(d -> d.outcome() == RecordedDelivery.Outcome.HANDLED).orElse(false);
    }

    /**
     * Tells whether every delivery that started on it has ended (handled, dead-lettered or dropped).
     *
     * @return true if no delivery is running or waiting for a retry
     */
    public boolean isSettled() {
        return deliveries.stream().allMatch(RecordedDelivery::isSettled);
    }
}
