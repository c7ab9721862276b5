package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.busline.DeadMessage;
import org.busline.Delivery;
import org.busline.DeliveryException;
import org.busline.DeliveryFailure;
import org.busline.MessageBus;
import org.busline.PublishResult;
import org.busline.Subscription;
import org.busline.Topic;
import org.busline.tests.Events.Circle;
import org.busline.tests.Events.OrderPlaced;
import org.busline.tests.Events.Shape;
import org.busline.tests.Events.Square;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The contract every dispatch mode keeps: sync, async ordered, async concurrent. */
class DispatchContractTest {
    private final ExecutorService executor = DeliveryMode.newExecutor();
    private final List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();
    private final List<DeadMessage> dead = new CopyOnWriteArrayList<>();
    private final MessageBus bus = MessageBus.builder().name("contract").onError(failures::add)
            .onDeadMessage(dead::add).build();

    @AfterEach
    void tearDown() throws InterruptedException {
        bus.close();
        executor.shutdown();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(DeliveryMode.class)
    void deliversEveryMessageToEverySubscriber(DeliveryMode mode) throws Exception {
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        bus.subscribe(OrderPlaced.class, order -> first.add(order.orderId()), mode.delivery(executor));
        bus.subscribe(OrderPlaced.class, order -> second.add(order.orderId()), mode.delivery(executor));

        for (int i = 0; i < 100; i++) {
            PublishResult result = bus.publish(new OrderPlaced("o-" + i));
            assertThat(result.reached()).isEqualTo(2);
            result.completion().get(5, TimeUnit.SECONDS);
        }

        assertThat(first).hasSize(100).doesNotHaveDuplicates();
        assertThat(second).containsExactlyInAnyOrderElementsOf(first);
    }

    @ParameterizedTest
    @EnumSource(DeliveryMode.class)
    void deliversSubtypesToASupertypeSubscriber(DeliveryMode mode) throws Exception {
        List<Shape> shapes = new CopyOnWriteArrayList<>();
        List<Object> everything = new CopyOnWriteArrayList<>();
        bus.subscribe(Shape.class, shapes::add, mode.delivery(executor));
        bus.subscribe(Object.class, everything::add, mode.delivery(executor));

        bus.publish(new Circle("c")).completion().get(5, TimeUnit.SECONDS);
        bus.publish(new Square("s")).completion().get(5, TimeUnit.SECONDS);
        bus.publish("not a shape").completion().get(5, TimeUnit.SECONDS);

        assertThat(shapes).containsExactlyInAnyOrder(new Circle("c"), new Square("s"));
        assertThat(everything).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(DeliveryMode.class)
    void aFailingSubscriberNeitherStopsTheOthersNorDisappears(DeliveryMode mode) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        Subscription failing = bus.subscribe(OrderPlaced.class, order -> {
            throw new IllegalStateException("boom " + order.orderId());
        }, mode.delivery(executor).name("failing"));
        bus.subscribe(OrderPlaced.class, order -> received.add(order.orderId()), mode.delivery(executor));

        PublishResult result = bus.publish(new OrderPlaced("o-1"));

        assertThatThrownBy(() -> result.completion().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(DeliveryException.class)
                .rootCause().hasMessage("boom o-1");
        assertThat(received).containsExactly("o-1");
        assertThat(failures).singleElement().satisfies(failure -> {
            assertThat(failure.subscriber()).isEqualTo(failing.name()).isEqualTo("failing");
            assertThat(failure.envelope().payload()).isEqualTo(new OrderPlaced("o-1"));
            assertThat(failure.envelope().topic().name()).isEqualTo(OrderPlaced.class.getName());
            assertThat(failure.cause()).hasMessage("boom o-1");
        });
    }

    @ParameterizedTest
    @EnumSource(DeliveryMode.class)
    void anUnsubscribedHandlerReceivesNothingMore(DeliveryMode mode) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        Subscription subscription = bus.subscribe(OrderPlaced.class, order -> received.add(order.orderId()),
                mode.delivery(executor));
        bus.publish(new OrderPlaced("before")).completion().get(5, TimeUnit.SECONDS);

        subscription.close();
        subscription.close();

        assertThat(subscription.isActive()).isFalse();
        assertThat(bus.publish(new OrderPlaced("after")).reached()).isZero();
        assertThat(received).containsExactly("before");
        assertThat(dead).singleElement().satisfies(d -> assertThat(d.envelope().payload())
                .isEqualTo(new OrderPlaced("after")));
    }

    @ParameterizedTest
    @EnumSource(DeliveryMode.class)
    void aNamedTopicReachesOnlyItsOwnSubscribers(DeliveryMode mode) throws Exception {
        Topic<OrderPlaced> eu = Topic.of("orders.eu", OrderPlaced.class);
        Topic<OrderPlaced> us = Topic.of("orders.us", OrderPlaced.class);
        List<String> euOrders = new CopyOnWriteArrayList<>();
        List<String> byType = new CopyOnWriteArrayList<>();
        bus.subscribe(eu, order -> euOrders.add(order.orderId()), mode.delivery(executor));
        bus.subscribe(OrderPlaced.class, order -> byType.add(order.orderId()), mode.delivery(executor));

        bus.publish(eu, new OrderPlaced("e")).completion().get(5, TimeUnit.SECONDS);
        assertThat(bus.publish(us, new OrderPlaced("u")).reached()).isZero();
        bus.publish(new OrderPlaced("t")).completion().get(5, TimeUnit.SECONDS);

        assertThat(euOrders).containsExactly("e");
        assertThat(byType).containsExactly("t");
    }

    @ParameterizedTest
    @EnumSource(value = DeliveryMode.class, names = {"SYNC", "ASYNC_ORDERED"})
    void handlesMessagesOfOnePublisherInPublishOrder(DeliveryMode mode) throws Exception {
        List<Integer> received = new CopyOnWriteArrayList<>();
        bus.subscribe(Integer.class, received::add, mode.delivery(executor));

        PublishResult last = null;
        for (int i = 0; i < 1_000; i++) {
            last = bus.publish(i);
        }
        last.completion().get(5, TimeUnit.SECONDS);

        assertThat(received).hasSize(1_000).isSorted();
    }

    @ParameterizedTest
    @EnumSource(DeliveryMode.class)
    void aSubscriberOfDeadMessagesSeesWhatReachedNobody(DeliveryMode mode) throws Exception {
        List<DeadMessage> observed = new CopyOnWriteArrayList<>();
        bus.subscribe(DeadMessage.class, observed::add, mode.delivery(executor));

        PublishResult result = bus.publish(new OrderPlaced("lost"));

        assertThat(result.reached()).isZero();
        bus.close();
        assertThat(observed).singleElement().satisfies(d -> assertThat(d.envelope().payload())
                .isEqualTo(new OrderPlaced("lost")));
        assertThat(dead).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(DeliveryMode.class)
    void closeDeliversWhatWasAcceptedAndRefusesNewPublishes(DeliveryMode mode) {
        List<Integer> received = new CopyOnWriteArrayList<>();
        bus.subscribe(Integer.class, received::add, mode.delivery(executor));
        for (int i = 0; i < 500; i++) {
            bus.publish(i);
        }

        bus.close();

        assertThat(received).hasSize(500);
        assertThatThrownBy(() -> bus.publish(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("publish() must not be called after close()").hasMessageContaining("contract");
        assertThatThrownBy(() -> bus.subscribe(Integer.class, received::add))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("subscribe()");
    }

    @ParameterizedTest
    @EnumSource(DeliveryMode.class)
    void deliversInSubscriptionOrderAcrossTypesAndTopics(DeliveryMode mode) throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        Delivery delivery = mode.delivery(executor);
        bus.subscribe(Object.class, m -> order.add("object"), Delivery.sync());
        bus.subscribe(Shape.class, m -> order.add("shape"), Delivery.sync());
        bus.subscribe(Circle.class, m -> order.add("circle"), Delivery.sync());
        bus.subscribe(Circle.class, m -> { }, delivery);

        bus.publish(new Circle("c")).completion().get(5, TimeUnit.SECONDS);

        assertThat(order).containsExactly("object", "shape", "circle");
    }
}
