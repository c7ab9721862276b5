package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.PublishResult;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeoutTest {
    record Job(int number) {
    }

    private static final Topic<Job> JOBS = Topic.of(Job.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final Harness harness = new Harness();

    @AfterEach
    void close() {
        harness.close();
        assertThat(Thread.interrupted()).as("no interrupt leaks to the thread that ran the handler").isFalse();
    }

    @Test
    void interruptsAnAttemptThatPassesItsDeadlineAndRetriesIt() {
        List<Boolean> interrupted = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        harness.bus.subscribe(JOBS, job -> {
            if (calls.incrementAndGet() == 1) {
                harness.scheduler.advance(TIMEOUT);
                interrupted.add(Thread.currentThread().isInterrupted());
                Thread.sleep(60_000);
            }
        }, Delivery.async().timeout(TIMEOUT).retry(RetryPolicy.of(2).backoff(Duration.ZERO, Duration.ZERO)));

        PublishResult result = harness.bus.publish(new Job(1));
        harness.runAll();
        harness.advanceAndRun(Duration.ZERO);

        assertThat(interrupted).containsExactly(true);
        assertThat(calls).hasValue(2);
        assertThat(result.completion()).isCompleted();
        assertThat(harness.deadLetters).isEmpty();
        assertThat(harness.scheduler.pending()).as("the second attempt's timer was cancelled").isZero();
    }

    @Test
    void countsASuccessAfterTheDeadlineAsAFailure() {
        harness.bus.subscribe(JOBS, job -> harness.scheduler.advance(Duration.ofSeconds(2)),
                Delivery.async().timeout(TIMEOUT).name("slow"));

        PublishResult result = harness.bus.publish(new Job(1));
        harness.runAll();

        assertThat(harness.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.FAILED);
            assertThat(letter.attempts()).isEqualTo(1);
            assertThat(letter.cause()).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("subscription 'slow' timed out after PT1S");
        });
        assertThat(harness.failures).singleElement().extracting(failure -> failure.cause().getClass())
                .isEqualTo(TimeoutException.class);
        assertThat(result.completion()).isCompletedExceptionally();
    }

    @Test
    void leavesAnAttemptThatEndsInTimeAlone() {
        AtomicInteger calls = new AtomicInteger();
        harness.bus.subscribe(JOBS, job -> {
            calls.incrementAndGet();
            harness.scheduler.advance(Duration.ofMillis(999));
        }, Delivery.async().timeout(TIMEOUT));

        harness.bus.publish(new Job(1));
        harness.bus.publish(new Job(2));
        harness.runAll();

        assertThat(calls).hasValue(2);
        assertThat(harness.deadLetters).isEmpty();
        assertThat(harness.scheduler.pending()).isZero();
    }

    @Test
    void interruptsAHandlerBlockedOnAnotherThread() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CompletableFuture<DeadLetter> deadLetter = new CompletableFuture<>();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> sawInterrupt = new CompletableFuture<>();
        try (MessageBus bus = MessageBus.builder().scheduler(scheduler).onError(failure -> { }).build()) {
            bus.subscribe(DeadLetter.class, deadLetter::complete);
            bus.subscribe(JOBS, job -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException expected) {
                    sawInterrupt.complete(true);
                    throw expected;
                }
            }, Delivery.async(pool).timeout(TIMEOUT));

            bus.publish(new Job(1));
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            scheduler.advance(TIMEOUT);

            assertThat(sawInterrupt.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(deadLetter.get(10, TimeUnit.SECONDS).cause()).isInstanceOf(TimeoutException.class);
            CompletableFuture<Boolean> interruptCleared = new CompletableFuture<>();
            pool.execute(() -> interruptCleared.complete(!Thread.currentThread().isInterrupted()));
            assertThat(interruptCleared.get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesTimeoutsOnSynchronousDeliveryAndNonPositiveOnes() {
        assertThatThrownBy(() -> Delivery.sync().timeout(TIMEOUT)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("timeout applies to asynchronous delivery");
        assertThatThrownBy(() -> Delivery.async().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be positive, but was PT0S");
    }
}
