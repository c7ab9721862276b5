package org.busline.micrometer.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.busline.CircuitBreakerPolicy;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.OverflowPolicy;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.busline.micrometer.BusObservability;
import org.busline.micrometer.OutboxStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final Topic<String> ORDERS = Topic.of("orders.placed", String.class);
    private static final Topic<String> QUOTES = Topic.of("quotes.asked", String.class);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private BusObservability observability;
    private MessageBus bus;

    @BeforeEach
    void setUp() {
        observability = BusObservability.builder().meterRegistry(meters).build();
        bus = observability.build(MessageBus.builder().name("shop").executor(pool));
    }

    @AfterEach
    void tearDown() {
        bus.close();
        pool.shutdownNow();
    }

    @Test
    void countsPublishedAndDeliveredMessagesPerTopicAndSubscription() {
        bus.subscribe(ORDERS, order -> { }, Delivery.sync().name("billing"));
        bus.subscribe(ORDERS, order -> { }, Delivery.sync().name("audit"));

        for (int i = 0; i < 5; i++) {
            bus.publish(ORDERS, "o-" + i);
        }
        bus.send(ORDERS, "o-5");

        assertThat(counter("busline.messages.published", "topic", "orders.placed")).isEqualTo(6);
        assertThat(counter("busline.messages.delivered", "subscription", "billing")
                + counter("busline.messages.delivered", "subscription", "audit")).isEqualTo(11);
        Timer handler = meters.get("busline.handler.duration").tags("bus", "shop", "topic", "orders.placed",
                "subscription", "billing", "outcome", "SUCCESS").timer();
        assertThat(handler.count()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void countsEachFailedAttemptEachRetryAndTheDeadLetterAtTheEnd() throws Exception {
        CountDownLatch gaveUp = new CountDownLatch(1);
        bus.subscribe(DeadLetter.class, letter -> gaveUp.countDown(), Delivery.sync().name("parking"));
        bus.subscribe(ORDERS, order -> {
            throw new IllegalStateException("no stock");
        }, Delivery.async().name("stock").retry(RetryPolicy.of(3).backoff(Duration.ofMillis(1), Duration.ofMillis(2))));

        bus.publish(ORDERS, "o-1");

        assertThat(gaveUp.await(5, TimeUnit.SECONDS)).isTrue();
        await(() -> counter("busline.messages.dead.lettered", "reason", "FAILED") == 1);
        assertThat(meters.get("busline.messages.failed").tags("subscription", "stock", "error.type",
                IllegalStateException.class.getName()).counter().count()).isEqualTo(3);
        assertThat(counter("busline.messages.retried", "subscription", "stock")).isEqualTo(2);
        assertThat(meters.get("busline.handler.duration").tags("subscription", "stock", "outcome", "FAILURE")
                .timer().count()).isEqualTo(3);
        assertThat(meters.find("busline.messages.delivered").tags("subscription", "stock").counter().count())
                .isZero();
        // The module's own subscriptions are neither observed nor shown.
        assertThat(meters.find("busline.messages.delivered").tags("subscription", "parking").counter()).isNotNull();
        assertThat(bus.subscriptions()).extracting(info -> info.name()).containsExactly("parking", "stock");
    }

    @Test
    void countsDroppedMessagesByReasonAndShowsTheMailboxInGauges() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        bus.subscribe(ORDERS, order -> {
            started.countDown();
            release.await();
        }, Delivery.async().name("slow").capacity(2).overflow(OverflowPolicy.DROP_NEWEST));

        bus.publish(ORDERS, "o-0");
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 4; i++) {
            bus.publish(ORDERS, "o-" + i);
        }

        gauge("busline.subscriptions", "bus", "shop");
        assertThat(gauge("busline.mailbox.queued", "subscription", "slow")).isEqualTo(2);
        assertThat(gauge("busline.mailbox.capacity", "subscription", "slow")).isEqualTo(2);
        assertThat(gauge("busline.mailbox.workers", "subscription", "slow")).isEqualTo(1);
        assertThat(meters.get("busline.messages.dropped").tags("subscription", "slow", "reason", "MAILBOX_FULL")
                .counter().count()).isEqualTo(2);
        assertThat(meters.get("busline.messages.dead.lettered").tags("subscription", "slow", "reason",
                "MAILBOX_FULL").counter().count()).isEqualTo(2);
        release.countDown();
        await(() -> counter("busline.messages.delivered", "subscription", "slow") == 3);
    }

    @Test
    void countsMessagesThatReachedNobody() {
        bus.publish(ORDERS, "nobody listens");
        bus.publish(ORDERS, "still nobody");

        assertThat(counter("busline.messages.dead", "topic", "orders.placed")).isEqualTo(2);
    }

    @Test
    void showsTheCircuitBreakerStateAndCountsItsTransitions() {
        bus.subscribe(ORDERS, order -> {
            throw new IllegalStateException("down");
        }, Delivery.sync().name("fragile").circuitBreaker(CircuitBreakerPolicy.ofFailureCount(2,
                Duration.ofMinutes(1))));
        gauge("busline.subscriptions", "bus", "shop");
        assertThat(gauge("busline.circuit.breaker.state", "subscription", "fragile", "state", "closed")).isEqualTo(1);

        for (int i = 0; i < 3; i++) {
            bus.publish(ORDERS, "o-" + i);
        }

        gauge("busline.subscriptions", "bus", "shop");
        assertThat(gauge("busline.circuit.breaker.state", "subscription", "fragile", "state", "open")).isEqualTo(1);
        assertThat(gauge("busline.circuit.breaker.state", "subscription", "fragile", "state", "closed")).isZero();
        assertThat(meters.get("busline.circuit.breaker.transitions").tags("subscription", "fragile", "from",
                "CLOSED", "to", "OPEN").counter().count()).isEqualTo(1);
        assertThat(meters.get("busline.messages.dead.lettered").tags("subscription", "fragile", "reason",
                "CIRCUIT_OPEN").counter().count()).isEqualTo(1);
    }

    @Test
    void tracksRequestsInFlightAndTheirOutcomes() throws Exception {
        CompletableFuture<String> later = new CompletableFuture<>();
        bus.respondAsync(QUOTES, question -> question.equals("fast") ? CompletableFuture.completedFuture("42")
                        : question.equals("slow") ? later : new CompletableFuture<>(),
                Delivery.sync().name("oracle"));

        assertThat(bus.request(QUOTES, "fast", String.class, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS))
                .isEqualTo("42");
        CompletableFuture<String> waiting = bus.request(QUOTES, "slow", String.class, Duration.ofSeconds(5));
        assertThat(gauge("busline.requests.active", "topic", "quotes.asked")).isEqualTo(1);
        assertThatThrownBy(() -> bus.request(QUOTES, "late", String.class, Duration.ofMillis(20))
                .get(5, TimeUnit.SECONDS)).hasMessageContaining("got no reply");
        later.complete("43");
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo("43");

        await(() -> gauge("busline.requests.active", "topic", "quotes.asked") == 0);
        assertThat(meters.get("busline.requests").tags("topic", "quotes.asked", "outcome", "SUCCESS").timer()
                .count()).isEqualTo(2);
        assertThat(meters.get("busline.requests").tags("topic", "quotes.asked", "outcome", "TIMEOUT").timer()
                .count()).isEqualTo(1);
    }

    @Test
    void reportsOutboxNumbersFromAPlainSupplier() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<OutboxStats> stats = new AtomicReference<>(new OutboxStats(7, 2, 1, Duration.ofSeconds(90)));
        AutoCloseable binding = observability.bindOutboxStats("orders", () -> {
            calls.incrementAndGet();
            return stats.get();
        });

        assertThat(meters.get("busline.outbox.pending").tag("outbox", "orders").gauge().value()).isEqualTo(7);
        assertThat(meters.get("busline.outbox.in.flight").tag("outbox", "orders").gauge().value()).isEqualTo(2);
        assertThat(meters.get("busline.outbox.dead").tag("outbox", "orders").gauge().value()).isEqualTo(1);
        assertThat(meters.get("busline.outbox.oldest.age").tag("outbox", "orders").timeGauge()
                .value(TimeUnit.SECONDS)).isEqualTo(90);
        assertThat(calls).as("one call of the supplier serves the four gauges").hasValue(1);

        assertThatThrownBy(() -> observability.bindOutboxStats("orders", stats::get))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'orders' are bound already");

        binding.close();
        binding.close();
        assertThat(meters.find("busline.outbox.pending").gauge()).isNull();
        AutoCloseable again = observability.bindOutboxStats("orders", () -> new OutboxStats(99, 0, 0,
                Duration.ZERO));
        assertThat(meters.get("busline.outbox.pending").tag("outbox", "orders").gauge().value()).isEqualTo(99);
        again.close();
    }

    @Test
    void closingTheBusRemovesItsGauges() {
        bus.subscribe(ORDERS, order -> { }, Delivery.async().name("shipping"));
        gauge("busline.subscriptions", "bus", "shop");
        assertThat(meters.find("busline.mailbox.queued").tags("subscription", "shipping").gauge()).isNotNull();

        bus.close();

        assertThat(meters.find("busline.mailbox.queued").gauge()).isNull();
        assertThat(meters.find("busline.subscriptions").gauge()).isNull();
    }

    private double counter(String name, String... tags) {
        Counter counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : meters.find(name).tags(tags).counters().stream().mapToDouble(Counter::count)
                .sum();
    }

    private double gauge(String name, String... tags) {
        Gauge gauge = meters.get(name).tags(tags).gauge();
        return gauge.value();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(condition.getAsBoolean()).as("condition within 5 s").isTrue();
    }
}
