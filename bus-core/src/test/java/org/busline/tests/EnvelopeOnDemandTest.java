package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.busline.Delivery;
import org.busline.DeliveryException;
import org.busline.DeliveryFailure;
import org.busline.DroppedMessage;
import org.busline.Envelope;
import org.busline.MailboxFullException;
import org.busline.MessageBus;
import org.busline.OverflowPolicy;
import org.busline.PublishResult;
import org.busline.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A topic whose only subscription is a plain asynchronous payload handler carries its messages without envelopes
 * (16 bytes each): what the bus promises for every asynchronous message still holds there, and the envelope appears,
 * with one id, as soon as somebody asks for it.
 */
class EnvelopeOnDemandTest {
    /** A message of one producer, numbered in the order it was published. */
    record Numbered(int producer, int sequence) {
    }

    private static final Topic<Numbered> NUMBERS = Topic.of("numbers", Numbered.class);
    private static final Topic<String> WORDS = Topic.of("words", String.class);
    private static final Topic<String> ECHOES = Topic.of("echoes", String.class);

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();
    private final List<DroppedMessage> dropped = new CopyOnWriteArrayList<>();
    private MessageBus bus = MessageBus.builder().onError(failures::add).onDropped(dropped::add).build();

    @AfterEach
    void tearDown() throws InterruptedException {
        bus.close();
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void manyProducersThroughASmallBlockingMailboxLoseNothingAndKeepEachProducersOrder() throws Exception {
        int producers = 6;
        int each = 20_000;
        int[] last = new int[producers];
        java.util.Arrays.fill(last, -1);
        AtomicLong outOfOrder = new AtomicLong();
        AtomicLong handled = new AtomicLong();
        bus.subscribe(NUMBERS, n -> {
            if (n.sequence() != last[n.producer()] + 1) {
                outOfOrder.incrementAndGet();
            }
            last[n.producer()] = n.sequence();
            handled.incrementAndGet();
        }, Delivery.async(pool).capacity(8));
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    // Every third message takes the enveloped way: both ways share one queue and one order.
                    if (i % 3 == 0) {
                        bus.publish(Envelope.of(NUMBERS, new Numbered(producer, i)));
                    } else {
                        bus.publish(NUMBERS, new Numbered(producer, i));
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        PublishResult lastOne = bus.publish(NUMBERS, new Numbered(0, each));
        lastOne.completion().get(10, TimeUnit.SECONDS);
        awaitCount(handled, (long) producers * each + 1);

        assertThat(outOfOrder).hasValue(0);
        assertThat(last).containsExactly(each, each - 1, each - 1, each - 1, each - 1, each - 1);
        assertThat(failures).isEmpty();
        assertThat(dropped).isEmpty();
    }

    @Test
    void completionCompletesOnceTheHandlerReturnedWhetherAskedBeforeOrAfter() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        bus.subscribe(WORDS, word -> await(release), Delivery.async(pool));

        PublishResult waiting = bus.publish(WORDS, "first");
        CompletableFuture<Void> askedEarly = waiting.completion();
        assertThat(waiting.reached()).isEqualTo(1);
        assertThat(askedEarly).isNotDone();
        release.countDown();
        askedEarly.get(10, TimeUnit.SECONDS);

        PublishResult later = bus.publish(WORDS, "second");
        later.completion().get(10, TimeUnit.SECONDS);
        assertThat(later.completion()).isCompleted();
    }

    @Test
    void aFailingHandlerIsReportedWithTheEnvelopeItSawAndFailsTheCompletion() throws Exception {
        AtomicReference<Envelope<?>> seen = new AtomicReference<>();
        bus.subscribe(WORDS, word -> {
            seen.set(bus.currentEnvelope().orElseThrow());
            throw new IllegalStateException("no " + word);
        }, Delivery.async(pool).name("refuser"));

        CompletableFuture<Void> completion = bus.publish(WORDS, "thanks").completion();

        assertThatThrownBy(() -> completion.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DeliveryException.class)
                .hasMessageContaining("topic 'words'")
                .hasRootCauseMessage("no thanks");
        assertThat(failures).hasSize(1);
        DeliveryFailure failure = failures.get(0);
        assertThat(failure.subscriber()).isEqualTo("refuser");
        assertThat(failure.envelope()).isSameAs(seen.get());
        assertThat(failure.envelope().topic()).isEqualTo(WORDS);
        assertThat(failure.envelope().payload()).isEqualTo("thanks");
        assertThat(failure.envelope().timestamp()).isNotNull();
    }

    @Test
    void aFailureWithoutCurrentEnvelopeStillGetsOneNamingTopicAndPayload() throws Exception {
        bus.subscribe(WORDS, word -> {
            throw new IllegalArgumentException(word);
        }, Delivery.async(pool));

        CompletableFuture<Void> completion = bus.publish(WORDS, "x").completion();

        assertThatThrownBy(() -> completion.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(DeliveryException.class);
        assertThat(failures).singleElement().satisfies(failure -> {
            assertThat(failure.envelope().topic()).isEqualTo(WORDS);
            assertThat(failure.envelope().payload()).isEqualTo("x");
            assertThat(failure.cause()).isInstanceOf(IllegalArgumentException.class);
        });
    }

    @Test
    void whatTheHandlerPublishesIsCausedByTheEnvelopeItCanRead() throws Exception {
        AtomicReference<Envelope<?>> parent = new AtomicReference<>();
        CompletableFuture<Envelope<String>> echo = new CompletableFuture<>();
        bus.subscribe(WORDS, word -> {
            parent.set(bus.currentEnvelope().orElseThrow());
            bus.publish(ECHOES, word + "!");
        }, Delivery.async(pool));
        bus.subscribeEnvelopes(ECHOES, echo::complete);

        bus.publish(WORDS, "hello");

        Envelope<String> child = echo.get(10, TimeUnit.SECONDS);
        assertThat(child.payload()).isEqualTo("hello!");
        assertThat(child.causationId()).isEqualTo(parent.get().id());
        assertThat(child.correlationId()).isEqualTo(parent.get().correlationId());
    }

    @Test
    void aSynchronousPublishFromTheHandlerWithoutAskingStillNamesItsParent() throws Exception {
        CompletableFuture<Envelope<?>> echo = new CompletableFuture<>();
        AtomicReference<Envelope<?>> afterwards = new AtomicReference<>();
        bus.subscribe(WORDS, word -> {
            bus.publish(ECHOES, word + "!");
            afterwards.set(bus.currentEnvelope().orElseThrow());
        }, Delivery.async(pool));
        bus.subscribe(ECHOES, word -> echo.complete(bus.currentEnvelope().orElseThrow()));

        bus.publish(WORDS, "hi");

        Envelope<?> child = echo.get(10, TimeUnit.SECONDS);
        awaitSet(afterwards);
        assertThat(child.causationId()).isEqualTo(afterwards.get().id());
    }

    @Test
    void aFullDropNewestMailboxReachesNobodyAndReportsTheDrop() throws Exception {
        CountDownLatch release = fill(Delivery.async(pool).capacity(1).overflow(OverflowPolicy.DROP_NEWEST)
                .name("narrow"));

        PublishResult refused = bus.publish(WORDS, "refused");

        assertThat(refused.reached()).isZero();
        assertThatThrownBy(() -> refused.completion().get(1, TimeUnit.SECONDS))
                .hasCauseInstanceOf(DeliveryException.class)
                .hasMessageContaining("MAILBOX_FULL");
        assertThat(dropped).singleElement().satisfies(drop -> {
            assertThat(drop.reason()).isEqualTo(DroppedMessage.Reason.MAILBOX_FULL);
            assertThat(drop.subscriber()).isEqualTo("narrow");
            assertThat(drop.envelope().payload()).isEqualTo("refused");
            assertThat(drop.envelope().topic()).isEqualTo(WORDS);
        });
        release.countDown();
    }

    @Test
    void aFullFailMailboxThrowsNamingSubscriptionAndTopic() throws Exception {
        CountDownLatch release = fill(Delivery.async(pool).capacity(1).overflow(OverflowPolicy.FAIL).name("strict"));

        assertThatThrownBy(() -> bus.publish(WORDS, "refused"))
                .isInstanceOf(MailboxFullException.class)
                .hasMessageContaining("'strict'")
                .hasMessageContaining("topic 'words'")
                .hasMessageContaining("published to nobody");
        release.countDown();
    }

    @Test
    void closeBehindAStuckHandlerReportsEveryWaitingMessageAndFailsItsCompletion() throws Exception {
        bus = MessageBus.builder().drainTimeout(Duration.ofMillis(100)).onDropped(dropped::add).build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        bus.subscribe(WORDS, word -> {
            started.countDown();
            await(never);
        }, Delivery.async(pool).name("stuck"));
        bus.publish(WORDS, "stuck");
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        List<PublishResult> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(bus.publish(WORDS, "w" + i));
        }

        bus.close();

        assertThat(dropped).extracting(drop -> (Object) drop.envelope().payload())
                .containsExactly((Object) "w0", "w1", "w2", "w3", "w4");
        assertThat(dropped).allSatisfy(drop -> assertThat(drop.reason()).isEqualTo(DroppedMessage.Reason.BUS_CLOSED));
        for (PublishResult result : waiting) {
            assertThat(result.completion()).isCompletedExceptionally();
        }
        never.countDown();
    }

    @Test
    void closeDrainsWhatWasAccepted() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        bus.subscribe(WORDS, word -> {
            sleep(1);
            handled.incrementAndGet();
        }, Delivery.async(pool));
        List<CompletableFuture<Void>> completions = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            completions.add(bus.publish(WORDS, "m" + i).completion());
        }

