package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.DeliveryException;
import org.busline.MessageBus;
import org.busline.RequestException;
import org.busline.Topic;
import org.busline.spi.Interceptor;
import org.busline.tests.CapturedLogs.Event;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * What the bus logs by default, read back through the test provider {@link CapturedLogs}: each room under its own
 * logger, and a failure logged once, at ERROR with its stack only when nobody else handles it.
 */
class LoggingTest {
    static final Topic<String> ORDERS = Topic.of("orders", String.class);
    static final Topic<String> QUOTES = Topic.of("quotes", String.class);

    /** The failures a bus of this name logged: the lines that name the failing subscription. */
    private static List<Event> failures(String bus) {
        return CapturedLogs.containing("Bus '" + bus + "': subscription 'failing' failed");
    }

    @Test
    void unhandledFailureIsLoggedOnceAtErrorWithItsStackTraceByTheDeadLetterOffice() {
        try (MessageBus bus = MessageBus.builder().name("log-unhandled").build()) {
            bus.subscribe(ORDERS, order -> {
                throw new IllegalStateException("unhandled");
            }, Delivery.sync().name("failing"));
            bus.publish(ORDERS, "o-1");
        }

        List<Event> logged = failures("log-unhandled");
        assertThat(logged).hasSize(1);
        assertThat(logged.get(0).level()).isEqualTo(Level.ERROR);
        assertThat(logged.get(0).throwable()).hasMessage("unhandled");
        assertThat(logged.get(0).logger()).isEqualTo("org.busline.internal.DeadLetterOffice");
    }

    @Test
    void failureThatADeadLetterSubscriberReceivesIsLoggedOnceAtDebugNamingIt() {
        try (MessageBus bus = MessageBus.builder().name("log-dead-letter").build()) {
            bus.subscribe(DeadLetter.class, letter -> { }, Delivery.sync().name("dlq"));
            bus.subscribe(ORDERS, order -> {
                throw new IllegalStateException("handled by the dlq");
            }, Delivery.sync().name("failing"));
            bus.publish(ORDERS, "o-1");
        }

        List<Event> logged = failures("log-dead-letter");
        assertThat(logged).hasSize(1);
        assertThat(logged.get(0).level()).isEqualTo(Level.DEBUG);
        assertThat(logged.get(0).message()).contains("handled by DeadLetter subscription 'dlq'");
        assertThat(logged.get(0).throwable()).hasMessage("handled by the dlq");
    }

    @Test
    void asynchronousFailureThatADeadLetterSubscriberReceivesIsNotAnError() {
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = MessageBus.builder().name("log-async").build()) {
            bus.subscribe(DeadLetter.class, letter -> { }, Delivery.sync().name("dlq"));
            bus.subscribe(ORDERS, order -> {
                throw new IllegalStateException("async");
            }, Delivery.async(executor).name("failing"));
            bus.publish(ORDERS, "o-1");
            executor.runAll();
        }

