package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.TypeRef;
import org.busline.tests.Events.OrderPlaced;
import org.busline.tests.Events.PaymentFailed;
import org.busline.tests.Events.Wrapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Type tokens, named topics and wildcard patterns. */
class RoutingTest {
    private final MessageBus bus = MessageBus.builder().build();

    @AfterEach
    void tearDown() {
        bus.close();
    }

    @Test
    void aTypeTokenSubscriberReceivesOnlyItsParameterization() {
        Topic<Wrapper<OrderPlaced>> orders = Topic.of(new TypeRef<Wrapper<OrderPlaced>>() { });
        Topic<Wrapper<PaymentFailed>> payments = Topic.of(new TypeRef<Wrapper<PaymentFailed>>() { });
        List<OrderPlaced> received = new ArrayList<>();
        List<Object> raw = new ArrayList<>();
        bus.subscribe(orders, wrapper -> received.add(wrapper.content()));
        bus.subscribe(Wrapper.class, raw::add);

        bus.publish(orders, new Wrapper<>(new OrderPlaced("o-1")));
        bus.publish(payments, new Wrapper<>(new PaymentFailed("o-2")));

        assertThat(received).containsExactly(new OrderPlaced("o-1"));
        assertThat(raw).as("a raw subscriber receives every parameterization").hasSize(2);
    }

    @Test
    void typeTokensOfEqualTypesAreEqualAndNameTheType() {
        TypeRef<Wrapper<OrderPlaced>> one = new TypeRef<>() { };
        TypeRef<Wrapper<OrderPlaced>> two = new TypeRef<>() { };

        assertThat(one).isEqualTo(two).hasSameHashCodeAs(two);
        assertThat(one.rawType()).isEqualTo(Wrapper.class);
        assertThat(Topic.of(one).name()).isEqualTo(Wrapper.class.getName() + "<" + OrderPlaced.class.getName() + ">");
    }

    @Test
    void wildcardPatternsMatchOneTokenOrTheRest() {
        List<String> oneLevel = new ArrayList<>();
        List<String> allLevels = new ArrayList<>();
        bus.subscribePattern("orders.*", envelope -> oneLevel.add(envelope.topic().name()), Delivery.sync());
        bus.subscribePattern("orders.>", envelope -> allLevels.add(envelope.topic().name()), Delivery.sync());

        bus.publish(Topic.of("orders.placed", OrderPlaced.class), new OrderPlaced("1"));
        bus.publish(Topic.of("orders.placed.eu", OrderPlaced.class), new OrderPlaced("2"));
        bus.publish(Topic.of("orders", OrderPlaced.class), new OrderPlaced("3"));
        bus.publish(Topic.of("payments.failed", PaymentFailed.class), new PaymentFailed("4"));

        assertThat(oneLevel).containsExactly("orders.placed");
        assertThat(allLevels).containsExactly("orders.placed", "orders.placed.eu");
    }

    @Test
    void aPatternAlsoMatchesTypeTopicsByTheirNames() {
        List<Object> received = new ArrayList<>();
        bus.subscribePattern(OrderPlaced.class.getPackageName() + ".>", envelope -> received.add(
                envelope.payload()), Delivery.sync());

        bus.publish(new OrderPlaced("1"));
        bus.publish("elsewhere");

        assertThat(received).containsExactly(new OrderPlaced("1"));
    }

    @Test
    void rejectsMalformedPatternsAndTopicNames() {
        assertThatThrownBy(() -> bus.subscribePattern("orders..x", e -> { }, Delivery.sync()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("orders..x");
        assertThatThrownBy(() -> bus.subscribePattern("orders.>.x", e -> { }, Delivery.sync()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'>' may only be the last");
        assertThatThrownBy(() -> bus.subscribePattern("ord*rs", e -> { }, Delivery.sync()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole tokens");
        assertThatThrownBy(() -> Topic.of("orders.*", OrderPlaced.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'orders.*'");
        assertThatThrownBy(() -> Topic.of("", OrderPlaced.class)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesOneTopicNameWithTwoTypes() {
        bus.subscribe(Topic.of("orders", OrderPlaced.class), order -> { });

        assertThatThrownBy(() -> bus.publish(Topic.of("orders", PaymentFailed.class), new PaymentFailed("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'orders'").hasMessageContaining(OrderPlaced.class.getName())
                .hasMessageContaining(PaymentFailed.class.getName());
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void refusesAMessageOfTheWrongTypeForANamedTopic() {
        Topic raw = Topic.of("orders.placed", OrderPlaced.class);
        List<Object> received = new ArrayList<>();
        bus.subscribe(raw, received::add);

        assertThatThrownBy(() -> bus.publish(raw, new PaymentFailed("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic 'orders.placed' carries " + OrderPlaced.class.getName())
                .hasMessageContaining(PaymentFailed.class.getName());
        assertThat(received).isEmpty();
    }

    @Test
    void anEnvelopeSubscriberSeesMetadataAndHeaders() {
        Topic<OrderPlaced> topic = Topic.of("orders.placed", OrderPlaced.class);
        List<Envelope<? extends OrderPlaced>> received = new ArrayList<>();
        bus.subscribeEnvelopes(topic, received::add, Delivery.sync());

        bus.publish(Envelope.of(topic, new OrderPlaced("o-1")).withHeader("tenant", "acme")
                .withCorrelationId("request-7"));

        assertThat(received).singleElement().satisfies(envelope -> {
            assertThat(envelope.payload()).isEqualTo(new OrderPlaced("o-1"));
            assertThat(envelope.topic()).isEqualTo(topic);
            assertThat(envelope.header("tenant")).isEqualTo("acme");
            assertThat(envelope.correlationId()).isEqualTo("request-7");
            assertThat(envelope.causationId()).isNull();
            assertThat(envelope.timestamp()).isNotNull();
            assertThat(envelope.id()).hasSize(36);
        });
    }

    @Test
    void everyMessageGetsItsOwnId() {
        List<String> ids = new ArrayList<>();
        bus.subscribeEnvelopes(Topic.of(Integer.class), envelope -> ids.add(envelope.id()), Delivery.sync());

        for (int i = 0; i < 1_000; i++) {
            bus.publish(i);
        }

        assertThat(ids).hasSize(1_000).doesNotHaveDuplicates();
    }
}