        bus.close();

        assertThat(handled).hasValue(50);
        assertThat(completions).allSatisfy(completion -> assertThat(completion).isCompleted());
        assertThat(dropped).isEmpty();
    }

    @Test
    void aDrainTaskRunOnThePublishersOwnThreadDoesNotWaitForMoreWork() {
        AtomicLong handled = new AtomicLong();
        bus.subscribe(WORDS, word -> handled.incrementAndGet(), Delivery.async(Runnable::run));
        int publishes = 5_000;

        long started = System.nanoTime();
        for (int i = 0; i < publishes; i++) {
            bus.publish(WORDS, "w");
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(handled).hasValue(publishes);
        // A drain task that waited for more work (about 30 µs) after each message would take 150 ms at least.
        assertThat(elapsedMillis).as("milliseconds for %d publishes", publishes).isLessThan(100);
    }

    @Test
    void aPublishCostsSixteenBytesWhenNobodyAsksForEnvelopeOrCompletion() throws Exception {
        AtomicLong handled = new AtomicLong();
        // Room for a whole round, so that the publisher never waits (waiting allocates the lock's nodes).
        int publishes = 60_000;
        bus.subscribe(WORDS, word -> handled.incrementAndGet(), Delivery.async(pool).capacity(65_536));
        long threadId = Thread.currentThread().getId();
        for (int round = 1; round <= 3; round++) {
            publishMany(publishes);
            awaitCount(handled, (long) round * publishes);
        }

        long before = Allocations.allocatedBytes(threadId);
        publishMany(publishes);
        long allocated = Allocations.allocatedBytes(threadId) - before;

        awaitCount(handled, 4L * publishes);
        assertThat((double) allocated / publishes).as("bytes per publish").isLessThanOrEqualTo(16.5);
    }

    /**
     * Subscribes a handler that blocks on the returned latch, with a mailbox of one, and fills it: one message being
     * handled, one waiting.
     */
    private CountDownLatch fill(Delivery delivery) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        bus.subscribe(WORDS, word -> {
            started.countDown();
            await(release);
        }, delivery);
        bus.publish(WORDS, "busy");
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        bus.publish(WORDS, "waits");
        return release;
    }

    private void publishMany(int count) {
        for (int i = 0; i < count; i++) {
            bus.publish(WORDS, "w");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitCount(AtomicLong counter, long target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (counter.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(counter.get()).isEqualTo(target);
    }

    private static void awaitSet(AtomicReference<?> reference) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reference.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(reference.get()).isNotNull();
    }
}
