package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.PublishResult;
import org.busline.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BulkheadTest {
    record Query(int number) {
    }

    private static final Topic<Query> QUERIES = Topic.of(Query.class);

    private final Harness harness = new Harness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void rejectsSynchronousCallsBeyondTheLimitToTheDeadLetterPath() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> handled = new CopyOnWriteArrayList<>();
        harness.bus.subscribe(QUERIES, query -> {
            if (query.number() == 1) {
                inside.countDown();
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            }
            handled.add(query.number());
        }, Delivery.sync().concurrency(1).name("reports"));

        CompletableFuture<PublishResult> first = CompletableFuture.supplyAsync(
                () -> harness.bus.publish(new Query(1)));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        PublishResult rejected = harness.bus.publish(new Query(2));
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        harness.bus.publish(new Query(3));

        assertThat(handled).containsExactly(1, 3);
        assertThat(harness.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.envelope().payload()).isEqualTo(new Query(2));
            assertThat(letter.subscriber()).isEqualTo("reports");
            assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.BULKHEAD_FULL);
            assertThat(letter.attempts()).isZero();
        });
        assertThat(rejected.completion()).isCompletedExceptionally();
        assertThat(harness.failures).isEmpty();
    }

    @Test
    void startsNoMoreDrainTasksThanTheConcurrencyOnASharedExecutor() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        harness.bus.subscribe(QUERIES, query -> handled.add(query.number()),
                Delivery.async().concurrency(2).capacity(10));
        for (int i = 0; i < 10; i++) {
            harness.bus.publish(new Query(i));
        }

        assertThat(harness.executor.queued()).as("at most two drain tasks").isEqualTo(2);
        harness.runAll();
        assertThat(handled).hasSize(10);
    }

    @Test
    void neverRunsMoreHandlerCallsAtOnceThanTheConcurrency() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(200);
        try (MessageBus bus = MessageBus.builder().executor(pool).build()) {
            bus.subscribe(QUERIES, query -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                Thread.yield();
                running.decrementAndGet();
                done.countDown();
            }, Delivery.async().concurrency(2).capacity(200));
            for (int i = 0; i < 200; i++) {
                bus.publish(new Query(i));
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(most.get()).isBetween(1, 2);
    }

    @Test
    void acceptsAConcurrencyLimitOnSynchronousDelivery() {
        assertThat(Delivery.sync().concurrency()).isEqualTo(Integer.MAX_VALUE);
        assertThat(Delivery.sync().concurrency(4).concurrency()).isEqualTo(4);
        assertThat(Delivery.sync().concurrency(4)).hasToString("Delivery[sync, concurrency=4]");
        assertThat(Delivery.async().concurrency()).isEqualTo(1);
    }
}
