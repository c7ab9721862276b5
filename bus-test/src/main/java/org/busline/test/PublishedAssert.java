package org.busline.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;
import org.busline.test.RecordedDelivery.Outcome;

/**
 * AssertJ assertions on a selection of recorded messages, made by {@link RecorderAssert#published(Class)}. Counting
 * methods ({@link #once()}, {@link #times(int)}) check the current selection; narrowing methods
 * ({@link #matching(Predicate)}, {@link #inConversation(String)}) keep only the messages that fit and fail if none
 * does. So {@code published(OrderPlaced.class).once().matching(p)} says "exactly one OrderPlaced, and it matches",
 * and {@code published(OrderPlaced.class).matching(p).once()} says "exactly one OrderPlaced matches".
 *
 * @param <T> the type of the messages' payloads
 */
public final class PublishedAssert<T> extends AbstractAssert<PublishedAssert<T>, List<RecordedMessage>> {
    private final RecorderAssert recorder;
    private final Class<T> type;
    private final String selection;

    PublishedAssert(RecorderAssert recorder, Class<T> type, List<RecordedMessage> selected, String selection) {
        super(selected, PublishedAssert.class);
        this.recorder = recorder;
        this.type = type;
        this.selection = selection;
    }

    /**
     * Verifies that exactly one message was selected.
     *
     * @return this
     */
    public PublishedAssert<T> once() {
        return times(1);
    }

    /**
     * Verifies how many messages were selected.
     *
     * @param expected the count, zero or more
     * @return this
     */
    public PublishedAssert<T> times(int expected) {
        if (actual.size() != expected) {
            fail("Expected " + expected + " of the " + selection + ", but there were " + actual.size() + ".");
        }
        return this;
    }

    /**
     * Verifies that at least one message was selected.
     *
     * @return this
     */
    public PublishedAssert<T> atLeastOnce() {
        if (actual.isEmpty()) {
            fail("Expected at least one of the " + selection + ", but there was none.");
        }
        return this;
    }

    /**
     * Verifies that no message was selected.
     *
     * @return this
     */
    public PublishedAssert<T> never() {
        return times(0);
    }

    /**
     * Keeps the messages whose payload matches, and verifies that there is at least one.
     *
     * @param predicate the condition; not null
     * @return assertions on the matching messages
     */
    public PublishedAssert<T> matching(Predicate<? super T> predicate) {
        return matching("the predicate", predicate);
    }

    /**
     * Keeps the messages whose payload matches, and verifies that there is at least one; the description names the
     * condition in the failure message.
     *
     * @param description what the predicate checks; not null
     * @param predicate   the condition; not null
     * @return assertions on the matching messages
     */
    public PublishedAssert<T> matching(String description, Predicate<? super T> predicate) {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(predicate, "predicate");
        List<RecordedMessage> matching = actual.stream()
                .filter(message -> predicate.test(type.cast(message.payload()))).toList();
        String narrower = selection + " matching " + description;
        if (matching.isEmpty()) {
            fail("Expected some of the " + selection + " (" + actual.size() + ") to match " + description
                    + ", but none did.");
        }
        return new PublishedAssert<>(recorder, type, matching, narrower);
    }

    /**
     * Keeps the messages of one conversation, and verifies that there is at least one.
     *
     * @param correlationId the correlation id; not null
     * @return assertions on those messages
     */
    public PublishedAssert<T> inConversation(String correlationId) {
        Objects.requireNonNull(correlationId, "correlationId");
        List<RecordedMessage> theirs = actual.stream()
                .filter(message -> message.correlationId().equals(correlationId)).toList();
        if (theirs.isEmpty()) {
            fail("Expected some of the " + selection + " in conversation " + correlationId + ", but none was.");
        }
        return new PublishedAssert<>(recorder, type, theirs, selection + " in conversation " + correlationId);
    }

    /**
     * Verifies that each subscription named handled every selected message (its last attempt returned normally).
     *
     * @param subscribers the subscriptions' names; none null
     * @return this
     */
    public PublishedAssert<T> handledBy(String... subscribers) {
        for (String subscriber : subscribers) {
            Objects.requireNonNull(subscriber, "subscriber");
            List<String> not = new ArrayList<>();
            for (RecordedMessage message : actual) {
                if (!message.handledBy(subscriber)) {
                    not.add("#" + message.sequence() + " (" + message.delivery(subscriber)
                            .map(RecordedDelivery::toString).orElse("no delivery to '" + subscriber + "'") + ")");
                }
            }
            if (!not.isEmpty()) {
                fail("Expected every one of the " + selection + " to be handled by '" + subscriber + "', but "
                        + not.size() + " were not: " + not + ".");
            }
        }
        return this;
    }

    /**
     * Verifies that a subscription gave up on every selected message (failed for the last time, or rejected).
     *
     * @param subscriber the subscription's name; not null
     * @return this
     */
    public PublishedAssert<T> deadLetteredBy(String subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        List<String> not = new ArrayList<>();
        for (RecordedMessage message : actual) {
            boolean dead = message.delivery(subscriber).map(d -> d.outcome() == Outcome.DEAD_LETTERED).orElse(false);
            if (!dead) {
                not.add("#" + message.sequence());
            }
        }
        if (!not.isEmpty()) {
            fail("Expected every one of the " + selection + " to be dead-lettered by '" + subscriber + "', but "
                    + not.size() + " were not: " + not + ".");
        }
        return this;
    }

    /**
     * Returns the only selected message's payload, for further checks.
     *
     * @return the payload
     * @throws AssertionError unless exactly one message is selected
     */
    public T single() {
        once();
        return type.cast(actual.get(0).payload());
    }

    /**
     * Continues with AssertJ's list assertions on the selected payloads, in publish order.
     *
     * @return list assertions
     */
    public ListAssert<T> payloads() {
        List<T> payloads = actual.stream().map(message -> type.cast(message.payload())).toList();
        return Assertions.assertThat(payloads);
    }

    private void fail(String problem) {
        failWithMessage("%s", problem + "\n" + recorder.listing());
    }
}
