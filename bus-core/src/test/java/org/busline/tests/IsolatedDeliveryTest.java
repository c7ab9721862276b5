package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.busline.Delivery;
import org.busline.DeliveryFailure;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.OverflowPolicy;
import org.busline.PublishResult;
import org.busline.RetryPolicy;
import org.busline.Subscribe;
import org.busline.Topic;
import org.busline.spi.SerializationException;
import org.busline.spi.Serializer;
import org.junit.jupiter.api.Test;

/** Isolated delivery through the public API, with a minimal serializer of the tests' own (no JSON library here). */
class IsolatedDeliveryTest {
    private static final Topic<Basket> BASKETS = Topic.of("shop.baskets", Basket.class);
    private static final Topic<Basket> WISHLISTS = Topic.of("shop.wishlists", Basket.class);
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private final BasketSerializer serializer = new BasketSerializer();
    private final List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();

    private MessageBus.Builder bus() {
        return MessageBus.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).onError(failures::add);
    }

    @Test
    void isolatedSubscriberMutatingItsCopyChangesNothingForThePublisherOrOtherSubscribers() {
        List<List<String>> seenByIsolated = new CopyOnWriteArrayList<>();
        List<Basket> seenByPlain = new CopyOnWriteArrayList<>();
        try (MessageBus bus = bus().serializer(serializer).build()) {
            bus.subscribe(BASKETS, basket -> basket.items.add("stolen"), Delivery.sync().isolated());
            bus.subscribe(BASKETS, basket -> {
                seenByIsolated.add(List.copyOf(basket.items));
                basket.items.clear();
            }, Delivery.sync().isolated());
            bus.subscribe(BASKETS, seenByPlain::add);
            Basket published = new Basket(List.of("apple"));

            bus.publish(BASKETS, published);

            assertThat(published.items).containsExactly("apple");
            assertThat(seenByIsolated).containsExactly(List.of("apple"));
            assertThat(seenByPlain).singleElement().isSameAs(published);
            assertThat(serializer.copies).hasValue(2);
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void asynchronousIsolatedSubscriberGetsACopyTakenWhenTheMessageIsPublished() {
        ManualExecutor executor = new ManualExecutor();
        List<List<String>> seen = new CopyOnWriteArrayList<>();
        try (MessageBus bus = bus().serializer(serializer).build()) {
            bus.subscribe(BASKETS, basket -> {
                seen.add(List.copyOf(basket.items));
                basket.items.add("stolen");
            }, Delivery.async(executor).isolated());
            Basket published = new Basket(List.of("apple"));

            PublishResult result = bus.publish(BASKETS, published);
            published.items.add("changed after publish");
            executor.runAll();

            assertThat(result.completion()).succeedsWithin(1, TimeUnit.SECONDS);
            assertThat(seen).containsExactly(List.of("apple"));
            assertThat(published.items).containsExactly("apple", "changed after publish");
        }
    }

    @Test
    void everyRetryOfAnIsolatedSubscriberSeesTheMessageAsPublished() {
        ManualExecutor executor = new ManualExecutor();
        ManualScheduler scheduler = new ManualScheduler();
        List<List<String>> attempts = new CopyOnWriteArrayList<>();
        try (MessageBus bus = bus().serializer(serializer).scheduler(scheduler).build()) {
            bus.subscribe(BASKETS, basket -> {
                attempts.add(List.copyOf(basket.items));
                basket.items.add("half-done");
                if (attempts.size() == 1) {
                    throw new IllegalStateException("flaky");
                }
            }, Delivery.async(executor).retry(RetryPolicy.of(2)).isolated());

            PublishResult result = bus.publish(BASKETS, new Basket(List.of("apple")));
            executor.runAll();
            scheduler.advance(Duration.ofMinutes(1));
            executor.runAll();

            assertThat(result.completion()).succeedsWithin(1, TimeUnit.SECONDS);
            assertThat(attempts).containsExactly(List.of("apple"), List.of("apple"));
        }
    }

    @Test
    void isolatedEnvelopeSubscriberReceivesACopyWithTheSameMetadata() {
        List<Envelope<? extends Basket>> received = new CopyOnWriteArrayList<>();
        try (MessageBus bus = bus().serializer(serializer).build()) {
            bus.subscribeEnvelopes(BASKETS, received::add, Delivery.sync().isolated());
            Basket published = new Basket(List.of("pear"));

            bus.publish(Envelope.of(BASKETS, published).withHeader("tenant", "t-1").withCorrelationId("flow-1"));

            Envelope<? extends Basket> copy = received.get(0);
            assertThat(copy.payload()).isEqualTo(published).isNotSameAs(published);
            assertThat(copy.topic()).isEqualTo(BASKETS);
            assertThat(copy.timestamp()).isEqualTo(NOW);
            assertThat(copy.correlationId()).isEqualTo("flow-1");
            assertThat(copy.headers()).containsExactly(java.util.Map.entry("tenant", "t-1"));
        }
    }

    @Test
    void isolatedTopicGivesEverySubscriberACopyAndOtherTopicsTheOriginal() {
        List<Basket> baskets = new CopyOnWriteArrayList<>();
        List<Basket> wishlists = new CopyOnWriteArrayList<>();
        try (MessageBus bus = bus().serializer(serializer).isolate(BASKETS).build()) {
            bus.subscribe(BASKETS, baskets::add);
            bus.subscribe(WISHLISTS, wishlists::add);
            bus.subscribePattern("shop.*", envelope -> { }, Delivery.sync());
            Basket basket = new Basket(List.of("fig"));
            Basket wishlist = new Basket(List.of("kiwi"));

            bus.publish(BASKETS, basket);
            bus.publish(WISHLISTS, wishlist);

            assertThat(baskets).singleElement().isEqualTo(basket).isNotSameAs(basket);
            assertThat(wishlists).singleElement().isSameAs(wishlist);
            assertThat(serializer.copies).as("the pattern subscriber's copy of the basket too").hasValue(2);
        }
    }

    @Test
    void topicSerializerIsUsedInsteadOfTheBusWideOne() {
        Serializer refusing = new BasketSerializer() {
            @Override
            public byte[] encode(Envelope<?> envelope) {
                throw SerializationException.encoding(null, null, 0, "not this one", null);
            }
        };
        List<Basket> seen = new CopyOnWriteArrayList<>();
        try (MessageBus bus = bus().serializer(refusing).serializer(BASKETS, serializer).build()) {
            bus.subscribe(BASKETS, seen::add, Delivery.sync().isolated());

            bus.publish(BASKETS, new Basket(List.of("plum")));

            assertThat(seen).hasSize(1);
            assertThat(failures).isEmpty();
            assertThat(serializer.copies).hasValue(1);
        }
    }

    @Test
    void messageThatCannotBeCopiedFailsOnlyTheIsolatedSynchronousSubscription() {
        List<Basket> isolated = new CopyOnWriteArrayList<>();
        List<Basket> plain = new CopyOnWriteArrayList<>();
        try (MessageBus bus = bus().serializer(serializer).build()) {
            bus.subscribe(BASKETS, isolated::add, Delivery.sync().isolated().name("isolated"));
            bus.subscribe(BASKETS, plain::add);

            PublishResult result = bus.publish(BASKETS, new Basket(List.of("poison")));

            assertThat(isolated).isEmpty();
            assertThat(plain).hasSize(1);
            assertThat(failures).singleElement().satisfies(failure -> {
                assertThat(failure.subscriber()).isEqualTo("isolated");
                assertThat(failure.cause()).isInstanceOf(SerializationException.class)
                        .hasMessageContaining("poison cannot travel");
            });
            assertThat(result.completion()).failsWithin(1, TimeUnit.SECONDS);
        }
    }

    @Test
    void messageThatCannotBeCopiedFailsOnlyTheIsolatedAsynchronousSubscriptionAndFreesItsRoom() {
        ManualExecutor executor = new ManualExecutor();
        List<Basket> isolated = new CopyOnWriteArrayList<>();
        List<Basket> plain = new CopyOnWriteArrayList<>();
        try (MessageBus bus = bus().serializer(serializer).build()) {
            bus.subscribe(BASKETS, isolated::add,
                    Delivery.async(executor).capacity(1).overflow(OverflowPolicy.FAIL).isolated().name("isolated"));
            bus.subscribe(BASKETS, plain::add, Delivery.async(executor));

            PublishResult poisoned = bus.publish(BASKETS, new Basket(List.of("poison")));
            PublishResult healthy = bus.publish(BASKETS, new Basket(List.of("plum")));
            executor.runAll();

            assertThat(poisoned.reached()).isEqualTo(2);
            assertThat(poisoned.completion()).failsWithin(1, TimeUnit.SECONDS);
            assertThat(healthy.completion()).succeedsWithin(1, TimeUnit.SECONDS);
            assertThat(isolated).containsExactly(new Basket(List.of("plum")));
            assertThat(plain).hasSize(2);
            assertThat(failures).singleElement().satisfies(failure -> {
                assertThat(failure.subscriber()).isEqualTo("isolated");
                assertThat(failure.cause()).isInstanceOf(SerializationException.class);
            });
        }
    }

    @Test
    void annotatedSubscriberRegisteredIsolatedReceivesCopies() {
        class Listener {
            final List<Basket> seen = new CopyOnWriteArrayList<>();

            @Subscribe(topic = "shop.baskets")
            void on(Basket basket) {
                seen.add(basket);
            }
        }
        Listener listener = new Listener();
        try (MessageBus bus = bus().serializer(serializer).build()) {
            bus.register(listener, Delivery.sync().isolated());
            Basket basket = new Basket(List.of("lime"));

            bus.publish(BASKETS, basket);

            assertThat(listener.seen).singleElement().isEqualTo(basket).isNotSameAs(basket);
        }
    }

    @Test
    void isolatedSubscriptionWithoutAnySerializerIsRefusedAtOnce() {
        try (MessageBus bus = bus().build()) {
            assertThatThrownBy(() -> bus.subscribe(BASKETS, basket -> { }, Delivery.sync().isolated().name("audit")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("subscription 'audit' receives isolated copies, which needs a serializer");
            bus.subscribe(BASKETS, basket -> { });
        }
    }

    @Test
    void isolationSurvivesFurtherRefinementOfTheDelivery() {
        Delivery delivery = Delivery.async(new ManualExecutor()).isolated().capacity(8).name("copying");

        assertThat(delivery.isIsolated()).isTrue();
        assertThat(delivery.toString()).contains("isolated");
        assertThat(Delivery.sync().isIsolated()).isFalse();
        assertThat(Delivery.sync().isolated().propagateFailures().isIsolated()).isTrue();
    }
}
