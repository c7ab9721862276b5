package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.DroppedMessage;
import org.busline.OverflowPolicy;
import org.busline.PublishResult;
import org.busline.RateLimit;
import org.busline.RequestException;
import org.busline.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimitTest {
    record Tick(int number) {
    }

    private static final Topic<Tick> TICKS = Topic.of(Tick.class);
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final Harness harness = new Harness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void aSynchronousSubscriptionRejectsBeyondItsBurstAndAcceptsAgainAsTokensComeBack() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        harness.bus.subscribe(TICKS, tick -> handled.add(tick.number()),
                Delivery.sync().rateLimit(RateLimit.of(10, SECOND).withBurst(3)).name("meter"));

        List<PublishResult> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(harness.bus.publish(new Tick(i)));
        }
        assertThat(handled).containsExactly(0, 1, 2);
        assertThat(harness.deadLetters).extracting(DeadLetter::reason)
                .containsExactly(DeadLetter.Reason.RATE_LIMITED, DeadLetter.Reason.RATE_LIMITED);
        assertThat(harness.deadLetters).extracting(letter -> (Object) letter.envelope().payload())
                .containsExactly(new Tick(3), new Tick(4));
        assertThat(harness.deadLetters).allSatisfy(letter -> {
            assertThat(letter.subscriber()).isEqualTo("meter");
            assertThat(letter.attempts()).isZero();
        });
        assertThat(results.get(3).completion()).isCompletedExceptionally();
        assertThat(results.get(3).reached()).isEqualTo(1);
        assertThat(results.get(2).completion()).isCompletedWithValue(null);

        harness.scheduler.advance(Duration.ofMillis(99));
        harness.bus.publish(new Tick(5));
        assertThat(handled).as("no token before 100 ms").containsExactly(0, 1, 2);
        harness.scheduler.advance(Duration.ofMillis(1));
        harness.bus.publish(new Tick(6));
        harness.bus.publish(new Tick(7));
        assertThat(handled).as("one token per 100 ms").containsExactly(0, 1, 2, 6);
        assertThat(harness.deadLetters).hasSize(4);
        assertThat(harness.failures).isEmpty();
    }

    @Test
    void aSynchronousSubscriptionPassesAtMostTheRatePerWindowUnderSteadyLoad() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        harness.bus.subscribe(TICKS, tick -> handled.add(tick.number()), Delivery.sync().rateLimit(5, SECOND));
        int published = 0;
        for (int window = 0; window < 4; window++) {
            int before = handled.size();
            for (int i = 0; i < 20; i++) {
                harness.bus.publish(new Tick(published++));
                harness.scheduler.advance(Duration.ofMillis(50));
            }
            if (window == 0) {
                assertThat(handled.size() - before).as("the burst of 5, then 5 per second").isBetween(9, 10);
            } else {
                assertThat(handled.size() - before).as("window %d", window).isEqualTo(5);
            }
        }
        assertThat(handled.size() + harness.deadLetters.size()).as("each message handled or reported, once")
                .isEqualTo(published);
    }

    @Test
    void anAsynchronousSubscriptionHoldsItsMessagesAndDeliversThemAtTheRateInOrder() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        harness.bus.subscribe(TICKS, tick -> handled.add(tick.number()),
                Delivery.async().rateLimit(RateLimit.of(2, SECOND).withBurst(2)).capacity(100));
        for (int i = 0; i < 10; i++) {
            harness.bus.publish(new Tick(i));
        }
        harness.runAll();
        assertThat(handled).as("the burst").containsExactly(0, 1);

        for (int second = 1; second <= 4; second++) {
            harness.advanceAndRun(SECOND);
            assertThat(handled).as("after %d s", second).hasSize(2 + 2 * second);
        }
        assertThat(handled).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        harness.advanceAndRun(Duration.ofSeconds(10));
        assertThat(handled).hasSize(10);
        assertThat(harness.deadLetters).isEmpty();
        assertThat(harness.dropped).isEmpty();
        assertThat(harness.scheduler.pending()).as("no timer left").isZero();
    }

    @Test
    void theOverflowPolicyAppliesWhenTheHeldMessagesFillTheMailbox() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        harness.bus.subscribe(TICKS, tick -> handled.add(tick.number()), Delivery.async()
                .rateLimit(RateLimit.of(1, SECOND).withBurst(1)).capacity(3).overflow(OverflowPolicy.DROP_NEWEST)
                .name("slow"));
        harness.bus.publish(new Tick(0));
        harness.bus.publish(new Tick(1));
        harness.runAll();
        for (int i = 2; i <= 6; i++) {
            harness.bus.publish(new Tick(i));
        }
        harness.runAll();
        // Tick 1 waits for its token (taken out of the queue), ticks 2..4 fill the mailbox, 5 and 6 are dropped.
        assertThat(harness.dropped).extracting(dropped -> (Object) dropped.envelope().payload())
                .containsExactly(new Tick(5), new Tick(6));
        assertThat(harness.dropped).extracting(DroppedMessage::reason).containsOnly(DroppedMessage.Reason.MAILBOX_FULL);
        for (int second = 0; second < 5; second++) {
            harness.advanceAndRun(SECOND);
        }
        assertThat(handled).containsExactly(0, 1, 2, 3, 4);
        assertThat(harness.deadLetters).hasSize(2);
    }

    @Test
    void aMessageWaitingForItsTokenIsReportedOnceWhenTheBusCloses() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        harness.bus.subscribe(TICKS, tick -> handled.add(tick.number()),
                Delivery.async().rateLimit(RateLimit.of(1, SECOND)).name("slow"));
        harness.bus.publish(new Tick(0));
        harness.bus.publish(new Tick(1));
        harness.bus.publish(new Tick(2));
        harness.runAll();
        assertThat(handled).containsExactly(0);

        harness.bus.close();
        assertThat(harness.dropped).extracting(dropped -> (Object) dropped.envelope().payload())
                .containsExactlyInAnyOrder(new Tick(1), new Tick(2));
        assertThat(harness.dropped).extracting(DroppedMessage::reason).containsOnly(DroppedMessage.Reason.BUS_CLOSED);
        harness.advanceAndRun(Duration.ofSeconds(5));
        assertThat(handled).containsExactly(0);
        assertThat(harness.dropped).hasSize(2);
    }

    @Test
    void aRateLimitedSynchronousResponderRejectsTheRequestBeyondItsLimit() throws Exception {
        harness.bus.respond(TICKS, tick -> tick.number() * 2,
                Delivery.sync().rateLimit(RateLimit.of(1, SECOND)).name("doubler"));
        assertThat(harness.bus.request(TICKS, new Tick(1), Integer.class, SECOND).get()).isEqualTo(2);
        CompletableFuture<Integer> rejected = harness.bus.request(TICKS, new Tick(2), Integer.class, SECOND);
        assertThatThrownBy(rejected::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(RequestException.class, failure -> {
                    assertThat(failure.reason()).isEqualTo(RequestException.Reason.REJECTED);
                    assertThat(failure).hasMessageContaining("doubler").hasMessageContaining("RATE_LIMITED");
                });
        assertThat(harness.deadLetters).extracting(DeadLetter::reason).containsExactly(DeadLetter.Reason.RATE_LIMITED);
        harness.scheduler.advance(SECOND);
        assertThat(harness.bus.request(TICKS, new Tick(3), Integer.class, SECOND).get()).isEqualTo(6);
    }

    @Test
    void aRateLimitedAsynchronousResponderAnswersAtTheRate() {
        harness.bus.respond(TICKS, tick -> tick.number() * 2,
                Delivery.async().rateLimit(RateLimit.of(1, SECOND)).name("doubler"));
        List<CompletableFuture<Integer>> replies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            replies.add(harness.bus.request(TICKS, new Tick(i), Integer.class, Duration.ofSeconds(10)));
        }
        harness.runAll();
        assertThat(replies).extracting(CompletableFuture::isDone).containsExactly(true, false, false);
        harness.advanceAndRun(SECOND);
        assertThat(replies).extracting(CompletableFuture::isDone).containsExactly(true, true, false);
        harness.advanceAndRun(SECOND);
        assertThat(replies).extracting(CompletableFuture::join).containsExactly(0, 2, 4);
    }

    @Test
    void badLimitsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> RateLimit.of(0, SECOND)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permits");
        assertThatThrownBy(() -> RateLimit.of(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("per");
        assertThatThrownBy(() -> RateLimit.of(1, SECOND).withBurst(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("burst");
        assertThat(Delivery.sync().rateLimit(3, SECOND).rateLimit()).isEqualTo(new RateLimit(3, SECOND, 3));
    }

    @Test
    void manyPublisherThreadsGetExactlyTheBurstAndEveryOtherMessageIsReportedOnce() throws Exception {
        java.util.concurrent.atomic.AtomicInteger handled = new java.util.concurrent.atomic.AtomicInteger();
        harness.bus.subscribe(TICKS, tick -> handled.incrementAndGet(),
                Delivery.sync().rateLimit(RateLimit.of(1, Duration.ofHours(1)).withBurst(500)).name("meter"));
        int threads = 8;
        int each = 1_000;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < each; i++) {
                    harness.bus.publish(new Tick(thread * each + i));
                }
                return null;
            }));
        }
        start.countDown();
        for (java.util.concurrent.Future<?> future : done) {
            future.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(handled).as("the clock stood still: the burst, exactly").hasValue(500);
        assertThat(harness.deadLetters).hasSize(threads * each - 500);
        assertThat(harness.deadLetters).extracting(letter -> letter.envelope().id()).doesNotHaveDuplicates();
        assertThat(harness.deadLetters).extracting(DeadLetter::reason).containsOnly(DeadLetter.Reason.RATE_LIMITED);
    }
}
