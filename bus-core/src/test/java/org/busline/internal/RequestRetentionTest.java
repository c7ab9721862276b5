package org.busline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.busline.Delivery;
import org.busline.DroppedMessage;
import org.busline.MessageBus;
import org.busline.RequestException;
import org.busline.Topic;
import org.busline.tests.ManualExecutor;
import org.busline.tests.ManualScheduler;
import org.junit.jupiter.api.Test;

/** Finished requests leave nothing behind: no entry in the map of awaited requests, no timer. */
class RequestRetentionTest {
    private static final Topic<Integer> SQUARE = Topic.of("math.square", Integer.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final int REQUESTS = 20_000;

    private final ManualScheduler scheduler = new ManualScheduler();
    private final ManualExecutor executor = new ManualExecutor();
    private final LongAdder lateReported = new LongAdder();

    private DefaultMessageBus bus() {
        return (DefaultMessageBus) MessageBus.builder().scheduler(scheduler).executor(Runnable::run)
                .onDropped(dropped -> {
                    if (dropped.reason() == DroppedMessage.Reason.LATE_REPLY) {
                        lateReported.increment();
                    }
                }).build();
    }

    @Test
    void retainsNothingOfManyTimedOutRequests() {
        try (DefaultMessageBus bus = bus()) {
            AtomicInteger calls = new AtomicInteger();
            bus.respond(SQUARE, n -> {
                calls.incrementAndGet();
                return n * n;
            },
                    Delivery.async(executor).capacity(REQUESTS));
            List<CompletableFuture<Integer>> replies = new ArrayList<>();
            for (int n = 0; n < REQUESTS; n++) {
                replies.add(bus.request(SQUARE, n, Integer.class, TIMEOUT));
            }
            assertThat(bus.awaitingRequests()).isEqualTo(REQUESTS);
            assertThat(scheduler.pending()).isEqualTo(REQUESTS);

            scheduler.advance(TIMEOUT);

            assertThat(replies).allSatisfy(reply -> assertThat(reply).isCompletedExceptionally());
            assertThat(replies.get(0)).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(RequestException.class,
                            failure -> assertThat(failure.reason()).isEqualTo(RequestException.Reason.TIMEOUT));
            assertThat(bus.awaitingRequests()).isZero();
            assertThat(scheduler.pending()).isZero();

            executor.runAll();
            assertThat(calls).hasValue(0);
            assertThat(bus.lateReplies()).isZero();
        }
    }

    @Test
    void retainsNothingOfManyCancelledRequests() {
        try (DefaultMessageBus bus = bus()) {
            bus.respond(SQUARE, n -> n * n, Delivery.async(executor).capacity(REQUESTS));
            for (int n = 0; n < REQUESTS; n++) {
                assertThat(bus.request(SQUARE, n, Integer.class, TIMEOUT).cancel(false)).isTrue();
            }

            assertThat(bus.awaitingRequests()).isZero();
            assertThat(scheduler.pending()).isZero();
            executor.runAll();
            assertThat(bus.lateReplies()).isZero();
        }
    }

    @Test
    void countsManyLateRepliesAndRetainsNothingOfThem() {
        try (DefaultMessageBus bus = bus()) {
            List<CompletableFuture<Integer>> stages = new ArrayList<>();
            bus.respondAsync(SQUARE, n -> {
                CompletableFuture<Integer> stage = new CompletableFuture<>();
                stages.add(stage);
                return stage;
            });
            List<CompletableFuture<Integer>> replies = new ArrayList<>();
            for (int n = 0; n < REQUESTS; n++) {
                replies.add(bus.request(SQUARE, n, Integer.class, TIMEOUT));
            }
            assertThat(bus.awaitingRequests()).isEqualTo(REQUESTS);

            scheduler.advance(TIMEOUT);
            for (int n = 0; n < REQUESTS; n++) {
                stages.get(n).complete(n * n);
            }

            assertThat(replies).allSatisfy(reply -> assertThat(reply).isCompletedExceptionally());
            assertThat(bus.lateReplies()).isEqualTo(REQUESTS);
            assertThat(lateReported.sum()).isEqualTo(REQUESTS);
            assertThat(bus.awaitingRequests()).isZero();
            assertThat(scheduler.pending()).isZero();
        }
    }

    @Test
    void neverMapsARequestThatASynchronousResponderAnswersAtOnceAndLeavesNoTimerBehind() {
        try (DefaultMessageBus bus = bus()) {
            bus.respond(SQUARE, n -> n * n);
            for (int n = 0; n < REQUESTS; n++) {
                assertThat(bus.request(SQUARE, n, Integer.class, TIMEOUT)).isCompletedWithValue(n * n);
            }

            assertThat(scheduler.pending()).as("each run's deadline timer is cancelled when it answers").isZero();
            assertThat(bus.awaitingRequests()).isZero();
        }
    }
}
