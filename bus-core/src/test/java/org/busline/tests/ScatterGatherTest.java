package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.spi.Interceptor;
import org.busline.DroppedMessage;
import org.busline.Gather;
import org.busline.Gathered;
import org.busline.RateLimit;
import org.busline.RequestException;
import org.busline.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScatterGatherTest {
    record Quote(String item) {
    }

    private static final Topic<Quote> QUOTES = Topic.of("shop.quote", Quote.class);
    private static final Duration DEADLINE = Duration.ofMillis(200);

    private final Harness harness = new Harness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void gathersTheRepliesFailuresAndSilencesOfSyncAndAsyncRespondersByTheDeadline() {
        harness.bus.respond(QUOTES, quote -> 10, Delivery.sync().name("cheap"));
        harness.bus.respond(QUOTES, quote -> 30, Delivery.async().name("pricey"));
        harness.bus.respond(QUOTES, quote -> {
            throw new IllegalStateException("out of stock");
        }, Delivery.sync().name("broken"));
        CompletableFuture<Integer> never = new CompletableFuture<>();
        harness.bus.respondAsync(QUOTES, quote -> never, Delivery.sync().name("silent"));

        CompletableFuture<Gathered<Integer>> gathered = harness.bus.requestAll(QUOTES, new Quote("pen"),
                Integer.class, DEADLINE);
        harness.runAll();
        assertThat(gathered).as("silent has not answered yet").isNotDone();
        harness.advanceAndRun(DEADLINE);

        Gathered<Integer> result = gathered.join();
        assertThat(result.replies()).containsExactly(new Gathered.Reply<>("cheap", 10),
                new Gathered.Reply<>("pricey", 30));
        assertThat(result.values()).containsExactly(10, 30);
        assertThat(result.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.responder()).isEqualTo("broken");
            assertThat(failure.cause()).isInstanceOf(IllegalStateException.class).hasMessage("out of stock");
        });
        assertThat(result.unanswered()).containsExactly("silent");

        never.complete(99);
        assertThat(harness.dropped).singleElement().satisfies(dropped -> {
            assertThat(dropped.reason()).isEqualTo(DroppedMessage.Reason.LATE_REPLY);
            assertThat(dropped.subscriber()).isEqualTo("silent");
        });
        assertThat(result.replies()).hasSize(2);
    }

    @Test
    void eachResponderGetsARequestOfItsOwnUnderOneCorrelationId() {
        List<String> ids = new CopyOnWriteArrayList<>();
        List<String> correlations = new CopyOnWriteArrayList<>();
        Interceptor spy = new Interceptor() {
            @Override
            public boolean beforeDelivery(Envelope<?> envelope, String subscriber) {
                ids.add(envelope.id());
                correlations.add(envelope.correlationId());
                return true;
            }
        };
        try (MessageBus bus = MessageBus.builder().interceptor(spy).build()) {
            for (String name : List.of("a", "b", "c")) {
                bus.respond(QUOTES, quote -> name, Delivery.sync().name(name));
            }
            Gathered<String> gathered = bus.requestAll(QUOTES, new Quote("ink"), String.class, DEADLINE).join();
            assertThat(gathered.values()).containsExactly("a", "b", "c");
            assertThat(gathered.unanswered()).isEmpty();
        }
        assertThat(ids).hasSize(3).doesNotHaveDuplicates();
        assertThat(correlations).hasSize(3).containsOnly(correlations.get(0));
    }

    @Test
    void completesAfterTheFirstNRepliesAndReportsTheLaterOnesAsLate() {
        for (String name : List.of("a", "b", "c")) {
            harness.bus.respond(QUOTES, quote -> name.length(), Delivery.async().name(name));
        }
        CompletableFuture<Gathered<Integer>> gathered = harness.bus.requestAll(QUOTES, new Quote("cup"),
                Integer.class, Gather.<Integer>within(DEADLINE).first(2));
        harness.runAll();

        Gathered<Integer> result = gathered.join();
        assertThat(result.replies()).extracting(Gathered.Reply::responder).containsExactly("a", "b");
        assertThat(result.unanswered()).containsExactly("c");
        assertThat(result.failures()).isEmpty();
        assertThat(harness.dropped).as("c's request was cancelled before its turn: skipped, nothing to report")
                .isEmpty();
        assertThat(harness.scheduler.pending()).as("every deadline timer cancelled").isZero();
    }

    @Test
    void aReplyAfterEarlyCompletionIsNeverHandedOverButReportedLate() {
        CompletableFuture<Integer> slow = new CompletableFuture<>();
        harness.bus.respond(QUOTES, quote -> 1, Delivery.sync().name("fast"));
        harness.bus.respondAsync(QUOTES, quote -> slow, Delivery.sync().name("slow"));
        CompletableFuture<Gathered<Integer>> gathered = harness.bus.requestAll(QUOTES, new Quote("mug"),
                Integer.class, Gather.<Integer>within(DEADLINE).until(value -> value == 1));

        assertThat(gathered).as("slow was not asked: fast's reply was enough").isCompleted();
        assertThat(gathered.join().replies()).containsExactly(new Gathered.Reply<>("fast", 1));
        assertThat(gathered.join().unanswered()).containsExactly("slow");
    }

    @Test
    void completesWhenAReplyMatchesThePredicate() {
        CompletableFuture<Integer> slow = new CompletableFuture<>();
        harness.bus.respondAsync(QUOTES, quote -> slow, Delivery.sync().name("slow"));
        harness.bus.respond(QUOTES, quote -> 7, Delivery.async().name("lucky"));
        harness.bus.respond(QUOTES, quote -> 3, Delivery.async().name("other"));
        CompletableFuture<Gathered<Integer>> gathered = harness.bus.requestAll(QUOTES, new Quote("hat"),
                Integer.class, Gather.<Integer>within(DEADLINE).until(value -> value == 7));
        harness.runAll();

        Gathered<Integer> result = gathered.join();
        assertThat(result.replies()).containsExactly(new Gathered.Reply<>("lucky", 7));
        assertThat(result.unanswered()).containsExactlyInAnyOrder("slow", "other");
        slow.complete(5);
        assertThat(harness.dropped).extracting(DroppedMessage::reason)
                .containsExactly(DroppedMessage.Reason.LATE_REPLY);
        assertThat(harness.scheduler.pending()).isZero();
    }

    @Test
    void aRejectionIsThatRespondersFailureAndAnEmptyTopicGathersNothing() {
        harness.bus.respond(QUOTES, quote -> 1, Delivery.sync().rateLimit(RateLimit.of(1, Duration.ofHours(1)))
                .name("limited"));
        harness.bus.requestAll(QUOTES, new Quote("a"), Integer.class, DEADLINE).join();
        Gathered<Integer> second = harness.bus.requestAll(QUOTES, new Quote("b"), Integer.class, DEADLINE).join();
        assertThat(second.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.responder()).isEqualTo("limited");
            assertThat(failure.cause()).isInstanceOfSatisfying(RequestException.class,
                    cause -> assertThat(cause.reason()).isEqualTo(RequestException.Reason.REJECTED));
        });

        Gathered<Integer> none = harness.bus.requestAll(Topic.of("nobody.home", Quote.class), new Quote("c"),
                Integer.class, DEADLINE).join();
        assertThat(none.replies()).isEmpty();
        assertThat(none.failures()).isEmpty();
        assertThat(none.unanswered()).isEmpty();
    }

    @Test
    void aClosedBusFailsTheGathering() {
        harness.bus.close();
        assertThat(harness.bus.requestAll(QUOTES, new Quote("x"), Integer.class, DEADLINE))
                .failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(RequestException.class,
                        cause -> assertThat(cause.reason()).isEqualTo(RequestException.Reason.BUS_CLOSED));
    }

    @Test
    void manyGatheringsRetainNothing() {
        AtomicInteger answered = new AtomicInteger();
        harness.bus.respond(QUOTES, quote -> answered.incrementAndGet(), Delivery.sync().name("sync"));
        harness.bus.respond(QUOTES, quote -> 2, Delivery.async().capacity(20_000).name("async"));
        CompletableFuture<Integer> never = new CompletableFuture<>();
        harness.bus.respondAsync(QUOTES, quote -> never, Delivery.async().capacity(20_000).name("silent"));
        List<CompletableFuture<Gathered<Integer>>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            all.add(harness.bus.requestAll(QUOTES, new Quote("n" + i), Integer.class, DEADLINE));
        }
        harness.runAll();
        harness.advanceAndRun(DEADLINE);
        assertThat(all).allSatisfy(gathered -> {
            assertThat(gathered).isCompleted();
            assertThat(gathered.join().replies()).hasSize(2);
            assertThat(gathered.join().unanswered()).containsExactly("silent");
        });
        assertThat(answered).hasValue(10_000);
        assertThat(harness.scheduler.pending()).as("no timer left").isZero();
        assertThat(org.busline.internal.Internals.awaitingRequests(harness.bus)).as("no request awaited").isZero();
    }
}
