package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.tests.Events.Numbered;
import org.junit.jupiter.api.Test;

/**
 * Publishers and subscribers race on one retained topic. Each publisher publishes its own numbers in order, so a
 * subscription made at some moment must receive, of each publisher, exactly the numbers from some point on to the
 * last, each once: the retained message (the last one kept before it joined) followed by the stream. A lost
 * message shows as a gap, a message received both as the retained one and as a publish as a duplicate; an
 * asynchronous subscription (concurrency 1) and a synchronous one must also receive each publisher's numbers in
 * order, the retained message first.
 */
class RetainedStressTest {
    static final Topic<Numbered> NUMBERS = Topic.of("numbers", Numbered.class);
    static final int PUBLISHERS = 4;
    static final int MESSAGES = 2_000;
    static final int SUBSCRIBING_THREADS = 4;
    static final int SUBSCRIPTIONS_PER_THREAD = 40;

    @Test
    void concurrentPublishAndSubscribeNeverLoseNorDuplicateTheRetainedMessage() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(PUBLISHERS + SUBSCRIBING_THREADS);
        ExecutorService mailboxes = Executors.newFixedThreadPool(4);
        List<Queue<Numbered>> syncReceived = new ArrayList<>();
        List<Queue<Numbered>> asyncReceived = new ArrayList<>();
        MessageBus bus = MessageBus.builder().retain(NUMBERS).executor(mailboxes).build();
        try {
            // One message before anybody subscribes, so that every subscription has a retained message.
            bus.publish(NUMBERS, new Numbered(-1, 0));
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                int publisher = p;
                work.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < MESSAGES; i++) {
                        bus.publish(NUMBERS, new Numbered(publisher, i));
                    }
                    return null;
                }));
            }
            List<List<Queue<Numbered>>> perThreadSync = new ArrayList<>();
            List<List<Queue<Numbered>>> perThreadAsync = new ArrayList<>();
            for (int t = 0; t < SUBSCRIBING_THREADS; t++) {
                List<Queue<Numbered>> sync = new ArrayList<>();
                List<Queue<Numbered>> async = new ArrayList<>();
                perThreadSync.add(sync);
                perThreadAsync.add(async);
                work.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < SUBSCRIPTIONS_PER_THREAD; i++) {
                        Queue<Numbered> received = new ConcurrentLinkedQueue<>();
                        if (i % 2 == 0) {
                            sync.add(received);
                            bus.subscribe(NUMBERS, received::add);
                        } else {
                            async.add(received);
                            bus.subscribe(NUMBERS, received::add, Delivery.async().capacity(PUBLISHERS * MESSAGES
                                    + 2));
                        }
                        Thread.yield();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : work) {
                future.get(60, TimeUnit.SECONDS);
            }
            perThreadSync.forEach(syncReceived::addAll);
            perThreadAsync.forEach(asyncReceived::addAll);
        } finally {
            bus.close();
            threads.shutdownNow();
            mailboxes.shutdownNow();
        }

        assertThat(syncReceived).hasSize(SUBSCRIBING_THREADS * SUBSCRIPTIONS_PER_THREAD / 2);
        assertThat(asyncReceived).hasSize(SUBSCRIBING_THREADS * SUBSCRIPTIONS_PER_THREAD / 2);
        for (Queue<Numbered> received : syncReceived) {
            checkSuffixes(new ArrayList<>(received));
        }
        for (Queue<Numbered> received : asyncReceived) {
            checkSuffixes(new ArrayList<>(received));
        }
    }

    /**
     * Of each publisher, the subscription received one run of numbers ending with the last, without gap or
     * duplicate; of the message published before everybody, at most once and only first.
     */
    private static void checkSuffixes(List<Numbered> received) {
        assertThat(received).as("every subscription receives at least the retained message").isNotEmpty();
        long early = received.stream().filter(n -> n.publisher() == -1).count();
        assertThat(early).isLessThanOrEqualTo(1);
        if (early == 1) {
            assertThat(received.get(0).publisher()).isEqualTo(-1);
        }
        for (int p = 0; p < PUBLISHERS; p++) {
            int publisher = p;
            List<Integer> numbers = received.stream().filter(n -> n.publisher() == publisher)
                    .map(Numbered::sequence).toList();
            if (numbers.isEmpty()) {
                // Joined before that publisher's first message and got the early one, or joined after its last
                // and got another publisher's last as retained: never both empty-handed and early-less.
                continue;
            }
            int first = numbers.get(0);
            List<Integer> expected = new ArrayList<>();
            for (int i = first; i < MESSAGES; i++) {
                expected.add(i);
            }
            assertThat(numbers).as("publisher %d's numbers, from %d on", publisher, first).isEqualTo(expected);
        }
        if (early == 0) {
            // The subscription joined after the first publish of some publisher; it got one publisher's message as
            // retained, so at least one publisher's run starts after 0, or its run is complete from 0 only if that
            // retained message was the early one (excluded here).
            assertThat(received.stream().anyMatch(n -> n.publisher() >= 0)).isTrue();
        } else {
            // Got the early message as retained: joined before any publisher's first, so every run is complete.
            for (int p = 0; p < PUBLISHERS; p++) {
                int publisher = p;
                assertThat(received.stream().filter(n -> n.publisher() == publisher).count())
                        .as("joined before every publish, so all of publisher %d's", publisher).isEqualTo(MESSAGES);
            }
        }
    }
}
