package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.MessageBus;
import org.busline.Subscribe;
import org.busline.Topic;
import org.busline.TypeRef;
import org.busline.tests.Events.Circle;
import org.busline.tests.Events.OrderPlaced;
import org.busline.tests.Events.Shape;
import org.busline.tests.Events.Square;
import org.busline.tests.Events.Wrapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which {@link Subscribe} methods {@code register} finds, and what a generic parameter subscribes to. */
class SubscribeResolutionTest {
    private final MessageBus bus = MessageBus.builder().build();

    @AfterEach
    void tearDown() {
        bus.close();
    }

    public interface OrderListener {
        @Subscribe
        void onOrder(OrderPlaced order);
    }

    public static final class Shipping implements OrderListener {
        final List<String> received = new CopyOnWriteArrayList<>();

        @Override
        public void onOrder(OrderPlaced order) {
            received.add(order.orderId());
        }
    }

    public static final class AnnotatedTwice implements OrderListener {
        final List<String> received = new CopyOnWriteArrayList<>();

        @Subscribe
        @Override
        public void onOrder(OrderPlaced order) {
            received.add(order.orderId());
        }
    }

    public static final class ShapeListener<T extends Shape> {
        final List<Object> received = new CopyOnWriteArrayList<>();

        @Subscribe
        public void onShape(T shape) {
            received.add(shape);
        }
    }

    public static final class WildcardListener {
        final List<Object> wrappers = new CopyOnWriteArrayList<>();
        final List<Object> comparables = new CopyOnWriteArrayList<>();

        @Subscribe
        public void onWrapper(Wrapper<?> wrapper) {
            wrappers.add(wrapper.content());
        }

        @Subscribe
        public void onComparable(Comparable<?> comparable) {
            comparables.add(comparable);
        }
    }

    @Test
    void honoursSubscribeOnAnInterfaceMethodTheClassImplements() {
        Shipping shipping = new Shipping();
        assertThat(bus.register(shipping).name()).isEqualTo("OrderListener.onOrder");

        bus.publish(new OrderPlaced("o-1"));

        assertThat(shipping.received).containsExactly("o-1");
    }

    @Test
    void subscribesAMethodAnnotatedOnBothTheInterfaceAndTheClassOnce() {
        AnnotatedTwice listener = new AnnotatedTwice();
        bus.register(listener);

        bus.publish(new OrderPlaced("o-1"));

        assertThat(listener.received).containsExactly("o-1");
    }

    @Test
    void aTypeVariableParameterSubscribesItsBound() {
        ShapeListener<Circle> listener = new ShapeListener<>();
        bus.register(listener);

        bus.publish(new Circle("c"));
        bus.publish(new Square("s"));
        bus.publish(new OrderPlaced("o-1"));

        assertThat(listener.received).containsExactly(new Circle("c"), new Square("s"));
    }

    @Test
    void aWildcardParameterSubscribesTheErasure() {
        WildcardListener listener = new WildcardListener();
        bus.register(listener);

        bus.publish(Topic.of(new TypeRef<Wrapper<String>>() { }), new Wrapper<>("text"));
        bus.publish(new Wrapper<>(42));
        bus.publish("plain");
        bus.publish(7);

        assertThat(listener.wrappers).as("Wrapper<?> receives every Wrapper, whatever its type argument")
                .containsExactly("text", 42);
        assertThat(listener.comparables).containsExactly("plain", 7);
    }
}
