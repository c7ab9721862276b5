package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.busline.Delivery;
import org.busline.DeliveryFailure;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.PublishResult;
import org.busline.Topic;
import org.busline.jackson.JacksonSerializer;
import org.busline.spi.SerializationException;
import org.busline.spi.SerializerProvider;
import org.busline.spi.TypeRegistry;
import org.busline.tests.Messages.Cart;
import org.busline.tests.Messages.Wrapper;
import org.junit.jupiter.api.Test;

/** Isolated delivery through the public bus API, with bus-jackson found on the class path. */
class IsolatedDeliveryWithJacksonTest {
    static final Topic<Cart> CARTS = Topic.of("shop.carts", Cart.class);

    private final List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();

    static Cart cart(String... items) {
        return new Cart("c-1", new ArrayList<>(List.of(items)));
    }

    @Test
    void serviceLoaderFindsTheJacksonProvider() {
        List<SerializerProvider> providers = new ArrayList<>();
        ServiceLoader.load(SerializerProvider.class).forEach(providers::add);
        TypeRegistry types = TypeRegistry.builder().register(CARTS, "shop.cart", 2).build();

        assertThat(providers).singleElement().satisfies(provider -> {
            assertThat(provider.create(types)).isInstanceOfSatisfying(JacksonSerializer.class,
                    serializer -> assertThat(serializer.types()).isSameAs(types));
        });
    }

    @Test
    void subscriberMutatingItsCopyChangesNothingForThePublisherOrOtherSubscribers() {
        List<List<String>> seenByAuditor = new CopyOnWriteArrayList<>();
        List<Cart> seenByPlain = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().onError(failures::add).build()) {
            bus.subscribe(CARTS, cart -> cart.items().add("stolen"), Delivery.sync().isolated());
            bus.subscribe(CARTS, cart -> {
                seenByAuditor.add(List.copyOf(cart.items()));
                cart.items().clear();
            }, Delivery.sync().isolated());
            bus.subscribe(CARTS, seenByPlain::add);
            Cart published = cart("apple", "pear");

            bus.publish(CARTS, published);

            assertThat(published.items()).containsExactly("apple", "pear");
            assertThat(seenByAuditor).containsExactly(List.of("apple", "pear"));
            assertThat(seenByPlain).singleElement().isSameAs(published);
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void asynchronousSubscriberReceivesTheStateAtPublishAndItsChangesStayItsOwn() {
        ManualExecutor executor = new ManualExecutor();
        List<List<String>> seen = new CopyOnWriteArrayList<>();
        List<Envelope<? extends Cart>> envelopes = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().onError(failures::add).build()) {
            bus.subscribe(CARTS, cart -> {
                seen.add(List.copyOf(cart.items()));
                cart.items().add("stolen");
            }, Delivery.async(executor).isolated());
            bus.subscribeEnvelopes(CARTS, envelopes::add, Delivery.async(executor).isolated());
            Cart published = cart("apple");

            PublishResult result = bus.publish(Envelope.of(CARTS, published).withHeader("tenant", "acme"));
            published.items().add("added after publish");
            executor.runAll();

            assertThat(result.completion()).succeedsWithin(1, TimeUnit.SECONDS);
            assertThat(seen).containsExactly(List.of("apple"));
            assertThat(envelopes).singleElement().satisfies(envelope -> {
                assertThat(envelope.payload().items()).containsExactly("apple");
                assertThat(envelope.header("tenant")).isEqualTo("acme");
                assertThat(envelope.timestamp()).isNotNull();
            });
            assertThat(published.items()).containsExactly("apple", "added after publish");
        }
    }

    @Test
    void isolatedTopicCopiesForEverySubscriberWithTheDiscoveredSerializer() {
        List<Cart> seen = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().isolate(CARTS)
                .types(TypeRegistry.builder().register(CARTS, "shop.cart", 1).build()).build()) {
            bus.subscribe(CARTS, seen::add);
            Cart published = cart("fig");

            bus.publish(CARTS, published);

            assertThat(seen).singleElement().isEqualTo(published).isNotSameAs(published);
        }
    }

    @Test
    void payloadThatCannotTravelFailsOnlyTheIsolatedSubscription() {
        Topic<Wrapper> wrappers = Topic.of("shop.wrappers", Wrapper.class);
        List<Wrapper> plain = new CopyOnWriteArrayList<>();
        List<Wrapper> isolated = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().onError(failures::add).build()) {
            bus.subscribe(wrappers, isolated::add, Delivery.sync().isolated().name("isolated"));
            bus.subscribe(wrappers, plain::add);

            bus.publish(wrappers, new Wrapper(new Messages.Opaque()));

            assertThat(plain).hasSize(1);
            assertThat(isolated).isEmpty();
            assertThat(failures).singleElement().satisfies(failure -> {
                assertThat(failure.subscriber()).isEqualTo("isolated");
                assertThat(failure.cause()).isInstanceOf(SerializationException.class)
                        .hasMessageStartingWith("cannot encode a message (topic 'shop.wrappers'");
            });
        }
    }

    /** A message with a field declared Object, which JSON without type information cannot bring back as it was. */
    record Note(String id, Object body) {
    }

    @Test
    void aCopyThatWouldTurnAnObjectFieldIntoAMapFailsClearlyInsteadOfChangingItsType() {
        Topic<Note> notes = Topic.of("shop.notes", Note.class);
        List<Object> bodies = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().onError(failures::add).build()) {
            bus.subscribe(notes, note -> bodies.add(note.body()), Delivery.sync().isolated().name("isolated"));

            bus.publish(notes, new Note("n-1", cart("apple")));
            bus.publish(notes, new Note("n-2", "plain text travels as it is"));

            assertThat(bodies).containsExactly("plain text travels as it is");
            assertThat(failures).singleElement().satisfies(failure -> {
                assertThat(failure.subscriber()).isEqualTo("isolated");
                assertThat(failure.cause()).isInstanceOf(SerializationException.class)
                        .hasMessageContaining("shop.notes").hasMessageContaining("field 'body'")
                        .hasMessageContaining(Cart.class.getName()).hasMessageContaining("LinkedHashMap");
            });
        }
    }
}
