package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.DeliveryFailure;
import org.busline.DroppedMessage;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.OverflowPolicy;
import org.busline.RequestException;
import org.busline.RequestException.Reason;
import org.busline.RetryPolicy;
import org.busline.Subscription;
import org.busline.Topic;
import org.busline.spi.Interceptor;
import org.junit.jupiter.api.Test;

class RequestReplyTest {
    private static final Topic<Integer> SQUARE = Topic.of("math.square", Integer.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    record PriceQuery(String sku) {
    }

    record Price(String sku, int cents) {
    }

    private final ManualScheduler scheduler = new ManualScheduler();

    /**
     * A bus on manual time whose default executor runs tasks at once, so timeouts complete inside advance(); close()
     * does not wait for mailboxes of stalled executors.
     */
    private MessageBus.Builder bus() {
        return MessageBus.builder().scheduler(scheduler).executor(Runnable::run).drainTimeout(Duration.ZERO)
                .onDropped(dropped -> { });
    }

    private static RequestException failure(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        Throwable thrown = catchFailure(future);
        assertThat(thrown).isInstanceOf(RequestException.class);
        return (RequestException) thrown;
    }

    private static Throwable catchFailure(CompletableFuture<?> future) {
        try {
            future.get(0, TimeUnit.SECONDS);
            throw new AssertionError("the future did not fail: " + future);
        } catch (ExecutionException failed) {
            return failed.getCause();
        } catch (Exception other) {
            throw new AssertionError(other);
        }
    }

    @Test
    void answersFromASynchronousResponderOnTheRequestersThread() {
        try (MessageBus bus = bus().build()) {
            AtomicReference<Thread> ran = new AtomicReference<>();
            bus.respond(SQUARE, n -> {
                ran.set(Thread.currentThread());
                return n * n;
            });

            CompletableFuture<Integer> reply = bus.request(SQUARE, 7, Integer.class, TIMEOUT);

            assertThat(reply).isCompletedWithValue(49);
            assertThat(ran).hasValue(Thread.currentThread());
            assertThat(scheduler.pending()).isZero();
        }
    }

    @Test
    void answersFromAnAsynchronousResponderOnItsExecutor() {
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = bus().build()) {
            bus.respond(SQUARE, n -> n * n, Delivery.async(executor));

            CompletableFuture<Integer> reply = bus.request(SQUARE, 7, Integer.class, TIMEOUT);
            assertThat(reply).isNotDone();
            assertThat(scheduler.pending()).isEqualTo(1);

            executor.runAll();
            assertThat(reply).isCompletedWithValue(49);
            assertThat(scheduler.pending()).isZero();
        }
    }

    @Test
    void answersWithACompletionStage() {
        try (MessageBus bus = bus().build()) {
            CompletableFuture<Integer> later = new CompletableFuture<>();
            bus.respondAsync(SQUARE, n -> later);

            CompletableFuture<Integer> reply = bus.request(SQUARE, 7, Integer.class, TIMEOUT);
            assertThat(reply).isNotDone();

            later.complete(49);
            assertThat(reply).isCompletedWithValue(49);
            assertThat(scheduler.pending()).isZero();
        }
    }

    @Test
    void requestsABareObjectOnTheTypeTopicOfItsClass() {
        try (MessageBus bus = bus().build()) {
            bus.respond(Topic.of(PriceQuery.class), query -> new Price(query.sku(), 250));

            CompletableFuture<Price> reply = bus.request(new PriceQuery("apple"), Price.class, TIMEOUT);

            assertThat(reply).isCompletedWithValue(new Price("apple", 250));
        }
    }

    @Test
    void sharesRequestsAmongRespondersInRotation() {
        try (MessageBus bus = bus().build()) {
            for (int i = 0; i < 3; i++) {
                int responder = i;
                bus.respond(SQUARE, n -> responder);
            }
            int[] answered = new int[3];
            for (int n = 0; n < 300; n++) {
                answered[bus.request(SQUARE, n, Integer.class, TIMEOUT).join()]++;
            }
            assertThat(answered).containsExactly(100, 100, 100);
        }
    }

