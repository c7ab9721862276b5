package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.MessageHandler;
import org.busline.Topic;
import org.busline.TypeRef;
import org.busline.tests.Events.OrderPlaced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nulls and misuse fail at the API boundary, naming what was wrong. */
class BadInputTest {
    private final MessageBus bus = MessageBus.builder().build();
    private final Topic<OrderPlaced> orders = Topic.of("orders", OrderPlaced.class);
    private final MessageHandler<Object> handler = message -> { };

    @AfterEach
    void tearDown() {
        bus.close();
    }

    @Test
    void nullArgumentsAreNamed() {
        assertThatThrownBy(() -> bus.publish((Object) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("message");
        assertThatThrownBy(() -> bus.publish(orders, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("message");
        assertThatThrownBy(() -> bus.publish(null, new OrderPlaced("1"))).isInstanceOf(NullPointerException.class)
                .hasMessage("topic");
        assertThatThrownBy(() -> bus.publish((Envelope<?>) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("envelope");
        assertThatThrownBy(() -> bus.subscribe((Class<Object>) null, handler))
                .isInstanceOf(NullPointerException.class).hasMessage("type");
        assertThatThrownBy(() -> bus.subscribe(Object.class, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("handler");
        assertThatThrownBy(() -> bus.subscribe(Object.class, handler, null))
                .isInstanceOf(NullPointerException.class).hasMessage("delivery");
        assertThatThrownBy(() -> bus.subscribePattern(null, e -> { }, Delivery.sync()))
                .isInstanceOf(NullPointerException.class).hasMessage("pattern");
        assertThatThrownBy(() -> bus.register(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("subscriber");
        assertThatThrownBy(() -> Topic.of(null, OrderPlaced.class)).isInstanceOf(NullPointerException.class)
                .hasMessage("name");
        assertThatThrownBy(() -> Topic.of("orders", (Class<?>) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("type");
        assertThatThrownBy(() -> Delivery.async(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("executor");
        assertThatThrownBy(() -> MessageBus.builder().interceptor(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("interceptor");
        assertThatThrownBy(() -> Envelope.of(orders, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("payload");
    }

    @Test
    @SuppressWarnings("rawtypes")
    void typeTokensMustBeConcrete() {
        assertThatThrownBy(() -> new TypeRef() { }).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("type argument");
        assertThatThrownBy(() -> genericToken()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("type variable");
    }

    private static <T> TypeRef<T> genericToken() {
        return new TypeRef<T>() { };
    }
}
