package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.Subscribe;
import org.busline.Subscription;
import org.busline.Topic;
import org.busline.TypeRef;
import org.busline.tests.Events.Circle;
import org.busline.tests.Events.OrderPlaced;
import org.busline.tests.Events.PaymentFailed;
import org.busline.tests.Events.Shape;
import org.busline.tests.Events.Wrapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link MessageBus#register(Object)}. */
class AnnotatedSubscriberTest {
    private final MessageBus bus = MessageBus.builder().build();

    @AfterEach
    void tearDown() {
        bus.close();
    }

    static class Listener {
        final List<Object> received = new ArrayList<>();

        @Subscribe
        void onOrder(OrderPlaced order) {
            received.add(order);
        }

        @Subscribe
        public void onShape(Shape shape) {
            received.add(shape);
        }

        @Subscribe(topic = "orders.eu")
        private void onEuOrder(Envelope<OrderPlaced> envelope) {
            received.add("eu:" + envelope.payload().orderId());
        }

        @Subscribe
        void onWrappedPayment(Wrapper<PaymentFailed> wrapper) throws Exception {
            received.add("wrapped:" + wrapper.content().orderId());
        }

        void notASubscriber(OrderPlaced order) {
            received.add("wrong");
        }
    }

    static class SubListener extends Listener {
        @Subscribe
        void onText(String text) {
            received.add(text);
        }
    }

    @Test
    void subscribesEveryAnnotatedMethodOfTheClassAndItsSuperclasses() {
        SubListener listener = new SubListener();
        Subscription subscription = bus.register(listener);

        bus.publish(new OrderPlaced("1"));
        bus.publish(new Circle("c"));
        bus.publish(Topic.of("orders.eu", OrderPlaced.class), new OrderPlaced("2"));
        bus.publish(Topic.of(new TypeRef<Wrapper<PaymentFailed>>() { }), new Wrapper<>(new PaymentFailed("3")));
        bus.publish(Topic.of(new TypeRef<Wrapper<OrderPlaced>>() { }), new Wrapper<>(new OrderPlaced("4")));
        bus.publish("text");

        assertThat(listener.received).containsExactlyInAnyOrder(new OrderPlaced("1"), new Circle("c"), "eu:2",
                "wrapped:3", "text");
        assertThat(subscription.name()).isEqualTo("SubListener.onText, Listener.onEuOrder, Listener.onOrder, "
                + "Listener.onShape, Listener.onWrappedPayment");

        subscription.close();
        bus.publish(new OrderPlaced("5"));
        assertThat(listener.received).hasSize(5);
        assertThat(subscription.isActive()).isFalse();
    }

    @Test
    void registersForAsynchronousDelivery() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Listener listener = new Listener();
            bus.register(listener, Delivery.async(executor));

            bus.publish(new OrderPlaced("1")).completion().get(5, TimeUnit.SECONDS);

            assertThat(listener.received).containsExactly(new OrderPlaced("1"));
        } finally {
            executor.shutdown();
        }
    }

    static class NoSubscribers {
        void on(OrderPlaced order) {
        }
    }

    static class TwoParameters {
        @Subscribe
        void on(OrderPlaced order, String extra) {
        }
    }

    static class ReturnsValue {
        @Subscribe
        String on(OrderPlaced order) {
            return "";
        }
    }

    static class TakesPrimitive {
        @Subscribe
        void on(int number) {
        }
    }

    static class RawEnvelope {
        @Subscribe
        @SuppressWarnings("rawtypes")
        void on(Envelope envelope) {
        }
    }

    static class OneGoodOneBad {
        final List<Object> received = new ArrayList<>();

        @Subscribe
        void good(OrderPlaced order) {
            received.add(order);
        }

        @Subscribe
        static void bad(OrderPlaced order) {
        }
    }

    @Test
    void failsAtRegistrationNamingTheMethodWithAWrongSignature() {
        assertThatThrownBy(() -> bus.register(new NoSubscribers())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(NoSubscribers.class.getName()).hasMessageContaining("no method annotated");
        assertThatThrownBy(() -> bus.register(new TwoParameters())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(TwoParameters.class.getName() + ".on")
                .hasMessageContaining("exactly one parameter");
        assertThatThrownBy(() -> bus.register(new ReturnsValue())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ReturnsValue.class.getName() + ".on").hasMessageContaining("must return void");
        assertThatThrownBy(() -> bus.register(new TakesPrimitive())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("primitive");
        assertThatThrownBy(() -> bus.register(new RawEnvelope())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("raw Envelope");
    }

    @Test
    void subscribesNothingWhenOneMethodIsWrong() {
        OneGoodOneBad subscriber = new OneGoodOneBad();

        assertThatThrownBy(() -> bus.register(subscriber)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(OneGoodOneBad.class.getName() + ".bad").hasMessageContaining("static");
        bus.publish(new OrderPlaced("1"));

        assertThat(subscriber.received).isEmpty();
    }

    @Test
    void callsTheMethodThroughAGeneratedHandlerNotReflection() {
        List<StackTraceElement[]> stacks = new ArrayList<>();
        bus.register(new Object() {
            @Subscribe
            public void on(OrderPlaced order) {
                stacks.add(new Throwable().getStackTrace());
            }
        });

        bus.publish(new OrderPlaced("1"));

        assertThat(stacks).singleElement().satisfies(stack -> assertThat(java.util.Arrays.stream(stack)
                .takeWhile(frame -> !frame.getMethodName().equals("callsTheMethodThroughAGeneratedHandlerNotReflection"))
                .noneMatch(frame -> frame.getClassName().startsWith("java.lang.reflect")
                        || frame.getClassName().startsWith("jdk.internal.reflect"))).isTrue());
    }

    /** A generic listener interface, as frameworks declare them. */
    public interface GenericListener<T> {
        @Subscribe
        void on(T event);
    }

    /** Binds the interface's type through a class of its own. */
    public abstract static class BaseListener<E> implements GenericListener<E> {
        final List<Object> received = new ArrayList<>();

        @Override
        public void on(E event) {
            received.add(event);
        }
    }

    public static final class OrderListener extends BaseListener<OrderPlaced> {
    }

    @Test
    void aGenericListenersMethodSubscribesToTheTypeItsClassBinds() {
        OrderListener listener = new OrderListener();
        List<Object> failures = new ArrayList<>();
        try (MessageBus strict = MessageBus.builder().onError(failures::add).build()) {
            strict.register(listener);

            strict.publish(new OrderPlaced("o-1"));
            strict.publish("not an order");

            assertThat(listener.received).containsExactly(new OrderPlaced("o-1"));
            assertThat(failures).as("no ClassCastException for the other messages").isEmpty();
            assertThat(strict.subscriptions()).singleElement()
                    .satisfies(info -> assertThat(info.topic()).isEqualTo(Topic.of(OrderPlaced.class)));
        }
    }
}
