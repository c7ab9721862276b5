package org.busline.test.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.busline.test.BusAssertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.DeliveryFailure;
import org.busline.DroppedMessage;
import org.busline.MessageBus;
import org.busline.OverflowPolicy;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.busline.test.BusRecorder;
import org.busline.test.ManualExecutor;
import org.busline.test.ManualScheduler;
import org.busline.test.RecordedDelivery;
import org.busline.test.RecordedDelivery.Outcome;
import org.busline.test.RecordedMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecorderTest {
    record Ping(int thread, int n) {
    }

    record Pong(int thread, int n) {
    }

    static final Topic<Ping> PINGS = Topic.of("pings", Ping.class);
    static final Topic<Pong> PONGS = Topic.of("pongs", Pong.class);

    private final List<MessageBus> buses = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final ExecutorService sinks = Executors.newFixedThreadPool(2, task -> new Thread(task, "sink"));

    @AfterEach
    void close() {
        buses.forEach(MessageBus::close);
        pool.shutdownNow();
        sinks.shutdownNow();
    }

    private BusRecorder recorder(MessageBus.Builder builder) {
        BusRecorder recorder = BusRecorder.attach(builder);
        buses.add(recorder.build());
        return recorder;
    }

    @Test
    void recordsEveryMessageFromEightThreadsAndAsyncMailboxesExactlyOnce() throws Exception {
        BusRecorder recorder = recorder(MessageBus.builder().name("stress"));
        MessageBus bus = recorder.bus();
        bus.subscribe(PINGS, ping -> { }, Delivery.sync().name("counter"));
        bus.subscribe(PINGS, ping -> bus.publish(PONGS, new Pong(ping.thread(), ping.n())),
                Delivery.async(pool).concurrency(4).capacity(256).name("echo"));
        bus.subscribe(PONGS, pong -> { }, Delivery.async(sinks).name("sink"));
        int threads = 8;
        int each = 400;
        ExecutorService publishers = Executors.newFixedThreadPool(threads, task -> new Thread(task, "publisher"));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(publishers.submit(() -> {
                start.await();
                for (int n = 0; n < each; n++) {
                    bus.publish(PINGS, new Ping(thread, n));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get(30, TimeUnit.SECONDS);
        }
        publishers.shutdown();
        recorder.awaitIdle(Duration.ofSeconds(30));

        List<RecordedMessage> messages = recorder.messages();
        List<RecordedMessage> pings = messages.stream().filter(m -> m.payload() instanceof Ping).toList();
        List<RecordedMessage> pongs = messages.stream().filter(m -> m.payload() instanceof Pong).toList();
        assertThat(pings).hasSize(threads * each);
        assertThat(pongs).hasSize(threads * each);
        assertThat(messages.stream().map(RecordedMessage::id).distinct()).hasSize(2 * threads * each);
        assertThat(pings.stream().map(RecordedMessage::payload).collect(Collectors.toSet())).hasSize(threads * each);
        assertThat(pings).allSatisfy(ping -> {
            assertThat(ping.thread()).isEqualTo("publisher");
            assertThat(ping.publishedBy()).isNull();
            assertThat(ping.deliveries()).extracting(RecordedDelivery::subscriber)
                    .containsExactlyInAnyOrder("counter", "echo");
            assertThat(ping.deliveries()).allSatisfy(d -> {
                assertThat(d.outcome()).isEqualTo(Outcome.HANDLED);
                assertThat(d.attempts()).isOne();
            });
        });
        Map<String, String> pingCorrelations = pings.stream()
                .collect(Collectors.toMap(RecordedMessage::id, RecordedMessage::correlationId));
        assertThat(pongs).allSatisfy(pong -> {
            assertThat(pong.publishedBy()).as("published inside the echo handler, on a pool thread").isEqualTo("echo");
            assertThat(pong.thread()).startsWith("pool-");
            assertThat(pong.correlationId()).isEqualTo(pingCorrelations.get(pong.envelope().causationId()));
            assertThat(pong.handledBy("sink")).isTrue();
        });
        assertThat(recorder).noDeadLetters().noDrops().noFailures().noDeadMessages().allSettled();
        assertThat(recorder).published(PONGS).times(threads * each).handledBy("sink");
    }

    @Test
    void twoBusesRecordersNeverMix() throws Exception {
        BusRecorder left = recorder(MessageBus.builder().name("left"));
        BusRecorder right = recorder(MessageBus.builder().name("right"));
        // A handler of the left bus publishes on the right bus: the right recorder sees it, from outside its handlers.
        left.bus().subscribe(PINGS, ping -> right.bus().publish(PONGS, new Pong(ping.thread(), ping.n())),
                Delivery.async(pool).name("bridge"));
        right.bus().subscribe(PONGS, pong -> { }, Delivery.sync().name("right-sink"));
        right.bus().subscribe(PINGS, ping -> { }, Delivery.sync().name("right-pings"));
        ExecutorService publishers = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            done.add(publishers.submit(() -> {
                for (int n = 0; n < 200; n++) {
                    left.bus().publish(PINGS, new Ping(thread, n));
                    right.bus().publish(PINGS, new Ping(100 + thread, n));
                }
            }));
        }
        for (Future<?> future : done) {
            future.get(30, TimeUnit.SECONDS);
        }
        publishers.shutdown();
        left.awaitIdle(Duration.ofSeconds(30));
        right.awaitIdle(Duration.ofSeconds(30));

        assertThat(left.payloads(Ping.class)).hasSize(800).allMatch(ping -> ping.thread() < 100);
        assertThat(left.payloads(Pong.class)).isEmpty();
        assertThat(left.messages()).allSatisfy(m -> assertThat(m.deliveries())
                .extracting(RecordedDelivery::subscriber).containsExactly("bridge"));
        assertThat(right.payloads(Ping.class)).hasSize(800).allMatch(ping -> ping.thread() >= 100);
        assertThat(right.payloads(Pong.class)).hasSize(800);
        assertThat(right.messages()).filteredOn(m -> m.payload() instanceof Pong).allSatisfy(pong -> {
            assertThat(pong.publishedBy()).as("'bridge' is no subscription of the right bus").isNull();
            assertThat(pong.deliveries()).extracting(RecordedDelivery::subscriber).containsExactly("right-sink");
        });
        Set<String> leftIds = new HashSet<>();
        left.messages().forEach(m -> leftIds.add(m.id()));
        assertThat(right.messages()).noneMatch(m -> leftIds.contains(m.id()));
    }

    @Test
    void recordsEachRetryAndTheDeadLetterOnManualTimeWithoutSleeping() {
        ManualScheduler time = new ManualScheduler();
        ManualExecutor executor = new ManualExecutor();
        BusRecorder recorder = recorder(MessageBus.builder().name("retries").scheduler(time).clock(time.clock())
                .executor(executor));
        MessageBus bus = recorder.bus();
        int[] calls = {0};
        bus.subscribe(PINGS, ping -> {
            if (++calls[0] < 3 || ping.n() == 2) {
                throw new IllegalStateException("gateway down for " + ping);
            }
        }, Delivery.async().retry(RetryPolicy.of(3).backoff(Duration.ofMillis(10), Duration.ofMillis(10)))
                .name("payments"));

        bus.publish(PINGS, new Ping(0, 1));
        executor.runAll();
        assertThat(recorder.messages().get(0).delivery("payments")).get()
                .satisfies(d -> assertThat(d.outcome()).isEqualTo(Outcome.FAILED));
        for (int i = 0; i < 2; i++) {
            time.advance(Duration.ofMillis(10));
            executor.runAll();
        }
        RecordedDelivery first = recorder.messages().get(0).delivery("payments").orElseThrow();
        assertThat(first.outcome()).isEqualTo(Outcome.HANDLED);
        assertThat(first.attempts()).isEqualTo(3);
        assertThat(first.retried()).isTrue();
        assertThat(first.threads()).containsOnly(Thread.currentThread().getName());

        bus.publish(PINGS, new Ping(0, 2));
        for (int i = 0; i < 3; i++) {
            executor.runAll();
            time.advance(Duration.ofMillis(10));
        }
        executor.runAll();
        RecordedMessage second = recorder.messages().stream().filter(m -> m.payload().equals(new Ping(0, 2)))
                .findFirst().orElseThrow();
        RecordedDelivery gaveUp = second.delivery("payments").orElseThrow();
        assertThat(gaveUp.outcome()).isEqualTo(Outcome.DEAD_LETTERED);
        assertThat(gaveUp.reason()).isEqualTo(DeadLetter.Reason.FAILED);
        assertThat(gaveUp.attempts()).isEqualTo(3);
        assertThat(gaveUp.failure()).hasMessageContaining("gateway down");
        assertThat(recorder).published(PINGS).matching(ping -> ping.n() == 2).once().deadLetteredBy("payments");
        assertThat(recorder).published(DeadLetter.class).once();
        assertThat(time.elapsed()).isEqualTo(Duration.ofMillis(50));
        assertThatThrownBy(() -> assertThat(recorder).noDeadLetters())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected no delivery dead-lettered or dropped, but found 1")
                .hasMessageContaining("payments: DEAD_LETTERED (FAILED), 3 attempts")
                .hasMessageContaining("gateway down for Ping[thread=0, n=2]");
    }

    @Test
    void recordsDropsOfAFullMailbox() {
        ManualExecutor executor = new ManualExecutor();
        BusRecorder recorder = recorder(MessageBus.builder().name("drops").executor(executor));
        recorder.bus().subscribe(PINGS, ping -> { },
                Delivery.async().capacity(1).overflow(OverflowPolicy.DROP_NEWEST).name("slow"));

        for (int n = 0; n < 3; n++) {
            recorder.bus().publish(PINGS, new Ping(0, n));
        }
        executor.runAll();

        assertThat(recorder.messages()).filteredOn(m -> m.payload() instanceof Ping)
                .extracting(m -> m.delivery("slow").map(RecordedDelivery::outcome).orElse(null))
                .containsExactly(Outcome.HANDLED, Outcome.DROPPED, Outcome.DROPPED);
        assertThatThrownBy(() -> assertThat(recorder).noDrops())
                .hasMessageContaining("Expected no delivery dropped, but found 2")
                .hasMessageContaining("slow: DROPPED (MAILBOX_FULL), 0 attempts");
    }

    @Test
    void recordsMessagesThatReachNobody() {
        BusRecorder recorder = recorder(MessageBus.builder().name("dead"));

        recorder.bus().publish(PINGS, new Ping(0, 0));

        assertThat(recorder.messages().get(0).dead()).isTrue();
        assertThatThrownBy(() -> assertThat(recorder).noDeadMessages())
                .hasMessageContaining("1 reached no subscription: [#1 pings]")
                .hasMessageContaining("-> reached no subscription (dead message)");
    }

    @Test
    void leavesTheApplicationsOwnHandlersInPlace() {
        List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();
        List<DroppedMessage> drops = new CopyOnWriteArrayList<>();
        ManualExecutor executor = new ManualExecutor();
        MessageBus.Builder builder = MessageBus.builder().name("own-handlers").executor(executor)
                .onError(failures::add).onDropped(drops::add);
        BusRecorder recorder = recorder(builder);
        recorder.bus().subscribe(PINGS, ping -> {
            throw new IllegalArgumentException("bad ping");
        }, Delivery.sync().name("strict"));
        recorder.bus().subscribe(PONGS, pong -> { },
                Delivery.async().capacity(1).overflow(OverflowPolicy.DROP_NEWEST).name("narrow"));

        recorder.bus().publish(PINGS, new Ping(0, 0));
        recorder.bus().publish(PONGS, new Pong(0, 0));
        recorder.bus().publish(PONGS, new Pong(0, 1));
        executor.runAll();

        assertThat(failures).singleElement().satisfies(f -> assertThat(f.subscriber()).isEqualTo("strict"));
        assertThat(drops).singleElement().satisfies(d -> assertThat(d.subscriber()).isEqualTo("narrow"));
        assertThat(recorder).published(PINGS).once().deadLetteredBy("strict");
    }

    @Test
    void aWaitReturnsAMessageHandledOnAnotherThread() {
        BusRecorder recorder = recorder(MessageBus.builder().name("wait"));
        CountDownLatch release = new CountDownLatch(1);
        recorder.bus().subscribe(PINGS, ping -> {
            release.await();
            recorder.bus().publish(PONGS, new Pong(ping.thread(), ping.n()));
        }, Delivery.async(pool).name("echo"));
        recorder.bus().subscribe(PONGS, pong -> { }, Delivery.async(sinks).name("sink"));

        recorder.bus().publish(PINGS, new Ping(7, 1));
        recorder.bus().publish(PINGS, new Ping(7, 2));
        release.countDown();
        Pong pong = recorder.waitFor(PONGS).matching("n is 2", p -> p.n() == 2).handledBy("sink")
                .within(Duration.ofSeconds(10));

        assertThat(pong).isEqualTo(new Pong(7, 2));
        assertThat(recorder.waitFor(Ping.class).handledBy("echo").messageWithin(Duration.ofSeconds(10)).payload())
                .isEqualTo(new Ping(7, 1));
    }

    @Test
    void aWaitThatTimesOutListsEveryMessageWithThreadCorrelationAndOutcome() {
        BusRecorder recorder = recorder(MessageBus.builder().name("shop"));
        recorder.bus().subscribe(PINGS, ping -> {
            throw new IllegalStateException("no pong today");
        }, Delivery.sync().name("echo"));
        recorder.bus().publish(PINGS, new Ping(3, 4));
        RecordedMessage ping = recorder.messages().get(0);

        assertThatThrownBy(() -> recorder.waitFor(PONGS).matching("thread 3", p -> p.thread() == 3)
                .within(Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Waited PT0.05S for a message of type " + Pong.class.getName()
                        + " on topic 'pongs' matching thread 3; none came.")
                .hasMessageContaining("recorded on bus 'shop':")
                .hasMessageContaining("#1 pings Ping[thread=3, n=4]")
                .hasMessageContaining("thread '" + Thread.currentThread().getName() + "', outside any handler")
                .hasMessageContaining("correlation " + ping.correlationId())
                .hasMessageContaining("-> echo: DEAD_LETTERED (FAILED), 1 attempt on '"
                        + Thread.currentThread().getName() + "'; last failure: java.lang.IllegalStateException: "
                        + "no pong today")
                .hasMessageContaining("#2 " + DeadLetter.class.getName());
    }

    @Test
    void awaitIdleWaitsForEveryMailboxAndNamesTheBusyOnes() throws InterruptedException {
        BusRecorder recorder = recorder(MessageBus.builder().name("idle"));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        List<Integer> handled = new CopyOnWriteArrayList<>();
        recorder.bus().subscribe(PINGS, ping -> {
            started.countDown();
            release.await();
            handled.add(ping.n());
        }, Delivery.async(pool).name("slow"));
        for (int n = 0; n < 5; n++) {
            recorder.bus().publish(PINGS, new Ping(0, n));
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> recorder.awaitIdle(Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Bus 'idle' was still busy after PT0.05S: 'slow' has 4 queued, 1 workers started")
                .hasMessageContaining("-> slow: RUNNING, 1 attempt");
        release.countDown();
        recorder.awaitIdle(Duration.ofSeconds(10));
        assertThat(handled).containsExactly(0, 1, 2, 3, 4);
        assertThat(recorder).published(PINGS).times(5).handledBy("slow");
    }

    @Test
    void assertionsCountNarrowAndFollowOneConversation() {
        BusRecorder recorder = recorder(MessageBus.builder().name("conversations"));
        recorder.bus().subscribe(PINGS, ping -> recorder.bus().publish(PONGS, new Pong(ping.thread(), ping.n())),
                Delivery.sync().name("echo"));
        recorder.bus().subscribe(PONGS, pong -> { }, Delivery.sync().name("sink"));
        recorder.bus().publish(PINGS, new Ping(1, 1));
        recorder.bus().publish(PINGS, new Ping(2, 2));
        String second = recorder.messages().stream().filter(m -> m.payload().equals(new Ping(2, 2))).findFirst()
                .orElseThrow().correlationId();

        assertThat(recorder).published(PONGS).times(2).handledBy("sink");
        assertThat(recorder).inConversation(second).published(Pong.class).once().matching(p -> p.n() == 2);
        assertThat(recorder.conversation(second)).extracting(RecordedMessage::payload)
                .containsExactly(new Ping(2, 2), new Pong(2, 2));
        assertThat(recorder.waitFor(Pong.class).within(Duration.ZERO)).isEqualTo(new Pong(1, 1));
        assertThat(assertThat(recorder).published(Pong.class).matching(p -> p.thread() == 2).single())
                .isEqualTo(new Pong(2, 2));
        assertThat(recorder).published(Pong.class).payloads().extracting(Pong::n).containsExactly(1, 2);
        assertThatThrownBy(() -> assertThat(recorder).published(Pong.class).once())
                .hasMessageStartingWith("Expected 1 of the messages of type " + Pong.class.getName()
                        + ", but there were 2.")
                .hasMessageContaining("4 messages recorded on bus 'conversations':");
        assertThatThrownBy(() -> assertThat(recorder).published(Pong.class).matching("n is 9", p -> p.n() == 9))
                .hasMessageContaining("to match n is 9, but none did.");
        assertThatThrownBy(() -> assertThat(recorder).published(Ping.class).handledBy("sink"))
                .hasMessageContaining("to be handled by 'sink', but 2 were not")
                .hasMessageContaining("no delivery to 'sink'");
    }

    @Test
    void recordsRequestsToAsynchronousRespondersAndPointToPointSends() {
        BusRecorder recorder = recorder(MessageBus.builder().name("p2p"));
        MessageBus bus = recorder.bus();
        bus.respond(PINGS, ping -> new Pong(ping.thread(), ping.n()), Delivery.async(pool).name("answerer"));
        bus.subscribe(PONGS, pong -> { }, Delivery.sync().name("first"));
        bus.subscribe(PONGS, pong -> { }, Delivery.sync().name("second"));

        Pong reply = bus.request(PINGS, new Ping(1, 1), Pong.class, Duration.ofSeconds(10)).join();
        // The reply completes the request from inside the responder's delivery, before that delivery is recorded
        // as ended: wait until the responder's mailbox is idle.
        recorder.awaitIdle(Duration.ofSeconds(10));
        bus.send(PONGS, new Pong(2, 2));
        bus.send(PONGS, new Pong(2, 3));

        assertThat(reply).isEqualTo(new Pong(1, 1));
        // The reply completes the request inside the responder's handler, before its delivery ends on the pool.
        recorder.awaitIdle(Duration.ofSeconds(10));
        assertThat(recorder).published(PINGS).once().handledBy("answerer");
        assertThat(recorder).published(PONGS).times(2).satisfies(sends -> assertThat(sends)
                .extracting(m -> m.deliveries().get(0).subscriber()).containsExactlyInAnyOrder("first", "second"));
        assertThat(recorder.messages()).allSatisfy(m -> assertThat(m.deliveries()).hasSize(1));
    }

    @Test
    void aRecorderBindsToOneBusOnly() {
        BusRecorder recorder = recorder(MessageBus.builder().name("once"));

        assertThatThrownBy(recorder::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already bound to bus 'once'");
        BusRecorder unbound = BusRecorder.attach(MessageBus.builder());
        assertThatThrownBy(() -> unbound.awaitIdle(Duration.ofMillis(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("recorder.build()");
    }
}