    @Test
    void skipsAResponderWhoseMailboxIsFull() {
        ManualExecutor stalled = new ManualExecutor();
        try (MessageBus bus = bus().build()) {
            bus.respond(SQUARE, n -> -1, Delivery.async(stalled).capacity(1).overflow(OverflowPolicy.FAIL));
            bus.respond(SQUARE, n -> n * n);

            List<CompletableFuture<Integer>> replies = new ArrayList<>();
            for (int n = 0; n < 4; n++) {
                replies.add(bus.request(SQUARE, n, Integer.class, TIMEOUT));
            }
            stalled.runAll();

            assertThat(replies).extracting(CompletableFuture::join).containsExactly(-1, 1, 4, 9);
        }
    }

    @Test
    void failsAtOnceWithoutResponder() {
        try (MessageBus bus = bus().build()) {
            bus.subscribe(SQUARE, n -> { });

            RequestException failure = failure(bus.request(SQUARE, 7, Integer.class, TIMEOUT));

            assertThat(failure.reason()).isEqualTo(Reason.NO_RESPONDER);
            assertThat(failure.topic()).isEqualTo("math.square");
            assertThat(failure).hasMessageContaining("'math.square'").hasMessageContaining("no responder");
            assertThat(scheduler.pending()).isZero();
        }
    }

