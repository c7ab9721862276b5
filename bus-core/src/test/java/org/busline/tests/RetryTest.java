package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.DeliveryException;
import org.busline.DroppedMessage;
import org.busline.Envelope;
import org.busline.PublishResult;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryTest {
    record Order(int number) {
    }

    private static final Topic<Order> ORDERS = Topic.of(Order.class);
    /** Jitter at its largest: every delay is just under its bound. */
    private static final RetryPolicy LONGEST = RetryPolicy.of(4).backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
            .random(() -> -1L);

    private final Harness harness = new Harness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void retriesWithBackoffUntilSuccess() {
        List<String> attempts = new CopyOnWriteArrayList<>();
        harness.bus.subscribeEnvelopes(ORDERS, envelope -> {
            attempts.add(envelope.header(RetryPolicy.ATTEMPT_HEADER));
            if (attempts.size() < 3) {
                throw new IllegalStateException("flaky " + attempts.size());
            }
        }, Delivery.async().retry(LONGEST).name("orders"));

        PublishResult result = harness.bus.publish(new Order(1));
        harness.runAll();

        assertThat(attempts).containsExactly("1");
        assertThat(harness.executor.queued()).as("the back-off waits on the scheduler, not on an executor thread")
                .isZero();
        assertThat(harness.scheduler.pending()).isEqualTo(1);
        assertThat(result.completion()).isNotDone();

        harness.advanceAndRun(Duration.ofMillis(99));
        assertThat(attempts).as("the first back-off is not over").hasSize(1);
        harness.advanceAndRun(Duration.ofMillis(1));
        assertThat(attempts).containsExactly("1", "2");
        harness.advanceAndRun(Duration.ofMillis(200));

        assertThat(attempts).containsExactly("1", "2", "3");
        assertThat(harness.scheduler.delays()).hasSize(2);
        assertThat(harness.scheduler.delays().get(0)).isBetween(Duration.ofMillis(99), Duration.ofMillis(100));
        assertThat(harness.scheduler.delays().get(1)).isBetween(Duration.ofMillis(199), Duration.ofMillis(200));
        assertThat(result.completion()).isCompleted();
        assertThat(harness.failures).as("failures followed by a retry are not errors").isEmpty();
        assertThat(harness.deadLetters).isEmpty();
    }

    @Test
    void deadLettersTheMessageWhenRetriesAreExhausted() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<RuntimeException> thrown = new CopyOnWriteArrayList<>();
        harness.bus.subscribe(ORDERS, order -> {
            RuntimeException failure = new IllegalStateException("failure " + calls.incrementAndGet());
            thrown.add(failure);
            throw failure;
        }, Delivery.async().retry(RetryPolicy.of(3).backoff(Duration.ZERO, Duration.ZERO)).name("orders"));
        Envelope<Order> envelope = Envelope.of(ORDERS, new Order(7));

        PublishResult result = harness.bus.publish(envelope);
        harness.runAll();
        harness.advanceAndRun(Duration.ZERO);
        harness.advanceAndRun(Duration.ZERO);

        assertThat(calls).hasValue(3);
        assertThat(harness.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.envelope().id()).isEqualTo(envelope.id());
            assertThat(letter.envelope().payload()).isEqualTo(new Order(7));
            assertThat(letter.envelope().header(RetryPolicy.ATTEMPT_HEADER)).as("the original envelope").isNull();
            assertThat(letter.subscriber()).isEqualTo("orders");
            assertThat(letter.cause()).isSameAs(thrown.get(2));
            assertThat(letter.attempts()).isEqualTo(3);
            assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.FAILED);
        });
        assertThat(harness.failures).as("only the last failure is an error").singleElement().satisfies(failure -> {
            assertThat(failure.cause()).isSameAs(thrown.get(2));
            assertThat(failure.envelope().header(RetryPolicy.ATTEMPT_HEADER)).isEqualTo("3");
        });
        CompletableFuture<Void> completion = result.completion();
        assertThat(completion).isCompletedExceptionally();
        assertThatThrownBy(completion::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DeliveryException.class).cause().isSameAs(thrown.get(2));
    }

    @Test
    void endsAtOnceOnAFailureThePolicyDoesNotRetry() {
        AtomicInteger calls = new AtomicInteger();
        harness.bus.subscribe(ORDERS, order -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("bad order");
        }, Delivery.async().retry(RetryPolicy.of(5).retryOn(failure -> failure instanceof UncheckedIOException)));

        harness.bus.publish(new Order(1));
        harness.runAll();

        assertThat(calls).hasValue(1);
        assertThat(harness.scheduler.delays()).isEmpty();
        assertThat(harness.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.attempts()).isEqualTo(1);
            assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.FAILED);
            assertThat(letter.cause()).hasMessage("bad order");
        });
    }

    @Test
    void retriesTheFailuresThePolicyAccepts() {
        AtomicInteger calls = new AtomicInteger();
        harness.bus.subscribe(ORDERS, order -> {
            if (calls.incrementAndGet() == 1) {
                throw new UncheckedIOException(new IOException("connection reset"));
            }
        }, Delivery.async().retry(RetryPolicy.of(5).backoff(Duration.ZERO, Duration.ZERO)
                .retryOn(failure -> failure instanceof UncheckedIOException)));

        harness.bus.publish(new Order(1));
        harness.runAll();
        harness.advanceAndRun(Duration.ZERO);

        assertThat(calls).hasValue(2);
        assertThat(harness.deadLetters).isEmpty();
    }

    @Test
    void keepsEachPublishersOrderWhileAMessageWaitsForItsRetry() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        AtomicInteger failuresOfTwo = new AtomicInteger();
        harness.bus.subscribe(ORDERS, order -> {
            if (order.number() == 2 && failuresOfTwo.getAndIncrement() < 2) {
                throw new IllegalStateException("not yet");
            }
            handled.add(order.number());
        }, Delivery.async().retry(LONGEST));

        for (int i = 1; i <= 5; i++) {
            harness.bus.publish(new Order(i));
        }
        harness.runAll();
        assertThat(handled).as("the mailbox waits for message 2 (head-of-line)").containsExactly(1);

        harness.advanceAndRun(Duration.ofMillis(100));
        assertThat(handled).containsExactly(1);
        harness.bus.publish(new Order(6));
        harness.runAll();
        assertThat(harness.executor.queued()).isZero();
        assertThat(handled).as("a message published meanwhile waits too").containsExactly(1);

        harness.advanceAndRun(Duration.ofMillis(200));
        assertThat(handled).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void aRetryingMessageHoldsOneOfTheSubscriptionsSlots() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        harness.bus.subscribe(ORDERS, order -> {
            if (order.number() <= 2 && calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("first attempt of " + order.number());
            }
            handled.add(order.number());
        }, Delivery.async().concurrency(2).retry(LONGEST));

        harness.bus.publish(new Order(1));
        harness.bus.publish(new Order(2));
        harness.runAll();
        for (int i = 3; i <= 5; i++) {
            harness.bus.publish(new Order(i));
        }

        assertThat(harness.executor.queued()).as("both slots wait for retries: no drain task may start").isZero();
        assertThat(handled).isEmpty();
        harness.advanceAndRun(Duration.ofMillis(100));
        assertThat(handled).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    }

    @Test
    void keepsEveryDelayWithinItsFullJitterBound() {
        RetryPolicy policy = RetryPolicy.of(8).backoff(Duration.ofMillis(10), Duration.ofMillis(500))
                .random(new SplittableRandom(42));
        AtomicInteger calls = new AtomicInteger();
        harness.bus.subscribe(ORDERS, order -> {
            calls.incrementAndGet();
            throw new IllegalStateException("always");
        }, Delivery.async().retry(policy));

        harness.bus.publish(new Order(1));
        harness.runAll();
        for (int i = 0; i < 7; i++) {
            harness.advanceAndRun(Duration.ofSeconds(1));
        }

        assertThat(calls).hasValue(8);
        List<Duration> delays = harness.scheduler.delays();
        assertThat(delays).hasSize(7);
        for (int retry = 1; retry <= 7; retry++) {
            Duration bound = Duration.ofMillis(Math.min(500, 10L << (retry - 1)));
            assertThat(delays.get(retry - 1)).as("retry %d", retry).isBetween(Duration.ZERO, bound);
        }
        assertThat(harness.deadLetters).singleElement().extracting(DeadLetter::attempts).isEqualTo(8);
    }

    @Test
    void deadLettersAWaitingRetryWhenTheBusCloses() {
        IllegalStateException failure = new IllegalStateException("down");
        harness.bus.subscribe(ORDERS, order -> {
            throw failure;
        }, Delivery.async().retry(LONGEST).name("orders"));

        PublishResult result = harness.bus.publish(new Order(1));
        harness.runAll();
        harness.bus.close();

        assertThat(harness.scheduler.pending()).as("the retry's timer is cancelled").isZero();
        assertThat(harness.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.BUS_CLOSED);
            assertThat(letter.attempts()).isEqualTo(1);
            assertThat(letter.cause()).isSameAs(failure);
        });
        assertThat(harness.dropped).singleElement().extracting(DroppedMessage::reason)
                .isEqualTo(DroppedMessage.Reason.BUS_CLOSED);
        assertThat(result.completion()).isCompletedExceptionally();
    }

    @Test
    void refusesRetryOnSynchronousDelivery() {
        assertThatThrownBy(() -> Delivery.sync().retry(RetryPolicy.of(3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("retry applies to asynchronous delivery");
    }
}
