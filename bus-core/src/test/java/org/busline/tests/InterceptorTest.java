package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.busline.DeadMessage;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.spi.Interceptor;
import org.busline.tests.Events.OrderPlaced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Interceptors around publish and around each delivery. */
class InterceptorTest {
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<DeadMessage> dead = new CopyOnWriteArrayList<>();
    private MessageBus bus;

    @AfterEach
    void tearDown() {
        bus.close();
        executor.shutdown();
    }

    /** Adds a tenant header, vetoes orders "o-vetoed", and skips subscription "skipped". */
    private final Interceptor tenant = new Interceptor() {
        @Override
        public <T> Envelope<T> onPublish(Envelope<T> envelope) {
            if (envelope.payload() instanceof OrderPlaced
                    && ((OrderPlaced) envelope.payload()).orderId().equals("o-vetoed")) {
                return null;
            }
            return envelope.withHeader("tenant", "acme");
        }

        @Override
        public boolean beforeDelivery(Envelope<?> envelope, String subscriber) {
            log.add("before " + subscriber);
            return !subscriber.equals("skipped");
        }

        @Override
        public void afterDelivery(Envelope<?> envelope, String subscriber, Throwable failure) {
            log.add("after " + subscriber + (failure == null ? "" : " failed: " + failure.getMessage()));
        }
    };

    @Test
    void addsHeadersAndSurroundsEveryDeliveryOnTheDeliveringThread() throws Exception {
        bus = MessageBus.builder().interceptor(tenant).onError(failure -> { }).build();
        List<String> tenants = new CopyOnWriteArrayList<>();
        bus.subscribeEnvelopes(Topic.of(OrderPlaced.class), e -> tenants.add(e.header("tenant")),
                Delivery.sync().name("sync"));
        bus.subscribeEnvelopes(Topic.of(OrderPlaced.class), e -> tenants.add(e.header("tenant")),
                Delivery.async(executor).name("async"));
        bus.subscribe(OrderPlaced.class, order -> {
            throw new IllegalStateException("boom");
        }, Delivery.sync().name("failing"));

        bus.publish(new OrderPlaced("o-1")).completion().exceptionally(failure -> null).get(5, TimeUnit.SECONDS);

        assertThat(tenants).containsExactly("acme", "acme");
        assertThat(log).containsExactlyInAnyOrder("before sync", "after sync", "before async", "after async",
                "before failing", "after failing failed: boom");
    }

    @Test
    void aVetoedPublishReachesNobodyAndIsNotADeadMessage() {
        bus = MessageBus.builder().interceptor(tenant).onDeadMessage(dead::add).build();
        List<OrderPlaced> received = new CopyOnWriteArrayList<>();
        bus.subscribe(OrderPlaced.class, received::add);

        assertThat(bus.publish(new OrderPlaced("o-vetoed")).reached()).isZero();

        assertThat(received).isEmpty();
        assertThat(dead).isEmpty();
    }

    @Test
    void aDeliveryVetoSkipsOnlyThatSubscription() {
        bus = MessageBus.builder().interceptor(tenant).build();
        List<String> received = new CopyOnWriteArrayList<>();
        bus.subscribe(OrderPlaced.class, order -> received.add("skipped"), Delivery.sync().name("skipped"));
        bus.subscribe(OrderPlaced.class, order -> received.add("kept"), Delivery.sync().name("kept"));

        bus.publish(new OrderPlaced("o-1"));

        assertThat(received).containsExactly("kept");
        assertThat(log).containsExactly("before skipped", "before kept", "after kept");
    }

    @Test
    void interceptorsRunInRegistrationOrderAndUnwindInReverse() {
        List<String> order = new CopyOnWriteArrayList<>();
        Interceptor outer = named("outer", order);
        Interceptor inner = named("inner", order);
        bus = MessageBus.builder().interceptor(outer).interceptor(inner).build();
        bus.subscribe(OrderPlaced.class, o -> order.add("handler"));

        bus.publish(new OrderPlaced("o-1"));

        assertThat(order).containsExactly("publish outer", "publish inner", "before outer", "before inner",
                "handler", "after inner", "after outer");
    }

    private static Interceptor named(String name, List<String> order) {
        return new Interceptor() {
            @Override
            public <T> Envelope<T> onPublish(Envelope<T> envelope) {
                order.add("publish " + name);
                return envelope;
            }

            @Override
            public boolean beforeDelivery(Envelope<?> envelope, String subscriber) {
                order.add("before " + name);
                return true;
            }

            @Override
            public void afterDelivery(Envelope<?> envelope, String subscriber, Throwable failure) {
                order.add("after " + name);
            }
        };
    }
}