    @Test
    void failsAtTheDeadlineNamingIt() {
        ManualExecutor stalled = new ManualExecutor();
        try (MessageBus bus = bus().build()) {
            bus.respond(SQUARE, n -> n * n, Delivery.async(stalled).name("squarer"));

            CompletableFuture<Integer> reply = bus.request(SQUARE, 7, Integer.class, TIMEOUT);
            scheduler.advance(TIMEOUT.minusMillis(1));
            assertThat(reply).isNotDone();
            scheduler.advance(Duration.ofMillis(1));

            RequestException failure = failure(reply);
            assertThat(failure.reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(failure).hasMessageContaining("'math.square'").hasMessageContaining("within PT2S")
                    .hasMessageContaining("deadline").hasMessageContaining("squarer");
        }
    }

    @Test
    void completesATimeoutOnTheDefaultExecutorNotOnTheTimer() {
        ManualExecutor defaultExecutor = new ManualExecutor();
        ManualExecutor stalled = new ManualExecutor();
        try (MessageBus bus = MessageBus.builder().scheduler(scheduler).executor(defaultExecutor)
                .drainTimeout(Duration.ZERO).onDropped(dropped -> { }).build()) {
            bus.respond(SQUARE, n -> n * n, Delivery.async(stalled));
            CompletableFuture<Integer> reply = bus.request(SQUARE, 7, Integer.class, TIMEOUT);

            scheduler.advance(TIMEOUT);
            assertThat(reply).isNotDone();

            defaultExecutor.runAll();
            assertThat(failure(reply).reason()).isEqualTo(Reason.TIMEOUT);
        }
    }

    @Test
    void failsWithTheResponderFailureAttachedAndReportsIt() {
        List<DeliveryFailure> reported = new CopyOnWriteArrayList<>();
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = bus().onError(reported::add).build()) {
            Topic<String> sync = Topic.of("fail.sync", String.class);
            Topic<String> async = Topic.of("fail.async", String.class);
            Topic<String> stage = Topic.of("fail.stage", String.class);
            bus.respond(sync, text -> {
                throw new IllegalArgumentException("bad " + text);
            });
            bus.respond(async, text -> {
                throw new IllegalArgumentException("bad " + text);
            }, Delivery.async(executor));
            bus.respondAsync(stage, text -> CompletableFuture.failedFuture(new IllegalArgumentException("bad "
                    + text)));

            CompletableFuture<String> fromSync = bus.request(sync, "a", String.class, TIMEOUT);
            CompletableFuture<String> fromAsync = bus.request(async, "b", String.class, TIMEOUT);
            CompletableFuture<String> fromStage = bus.request(stage, "c", String.class, TIMEOUT);
            executor.runAll();

            assertThat(List.of(fromSync, fromAsync, fromStage)).allSatisfy(reply -> {
                RequestException failure = failure(reply);
                assertThat(failure.reason()).isEqualTo(Reason.RESPONDER_FAILED);
                assertThat(failure.getCause()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("bad ");
                assertThat(failure).hasMessageContaining("'fail.");
            });
            assertThat(reported).extracting(DeliveryFailure::cause).extracting(Throwable::getMessage)
                    .containsExactlyInAnyOrder("bad a", "bad b", "bad c");
        }
    }

    @Test
    void retriesAnAsynchronousResponderBeforeFailingTheRequest() {
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = bus().onError(failure -> { }).build()) {
            AtomicInteger calls = new AtomicInteger();
            bus.respond(SQUARE, n -> {
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("flaky");
                }
                return n * n;
            }, Delivery.async(executor).retry(RetryPolicy.of(3).backoff(Duration.ZERO, Duration.ZERO)));

            CompletableFuture<Integer> reply = bus.request(SQUARE, 7, Integer.class, TIMEOUT);
            for (int round = 0; round < 3 && !reply.isDone(); round++) {
                executor.runAll();
                scheduler.advance(Duration.ZERO);
            }

            assertThat(reply).isCompletedWithValue(49);
            assertThat(calls).hasValue(2);
        }
    }

    @Test
    void failsTheRequestWhenTheResponderGivesUpAndDeadLettersIt() {
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = bus().onError(failure -> { }).build()) {
            List<DeadLetter> letters = new CopyOnWriteArrayList<>();
            bus.subscribe(DeadLetter.class, letters::add);
            bus.respond(SQUARE, n -> {
                throw new IllegalStateException("always");
            }, Delivery.async(executor).retry(RetryPolicy.of(2).backoff(Duration.ZERO, Duration.ZERO))
                    .name("broken"));

            CompletableFuture<Integer> reply = bus.request(SQUARE, 7, Integer.class, TIMEOUT);
            for (int round = 0; round < 3 && !reply.isDone(); round++) {
                executor.runAll();
                scheduler.advance(Duration.ZERO);
            }

            RequestException failure = failure(reply);
            assertThat(failure.reason()).isEqualTo(Reason.RESPONDER_FAILED);
            assertThat(failure.getCause()).hasMessage("always");
            assertThat(letters).singleElement().satisfies(letter -> {
                assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.FAILED);
                assertThat(letter.subscriber()).isEqualTo("broken");
                assertThat(letter.attempts()).isEqualTo(2);
                assertThat(letter.envelope().payload()).isEqualTo(7);
            });
        }
    }

    @Test
    void failsOnAReplyOfTheWrongType() {
        try (MessageBus bus = bus().build()) {
            bus.respond(SQUARE, n -> "forty-nine");
            bus.respond(Topic.of("math.nothing", Integer.class), n -> null);

            RequestException wrong = failure(bus.request(SQUARE, 7, Integer.class, TIMEOUT));
            RequestException missing = failure(bus.request(Topic.of("math.nothing", Integer.class), 7, Integer.class,
                    TIMEOUT));

            assertThat(wrong.reason()).isEqualTo(Reason.BAD_REPLY);
            assertThat(wrong).hasMessageContaining("java.lang.String").hasMessageContaining("java.lang.Integer")
                    .hasMessageContaining("'math.square'");
            assertThat(missing.reason()).isEqualTo(Reason.BAD_REPLY);
            assertThat(missing).hasMessageContaining("replied null");
        }
    }

    @Test
    void acceptsANullReplyToAVoidRequest() {
        try (MessageBus bus = bus().build()) {
            List<Integer> done = new ArrayList<>();
            bus.respond(SQUARE, n -> {
                done.add(n);
                return null;
            });

            assertThat(bus.request(SQUARE, 3, Void.class, TIMEOUT)).isCompletedWithValue(null);
            assertThat(done).containsExactly(3);
        }
    }

    @Test
    void failsAtOnceOnAClosedBus() {
        MessageBus bus = bus().build();
        bus.respond(SQUARE, n -> n * n);
        bus.close();

        RequestException failure = failure(bus.request(SQUARE, 7, Integer.class, TIMEOUT));

        assertThat(failure.reason()).isEqualTo(Reason.BUS_CLOSED);
        assertThat(failure).hasMessageContaining("'math.square'");
        assertThatThrownBy(() -> bus.respond(SQUARE, n -> n)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void failsTheRequestsStillWaitingWhenTheBusCloses() {
        ManualExecutor stalled = new ManualExecutor();
        List<DroppedMessage> dropped = new CopyOnWriteArrayList<>();
        MessageBus bus = bus().onDropped(dropped::add).build();
        Topic<Integer> queued = Topic.of("math.queued", Integer.class);
        bus.respondAsync(SQUARE, n -> new CompletableFuture<Integer>());
        bus.respond(queued, n -> n, Delivery.async(stalled));
        CompletableFuture<Integer> waitingForStage = bus.request(SQUARE, 7, Integer.class, TIMEOUT);
        CompletableFuture<Integer> waitingInMailbox = bus.request(queued, 7, Integer.class, TIMEOUT);

        bus.close();
        stalled.runAll();

        assertThat(failure(waitingForStage).reason()).isEqualTo(Reason.BUS_CLOSED);
        assertThat(failure(waitingInMailbox).reason()).isEqualTo(Reason.BUS_CLOSED);
        assertThat(failure(waitingInMailbox)).hasMessageContaining("'math.queued'");
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void dropsAndReportsAReplyThatComesAfterTheDeadline() {
        List<DroppedMessage> dropped = new CopyOnWriteArrayList<>();
        try (MessageBus bus = bus().onDropped(dropped::add).build()) {
            List<CompletableFuture<Integer>> stages = new ArrayList<>();
            bus.respondAsync(SQUARE, n -> {
                CompletableFuture<Integer> stage = new CompletableFuture<>();
                stages.add(stage);
                return stage;
            }, Delivery.sync().name("slow squarer"));
            Envelope<Integer> first = Envelope.of(SQUARE, 7).withCorrelationId("flow-7");
            CompletableFuture<Envelope<Integer>> late = bus.requestEnvelope(first, Integer.class, TIMEOUT);
            scheduler.advance(Duration.ofSeconds(1));
            CompletableFuture<Integer> inTime = bus.request(SQUARE, 8, Integer.class, TIMEOUT);

            scheduler.advance(Duration.ofSeconds(1));
            assertThat(failure(late).reason()).isEqualTo(Reason.TIMEOUT);
            stages.get(0).complete(49);
            stages.get(1).complete(64);

            assertThat(inTime).isCompletedWithValue(64);
            assertThat(dropped).singleElement().satisfies(drop -> {
                assertThat(drop.reason()).isEqualTo(DroppedMessage.Reason.LATE_REPLY);
                assertThat(drop.subscriber()).isEqualTo("slow squarer");
                assertThat(drop.envelope().payload()).isEqualTo(49);
                assertThat(drop.envelope().correlationId()).isEqualTo("flow-7");
                assertThat(drop.envelope().causationId()).isEqualTo(first.id());
            });
        }
    }

    @Test
    void keepsTheReplyOfASynchronousResponderThatAnswersAfterTheDeadlineDespiteTheInterrupt() {
        List<DroppedMessage> dropped = new CopyOnWriteArrayList<>();
        try (MessageBus bus = bus().onDropped(dropped::add).build()) {
            bus.respond(SQUARE, n -> {
                scheduler.advance(TIMEOUT);
                assertThat(Thread.currentThread().isInterrupted()).as("interrupted at the deadline").isTrue();
                return n * n;
            });

            assertThat(bus.request(SQUARE, 7, Integer.class, TIMEOUT)).isCompletedWithValue(49);
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt does not leak").isFalse();
            assertThat(dropped).isEmpty();
        }
    }

    @Test
    void cancellingStopsWaitingCancelsTheTimerAndSkipsTheResponder() {
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = bus().build()) {
            AtomicInteger calls = new AtomicInteger();
            bus.respond(SQUARE, n -> calls.incrementAndGet(), Delivery.async(executor));

            CompletableFuture<Integer> reply = bus.request(SQUARE, 7, Integer.class, TIMEOUT);
            assertThat(scheduler.pending()).isEqualTo(1);
            assertThat(reply.cancel(false)).isTrue();

            assertThat(scheduler.pending()).isZero();
            executor.runAll();
            assertThat(calls).hasValue(0);
            assertThatThrownBy(reply::join).isInstanceOf(CancellationException.class);
        }
    }

    @Test
    void carriesTheRequestsCorrelationOnTheReplyAndOnWhatTheResponderPublishes() {
        Topic<String> audit = Topic.of("audit", String.class);
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = bus().build()) {
            List<Envelope<? extends String>> audited = new CopyOnWriteArrayList<>();
            bus.subscribeEnvelopes(audit, audited::add, Delivery.sync());
            bus.respond(SQUARE, n -> {
                bus.publish(audit, "sync squared " + n);
                return n * n;
            });
            Topic<Integer> asyncSquare = Topic.of("math.square.async", Integer.class);
            bus.respond(asyncSquare, n -> {
                bus.publish(audit, "async squared " + n);
                return n * n;
            }, Delivery.async(executor));

            Envelope<Integer> syncRequest = Envelope.of(SQUARE, 3).withCorrelationId("flow-s");
            Envelope<Integer> asyncRequest = Envelope.of(asyncSquare, 4).withCorrelationId("flow-a");
            CompletableFuture<Envelope<Integer>> syncReply = bus.requestEnvelope(syncRequest, Integer.class, TIMEOUT);
            CompletableFuture<Envelope<Integer>> asyncReply = bus.requestEnvelope(asyncRequest, Integer.class,
                    TIMEOUT);
            executor.runAll();

            assertThat(syncReply.join()).satisfies(reply -> {
                assertThat(reply.payload()).isEqualTo(9);
                assertThat(reply.correlationId()).isEqualTo("flow-s");
                assertThat(reply.causationId()).isEqualTo(syncRequest.id());
                assertThat(reply.topic()).isEqualTo(Topic.of(Integer.class));
                assertThat(reply.timestamp()).isNotNull();
            });
            assertThat(asyncReply.join().correlationId()).isEqualTo("flow-a");
            assertThat(asyncReply.join().causationId()).isEqualTo(asyncRequest.id());
            assertThat(audited).hasSize(2).allSatisfy(event -> {
                Envelope<Integer> request = event.payload().startsWith("sync") ? syncRequest : asyncRequest;
                assertThat(event.correlationId()).isEqualTo(request.correlationId());
                assertThat(event.causationId()).isEqualTo(request.id());
            });
        }
    }

    @Test
    void letsAHandlerWaitForAReplyAndCarriesItsCorrelationOnTheRequest() {
        Topic<String> orders = Topic.of("orders", String.class);
        AtomicReference<Envelope<?>> seenRequest = new AtomicReference<>();
        Interceptor recorder = new Interceptor() {
            @Override
            public boolean beforeDelivery(Envelope<?> envelope, String subscriber) {
                if (envelope.topic().equals(SQUARE)) {
                    seenRequest.set(envelope);
                }
                return true;
            }
        };
        try (MessageBus bus = bus().interceptor(recorder).build()) {
            bus.respond(SQUARE, n -> n * n);
            List<Integer> answers = new ArrayList<>();
            bus.subscribe(orders, order -> answers.add(bus.request(SQUARE, order.length(), Integer.class, TIMEOUT)
                    .join()));

            Envelope<String> order = Envelope.of(orders, "abc").withCorrelationId("flow-o");
            bus.publish(order);

            assertThat(answers).containsExactly(9);
            assertThat(seenRequest.get().correlationId()).isEqualTo("flow-o");
            assertThat(seenRequest.get().causationId()).isEqualTo(order.id());
        }
    }

    @Test
    void keepsRequestsAndPublishesApart() {
        try (MessageBus bus = bus().build()) {
            List<Integer> subscribed = new ArrayList<>();
            List<Integer> answered = new ArrayList<>();
            bus.subscribe(SQUARE, subscribed::add);
            bus.respond(SQUARE, n -> {
                answered.add(n);
                return n;
            });

            bus.publish(SQUARE, 1);
            bus.send(SQUARE, 2);
            bus.request(SQUARE, 3, Integer.class, TIMEOUT);

            assertThat(subscribed).containsExactly(1, 2);
            assertThat(answered).containsExactly(3);
        }
    }

    @Test
    void stopsAnsweringOnceTheRegistrationIsClosed() {
        try (MessageBus bus = bus().build()) {
            Subscription responder = bus.respond(SQUARE, n -> n * n);
            assertThat(responder.isActive()).isTrue();
            responder.close();

            assertThat(responder.isActive()).isFalse();
            assertThat(failure(bus.request(SQUARE, 7, Integer.class, TIMEOUT)).reason())
                    .isEqualTo(Reason.NO_RESPONDER);
        }
    }

    @Test
    void rejectsARequestThatTheRespondersMailboxRefusesOrDrops() {
        ManualExecutor stalled = new ManualExecutor();
        try (MessageBus bus = bus().build()) {
            Topic<Integer> refusing = Topic.of("math.refusing", Integer.class);
            Topic<Integer> dropping = Topic.of("math.dropping", Integer.class);
            bus.respond(refusing, n -> n, Delivery.async(stalled).capacity(1).overflow(OverflowPolicy.FAIL));
            bus.respond(dropping, n -> n, Delivery.async(stalled).capacity(1).overflow(OverflowPolicy.DROP_OLDEST));

            CompletableFuture<Integer> firstRefusing = bus.request(refusing, 1, Integer.class, TIMEOUT);
            CompletableFuture<Integer> secondRefusing = bus.request(refusing, 2, Integer.class, TIMEOUT);
            CompletableFuture<Integer> firstDropping = bus.request(dropping, 1, Integer.class, TIMEOUT);
            CompletableFuture<Integer> secondDropping = bus.request(dropping, 2, Integer.class, TIMEOUT);

            assertThat(failure(secondRefusing).reason()).isEqualTo(Reason.REJECTED);
            assertThat(failure(secondRefusing).getCause()).hasMessageContaining("full");
            assertThat(failure(firstDropping).reason()).isEqualTo(Reason.REJECTED);
            assertThat(failure(firstDropping)).hasMessageContaining("MAILBOX_FULL");
            stalled.runAll();
            assertThat(firstRefusing).isCompletedWithValue(1);
            assertThat(secondDropping).isCompletedWithValue(2);
        }
    }

    @Test
    void rejectsARequestThatAnInterceptorVetoes() {
        Interceptor veto = new Interceptor() {
            @Override
            public <T> Envelope<T> onPublish(Envelope<T> envelope) {
                return null;
            }
        };
        try (MessageBus bus = bus().interceptor(veto).build()) {
            bus.respond(SQUARE, n -> n * n);

            RequestException failure = failure(bus.request(SQUARE, 7, Integer.class, TIMEOUT));

            assertThat(failure.reason()).isEqualTo(Reason.REJECTED);
            assertThat(failure).hasMessageContaining("vetoed");
        }
    }

    @Test
    void rejectsBadArguments() {
        try (MessageBus bus = bus().build()) {
            assertThatThrownBy(() -> bus.request(SQUARE, 7, int.class, TIMEOUT))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int");
            assertThatThrownBy(() -> bus.request(SQUARE, 7, Integer.class, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
            assertThatThrownBy(() -> bus.requestEnvelope(Envelope.of(SQUARE, 7), Void.class, TIMEOUT))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Void");
            assertThatThrownBy(() -> bus.request(null, Integer.class, TIMEOUT))
                    .isInstanceOf(NullPointerException.class).hasMessage("request");
            assertThatThrownBy(() -> bus.respond(SQUARE, null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("responder");
        }
    }

    @Test
    void answersEveryRequestOfManyThreadsWithItsOwnReply() throws Exception {
        int requesters = 4;
        int perRequester = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(requesters + 2);
        try (MessageBus bus = MessageBus.builder().build()) {
            bus.respond(SQUARE, n -> n * n, Delivery.async(pool).capacity(requesters * perRequester));
            bus.respondAsync(SQUARE, n -> CompletableFuture.supplyAsync(() -> n * n, pool),
                    Delivery.async(pool).capacity(requesters * perRequester));
            bus.respond(SQUARE, n -> n * n);
            List<Future<Integer>> checks = new ArrayList<>();
            for (int r = 0; r < requesters; r++) {
                int first = r * perRequester;
                checks.add(pool.submit(() -> {
                    List<CompletableFuture<Integer>> replies = new ArrayList<>();
                    for (int n = first; n < first + perRequester; n++) {
                        replies.add(bus.request(SQUARE, n, Integer.class, Duration.ofSeconds(30)));
                    }
                    int right = 0;
                    for (int i = 0; i < replies.size(); i++) {
                        int n = first + i;
                        if (replies.get(i).get(30, TimeUnit.SECONDS) == n * n) {
                            right++;
                        }
                    }
                    return right;
                }));
            }
            for (Future<Integer> check : checks) {
                assertThat(check.get(60, TimeUnit.SECONDS)).isEqualTo(perRequester);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
