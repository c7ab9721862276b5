package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.Topic;
import org.junit.jupiter.api.Test;

class TypedDeadLetterTest {
    record Placed(String id) {}

    record Paid(String id) {}

    interface Event {}

    record Shipped(String id) implements Event {}

    static final Topic<Placed> PLACED = Topic.of("orders.placed", Placed.class);
    static final Topic<Paid> PAID = Topic.of("payments.paid", Paid.class);

    private static MessageBus quietBus() {
        return MessageBus.builder().onError(failure -> { }).build();
    }

    @Test
    void aModuleSeesOnlyTheDeadLettersOfItsOwnTopicTyped() {
        List<String> orders = new CopyOnWriteArrayList<>();
        try (MessageBus bus = quietBus()) {
            bus.subscribe(PLACED, placed -> { throw new IllegalStateException("no stock"); }, Delivery.sync().name("inventory"));
            bus.subscribe(PAID, paid -> { throw new IllegalStateException("no mail"); }, Delivery.sync().name("mailer"));
            bus.subscribeDeadLetters(PLACED, (Envelope<Placed> message, DeadLetter letter) ->
                    orders.add(message.payload().id() + " by " + letter.subscriber() + ": " + letter.cause().getMessage()),
                    Delivery.sync());

            bus.publish(PLACED, new Placed("o-1"));
            bus.publish(PAID, new Paid("p-1"));
        }
        assertThat(orders).containsExactly("o-1 by inventory: no stock");
    }

    @Test
    void typeTopicDeadLettersIncludeSubtypes() {
        List<Event> dead = new CopyOnWriteArrayList<>();
        try (MessageBus bus = quietBus()) {
            bus.subscribe(Shipped.class, shipped -> { throw new IllegalStateException("lost"); });
            bus.subscribeDeadLetters(Topic.of(Event.class), (message, letter) -> dead.add(message.payload()),
                    Delivery.sync());
            bus.publish(new Shipped("s-1"));
        }
        assertThat(dead).containsExactly(new Shipped("s-1"));
    }

    @Test
    void deadLettersOfOneSubscriptionOnly() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (MessageBus bus = quietBus()) {
            bus.subscribe(PLACED, placed -> { throw new IllegalStateException("a"); }, Delivery.sync().name("first"));
            bus.subscribe(PLACED, placed -> { throw new IllegalStateException("b"); }, Delivery.sync().name("second"));
            bus.subscribeDeadLetters("second", letter -> seen.add(letter.subscriber() + ":" + letter.cause().getMessage()),
                    Delivery.sync());
            bus.publish(PLACED, new Placed("o-2"));
        }
        assertThat(seen).containsExactly("second:b");
    }

    @Test
    void typingADeadLetterToAnotherTopicNamesBothTopics() {
        List<DeadLetter> letters = new CopyOnWriteArrayList<>();
        try (MessageBus bus = quietBus()) {
            bus.subscribe(PLACED, placed -> { throw new IllegalStateException("x"); }, Delivery.sync().name("inventory"));
            bus.subscribe(DeadLetter.class, letters::add);
            bus.publish(PLACED, new Placed("o-3"));
        }
        DeadLetter letter = letters.get(0);
        assertThat(letter.isAbout(PLACED)).isTrue();
        assertThat(letter.isAbout(PAID)).isFalse();
        assertThatThrownBy(() -> letter.envelope(PAID)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders.placed").hasMessageContaining("payments.paid")
                .hasMessageContaining("inventory");
    }

    @Test
    void synchronousOverloadsOfEnvelopeAndPatternSubscriptions() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().build()) {
            bus.subscribeEnvelopes(PLACED, envelope -> seen.add("envelope " + envelope.payload().id()
                    + " on " + Thread.currentThread().getName()));
            bus.subscribePattern("orders.*", envelope -> seen.add("pattern " + envelope.topic().name()));
            bus.publish(PLACED, new Placed("o-4"));
        }
        assertThat(seen).containsExactly("envelope o-4 on " + Thread.currentThread().getName(),
                "pattern orders.placed");
    }
}
