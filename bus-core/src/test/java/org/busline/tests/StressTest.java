package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.busline.Delivery;
import org.busline.DroppedMessage;
import org.busline.MessageBus;
import org.busline.OverflowPolicy;
import org.busline.Subscription;
import org.busline.tests.Events.Numbered;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many threads at once: every message is counted, none lost, none duplicated. */
class StressTest {
    private static final int PUBLISHERS = 4;
    private static final int MESSAGES = 100_000;

    private final ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS + 2);
    private final ExecutorService handlers = Executors.newFixedThreadPool(4);

    @AfterEach
    void tearDown() {
        publishers.shutdownNow();
        handlers.shutdownNow();
    }

    /** Checks exactly-once and per-publisher order for one ordered subscriber; called from one thread at a time. */
    private static final class OrderedCounter {
        private final int[] next = new int[PUBLISHERS];
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong outOfOrder = new AtomicLong();

        void onMessage(Numbered message) {
            if (next[message.publisher()] != message.sequence()) {
                outOfOrder.incrementAndGet();
            }
            next[message.publisher()] = message.sequence() + 1;
            received.incrementAndGet();
        }
    }

    /** Checks exactly-once for a subscriber called from many threads. */
    private static final class SetCounter {
        private final AtomicIntegerArray seen = new AtomicIntegerArray(PUBLISHERS * MESSAGES);
        private final AtomicLong duplicates = new AtomicLong();

        void onMessage(Numbered message) {
            if (seen.getAndIncrement(message.publisher() * MESSAGES + message.sequence()) != 0) {
                duplicates.incrementAndGet();
            }
        }

        long distinct() {
            long count = 0;
            for (int i = 0; i < seen.length(); i++) {
                count += seen.get(i) > 0 ? 1 : 0;
            }
            return count;
        }
    }

    @Test
    void everyAsyncSubscriberGetsEveryMessageOnceAndInPerPublisherOrder() throws Exception {
        MessageBus bus = MessageBus.builder().drainTimeout(Duration.ofSeconds(60)).build();
        List<OrderedCounter> ordered = List.of(new OrderedCounter(), new OrderedCounter(), new OrderedCounter());
        for (OrderedCounter counter : ordered) {
            bus.subscribe(Numbered.class, counter::onMessage, Delivery.async(handlers).capacity(4096));
        }
        SetCounter concurrent = new SetCounter();
        bus.subscribe(Numbered.class, concurrent::onMessage, Delivery.async(handlers).concurrency(3));
        LongAdder sync = new LongAdder();
        bus.subscribe(Numbered.class, message -> sync.increment());

        publishConcurrently(bus);
        bus.close();

        for (OrderedCounter counter : ordered) {
            assertThat(counter.received).hasValue((long) PUBLISHERS * MESSAGES);
            assertThat(counter.outOfOrder).hasValue(0);
        }
        assertThat(concurrent.duplicates).hasValue(0);
        assertThat(concurrent.distinct()).isEqualTo((long) PUBLISHERS * MESSAGES);
        assertThat(sync.sum()).isEqualTo((long) PUBLISHERS * MESSAGES);
    }

    @Test
    void subscribingAndUnsubscribingWhilePublishingLosesNothingForAStayingSubscription() throws Exception {
        MessageBus bus = MessageBus.builder().drainTimeout(Duration.ofSeconds(60)).build();
        OrderedCounter stayingAsync = new OrderedCounter();
        bus.subscribe(Numbered.class, stayingAsync::onMessage, Delivery.async(handlers));
        LongAdder stayingSync = new LongAdder();
        bus.subscribe(Numbered.class, message -> stayingSync.increment());
        AtomicBoolean publishing = new AtomicBoolean(true);
        Queue<Throwable> churnFailures = new ConcurrentLinkedQueue<>();
        LongAdder churned = new LongAdder();
        List<Future<?>> churners = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            boolean async = c == 0;
            churners.add(publishers.submit(() -> {
                try {
                    while (publishing.get()) {
                        Subscription s = bus.subscribe(Numbered.class, message -> churned.increment(),
                                async ? Delivery.async(handlers) : Delivery.sync());
                        Thread.onSpinWait();
                        s.close();
                    }
                } catch (Throwable t) {
                    churnFailures.add(t);
                }
            }));
        }

        publishConcurrently(bus);
        publishing.set(false);
        for (Future<?> churner : churners) {
            churner.get(30, TimeUnit.SECONDS);
        }
        bus.close();

        assertThat(churnFailures).isEmpty();
        assertThat(stayingAsync.received).hasValue((long) PUBLISHERS * MESSAGES);
        assertThat(stayingAsync.outOfOrder).hasValue(0);
        assertThat(stayingSync.sum()).isEqualTo((long) PUBLISHERS * MESSAGES);
    }

    @Test
    void droppingPoliciesUnderLoadReportEveryMessageTheyDoNotHandle() throws Exception {
        for (OverflowPolicy policy : List.of(OverflowPolicy.DROP_NEWEST, OverflowPolicy.DROP_OLDEST)) {
            SetCounter handled = new SetCounter();
            SetCounter reported = new SetCounter();
            MessageBus bus = MessageBus.builder().drainTimeout(Duration.ofSeconds(60))
                    .onDropped((DroppedMessage dropped) -> {
                        assertThat(dropped.reason()).isEqualTo(DroppedMessage.Reason.MAILBOX_FULL);
                        reported.onMessage((Numbered) dropped.envelope().payload());
                    }).build();
            bus.subscribe(Numbered.class, message -> {
                handled.onMessage(message);
                if (message.sequence() % 64 == 0) {
                    Thread.yield();
                }
            }, Delivery.async(handlers).capacity(16).overflow(policy));

            publishConcurrently(bus);
            bus.close();

            assertThat(handled.duplicates).as(policy + " handled once").hasValue(0);
            assertThat(reported.duplicates).as(policy + " reported once").hasValue(0);
            assertThat(reported.distinct()).as(policy + " dropped some").isPositive();
            assertThat(handled.distinct() + reported.distinct()).as(policy + " accounted for all")
                    .isEqualTo((long) PUBLISHERS * MESSAGES);
            for (int i = 0; i < PUBLISHERS * MESSAGES; i++) {
                assertThat(handled.seen.get(i) + reported.seen.get(i)).isEqualTo(1);
            }
        }
    }

    private void publishConcurrently(MessageBus bus) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            int publisher = p;
            running.add(publishers.submit(() -> {
                start.await();
                for (int i = 0; i < MESSAGES; i++) {
                    bus.publish(new Numbered(publisher, i));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : running) {
            future.get(120, TimeUnit.SECONDS);
        }
    }
}
