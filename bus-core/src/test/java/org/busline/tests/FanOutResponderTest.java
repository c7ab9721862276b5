package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.busline.Delivery;
import org.busline.DroppedMessage;
import org.busline.FanOutResponder;
import org.busline.Gather;
import org.busline.Gathered;
import org.busline.RequestException;
import org.busline.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A responder that answers for responders elsewhere: one answer for request, one per name for requestAll. */
class FanOutResponderTest {
    private static final Topic<String> QUOTES = Topic.of("quotes", String.class);
    private static final Duration DEADLINE = Duration.ofMillis(200);

    private final Harness harness = new Harness();
    private final AtomicReference<FanOutResponder.Replies<Integer>> replies = new AtomicReference<>();
    private final AtomicInteger finished = new AtomicInteger();

    @AfterEach
    void close() {
        harness.close();
    }

    /** A fan-out responder that keeps the answers' sink for the test to answer through, as a bridge would. */
    private void respondFanOut(String... expected) {
        harness.bus.<String, Integer>respondFanOut(QUOTES, (quote, sink) -> {
            for (String name : expected) {
                sink.expect(name);
            }
            sink.whenFinished(finished::incrementAndGet);
            replies.set(sink);
        }, Delivery.async().name("bridge"));
    }

    @Test
    void aSingleRequestTakesTheFirstAnswerAndReportsTheLaterOnesAsLate() {
        respondFanOut();
        CompletableFuture<Integer> reply = harness.bus.request(QUOTES, "pen", Integer.class, DEADLINE);
        harness.runAll();
        assertThat(replies.get().gathers()).isFalse();

        AtomicInteger finishedWhenCompleted = new AtomicInteger(-1);
        reply.whenComplete((value, failure) -> finishedWhenCompleted.set(finished.get()));
        replies.get().reply("eu", 10);
        replies.get().reply("us", 12);
        assertThat(reply).isCompletedWithValue(10);
        assertThat(finishedWhenCompleted).hasValue(1);
        assertThat(finished).hasValue(1);
        assertThat(harness.dropped).singleElement().satisfies(dropped -> {
            assertThat(dropped.reason()).isEqualTo(DroppedMessage.Reason.LATE_REPLY);
            assertThat(dropped.subscriber()).isEqualTo("us");
            assertThat(dropped.envelope().payload()).isEqualTo(12);
        });
    }

    @Test
    void aSingleRequestFailsWithTheFirstFailureAsCause() {
        respondFanOut();
        CompletableFuture<Integer> reply = harness.bus.request(QUOTES, "pen", Integer.class, DEADLINE);
        harness.runAll();
        replies.get().fail("eu", new IllegalStateException("no stock"));
        assertThat(reply).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(RequestException.class, failure -> {
                    assertThat(failure.reason()).isEqualTo(RequestException.Reason.RESPONDER_FAILED);
                    assertThat(failure.getCause()).hasMessage("no stock");
                });
        assertThat(harness.failures).extracting(failure -> failure.subscriber()).containsExactly("eu");
    }

