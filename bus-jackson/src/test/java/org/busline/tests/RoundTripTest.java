package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.TypeRef;
import org.busline.jackson.JacksonSerializer;
import org.busline.spi.Serializer;
import org.busline.spi.TypeRegistry;
import org.busline.tests.Messages.Address;
import org.busline.tests.Messages.Card;
import org.busline.tests.Messages.Cash;
import org.busline.tests.Messages.Checkout;
import org.busline.tests.Messages.Line;
import org.busline.tests.Messages.Order;
import org.busline.tests.Messages.Page;
import org.junit.jupiter.api.Test;

class RoundTripTest {
    static final Topic<Order> ORDERS = Topic.of("shop.orders", Order.class);
    static final Topic<Page<Address>> ADDRESS_PAGES = Topic.of("shop.address-pages", new TypeRef<Page<Address>>() { });
    static final Topic<Checkout> CHECKOUTS = Topic.of("shop.checkouts", Checkout.class);

    static final TypeRegistry TYPES = TypeRegistry.builder()
            .register(ORDERS, "shop.order-placed", 2)
            .register(ADDRESS_PAGES)
            .register(CHECKOUTS, "shop.checked-out", 1)
            .build();

    static JacksonSerializer serializer() {
        return JacksonSerializer.builder().types(TYPES).subtype(Card.class, "card").subtype(Cash.class, "cash")
                .build();
    }

    static Order order() {
        return new Order("o-1", new Address("1 Rue de Rivoli", "Paris"),
                List.of(new Line("sku-1", 2, new BigDecimal("12.50")), new Line("sku-2", 1, new BigDecimal("0.99"))),
                Optional.of("ring twice"), Optional.empty(), OptionalInt.of(3),
                Instant.parse("2026-01-02T03:04:05.123456789Z"), LocalDate.of(2026, 2, 28),
                OffsetDateTime.of(2026, 3, 1, 9, 30, 0, 0, ZoneOffset.ofHoursMinutes(5, 30)),
                ZonedDateTime.of(2026, 3, 29, 10, 0, 0, 0, ZoneId.of("Europe/Paris")),
                Duration.ofMinutes(90), Map.of("gift", 1, "express", 0));
    }

    static Envelope<Order> fullEnvelope() {
        return Envelope.restore("0194c1d2-7f3a-7b21-9c55-3d1e2f4a5b6c", ORDERS, order(),
                Instant.parse("2026-01-02T03:04:05.678901234Z"), "flow-42", "cause-7",
                Map.of("tenant", "acme", "trace", "00-abc-01", "ünïcödé", "välue \"quoted\"\n"));
    }

    private final JacksonSerializer serializer = serializer();

    @Test
    void roundTripsEveryEnvelopeField() {
        Envelope<Order> original = fullEnvelope();

        Envelope<?> decoded = serializer.decode(serializer.encode(original));

        assertThat(decoded).isEqualTo(original);
        assertThat(decoded.id()).isEqualTo(original.id());
        assertThat(decoded.topic()).isSameAs(ORDERS);
        assertThat(decoded.timestamp()).isEqualTo(original.timestamp());
        assertThat(decoded.correlationId()).isEqualTo("flow-42");
        assertThat(decoded.causationId()).isEqualTo("cause-7");
        assertThat(decoded.headers()).isEqualTo(original.headers());
        assertThat(decoded.payload()).isEqualTo(original.payload()).isNotSameAs(original.payload());
    }

