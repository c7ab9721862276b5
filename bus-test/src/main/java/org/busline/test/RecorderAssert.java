package org.busline.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.assertj.core.api.AbstractAssert;
import org.busline.Topic;
import org.busline.test.RecordedDelivery.Outcome;
import org.busline.test.internal.Describe;

/**
 * AssertJ assertions on the messages a {@link BusRecorder} recorded (all of them, or one conversation's), made by
 * {@link BusAssertions#assertThat(BusRecorder)} from a snapshot taken then: wait first ({@link BusRecorder#waitFor},
 * {@link BusRecorder#awaitIdle}) for what asynchronous subscriptions do. Every failure lists every message of the
 * snapshot with its thread, ids and outcomes.
 */
public final class RecorderAssert extends AbstractAssert<RecorderAssert, BusRecorder> {
    private final List<RecordedMessage> messages;
    private final String conversation;

    RecorderAssert(BusRecorder recorder, List<RecordedMessage> messages, String conversation) {
        super(Objects.requireNonNull(recorder, "recorder"), RecorderAssert.class);
        this.messages = messages;
        this.conversation = conversation;
    }

    /**
     * Narrows the assertions to one conversation: the messages with this correlation id.
     *
     * @param correlationId the correlation id; not null
     * @return assertions on that conversation
     * @throws AssertionError if no recorded message has it
     */
    public RecorderAssert inConversation(String correlationId) {
        Objects.requireNonNull(correlationId, "correlationId");
        List<RecordedMessage> theirs = messages.stream()
                .filter(message -> message.correlationId().equals(correlationId)).toList();
        if (theirs.isEmpty()) {
            fail("Expected messages in conversation " + correlationId + ", but none has that correlation id.");
        }
        return new RecorderAssert(actual, theirs, correlationId);
    }

    /**
     * Starts assertions on the messages of a type or a subtype, on any topic.
     *
     * @param type the type; not null
     * @param <T>  the type
     * @return assertions on those messages (there may be none: say how many with {@link PublishedAssert#once()} and
     *         the like)
     */
    public <T> PublishedAssert<T> published(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new PublishedAssert<>(this, type, select(message -> type.isInstance(message.payload())),
                "messages of type " + type.getName());
    }

    /**
     * Starts assertions on the messages published on a topic.
     *
     * @param topic the topic; not null
     * @param <T>   the topic's type
     * @return assertions on those messages
     */
    public <T> PublishedAssert<T> published(Topic<T> topic) {
        Objects.requireNonNull(topic, "topic");
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) topic.type().rawType();
        return new PublishedAssert<>(this, type, select(message -> Expectation.sameTopic(topic, message.topic())),
                "messages on topic '" + topic.name() + "'");
    }

    /**
     * Verifies that no subscription gave up on a message: nothing failed for the last time, was rejected (open
     * circuit breaker, full bulkhead) or dropped.
     *
     * @return this
     */
    public RecorderAssert noDeadLetters() {
        return noDelivery(d -> d.outcome() == Outcome.DEAD_LETTERED || d.outcome() == Outcome.DROPPED,
                "dead-lettered or dropped");
    }

    /**
     * Verifies that no message was dropped: no mailbox overflowed, no executor refused, the bus did not close on
     * waiting messages.
     *
     * @return this
     */
    public RecorderAssert noDrops() {
        return noDelivery(d -> d.outcome() == Outcome.DROPPED, "dropped");
    }

    /**
     * Verifies that no handler failed, not even once before a successful retry.
     *
     * @return this
     */
    public RecorderAssert noFailures() {
        return noDelivery(d -> d.failure() != null || d.outcome() == Outcome.FAILED
                || d.outcome() == Outcome.DEAD_LETTERED || d.outcome() == Outcome.DROPPED, "failed");
    }

    /**
     * Verifies that every message reached at least one subscription: none was a dead message.
     *
     * @return this
     */
    public RecorderAssert noDeadMessages() {
        List<RecordedMessage> dead = messages.stream().filter(RecordedMessage::dead).toList();
        if (!dead.isEmpty()) {
            fail("Expected no dead messages, but " + dead.size() + " reached no subscription: "
                    + sequences(dead) + ".");
        }
        return this;
    }

    /**
     * Verifies that every delivery has ended (handled, dead-lettered or dropped): nothing runs or waits for a retry.
     *
     * @return this
     */
    public RecorderAssert allSettled() {
        List<RecordedMessage> open = messages.stream().filter(message -> !message.isSettled()).toList();
        if (!open.isEmpty()) {
            fail("Expected every delivery to be settled, but " + open.size() + " messages are not: "
                    + sequences(open) + ".");
        }
        return this;
    }

    private RecorderAssert noDelivery(Predicate<RecordedDelivery> bad, String what) {
        List<String> found = new ArrayList<>();
        for (RecordedMessage message : messages) {
            for (RecordedDelivery delivery : message.deliveries()) {
                if (bad.test(delivery)) {
                    found.add("#" + message.sequence() + " " + message.topic().name() + " -> " + delivery);
                }
            }
        }
        if (!found.isEmpty()) {
            fail("Expected no delivery " + what + ", but found " + found.size() + ":\n  "
                    + String.join("\n  ", found));
        }
        return this;
    }

    private List<RecordedMessage> select(Predicate<RecordedMessage> which) {
        return messages.stream().filter(which).toList();
    }

    private static String sequences(List<RecordedMessage> some) {
        return some.stream().map(message -> "#" + message.sequence() + " " + message.topic().name()).toList()
                .toString();
    }

    /** Fails with {@code problem} followed by the listing of every message of this snapshot. */
    void fail(String problem) {
        failWithMessage("%s", problem + "\n" + listing());
    }

    String listing() {
        String heading = conversation == null ? "" : "(conversation " + conversation + ") ";
        return heading + Describe.messages(actual.busName(), messages);
    }
}
