package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.DroppedMessage;
import org.busline.Envelope;
import org.busline.OverflowPolicy;
import org.busline.PublishResult;
import org.busline.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
    record Payment(int number) {
    }

    private static final Topic<Payment> PAYMENTS = Topic.of(Payment.class);

    private final Harness harness = new Harness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void deadLettersTheFailureOfASubscriptionWithoutPoliciesOnce() {
        harness.bus.subscribe(PAYMENTS, payment -> {
            throw new IllegalStateException("declined");
        }, Delivery.sync().name("payments"));

        harness.bus.publish(new Payment(1));

        assertThat(harness.failures).hasSize(1);
        assertThat(harness.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.FAILED);
            assertThat(letter.attempts()).isEqualTo(1);
            assertThat(letter.cause()).hasMessage("declined");
            assertThat(letter.subscriber()).isEqualTo("payments");
        });
    }

    @Test
    void deadLettersAndReportsAMessageDroppedByTheOverflowPolicy() {
        harness.bus.subscribe(PAYMENTS, payment -> { },
                Delivery.async().capacity(1).overflow(OverflowPolicy.DROP_NEWEST).name("ledger"));

        harness.bus.publish(new Payment(1));
        PublishResult dropped = harness.bus.publish(new Payment(2));

        assertThat(dropped.reached()).isZero();
        assertThat(harness.dropped).singleElement().extracting(DroppedMessage::reason)
                .isEqualTo(DroppedMessage.Reason.MAILBOX_FULL);
        assertThat(harness.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.envelope().payload()).isEqualTo(new Payment(2));
            assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.MAILBOX_FULL);
            assertThat(letter.subscriber()).isEqualTo("ledger");
            assertThat(letter.attempts()).isZero();
            assertThat(letter.cause()).isNull();
        });
        harness.runAll();
        assertThat(dropped.completion()).isCompletedExceptionally();
    }

    @Test
    void isCausedByTheMessageItHolds() {
        List<Envelope<? extends DeadLetter>> letters = new CopyOnWriteArrayList<>();
        harness.bus.subscribeEnvelopes(Topic.of(DeadLetter.class), letters::add, Delivery.sync());
        harness.bus.subscribe(PAYMENTS, payment -> {
            throw new IllegalStateException("declined");
        });
        Envelope<Payment> envelope = Envelope.of(PAYMENTS, new Payment(1));

        harness.bus.publish(envelope);

        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.causationId()).isEqualTo(envelope.id());
            assertThat(letter.correlationId()).isEqualTo(envelope.correlationId());
        });
    }

    @Test
    void canBeRepublishedAndThenHandled() {
        AtomicInteger calls = new AtomicInteger();
        List<Integer> handled = new CopyOnWriteArrayList<>();
        harness.bus.subscribe(PAYMENTS, payment -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("gateway down");
            }
            handled.add(payment.number());
        }, Delivery.async().idempotent(100));
        List<String> republished = new CopyOnWriteArrayList<>();
        harness.bus.subscribe(DeadLetter.class, letter -> {
            republished.add(letter.envelope().id());
            harness.bus.publish(letter.envelope());
        });
        Envelope<Payment> envelope = Envelope.of(PAYMENTS, new Payment(9));

        harness.bus.publish(envelope);
        harness.runAll();

        assertThat(republished).containsExactly(envelope.id());
        assertThat(handled).containsExactly(9);
    }

    @Test
    void aFailingDeadLetterSubscriberDoesNotLoop() {
        AtomicInteger letters = new AtomicInteger();
        harness.bus.subscribe(DeadLetter.class, letter -> {
            letters.incrementAndGet();
            throw new IllegalStateException("cannot park it");
        });
        harness.bus.subscribe(PAYMENTS, payment -> {
            throw new IllegalStateException("declined");
        });

        harness.bus.publish(new Payment(1));

        assertThat(letters).hasValue(1);
        assertThat(harness.deadLetters).hasSize(1);
        assertThat(harness.failures).extracting(failure -> failure.cause().getMessage())
                .containsExactly("declined", "cannot park it");
    }

    @Test
    void checksItsComponents() {
        Envelope<Payment> envelope = Envelope.of(PAYMENTS, new Payment(1));
        assertThatThrownBy(() -> new DeadLetter(envelope, "s", null, -1, DeadLetter.Reason.FAILED))
                .hasMessage("attempts must not be negative, but was -1");
        assertThatThrownBy(() -> new DeadLetter(envelope, "s", null, 2, DeadLetter.Reason.FAILED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cause must not be null when attempts is 2");
        assertThatThrownBy(() -> new DeadLetter(envelope, "s", new IllegalStateException("x"), 0,
                DeadLetter.Reason.BUS_CLOSED)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unless the reason is EXECUTOR_REJECTED");
        assertThat(new DeadLetter(envelope, "s", new java.util.concurrent.RejectedExecutionException("shut down"), 0,
                DeadLetter.Reason.EXECUTOR_REJECTED).cause()).hasMessage("shut down");
        assertThatThrownBy(() -> new DeadLetter(envelope, null, null, 0, DeadLetter.Reason.FAILED))
                .isInstanceOf(NullPointerException.class).hasMessage("subscriber");
    }
}
