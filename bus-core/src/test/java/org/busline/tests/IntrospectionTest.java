package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.busline.CircuitBreakerPolicy;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Subscription;
import org.busline.SubscriptionInfo;
import org.busline.Topic;
import org.junit.jupiter.api.Test;

class IntrospectionTest {
    record Placed(String id) {}

    static final Topic<Placed> PLACED = Topic.of("orders.placed", Placed.class);
    static final Topic<String> QUOTE = Topic.of("quotes", String.class);

    @Test
    void snapshotListsSubscriptionsAndRespondersInTheOrderTheyWereMade() {
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = MessageBus.builder().build()) {
            bus.subscribe(PLACED, placed -> { }, Delivery.sync().name("billing"));
            bus.respond(QUOTE, request -> request.length(), Delivery.sync().name("quoter"));
            bus.subscribePattern("orders.>", envelope -> { }, Delivery.async(executor).capacity(8).name("audit"));
            bus.subscribe(Placed.class, placed -> { }, Delivery.sync().name("typed")
                    .circuitBreaker(CircuitBreakerPolicy.ofFailureCount(3, Duration.ofSeconds(1))));

            List<SubscriptionInfo> infos = bus.subscriptions();

            assertThat(infos).extracting(SubscriptionInfo::name).containsExactly("billing", "quoter", "audit", "typed");
            assertThat(infos).extracting(SubscriptionInfo::kind).containsExactly(SubscriptionInfo.Kind.SUBSCRIBER,
                    SubscriptionInfo.Kind.RESPONDER, SubscriptionInfo.Kind.SUBSCRIBER, SubscriptionInfo.Kind.SUBSCRIBER);
            assertThat(infos.get(0).topic()).isEqualTo(PLACED);
            assertThat(infos.get(0).async()).isFalse();
            assertThat(infos.get(1).topic()).isEqualTo(QUOTE);
            SubscriptionInfo audit = infos.get(2);
            assertThat(audit.topic()).isNull();
            assertThat(audit.pattern()).isEqualTo("orders.>");
            assertThat(audit.selector()).isEqualTo("orders.>");
            assertThat(audit.async()).isTrue();
            assertThat(audit.capacity()).isEqualTo(8);
            assertThat(infos.get(3).circuitBreaker()).isEqualTo(CircuitBreakerPolicy.State.CLOSED);
            assertThat(infos.get(0).circuitBreaker()).isNull();
        }
    }

    @Test
    void snapshotShowsQueuedMessagesUntilTheMailboxDrains() {
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = MessageBus.builder().build()) {
            bus.subscribe(PLACED, placed -> { }, Delivery.async(executor).capacity(16).name("slow"));
            for (int i = 0; i < 5; i++) {
                bus.publish(PLACED, new Placed("o" + i));
            }
            SubscriptionInfo busy = bus.subscriptions().get(0);
            assertThat(busy.queued()).isEqualTo(5);
            assertThat(busy.isIdle()).isFalse();

            executor.runAll();

            SubscriptionInfo idle = bus.subscriptions().get(0);
            assertThat(idle.queued()).isZero();
            assertThat(idle.workers()).isZero();
            assertThat(idle.isIdle()).isTrue();
        }
    }

    @Test
    void closedSubscriptionsLeaveTheSnapshot() {
        try (MessageBus bus = MessageBus.builder().build()) {
            Subscription first = bus.subscribe(PLACED, placed -> { }, Delivery.sync().name("first"));
            bus.subscribe(PLACED, placed -> { }, Delivery.sync().name("second"));
            first.close();
            assertThat(bus.subscriptions()).extracting(SubscriptionInfo::name).containsExactly("second");
        }
    }

    @Test
    void hasSubscribersFollowsTypeHierarchyAndNamedTopics() {
        try (MessageBus bus = MessageBus.builder().build()) {
            assertThat(bus.hasSubscribers(PLACED)).isFalse();
            assertThat(bus.hasSubscribers(Integer.class)).isFalse();

            Subscription numbers = bus.subscribe(Number.class, number -> { });
            bus.subscribe(PLACED, placed -> { });

            assertThat(bus.hasSubscribers(Integer.class)).as("a subscriber of a supertype counts").isTrue();
            assertThat(bus.hasSubscribers(PLACED)).isTrue();
            assertThat(bus.hasSubscribers(Placed.class)).as("the type topic is not the named topic").isFalse();
            numbers.close();
            assertThat(bus.hasSubscribers(Integer.class)).isFalse();
        }
    }

    @Test
    void aClosedBusHasNoSubscribersAsItRefusesPublishes() {
        MessageBus bus = MessageBus.builder().build();
        bus.subscribe(PLACED, placed -> { });
        bus.close();

        assertThat(bus.hasSubscribers(PLACED)).isFalse();
        assertThat(bus.hasSubscribers(Placed.class)).isFalse();
    }

    @Test
    void respondersDoNotCountAsSubscribers() {
        try (MessageBus bus = MessageBus.builder().build()) {
            bus.respond(QUOTE, String::length);
            assertThat(bus.hasSubscribers(QUOTE)).isFalse();
        }
    }

    @Test
    void snapshotIsConsistentWhileOtherThreadsSubscribe() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (MessageBus bus = MessageBus.builder().build()) {
            CountDownLatch start = new CountDownLatch(1);
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < 250; i++) {
                        bus.subscribe(PLACED, placed -> { }, Delivery.sync().name("t" + thread + "-" + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            int seen = 0;
            while (seen < 1000) {
                List<SubscriptionInfo> snapshot = bus.subscriptions();
                assertThat(snapshot.size()).isGreaterThanOrEqualTo(seen);
                seen = snapshot.size();
            }
            for (java.util.concurrent.Future<?> future : done) {
                future.get(10, TimeUnit.SECONDS);
            }
            assertThat(bus.subscriptions()).extracting(SubscriptionInfo::name).doesNotHaveDuplicates().hasSize(1000);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void hasSubscribersRefusesNull() {
        try (MessageBus bus = MessageBus.builder().build()) {
            assertThatThrownBy(() -> bus.hasSubscribers((Topic<?>) null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("topic");
        }
    }
}
