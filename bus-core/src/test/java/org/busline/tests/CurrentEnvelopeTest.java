package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code currentEnvelope()}: the envelope of the message the calling thread is handling, on every delivery path. */
class CurrentEnvelopeTest {
    record Order(String id) {
    }

    record Payment(String order) {
    }

    private static final Topic<Order> ORDERS = Topic.of("orders.placed", Order.class);
    private static final Topic<Payment> PAYMENTS = Topic.of("payments.taken", Payment.class);
    private static final Topic<String> QUOTES = Topic.of("quotes", String.class);

    private final Harness harness = new Harness();
    private final MessageBus bus = harness.bus;
    private final List<Envelope<?>> seen = new CopyOnWriteArrayList<>();
    private final List<Envelope<?>> payments = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        harness.close();
    }

    private Envelope<?> current() {
        Optional<Envelope<?>> current = bus.currentEnvelope();
        assertThat(current).as("inside a handler").isPresent();
        return current.get();
    }

    @Test
    void isEmptyOutsideAnyHandlerAndAfterOneReturned() {
        assertThat(bus.currentEnvelope()).isEmpty();
        bus.subscribe(ORDERS, order -> seen.add(current()));
        bus.publish(ORDERS, new Order("o-1"));
        assertThat(seen).hasSize(1);
        assertThat(bus.currentEnvelope()).isEmpty();
    }

    @Test
    void onTheAllocationFreePathTheLazyEnvelopeIsTheCausationOfWhatTheHandlerPublishes() {
        bus.subscribeEnvelopes(PAYMENTS, payments::add, Delivery.sync());
        bus.subscribe(ORDERS, order -> {
            Envelope<?> before = current();
            bus.publish(PAYMENTS, new Payment(order.id()));
            seen.add(before);
            seen.add(current());
        });
        bus.publish(ORDERS, new Order("o-1"));

        Envelope<?> handled = seen.get(0);
        assertThat(handled.payload()).isEqualTo(new Order("o-1"));
        assertThat(handled.topic()).isEqualTo(ORDERS);
        assertThat(handled.causationId()).as("published from outside any handler").isNull();
        assertThat(seen.get(1).id()).as("one envelope per message, made once").isEqualTo(handled.id());
        assertThat(payments).singleElement().satisfies(payment -> {
            assertThat(payment.causationId()).isEqualTo(handled.id());
            assertThat(payment.correlationId()).isEqualTo(handled.correlationId());
        });
    }

    @Test
    void aLazyEnvelopeMadeAfterTheHandlerPublishedIsTheOneItsChildInherited() {
        bus.subscribeEnvelopes(PAYMENTS, payments::add, Delivery.sync());
        bus.subscribe(ORDERS, order -> {
            bus.publish(PAYMENTS, new Payment(order.id()));
            seen.add(current());
        });
        bus.publish(ORDERS, new Order("o-2"));
        assertThat(payments.get(0).causationId()).isEqualTo(seen.get(0).id());
    }

    @Test
    void isThePublishedEnvelopeWithItsIdsAndHeadersForAPayloadHandler() {
        bus.subscribe(ORDERS, order -> seen.add(current()));
        Envelope<Order> published = Envelope.of(ORDERS, new Order("o-3")).withCorrelationId("checkout-7")
                .withHeader("tenant", "acme");
        bus.publish(published);
        assertThat(seen).singleElement().satisfies(envelope -> {
            assertThat(envelope.id()).isEqualTo(published.id());
            assertThat(envelope.correlationId()).isEqualTo("checkout-7");
            assertThat(envelope.header("tenant")).isEqualTo("acme");
        });
    }

    @Test
    void insideANestedSynchronousPublishEachHandlerSeesItsOwnMessage() {
        List<Envelope<?>> afterNested = new CopyOnWriteArrayList<>();
        bus.subscribe(ORDERS, order -> {
            Envelope<?> outer = current();
            bus.publish(PAYMENTS, new Payment(order.id()));
            assertThat(current().id()).as("the nested message waits until this handler returns")
                    .isEqualTo(outer.id());
            afterNested.add(outer);
        });
        bus.subscribe(ORDERS, order -> seen.add(current()));
        bus.subscribe(PAYMENTS, payment -> payments.add(current()));
        bus.publish(ORDERS, new Order("o-4"));

        Envelope<?> order = afterNested.get(0);
        assertThat(seen).singleElement().satisfies(second -> assertThat(second.id()).isEqualTo(order.id()));
        assertThat(payments).singleElement().satisfies(payment -> {
            assertThat(payment.payload()).isEqualTo(new Payment("o-4"));
            assertThat(payment.causationId()).isEqualTo(order.id());
            assertThat(payment.correlationId()).isEqualTo(order.correlationId());
        });
    }

    @Test
    void insideAnAsynchronousMailboxDrainItIsTheMessageBeingDrained() {
        bus.subscribe(ORDERS, order -> seen.add(current()), Delivery.async());
        bus.subscribeEnvelopes(PAYMENTS, payments::add, Delivery.sync());
        bus.subscribe(ORDERS, order -> bus.publish(PAYMENTS, new Payment(order.id())), Delivery.async());
        Envelope<Order> first = Envelope.of(ORDERS, new Order("o-5"));
        Envelope<Order> second = Envelope.of(ORDERS, new Order("o-6"));
        bus.publish(first);
        bus.publish(second);
        assertThat(seen).as("nothing drained yet").isEmpty();
        harness.runAll();

        assertThat(seen).extracting(Envelope::id).containsExactly(first.id(), second.id());
        assertThat(payments).extracting(Envelope::causationId).containsExactlyInAnyOrder(first.id(), second.id());
        assertThat(bus.currentEnvelope()).isEmpty();
    }

    @Test
    void onARetryItIsTheSameMessageWithItsAttemptHeader() {
        bus.subscribe(ORDERS, order -> {
            seen.add(current());
            if (seen.size() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
        }, Delivery.async().retry(RetryPolicy.of(2).backoff(Duration.ofMillis(10), Duration.ofMillis(10))));
        Envelope<Order> published = Envelope.of(ORDERS, new Order("o-8"));
        bus.publish(published);
        harness.runAll();
        harness.advanceAndRun(Duration.ofMillis(10));

        assertThat(seen).extracting(Envelope::id).containsExactly(published.id(), published.id());
        assertThat(seen).extracting(envelope -> envelope.header(RetryPolicy.ATTEMPT_HEADER)).containsExactly("1", "2");
    }

    @Test
    void insideAResponderOfRequestItIsTheRequestsEnvelope() {
        bus.subscribeEnvelopes(PAYMENTS, payments::add, Delivery.sync());
        bus.respond(QUOTES, quote -> {
            seen.add(current());
            bus.publish(PAYMENTS, new Payment(quote));
            return quote.length();
        }, Delivery.sync().name("sync"));
        Envelope<String> request = Envelope.of(QUOTES, "pen").withCorrelationId("cart-1");
        assertThat(bus.requestEnvelope(request, Integer.class, Duration.ofSeconds(1)).join().payload()).isEqualTo(3);

        assertThat(seen).singleElement().satisfies(envelope -> {
            assertThat(envelope.id()).isEqualTo(request.id());
            assertThat(envelope.correlationId()).isEqualTo("cart-1");
        });
        assertThat(payments.get(0).causationId()).isEqualTo(request.id());
    }

    @Test
    void insideAnAsynchronousResponderItIsTheRequestsEnvelopeButNotWhereItsStageCompletes() {
        CompletableFuture<Integer> later = new CompletableFuture<>();
        bus.respondAsync(QUOTES, quote -> {
            seen.add(current());
            return later;
        }, Delivery.async().name("async"));
        Envelope<String> request = Envelope.of(QUOTES, "ink");
        CompletableFuture<Envelope<Integer>> reply = bus.requestEnvelope(request, Integer.class,
                Duration.ofSeconds(1));
        harness.runAll();
        assertThat(seen).extracting(Envelope::id).containsExactly(request.id());

        List<Optional<Envelope<?>>> whereCompleted = new CopyOnWriteArrayList<>();
        later.whenComplete((value, failure) -> whereCompleted.add(bus.currentEnvelope()));
        later.complete(2);
        assertThat(reply.join().causationId()).isEqualTo(request.id());
        assertThat(whereCompleted).containsExactly(Optional.empty());
    }

    @Test
    void insideTheRespondersOfRequestAllEachSeesItsOwnRequestUnderOneCorrelationId() {
        bus.respond(QUOTES, quote -> {
            seen.add(current());
            return 1;
        }, Delivery.sync().name("a"));
        bus.respond(QUOTES, quote -> {
            seen.add(current());
            return 2;
        }, Delivery.async().name("b"));
        bus.subscribe(ORDERS, order -> {
            payments.add(current());
            bus.requestAll(QUOTES, order.id(), Integer.class, Duration.ofSeconds(1));
        });
        bus.publish(Envelope.of(ORDERS, new Order("o-7")).withCorrelationId("checkout-9"));
        harness.runAll();

        Envelope<?> order = payments.get(0);
        assertThat(seen).hasSize(2);
        assertThat(seen).extracting(Envelope::id).doesNotHaveDuplicates();
        assertThat(seen).allSatisfy(request -> {
            assertThat(request.correlationId()).isEqualTo("checkout-9");
            assertThat(request.causationId()).isEqualTo(order.id());
            assertThat(request.payload()).isEqualTo("o-7");
        });
    }
}
