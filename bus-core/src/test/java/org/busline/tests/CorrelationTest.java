package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.EnvelopeHandler;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.spi.Interceptor;
import org.busline.tests.Events.OrderPlaced;
import org.busline.tests.Events.PaymentFailed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A message published from a handler carries the handled message's correlation id, and its id as causation. */
class CorrelationTest {
    private static final Topic<OrderPlaced> ORDERS = Topic.of("orders.placed", OrderPlaced.class);
    private static final Topic<PaymentFailed> PAYMENTS = Topic.of("payments.failed", PaymentFailed.class);
    private static final Topic<String> NOTES = Topic.of("notes", String.class);

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final MessageBus bus = MessageBus.builder().build();
    private final List<Envelope<?>> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        bus.close();
        executor.shutdown();
    }

    @Test
    void propagatesAcrossSynchronousHandlersThatTakeOnlyPayloads() {
        bus.subscribe(ORDERS, order -> bus.publish(PAYMENTS, new PaymentFailed(order.orderId())));
        bus.subscribe(PAYMENTS, payment -> bus.publish(NOTES, "failed " + payment.orderId()));
        bus.subscribeEnvelopes(ORDERS, seen::add, Delivery.sync());
        bus.subscribeEnvelopes(PAYMENTS, seen::add, Delivery.sync());
        bus.subscribeEnvelopes(NOTES, seen::add, Delivery.sync());

        bus.publish(Envelope.of(ORDERS, new OrderPlaced("o-1")).withCorrelationId("checkout-42"));

        assertChain("checkout-42");
    }

    @Test
    void propagatesAcrossAsynchronousHops() throws Exception {
        CountDownLatch allSeen = new CountDownLatch(3);
        bus.subscribe(ORDERS, order -> bus.publish(PAYMENTS, new PaymentFailed(order.orderId())),
                Delivery.async(executor));
        bus.subscribe(PAYMENTS, payment -> bus.publish(NOTES, "failed " + payment.orderId()),
                Delivery.async(executor));
        EnvelopeHandler<Object> witness = envelope -> {
            seen.add(envelope);
            allSeen.countDown();
        };
        bus.subscribePattern(ORDERS.name(), witness, Delivery.sync());
        bus.subscribePattern(PAYMENTS.name(), witness, Delivery.async(executor));
        bus.subscribePattern(NOTES.name(), witness, Delivery.async(executor));

        bus.publish(ORDERS, new OrderPlaced("o-1"));

        assertThat(allSeen.await(5, TimeUnit.SECONDS)).isTrue();
        assertChain(null);
    }

    @Test
    void aMessagePublishedOutsideAnyHandlerIsItsOwnCorrelation() {
        bus.subscribeEnvelopes(ORDERS, seen::add, Delivery.sync());

        bus.publish(ORDERS, new OrderPlaced("o-1"));
        bus.publish(ORDERS, new OrderPlaced("o-2"));

        assertThat(seen).hasSize(2).allSatisfy(envelope -> {
            assertThat(envelope.correlationId()).isEqualTo(envelope.id());
            assertThat(envelope.causationId()).isNull();
        });
        assertThat(seen.get(0).correlationId()).isNotEqualTo(seen.get(1).correlationId());
    }

    @Test
    void aMessageStampedForALaterPublishCarriesTheHandlersCorrelationAndWhatInterceptorsStoreWithIt() {
        Interceptor tracing = new Interceptor() {
            @Override
            public <T> Envelope<T> onStore(Envelope<T> envelope) {
                return envelope.withHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            }
        };
        List<Envelope<?>> stored = new CopyOnWriteArrayList<>();
        List<Envelope<?>> delivered = new CopyOnWriteArrayList<>();
        try (MessageBus stamping = MessageBus.builder().interceptor(tracing).build()) {
            stamping.subscribeEnvelopes(ORDERS, order -> stored.add(stamping.stamp(Envelope.of(PAYMENTS,
                    new PaymentFailed(order.payload().orderId())))), Delivery.sync());
            stamping.subscribeEnvelopes(PAYMENTS, delivered::add, Delivery.sync());
            Envelope<OrderPlaced> order = Envelope.of(ORDERS, new OrderPlaced("o-1")).withCorrelationId("flow-1");

            stamping.publish(order);
            assertThat(delivered).as("stamping publishes nothing").isEmpty();
            Envelope<?> payment = stored.get(0);
            assertThat(payment.correlationId()).isEqualTo("flow-1");
            assertThat(payment.causationId()).isEqualTo(order.id());
            assertThat(payment.timestamp()).isNotNull();
            assertThat(payment.header("traceparent")).startsWith("00-0af7");

            Envelope<?> outside = stamping.stamp(Envelope.of(NOTES, "n"));
            assertThat(outside.correlationId()).isEqualTo(outside.id());
            assertThat(outside.causationId()).isNull();
        }
        assertThatThrownBy(() -> bus.stamp(null)).isInstanceOf(NullPointerException.class).hasMessage("envelope");
    }

    @Test
    void aRestoredEnvelopeWithANullHeaderFailsNamingTheHeaderAndTopic() {
        Map<String, String> nullValue = new java.util.HashMap<>();
        nullValue.put("tenant", null);
        Map<String, String> nullName = new java.util.HashMap<>();
        nullName.put(null, "t-1");

        assertThatThrownBy(() -> Envelope.restore("id-1", ORDERS, new OrderPlaced("o-1"), null, null, null,
                nullValue)).isInstanceOf(NullPointerException.class)
                .hasMessage("header 'tenant' of a message on topic '" + ORDERS.name() + "' has a null value");
        assertThatThrownBy(() -> Envelope.restore("id-1", ORDERS, new OrderPlaced("o-1"), null, null, null,
                nullName)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("has a null name (value 't-1')");
    }

    @Test
    void aRestoredEnvelopeKeepsEveryAttributeOutsideAHandlerAndTakesThePartsItLacksInsideOne() {
        Instant then = Instant.parse("2026-12-01T10:15:30.123Z");
        Envelope<OrderPlaced> complete = Envelope.restore("id-1", ORDERS, new OrderPlaced("o-1"), then, "flow-1",
                "cause-1", Map.of("tenant", "t-1"));
        Envelope<PaymentFailed> bare = Envelope.restore("id-2", PAYMENTS, new PaymentFailed("o-1"), then, null,
                null, Map.of());
        bus.subscribeEnvelopes(ORDERS, order -> bus.publish(bare), Delivery.sync());
        bus.subscribeEnvelopes(ORDERS, seen::add, Delivery.sync());
        bus.subscribeEnvelopes(PAYMENTS, seen::add, Delivery.sync());

        bus.publish(complete);

        assertThat(seen).hasSize(2);
        Envelope<?> order = seen.get(0);
        assertThat(order.id()).isEqualTo("id-1");
        assertThat(order.timestamp()).isEqualTo(then);
        assertThat(order.correlationId()).isEqualTo("flow-1");
        assertThat(order.causationId()).isEqualTo("cause-1");
        assertThat(order.headers()).containsExactly(Map.entry("tenant", "t-1"));
        Envelope<?> payment = seen.get(1);
        assertThat(payment.id()).isEqualTo("id-2");
        assertThat(payment.timestamp()).isEqualTo(then);
        assertThat(payment.correlationId()).isEqualTo("flow-1");
        assertThat(payment.causationId()).isEqualTo("id-1");
    }

    /** @param correlationId the expected correlation id, or null for the order's own id */
    private void assertChain(String correlationId) {
        assertThat(seen).hasSize(3);
        Envelope<?> order = seen.stream().filter(e -> e.topic().equals(ORDERS)).findFirst().orElseThrow();
        Envelope<?> payment = seen.stream().filter(e -> e.topic().equals(PAYMENTS)).findFirst().orElseThrow();
        Envelope<?> note = seen.stream().filter(e -> e.topic().equals(NOTES)).findFirst().orElseThrow();
        assertThat(order.correlationId()).isEqualTo(correlationId != null ? correlationId : order.id());
        assertThat(payment.correlationId()).isEqualTo(order.correlationId());
        assertThat(note.correlationId()).isEqualTo(order.correlationId());
        assertThat(payment.causationId()).isEqualTo(order.id());
        assertThat(note.causationId()).isEqualTo(payment.id());
        assertThat(note.payload()).isEqualTo("failed o-1");
    }
}
