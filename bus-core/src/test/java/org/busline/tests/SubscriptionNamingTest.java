package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.MessageHandler;
import org.busline.Subscribe;
import org.busline.Subscription;
import org.busline.Topic;
import org.busline.tests.Events.Circle;
import org.busline.tests.Events.OrderPlaced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Subscription names follow {@link Subscription#name()}, and a listener or a given name is used once at a time. */
class SubscriptionNamingTest {
    private final MessageBus bus = MessageBus.builder().build();

    @AfterEach
    void tearDown() {
        bus.close();
    }

    public static final class Inventory implements MessageHandler<OrderPlaced> {
        final List<String> received = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(OrderPlaced order) {
            received.add(order.orderId());
        }
    }

    public static final class Listener {
        final List<Object> received = new CopyOnWriteArrayList<>();

        @Subscribe
        public void onOrder(OrderPlaced order) {
            received.add(order);
        }

        @Subscribe
        public void onCircle(Circle circle) {
            received.add(circle);
        }
    }

    public static final class OneMethod {
        @Subscribe
        public void onOrder(OrderPlaced order) {
        }
    }

    @Test
    void aHandlerOfANamedClassIsNamedAfterItsClass() {
        assertThat(bus.subscribe(OrderPlaced.class, new Inventory()).name()).isEqualTo("Inventory");
    }

    @Test
    void aLambdaIsNamedAfterItsNumberAndTopic() {
        assertThat(bus.subscribe(OrderPlaced.class, order -> { }).name())
                .matches("#\\d+ " + OrderPlaced.class.getName().replace("$", "\\$"));
    }

    @Test
    void aRegistrationIsNamedAfterItsMethodsAndEachMethodAfterItself() {
        assertThat(bus.register(new OneMethod()).name()).isEqualTo("OneMethod.onOrder");
        assertThat(bus.register(new Listener()).name()).isEqualTo("Listener.onCircle, Listener.onOrder");
        assertThat(bus.subscriptions()).extracting(info -> info.name())
                .containsExactly("OneMethod.onOrder", "Listener.onCircle", "Listener.onOrder");
    }

    @Test
    void aGivenNameNamesTheRegistrationAndEachOfItsMethods() {
        assertThat(bus.register(new Listener(), Delivery.sync().name("shapes")).name()).isEqualTo("shapes");
        assertThat(bus.subscriptions()).extracting(info -> info.name())
                .containsExactly("shapes.onCircle", "shapes.onOrder");
    }

    @Test
    void refusesToRegisterTheSameListenerTwiceUntilItsSubscriptionIsClosed() {
        Listener listener = new Listener();
        Subscription first = bus.register(listener);

        assertThatThrownBy(() -> bus.register(listener)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Listener.class.getName()).hasMessageContaining("already registered")
                .hasMessageContaining("Listener.onCircle, Listener.onOrder");
        bus.publish(new OrderPlaced("o-1"));
        assertThat(listener.received).containsExactly(new OrderPlaced("o-1"));

        first.close();
        bus.register(listener);
        bus.publish(new OrderPlaced("o-2"));
        assertThat(listener.received).containsExactly(new OrderPlaced("o-1"), new OrderPlaced("o-2"));
    }

    @Test
    void refusesASecondSubscriptionWithAGivenNameUntilTheFirstIsClosed() {
        Subscription first = bus.subscribe(OrderPlaced.class, order -> { }, Delivery.sync().name("ledger"));

        assertThatThrownBy(() -> bus.subscribe(Circle.class, circle -> { }, Delivery.sync().name("ledger")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ledger' is already used");
        assertThatThrownBy(() -> bus.respond(Topic.of("prices", String.class), text -> text,
                Delivery.sync().name("ledger")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ledger' is already used");

        first.close();
        assertThat(bus.subscribe(Circle.class, circle -> { }, Delivery.sync().name("ledger")).name())
                .isEqualTo("ledger");
    }

    @Test
    void aRegistrationsGivenNameIsTakenWhileItIsOpen() {
        Subscription registration = bus.register(new Listener(), Delivery.sync().name("billing"));
        assertThat(registration.name()).isEqualTo("billing");

        assertThatThrownBy(() -> bus.subscribe(Circle.class, circle -> { }, Delivery.sync().name("billing")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'billing' is already used");
        assertThatThrownBy(() -> bus.register(new Listener(), Delivery.sync().name("billing")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'billing' is already used");

        registration.close();
        assertThat(bus.subscribe(Circle.class, circle -> { }, Delivery.sync().name("billing")).name())
                .isEqualTo("billing");
    }
}