    @Test
    void roundTripsRecordsWithNestedOptionalAndTemporalFields() {
        Order order = order();

        Order decoded = serializer.decode(serializer.encode(Envelope.of(ORDERS, order)), ORDERS).payload();

        assertThat(decoded).isEqualTo(order);
        assertThat(decoded.pickup().getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(decoded.promised().getOffset()).isEqualTo(ZoneOffset.ofHoursMinutes(5, 30));
        assertThat(decoded.note()).contains("ring twice");
        assertThat(decoded.billTo()).isEmpty();
    }

    @Test
    void roundTripsGenericPayloadsThroughTypeTokens() {
        Page<Address> page = new Page<>(List.of(new Address("a", "b"), new Address("c", "d")), 7,
                Optional.of(new Address("a", "b")));

        Envelope<?> decoded = serializer.decode(serializer.encode(Envelope.of(ADDRESS_PAGES, page)));

        assertThat(decoded.topic()).isEqualTo(ADDRESS_PAGES);
        assertThat(decoded.payload()).isEqualTo(page);
        assertThat(((Page<?>) decoded.payload()).items().get(0)).isInstanceOf(Address.class);
    }

    @Test
    void roundTripsAllowListedPolymorphicPayloadsByName() throws IOException {
        Checkout byCard = new Checkout("o-1", new Card("4242"));
        Checkout byCash = new Checkout("o-2", new Cash(new BigDecimal("20.00")));

        byte[] bytes = serializer.encode(Envelope.of(CHECKOUTS, byCard));

        assertThat(serializer.decode(bytes).payload()).isEqualTo(byCard);
        assertThat(serializer.decode(serializer.encode(Envelope.of(CHECKOUTS, byCash))).payload()).isEqualTo(byCash);
        assertThat(new ObjectMapper().readTree(bytes).at("/data/payment/kind").asText()).isEqualTo("card");
    }

    @Test
    void unregisteredTopicRoundTripsWhenTheCallerNamesIt() {
        Topic<Address> addresses = Topic.of("shop.addresses", Address.class);
        Envelope<Address> original = Envelope.restore("m-1", addresses, new Address("x", "y"), null, null, null,
                Map.of());

        Envelope<Address> decoded = serializer.decode(serializer.encode(original), addresses);

        assertThat(decoded).isEqualTo(original);
        assertThat(decoded.timestamp()).isNull();
        assertThat(decoded.correlationId()).isEqualTo("m-1");
        assertThat(decoded.causationId()).isNull();
    }

    @Test
    void copyIsADeepCopyWithTheSameMetadata() {
        Topic<Messages.Cart> carts = Topic.of("shop.carts", Messages.Cart.class);
        Envelope<Messages.Cart> original = Envelope.of(carts, new Messages.Cart("c-1", new ArrayList<>(List.of("a"))))
                .withHeader("h", "v");

        Envelope<Messages.Cart> copy = serializer.copy(original);
        copy.payload().items().add("b");

        assertThat(copy.id()).isEqualTo(original.id());
        assertThat(copy.headers()).isEqualTo(original.headers());
        assertThat(original.payload().items()).containsExactly("a");
    }

    @Test
    void writesTheDocumentedJsonShape() throws IOException {
        byte[] bytes = serializer.encode(fullEnvelope());
        JsonNode json = new ObjectMapper().readTree(bytes);

        assertThat(json.fieldNames()).toIterable().containsExactly("id", "source", "type", "version", "time",
                "correlationId", "causationId", "headers", "data");
        assertThat(json.get("id").asText()).isEqualTo("0194c1d2-7f3a-7b21-9c55-3d1e2f4a5b6c");
        assertThat(json.get("source").asText()).isEqualTo("shop.orders");
        assertThat(json.get("type").asText()).isEqualTo("shop.order-placed");
        assertThat(json.get("version").asInt()).isEqualTo(2);
        assertThat(json.get("time").asText()).isEqualTo("2026-01-02T03:04:05.678901234Z");
        assertThat(json.get("headers").get("tenant").asText()).isEqualTo("acme");
        assertThat(json.at("/data/placedAt").asText()).isEqualTo("2026-01-02T03:04:05.123456789Z");
        assertThat(json.at("/data/due").asText()).isEqualTo("2026-02-28");
        assertThat(json.at("/data/window").asText()).isEqualTo("PT1H30M");
        assertThat(json.at("/data/pickup").asText()).isEqualTo("2026-03-29T10:00:00+02:00[Europe/Paris]");
        assertThat(json.at("/data/billTo").isNull()).isTrue();
        assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain(Order.class.getName());
        assertThat(serializer.contentType()).isEqualTo("application/vnd.busline.envelope+json");
    }

    @Test
    void readsAttributesInAnyOrderAndIgnoresUnknownOnes() {
        String json = "{\"data\":{\"street\":\"s\",\"city\":\"c\"},\"specversion\":\"1.0\",\"version\":1,"
                + "\"type\":\"shop.addresses\",\"source\":\"shop.addresses\",\"time\":\"2026-01-02T04:04:05+01:00\","
                + "\"id\":\"m-9\",\"extension\":{\"nested\":[1,2,3]}}";
        Topic<Address> addresses = Topic.of("shop.addresses", Address.class);

        Envelope<Address> decoded = serializer.decode(json.getBytes(StandardCharsets.UTF_8), addresses);

        assertThat(decoded.payload()).isEqualTo(new Address("s", "c"));
        assertThat(decoded.timestamp()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(decoded.id()).isEqualTo("m-9");
    }

    @Test
    void everyInstanceOfTheSerializerSharesNothingButIsReusableAcrossThreads() throws Exception {
        Serializer shared = serializer;
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        Envelope<Order> original = fullEnvelope();
                        assertThat(shared.decode(shared.encode(original))).isEqualTo(original);
                    }
                } catch (Throwable failure) {
                    failures.add(failure);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        assertThat(failures).isEmpty();
    }
}
