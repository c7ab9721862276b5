package org.busline.test;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.busline.Topic;
import org.busline.test.internal.Describe;

/**
 * A wait for a message, made by {@link BusRecorder#waitFor(Class)}: narrow it, then wait with
 * {@link #within(Duration)}. The shape of a scenario: publish, wait for the message that says it happened, verify.
 *
 * <pre>{@code
 * bus.publish(new OrderPlaced("o-1", ...));
 * PaymentCaptured paid = recorder.waitFor(PaymentCaptured.class)
 *         .matching(payment -> payment.orderId().equals("o-1"))
 *         .handledBy("orders")
 *         .within(Duration.ofSeconds(2));
 * }</pre>
 *
 * <p>Immutable: each narrowing method returns a new expectation. Thread-safe. Predicates run on the waiting thread,
 * never while the recorder's lock is held, once per recorded change at most.
 *
 * @param <T> the type of the awaited message
 */
public final class Expectation<T> {
    private final BusRecorder recorder;
    private final Class<T> type;
    private final Topic<T> topic;
    private final Predicate<? super T> predicate;
    private final String description;
    private final String handledBy;
    private final String correlationId;

    Expectation(BusRecorder recorder, Class<T> type, Topic<T> topic) {
        this(recorder, type, topic, payload -> true, "", null, null);
    }

    private Expectation(BusRecorder recorder, Class<T> type, Topic<T> topic, Predicate<? super T> predicate,
                        String description, String handledBy, String correlationId) {
        this.recorder = recorder;
        this.type = type;
        this.topic = topic;
        this.predicate = predicate;
        this.description = description;
        this.handledBy = handledBy;
        this.correlationId = correlationId;
    }

    /**
     * Waits only for a message whose payload matches; several predicates must all match.
     *
     * @param predicate the condition; not null
     * @return a narrower expectation
     */
    public Expectation<T> matching(Predicate<? super T> predicate) {
        return matching("the predicate", predicate);
    }

    /**
     * Waits only for a message whose payload matches, with a description of the condition for the failure message.
     *
     * @param description what the predicate checks, as in "orderId o-1"; not null
     * @param predicate   the condition; not null
     * @return a narrower expectation
     */
    public Expectation<T> matching(String description, Predicate<? super T> predicate) {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(predicate, "predicate");
        Predicate<? super T> before = this.predicate;
        Predicate<T> both = payload -> before.test(payload) && predicate.test(payload);
        String text = this.description.isEmpty() ? description : this.description + " and " + description;
        return new Expectation<>(recorder, type, topic, both, text, handledBy, correlationId);
    }

    /**
     * Waits until the message was also handled by a subscription (its last attempt returned normally), for a
     * subscription whose work the test checks next.
     *
     * @param subscriber the subscription's name; not null
     * @return a narrower expectation
     */
    public Expectation<T> handledBy(String subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        return new Expectation<>(recorder, type, topic, predicate, description, subscriber, correlationId);
    }

    /**
     * Waits only for a message of one conversation.
     *
     * @param correlationId the correlation id; not null
     * @return a narrower expectation
     */
    public Expectation<T> inConversation(String correlationId) {
        Objects.requireNonNull(correlationId, "correlationId");
        return new Expectation<>(recorder, type, topic, predicate, description, handledBy, correlationId);
    }

    /**
     * Waits for the first recorded message that fits, and returns its payload.
     *
     * @param timeout how long to wait at most, on the real clock; not null
     * @return the payload of the first message, in publish order, that fits
     * @throws AssertionError if none fits after {@code timeout}; the message says what was awaited and lists every
     *                        recorded message with its thread, correlation id and outcome
     */
    public T within(Duration timeout) {
        return type.cast(messageWithin(timeout).payload());
    }

    /**
     * Waits for the first recorded message that fits, and returns it with its envelope and deliveries.
     *
     * @param timeout how long to wait at most, on the real clock; not null
     * @return the first message, in publish order, that fits
     * @throws AssertionError as for {@link #within(Duration)}
     */
    public RecordedMessage messageWithin(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            long seen = recorder.journal().version();
            List<RecordedMessage> messages = recorder.messages();
            for (RecordedMessage message : messages) {
                if (fits(message)) {
                    return message;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("Waited " + timeout + " for " + this + "; none came.\n"
                        + Describe.messages(recorder.busName(), messages));
            }
            try {
                recorder.journal().awaitChange(seen, left);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + this, interrupted);
            }
        }
    }

    private boolean fits(RecordedMessage message) {
        if (!type.isInstance(message.payload())) {
            return false;
        }
        if (topic != null && !sameTopic(topic, message.topic())) {
            return false;
        }
        if (correlationId != null && !correlationId.equals(message.correlationId())) {
            return false;
        }
        if (handledBy != null && !message.handledBy(handledBy)) {
            return false;
        }
        return predicate.test(type.cast(message.payload()));
    }

    static boolean sameTopic(Topic<?> expected, Topic<?> actual) {
        return expected.isNamed() == actual.isNamed() && expected.name().equals(actual.name());
    }

    /** Describes what is awaited, as the failure message says it. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("a message of type ").append(type.getName());
        if (topic != null) {
            text.append(" on topic '").append(topic.name()).append('\'');
        }
        if (!description.isEmpty()) {
            text.append(" matching ").append(description);
        }
        if (correlationId != null) {
            text.append(" in conversation ").append(correlationId);
        }
        if (handledBy != null) {
            text.append(", handled by '").append(handledBy).append('\'');
        }
        return text.toString();
    }
}