        assertThat(failures("log-async")).extracting(Event::level).containsExactly(Level.DEBUG);
    }

    @Test
    void observingSubscriptionsOfTheProjectDoNotCountAsHandling() {
        try (MessageBus bus = MessageBus.builder().name("log-observed").build()) {
            bus.subscribe(DeadLetter.class, letter -> { }, Delivery.sync().name("busline-metrics dead letters"));
            bus.subscribe(ORDERS, order -> {
                throw new IllegalStateException("only counted");
            }, Delivery.sync().name("failing"));
            bus.publish(ORDERS, "o-1");
        }

        assertThat(failures("log-observed")).extracting(Event::level).containsExactly(Level.ERROR);
    }

    @Test
    void failureThatThePublisherReceivesThroughPropagateFailuresIsLoggedAtDebug() {
        try (MessageBus bus = MessageBus.builder().name("log-propagated").build()) {
            bus.subscribe(ORDERS, order -> {
                throw new IllegalStateException("propagated");
            }, Delivery.sync().name("failing").propagateFailures());
            assertThatThrownBy(() -> bus.publish(ORDERS, "o-1")).isInstanceOf(DeliveryException.class);
        }

        List<Event> logged = failures("log-propagated");
        assertThat(logged).extracting(Event::level).containsExactly(Level.DEBUG);
        assertThat(logged.get(0).message()).contains("handled by the publisher (propagateFailures)");
        assertThat(logged.get(0).throwable()).hasMessage("propagated");
    }

    @Test
    void responderFailureThatTheRequesterReceivesIsLoggedAtDebug() {
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = MessageBus.builder().name("log-request").build()) {
            bus.respond(QUOTES, request -> {
                throw new IllegalStateException("no quote");
            }, Delivery.sync().name("failing"));
            bus.respondAsync(ORDERS, request -> CompletableFuture.failedFuture(new IllegalStateException("later")),
                    Delivery.async(executor).name("failing-later"));
            CompletableFuture<Integer> quote = bus.request(QUOTES, "q", Integer.class, Duration.ofSeconds(5));
            CompletableFuture<Integer> order = bus.request(ORDERS, "o", Integer.class, Duration.ofSeconds(5));
            executor.runAll();
            assertThatThrownBy(quote::get).isInstanceOf(ExecutionException.class);
            assertThatThrownBy(order::get).isInstanceOf(ExecutionException.class);
        }

        assertThat(failures("log-request")).extracting(Event::level).containsExactly(Level.DEBUG);
        assertThat(CapturedLogs.containing("Bus 'log-request': subscription 'failing-later' failed"))
                .extracting(Event::level).containsExactly(Level.DEBUG);
        assertThat(CapturedLogs.containing("Bus 'log-request'")).extracting(Event::level)
                .doesNotContain(Level.ERROR);
    }

    @Test
    void aSubscriptionToTheDeadLettersOfOtherTopicsOrSubscriptionsDoesNotCountAsHandling() {
        try (MessageBus bus = MessageBus.builder().name("log-typed").build()) {
            bus.subscribeDeadLetters(QUOTES, (message, letter) -> { }, Delivery.sync().name("quote-dlq"));
            bus.subscribeDeadLetters("another", letter -> { }, Delivery.sync().name("another-dlq"));
            bus.subscribeDeadLetters("failing", letter -> { }, Delivery.sync().name("failing-dlq"));
            bus.subscribe(ORDERS, order -> {
                throw new IllegalStateException("nobody's");
            }, Delivery.sync().name("unwatched"));
            bus.subscribe(QUOTES, quote -> {
                throw new IllegalStateException("the quote module's");
            }, Delivery.sync().name("failing"));
            bus.publish(ORDERS, "o-1");
            bus.publish(QUOTES, "q-1");
        }

        assertThat(CapturedLogs.containing("Bus 'log-typed': subscription 'unwatched' failed"))
                .extracting(Event::level).containsExactly(Level.ERROR);
        List<Event> watched = failures("log-typed");
        assertThat(watched).extracting(Event::level).containsExactly(Level.DEBUG);
        assertThat(watched.get(0).message()).contains("handled by DeadLetter subscription 'quote-dlq'");
    }

    @Test
    void responderFailureAfterTheRequesterStoppedWaitingIsAnError() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch requesterGaveUp = new CountDownLatch(1);
        CountDownLatch responderFailed = new CountDownLatch(1);
        CompletableFuture<Integer> stage = new CompletableFuture<>();
        try (MessageBus bus = MessageBus.builder().name("log-late-failure").build()) {
            bus.respond(QUOTES, request -> {
                try {
                    requesterGaveUp.await();
                    throw new IllegalStateException("too late to tell the requester");
                } finally {
                    responderFailed.countDown();
                }
            }, Delivery.async(pool).name("failing"));
            bus.respondAsync(ORDERS, request -> stage, Delivery.sync().name("failing-stage"));
            CompletableFuture<Integer> quote = bus.request(QUOTES, "q", Integer.class, Duration.ofMillis(50));
            CompletableFuture<Integer> order = bus.request(ORDERS, "o", Integer.class, Duration.ofMillis(50));
            assertThatThrownBy(quote::get).hasRootCauseInstanceOf(RequestException.class);
            assertThatThrownBy(order::get).hasRootCauseInstanceOf(RequestException.class);

            requesterGaveUp.countDown();
            stage.completeExceptionally(new IllegalStateException("a stage failing too late"));
            assertThat(responderFailed.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdown();
        }

        assertThat(failures("log-late-failure")).extracting(Event::level).containsExactly(Level.ERROR);
        assertThat(CapturedLogs.containing("Bus 'log-late-failure': subscription 'failing-stage' failed"))
                .extracting(Event::level).containsExactly(Level.ERROR);
    }

    @Test
    void aSynchronousResponderThatFailsPastTheDeadlineIsAnError() {
        try (MessageBus bus = MessageBus.builder().name("log-sync-late").build()) {
            bus.respond(QUOTES, request -> {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();   // deaf to the deadline's interrupt
                }
                throw new IllegalStateException("failed after the requester timed out");
            }, Delivery.sync().name("failing"));

            CompletableFuture<Integer> quote = bus.request(QUOTES, "q", Integer.class, Duration.ofMillis(20));

            assertThatThrownBy(quote::get).hasRootCauseInstanceOf(RequestException.class);
            Thread.interrupted();   // the deadline's interrupt, which the responder ignored
        }
        assertThat(failures("log-sync-late")).extracting(Event::level).containsExactly(Level.ERROR);
    }

    @Test
    void aGivenErrorHandlerReplacesTheLog() {
        try (MessageBus bus = MessageBus.builder().name("log-custom").onError(failure -> { }).build()) {
            bus.subscribe(ORDERS, order -> {
                throw new IllegalStateException("custom");
            }, Delivery.sync().name("failing"));
            bus.publish(ORDERS, "o-1");
        }

        assertThat(failures("log-custom")).isEmpty();
    }

    @Test
    void eachRoomLogsUnderItsOwnClassAndNothingUnderTheApiInterface() {
        Interceptor veto = new Interceptor() {
            @Override
            public <T> org.busline.Envelope<T> onPublish(org.busline.Envelope<T> envelope) {
                return null;
            }
        };
        try (MessageBus bus = MessageBus.builder().name("log-rooms").interceptor(veto).build()) {
            bus.subscribe(ORDERS, order -> { });
            bus.publish(ORDERS, "vetoed");
        }

        List<Event> logged = CapturedLogs.containing("Bus 'log-rooms'");
        assertThat(logged).extracting(Event::logger)
                .contains("org.busline.internal.Dispatcher", "org.busline.internal.DefaultMessageBus");
        assertThat(CapturedLogs.all()).extracting(Event::logger).doesNotContain(MessageBus.class.getName());
    }
}
