package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.busline.CircuitBreakerPolicy;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.busline.spi.Scheduler;
import org.junit.jupiter.api.Test;

/**
 * Many publisher threads, subscribers that fail a known share of the time: every message ends, for every
 * subscription, handled or dead-lettered, never both and never neither, and every publish's completion settles.
 */
class ResilienceLoadTest {
    record Work(int number) {
    }

    private static final Topic<Work> WORK = Topic.of(Work.class);
    private static final int THREADS = 8;
    private static final int PER_THREAD = 2_000;
    private static final int TOTAL = THREADS * PER_THREAD;
    private static final List<String> SUBSCRIBERS = List.of("retrying", "bulkheaded", "breaker");

    private final Map<String, AtomicIntegerArray> handled = Map.of(
            "retrying", new AtomicIntegerArray(TOTAL),
            "bulkheaded", new AtomicIntegerArray(TOTAL),
            "breaker", new AtomicIntegerArray(TOTAL));
    private final Map<String, AtomicIntegerArray> deadLettered = Map.of(
            "retrying", new AtomicIntegerArray(TOTAL),
            "bulkheaded", new AtomicIntegerArray(TOTAL),
            "breaker", new AtomicIntegerArray(TOTAL));
    private final ConcurrentLinkedQueue<DeadLetter> unexpected = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failedLetters = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();

    @Test
    void everyMessageEndsHandledOrDeadLetteredExactlyOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        ExecutorService publisherThreads = Executors.newFixedThreadPool(THREADS);
        AtomicReferenceArray<CompletableFuture<Void>> completions = new AtomicReferenceArray<>(TOTAL);
        try (MessageBus bus = MessageBus.builder().executor(pool).scheduler(Scheduler.system())
                .onError(failure -> errors.incrementAndGet()).build()) {
            bus.subscribe(DeadLetter.class, this::record);
            bus.subscribeEnvelopes(WORK, envelope -> {
                int number = envelope.payload().number();
                int attempt = Integer.parseInt(envelope.header(RetryPolicy.ATTEMPT_HEADER));
                if (number % 10 == 0 || number % 10 == 1 && attempt == 1) {
                    throw new IllegalStateException("fails " + number + " on attempt " + attempt);
                }
                handled.get("retrying").incrementAndGet(number);
            }, Delivery.async().name("retrying").concurrency(2).capacity(512)
                    .retry(RetryPolicy.of(3).backoff(Duration.ZERO, Duration.ofMillis(1))));
            bus.subscribe(WORK, work -> {
                for (int i = 0; i < 200; i++) {
                    Thread.onSpinWait();
                }
                handled.get("bulkheaded").incrementAndGet(work.number());
            }, Delivery.sync().name("bulkheaded").concurrency(2));
            bus.subscribe(WORK, work -> {
                if (work.number() % 4 == 0) {
                    throw new IllegalStateException("fails " + work.number());
                }
                handled.get("breaker").incrementAndGet(work.number());
            }, Delivery.async().name("breaker").concurrency(4).capacity(512)
                    .circuitBreaker(CircuitBreakerPolicy.ofFailureRate(0.2, 20, Duration.ofMillis(50))
                            .halfOpenAfter(Duration.ofMillis(1))));

            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Void>> publishers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int first = t * PER_THREAD;
                publishers.add(CompletableFuture.runAsync(() -> {
                    await(start);
                    for (int number = first; number < first + PER_THREAD; number++) {
                        completions.set(number, bus.publish(new Work(number)).completion());
                    }
                }, publisherThreads));
            }
            start.countDown();
            CompletableFuture.allOf(publishers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (int number = 0; number < TOTAL; number++) {
                completions.get(number).handle((done, failure) -> null).get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            publisherThreads.shutdownNow();
        }

        assertThat(unexpected).isEmpty();
        for (int number = 0; number < TOTAL; number++) {
            boolean anyDeadLetter = false;
            for (String subscriber : SUBSCRIBERS) {
                int outcomes = handled.get(subscriber).get(number) + deadLettered.get(subscriber).get(number);
                assertThat(outcomes).as("outcomes of message %d at '%s'", number, subscriber).isEqualTo(1);
                anyDeadLetter |= deadLettered.get(subscriber).get(number) == 1;
            }
            assertThat(deadLettered.get("retrying").get(number)).as("message %d at 'retrying'", number)
                    .isEqualTo(number % 10 == 0 ? 1 : 0);
            assertThat(completions.get(number).isCompletedExceptionally()).as("completion of message %d", number)
                    .isEqualTo(anyDeadLetter);
        }
        assertThat(errors.get()).as("each final failure went to the error handler once")
                .isEqualTo(failedLetters.get());
    }

    private void record(DeadLetter letter) {
        int number = ((Work) letter.envelope().payload()).number();
        deadLettered.get(letter.subscriber()).incrementAndGet(number);
        if (letter.reason() == DeadLetter.Reason.FAILED) {
            failedLetters.incrementAndGet();
        }
        boolean expected = switch (letter.subscriber()) {
            case "retrying" -> letter.reason() == DeadLetter.Reason.FAILED && letter.attempts() == 3;
            case "bulkheaded" -> letter.reason() == DeadLetter.Reason.BULKHEAD_FULL && letter.attempts() == 0;
            default -> letter.reason() == DeadLetter.Reason.FAILED && letter.attempts() == 1
                    || letter.reason() == DeadLetter.Reason.CIRCUIT_OPEN && letter.attempts() == 0;
        };
        if (!expected) {
            unexpected.add(letter);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