    @Test
    void gathersEachNamedAnswerNextToTheLocalRespondersAndListsTheSilentExpectedOnes() {
        harness.bus.respond(QUOTES, quote -> 1, Delivery.sync().name("local"));
        respondFanOut("eu", "us", "asia");
        CompletableFuture<Gathered<Integer>> gathered = harness.bus.requestAll(QUOTES, "pen", Integer.class,
                DEADLINE);
        harness.runAll();
        FanOutResponder.Replies<Integer> sink = replies.get();
        assertThat(sink.gathers()).isTrue();
        sink.reply("eu", 10);
        sink.fail("us", new IllegalStateException("us is down"));
        sink.reply("eu", 11);
        assertThat(gathered).as("asia may still answer").isNotDone();
        harness.advanceAndRun(DEADLINE);

        Gathered<Integer> result = gathered.join();
        assertThat(result.replies()).containsExactly(new Gathered.Reply<>("local", 1),
                new Gathered.Reply<>("eu", 10));
        assertThat(result.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.responder()).isEqualTo("us");
            assertThat(failure.cause()).hasMessage("us is down");
        });
        assertThat(result.unanswered()).containsExactly("asia");
        assertThat(finished).hasValue(1);

        sink.reply("asia", 30);
        assertThat(harness.dropped).extracting(DroppedMessage::subscriber).as("eu's second answer, asia's late one")
                .containsExactly("eu", "asia");
        assertThat(harness.dropped).extracting(DroppedMessage::reason).containsOnly(DroppedMessage.Reason.LATE_REPLY);
        assertThat(harness.scheduler.pending()).as("no timer left").isZero();
        assertThat(org.busline.internal.Internals.awaitingRequests(harness.bus)).isZero();
    }

    @Test
    void completesBeforeTheDeadlineOnceTheFanOutIsDone() {
        respondFanOut("eu", "us");
        CompletableFuture<Gathered<Integer>> gathered = harness.bus.requestAll(QUOTES, "pen", Integer.class,
                DEADLINE);
        harness.runAll();
        replies.get().reply("eu", 10);
        replies.get().reply("us", 20);
        assertThat(gathered).isNotDone();
        AtomicInteger finishedWhenCompleted = new AtomicInteger(-1);
        gathered.whenComplete((result, failure) -> finishedWhenCompleted.set(finished.get()));
        replies.get().done();

        assertThat(gathered).isDone();
        assertThat(finishedWhenCompleted).as("whenFinished ran before the requester saw the result").hasValue(1);
        assertThat(gathered.join().values()).containsExactly(10, 20);
        assertThat(gathered.join().unanswered()).isEmpty();
        assertThat(finished).hasValue(1);
        assertThat(harness.scheduler.pending()).isZero();
    }

    @Test
    void firstNCountsRemoteRepliesAndEndsTheFanOutsPart() {
        harness.bus.respond(QUOTES, quote -> 1, Delivery.async().name("local"));
        respondFanOut();
        CompletableFuture<Gathered<Integer>> gathered = harness.bus.requestAll(QUOTES, "pen", Integer.class,
                Gather.<Integer>within(DEADLINE).first(2));
        harness.runAll();
        replies.get().reply("eu", 10);

        assertThat(gathered).isDone();
        assertThat(gathered.join().replies()).extracting(Gathered.Reply::responder).containsExactly("local", "eu");
        assertThat(finished).as("the fan-out learns that nobody waits any more").hasValue(1);
        replies.get().reply("us", 20);
        assertThat(harness.dropped).extracting(DroppedMessage::subscriber).containsExactly("us");
    }

    @Test
    void aFanOutThatNamedNobodyIsUnansweredUnderItsOwnNameAndABadReplyIsThatRespondersFailure() {
        respondFanOut();
        CompletableFuture<Gathered<Integer>> silent = harness.bus.requestAll(QUOTES, "pen", Integer.class,
                DEADLINE);
        harness.runAll();
        harness.advanceAndRun(DEADLINE);
        assertThat(silent.join().unanswered()).containsExactly("bridge");

        CompletableFuture<Gathered<Integer>> bad = harness.bus.requestAll(QUOTES, "ink", Integer.class, DEADLINE);
        harness.runAll();
        @SuppressWarnings({"unchecked", "rawtypes"})
        FanOutResponder.Replies<Object> raw = (FanOutResponder.Replies) replies.get();
        raw.reply("eu", "not a number");
        harness.advanceAndRun(DEADLINE);
        assertThat(bad.join().failures()).singleElement().satisfies(failure -> {
            assertThat(failure.responder()).isEqualTo("eu");
            assertThat(failure.cause()).isInstanceOfSatisfying(RequestException.class,
                    cause -> assertThat(cause.reason()).isEqualTo(RequestException.Reason.BAD_REPLY));
        });
        assertThat(bad.join().unanswered()).isEmpty();
    }

    @Test
    void aFanOutThatThrowsIsAFailureUnderItsOwnName() {
        harness.bus.respondFanOut(QUOTES, (quote, sink) -> {
            throw new IllegalStateException("bridge closed");
        }, Delivery.sync().name("bridge"));
        Gathered<Object> result = harness.bus.requestAll(QUOTES, "pen", Object.class, DEADLINE).join();
        assertThat(result.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.responder()).isEqualTo("bridge");
            assertThat(failure.cause()).hasMessage("bridge closed");
        });
        assertThat(result.unanswered()).isEmpty();
    }

    @Test
    void manyGatheringsThroughAFanOutRetainNothing() {
        List<FanOutResponder.Replies<Integer>> sinks = new CopyOnWriteArrayList<>();
        harness.bus.<String, Integer>respondFanOut(QUOTES, (quote, sink) -> {
            sink.whenFinished(finished::incrementAndGet);
            sinks.add(sink);
        }, Delivery.async().capacity(5_000).name("bridge"));
        List<CompletableFuture<Gathered<Integer>>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            all.add(harness.bus.requestAll(QUOTES, "q" + i, Integer.class, Gather.<Integer>within(DEADLINE)
                    .first(i % 2 == 0 ? 1 : Integer.MAX_VALUE)));
        }
        harness.runAll();
        sinks.forEach(sink -> sink.reply("eu", 1));
        harness.advanceAndRun(DEADLINE);
        assertThat(all).allSatisfy(gathered -> assertThat(gathered.join().values()).containsExactly(1));
        assertThat(finished).hasValue(2_000);
        assertThat(harness.scheduler.pending()).isZero();
        assertThat(org.busline.internal.Internals.awaitingRequests(harness.bus)).isZero();
    }
}
