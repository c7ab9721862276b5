package org.busline.micrometer.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.observation.transport.SenderContext;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.RequestException;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.busline.micrometer.BusObservability;
import org.busline.micrometer.BusProcessContext;
import org.busline.micrometer.BusSendContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ObservationTest {
    private static final Topic<String> ORDERS = Topic.of("orders.placed", String.class);
    private static final Topic<String> QUOTES = Topic.of("quotes.asked", String.class);

    private final TestObservationRegistry registry = TestObservationRegistry.create();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
    private MessageBus bus;

    @BeforeEach
    void setUp() {
        // A stand-in for a tracing handler: writes a header into each send's carrier, as W3C propagation does.
        registry.observationConfig().observationHandler(new ObservationHandler<SenderContext<?>>() {
            @Override
            @SuppressWarnings("unchecked")
            public void onStart(SenderContext<?> context) {
                ((SenderContext<Object>) context).getSetter().set(context.getCarrier(), "traceparent",
                        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof SenderContext;
            }
        });
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        bus = BusObservability.builder().observationRegistry(registry).build()
                .build(MessageBus.builder().name("shop").executor(pool));
    }

    @AfterEach
    void tearDown() {
        bus.close();
        pool.shutdownNow();
    }

    @Test
    void publishIsObservedAsSendAndEachDeliveryAsProcessWithTheMessagingKeys() {
        List<Envelope<? super String>> seen = new CopyOnWriteArrayList<>();
        bus.subscribeEnvelopes(ORDERS, seen::add, Delivery.sync().name("billing"));

        bus.publish(ORDERS, "o-1");

        Envelope<? super String> delivered = seen.get(0);
        TestObservationRegistryAssert.assertThat(registry)
                .hasNumberOfObservationsWithNameEqualTo("busline.send", 1)
                .hasNumberOfObservationsWithNameEqualTo("busline.process", 1)
                .hasObservationWithNameEqualTo("busline.send").that()
                .hasContextualNameEqualTo("send orders.placed")
                .hasLowCardinalityKeyValue("messaging.system", "busline")
                .hasLowCardinalityKeyValue("messaging.operation.type", "send")
                .hasLowCardinalityKeyValue("messaging.operation.name", "publish")
                .hasLowCardinalityKeyValue("messaging.destination.name", "orders.placed")
                .hasLowCardinalityKeyValue("busline.bus", "shop")
                .doesNotHaveLowCardinalityKeyValueWithKey("error.type")
                .hasHighCardinalityKeyValue("messaging.message.id", delivered.id())
                .hasHighCardinalityKeyValue("messaging.message.conversation_id", delivered.correlationId())
                .doesNotHaveError();
        TestObservationRegistryAssert.assertThat(registry)
                .hasObservationWithNameEqualTo("busline.process").that()
                .hasContextualNameEqualTo("process orders.placed")
                .hasLowCardinalityKeyValue("messaging.system", "busline")
                .hasLowCardinalityKeyValue("messaging.operation.type", "process")
                .hasLowCardinalityKeyValue("messaging.operation.name", "process")
                .hasLowCardinalityKeyValue("messaging.destination.name", "orders.placed")
                .hasLowCardinalityKeyValue("messaging.consumer.group.name", "billing")
                .hasHighCardinalityKeyValue("messaging.message.id", delivered.id())
                .hasHighCardinalityKeyValue("messaging.message.conversation_id", delivered.correlationId())
                .hasHighCardinalityKeyValue("busline.delivery.attempt", "1")
                .doesNotHaveError();
    }

    @Test
    void theSendObservationWritesItsTraceHeadersIntoTheEnvelopeTheHandlerReceives() {
        List<Envelope<? super String>> seen = new CopyOnWriteArrayList<>();
        bus.subscribeEnvelopes(ORDERS, seen::add, Delivery.sync().name("billing"));

        bus.publish(Envelope.of(ORDERS, "o-1").withHeader("tenant", "acme"));

        assertThat(seen.get(0).headers()).containsEntry("tenant", "acme")
                .containsEntry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    @Test
    void aSynchronousDeliveryRunsInsideItsSendObservation() {
        List<Observation> parents = new CopyOnWriteArrayList<>();
        bus.subscribe(ORDERS, order -> parents.add(registry.getCurrentObservation()),
                Delivery.sync().name("billing"));

        bus.publish(ORDERS, "o-1");

        // The handler sees its own process observation, whose parent is the send observation of the publish.
        Observation process = parents.get(0);
        assertThat(process.getContext()).isInstanceOf(BusProcessContext.class);
        assertThat(process.getContextView().getParentObservation().getContextView())
                .isInstanceOf(BusSendContext.class);
        assertThat(registry.getCurrentObservation()).isNull();
    }

    @Test
    void anAsynchronousDeliveryOnAnotherThreadHasItsSendObservationAsParent() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        List<Observation> current = new CopyOnWriteArrayList<>();
        bus.subscribe(ORDERS, order -> {
            current.add(registry.getCurrentObservation());
            done.countDown();
        }, Delivery.async().name("shipping"));

        bus.publish(ORDERS, "o-1");

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        Observation process = current.get(0);
        assertThat(process.getContext()).isInstanceOf(BusProcessContext.class);
        assertThat(process.getContextView().getParentObservation().getContextView())
                .isInstanceOf(BusSendContext.class);
    }

    @Test
    void sendAndRequestAreNamedByTheirOperation() throws Exception {
        bus.subscribe(ORDERS, order -> { }, Delivery.sync().name("billing"));
        bus.respond(QUOTES, question -> "42", Delivery.sync().name("oracle"));

        bus.send(ORDERS, "o-2");
        assertThat(bus.request(QUOTES, "what?", String.class, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS))
                .isEqualTo("42");

        TestObservationRegistryAssert.assertThat(registry)
                .hasAnObservation(observation -> observation.hasNameEqualTo("busline.send")
                        .hasContextualNameEqualTo("send orders.placed")
                        .hasLowCardinalityKeyValue("messaging.operation.name", "send"))
                .hasAnObservation(observation -> observation.hasNameEqualTo("busline.send")
                        .hasContextualNameEqualTo("send quotes.asked")
                        .hasLowCardinalityKeyValue("messaging.operation.name", "request")
                        .doesNotHaveError())
                .hasAnObservation(observation -> observation.hasNameEqualTo("busline.process")
                        .hasContextualNameEqualTo("process quotes.asked")
                        .hasLowCardinalityKeyValue("messaging.consumer.group.name", "oracle"));
    }

    @Test
    void aFailedRequestEndsItsSendObservationWithTheReasonAsErrorType() {
        bus.respondAsync(QUOTES, question -> new java.util.concurrent.CompletableFuture<String>(),
                Delivery.async().name("slow oracle"));

        assertThatThrownBy(() -> bus.request(QUOTES, "what?", String.class, Duration.ofMillis(50))
                .get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(RequestException.class);

        awaitObservations("busline.send", 1);
        TestObservationRegistryAssert.assertThat(registry)
                .hasObservationWithNameEqualTo("busline.send").that()
                .hasLowCardinalityKeyValue("messaging.operation.name", "request")
                .hasLowCardinalityKeyValue("error.type", "TIMEOUT")
                .hasError();
    }

    @Test
    void aFailingHandlerEndsItsProcessObservationWithTheErrorType() {
        bus.subscribe(ORDERS, order -> {
            throw new IllegalStateException("no stock");
        }, Delivery.sync().name("stock"));

        bus.publish(ORDERS, "o-3");

        TestObservationRegistryAssert.assertThat(registry)
                .hasObservationWithNameEqualTo("busline.process").that()
                .hasLowCardinalityKeyValue("error.type", IllegalStateException.class.getName())
                .hasError();
    }

    @Test
    void eachAttemptOfARetriedAsynchronousDeliveryIsItsOwnProcessObservation() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        bus.subscribe(ORDERS, order -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("flaky " + calls.get());
            }
            done.countDown();
        }, Delivery.async().name("flaky").retry(RetryPolicy.of(3).backoff(Duration.ofMillis(1), Duration.ofMillis(2))));

        bus.publish(ORDERS, "o-4");

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        awaitObservations("busline.process", 3);
        assertThat(processAttempts()).containsExactlyInAnyOrder("1", "2", "3");
        TestObservationRegistryAssert.assertThat(registry)
                .hasAnObservation(o -> o.hasNameEqualTo("busline.process")
                        .hasHighCardinalityKeyValue("busline.delivery.attempt", "1").hasError())
                .hasAnObservation(o -> o.hasNameEqualTo("busline.process")
                        .hasHighCardinalityKeyValue("busline.delivery.attempt", "3").doesNotHaveError());
    }

    @Test
    void theTraceHeadersReachAnAsynchronousHandlerOnAnotherThread() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        List<String> traceparents = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        bus.subscribeEnvelopes(ORDERS, envelope -> {
            traceparents.add(envelope.header("traceparent"));
            threads.add(Thread.currentThread().getName());
            done.countDown();
        }, Delivery.async().name("shipping"));

        bus.publish(ORDERS, "o-5");

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(threads.get(0)).isNotEqualTo(Thread.currentThread().getName());
        assertThat(traceparents).containsExactly("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        awaitObservations("busline.process", 1);
        TestObservationRegistryAssert.assertThat(registry).hasObservationWithNameEqualTo("busline.process").that()
                .hasLowCardinalityKeyValue("messaging.consumer.group.name", "shipping");
    }

    @Test
    void aBusWithoutRegistriesIsReturnedAsBuiltAndRecordsNothing() {
        try (MessageBus plain = BusObservability.builder().build().build(MessageBus.builder().name("plain"))) {
            plain.subscribe(ORDERS, order -> { });
            plain.publish(ORDERS, "o-6");
            assertThat(plain.getClass().getName()).doesNotContain("Observed");
        }
        TestObservationRegistryAssert.assertThat(registry).doesNotHaveAnyObservation();
    }

    private List<String> processAttempts() {
        List<String> attempts = new CopyOnWriteArrayList<>();
        TestObservationRegistryAssert.assertThat(registry).hasHandledContextsThatSatisfy(contexts -> attempts.addAll(
                contexts.stream().filter(c -> c instanceof BusProcessContext)
                        .map(c -> c.getHighCardinalityKeyValue("busline.delivery.attempt"))
                        .map(KeyValue::getValue).collect(Collectors.toList())));
        return attempts;
    }

    /** Process observations of asynchronous handlers stop on the worker, just after the handler returns. */
    private void awaitObservations(String name, int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline
                && stopped.stream().filter(c -> name.equals(c.getName())).count() < count) {
            Thread.onSpinWait();
        }
        TestObservationRegistryAssert.assertThat(registry).hasNumberOfObservationsWithNameEqualTo(name, count);
    }
}
