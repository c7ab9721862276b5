package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Subscribe;
import org.busline.Subscription;
import org.busline.Topic;
import org.busline.tests.Events.Circle;
import org.busline.tests.Events.Shape;
import org.junit.jupiter.api.Test;

/** Delivery.priority: higher first, ties in subscription order, whenever the subscriptions were made. */
class PriorityTest {
    static final Topic<String> ORDERS = Topic.of("orders", String.class);

    @Test
    void higherPriorityReceivesFirstAndTiesKeepSubscriptionOrder() {
        try (MessageBus bus = MessageBus.builder().build()) {
            List<String> order = new ArrayList<>();
            bus.subscribe(ORDERS, m -> order.add("0a"));
            bus.subscribe(ORDERS, m -> order.add("5a"), Delivery.sync().priority(5));
            bus.subscribe(ORDERS, m -> order.add("-1"), Delivery.sync().priority(-1));
            bus.subscribe(ORDERS, m -> order.add("5b"), Delivery.sync().priority(5));
            bus.subscribe(ORDERS, m -> order.add("0b"));

            bus.publish(ORDERS, "o-1");

            assertThat(order).containsExactly("5a", "5b", "0a", "0b", "-1");
        }
    }

    @Test
    void subscriptionMadeAfterTheTopicWasUsedTakesItsPlaceByPriority() {
        try (MessageBus bus = MessageBus.builder().build()) {
            List<String> order = new ArrayList<>();
            bus.subscribe(ORDERS, m -> order.add("low"), Delivery.sync().priority(-3));
            bus.subscribe(ORDERS, m -> order.add("default"));
            bus.publish(ORDERS, "warm the route");
            order.clear();

            bus.subscribe(ORDERS, m -> order.add("high"), Delivery.sync().priority(3));
            Subscription middle = bus.subscribe(ORDERS, m -> order.add("middle"), Delivery.sync().priority(1));
            bus.subscribe(ORDERS, m -> order.add("default 2"));
            bus.publish(ORDERS, "o-1");
            assertThat(order).containsExactly("high", "middle", "default", "default 2", "low");

            order.clear();
            middle.close();
            bus.publish(ORDERS, "o-2");
            assertThat(order).containsExactly("high", "default", "default 2", "low");
        }
    }

    @Test
    void priorityOrdersSupertypeAndExactTypeSubscriptionsOfOneMessage() {
        try (MessageBus bus = MessageBus.builder().build()) {
            List<String> order = new ArrayList<>();
            bus.subscribe(Circle.class, c -> order.add("circle"));
            bus.subscribe(Shape.class, s -> order.add("shape"), Delivery.sync().priority(10));
            bus.subscribe(Object.class, o -> order.add("object"), Delivery.sync().priority(-10));

            bus.publish(new Circle("c"));

            assertThat(order).containsExactly("shape", "circle", "object");
        }
    }

    @Test
    void asynchronousSubscriptionOfHigherPriorityReceivesTheMessageIntoItsMailboxFirst() {
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = MessageBus.builder().build()) {
            List<String> order = new ArrayList<>();
            bus.subscribe(ORDERS, m -> order.add("async default"), Delivery.async(executor));
            bus.subscribe(ORDERS, m -> order.add("async high"), Delivery.async(executor).priority(1));

            bus.publish(ORDERS, "o-1");
            executor.runAll();

            assertThat(order).containsExactly("async high", "async default");
        }
    }

    static final class Listener {
        final List<String> order;

        Listener(List<String> order) {
            this.order = order;
        }

        @Subscribe(topic = "orders")
        void plain(String order) {
            this.order.add("plain");
        }

        @Subscribe(topic = "orders", priority = 2)
        void first(String order) {
            this.order.add("first");
        }
    }

    @Test
    void annotatedMethodsCarryTheirOwnPriority() {
        try (MessageBus bus = MessageBus.builder().build()) {
            List<String> order = new ArrayList<>();
            bus.subscribe(ORDERS, m -> order.add("lambda"), Delivery.sync().priority(1));
            bus.register(new Listener(order));

            bus.publish(ORDERS, "o-1");

            assertThat(order).containsExactly("first", "lambda", "plain");
        }
    }

    @Test
    void snapshotShowsEachSubscriptionsPriority() {
        try (MessageBus bus = MessageBus.builder().build()) {
            bus.subscribe(ORDERS, m -> { }, Delivery.sync().name("plain"));
            bus.subscribe(ORDERS, m -> { }, Delivery.async(new ManualExecutor()).priority(4).name("urgent"));

            assertThat(bus.subscriptions()).extracting(info -> info.name() + "=" + info.priority())
                    .containsExactly("plain=0", "urgent=4");
        }
    }

    @Test
    void priorityShowsInTheDeliveryDescription() {
        assertThat(Delivery.sync().priority(7).priority()).isEqualTo(7);
        assertThat(Delivery.sync().priority()).isZero();
        assertThat(Delivery.sync().priority(7).toString()).contains("priority=7");
    }
}
