package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.jackson.JacksonSerializer;
import org.busline.spi.SerializationException;
import org.busline.spi.TypeRegistry;
import org.busline.tests.Messages.Address;
import org.busline.tests.Messages.Card;
import org.busline.tests.Messages.Cash;
import org.busline.tests.Messages.Checkout;
import org.busline.tests.Messages.Page;
import org.junit.jupiter.api.Test;

/**
 * Feeds the decoder mutated and random byte arrays: the only exception that may ever escape is
 * {@link SerializationException}, and the serializer and a bus using it keep working. Deterministic: the seed is
 * fixed unless {@code -Dfuzz.seed=…} is given, and a failure prints the input.
 */
class FuzzTest {
    private static final int RUNS = 12_000;
    private static final byte[] ALPHABET = bytes("{}[]\":,\\ \n-+.eE0123456789truefalsnul@$kindtypeversiondata\u00e9");
    private static final String[] KEYS = {"id", "source", "type", "version", "time", "correlationId",
        "causationId", "headers", "data", "street", "city", "items", "number", "first", "kind", "last4", "amount",
        "orderId", "payment", "@class"};

    private final JacksonSerializer serializer = JacksonSerializer.builder()
            .types(TypeRegistry.builder()
                    .register(RoundTripTest.ORDERS, "shop.order-placed", 2)
                    .upcaster("shop.order-placed", 1, data -> data)
                    .register(RoundTripTest.ADDRESS_PAGES)
                    .register(RoundTripTest.CHECKOUTS)
                    .register(BadInputTest.ADDRESSES)
                    .build())
            .subtype(Card.class, "card").subtype(Cash.class, "cash")
            .build();

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void onlySerializationExceptionEverEscapesTheDecoderAndTheBusStaysUsable() {
        long seed = Long.getLong("fuzz.seed", 0x5EED_B05L);
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> seeds = seeds();
        int decoded = 0;
        int refused = 0;
        for (int run = 0; run < RUNS; run++) {
            byte[] input = mutate(random, seeds);
            boolean withTopic = random.nextBoolean();
            try {
                Envelope<?> envelope = withTopic ? serializer.decode(input, RoundTripTest.ADDRESS_PAGES)
                        : serializer.decode(input);
                assertThat(envelope.payload()).isNotNull();
                decoded++;
            } catch (SerializationException expected) {
                assertThat(expected.getMessage()).startsWith("cannot decode a message (");
                refused++;
            } catch (Throwable escaped) {
                fail("run " + run + " (seed " + seed + ", topic given: " + withTopic + ") let "
                        + escaped + " escape for the input (Base64) " + Base64.getEncoder().encodeToString(input),
                        escaped);
            }
        }
        assertThat(decoded + refused).isEqualTo(RUNS);
        assertThat(refused).as("most mutations break the input").isGreaterThan(RUNS / 2);
        assertThat(decoded).as("some mutations still decode, so the fuzzer reaches the binding").isPositive();

        Envelope<Address> envelope = Envelope.of(BadInputTest.ADDRESSES, new Address("s", "c"));
        assertThat(serializer.decode(serializer.encode(envelope))).isEqualTo(envelope);
        List<Address> received = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().serializer(serializer).build()) {
            bus.subscribe(BadInputTest.ADDRESSES, received::add, Delivery.sync().isolated());
            bus.publish(BadInputTest.ADDRESSES, new Address("after", "fuzzing"));
        }
        assertThat(received).containsExactly(new Address("after", "fuzzing"));
    }

    private List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(serializer.encode(RoundTripTest.fullEnvelope()));
        seeds.add(serializer.encode(Envelope.of(RoundTripTest.ADDRESS_PAGES,
                new Page<>(List.of(new Address("a", "b")), 1, Optional.empty()))));
        seeds.add(serializer.encode(Envelope.of(RoundTripTest.CHECKOUTS, new Checkout("o", new Card("4242")))));
        seeds.add(serializer.encode(Envelope.of(BadInputTest.ADDRESSES, new Address("x", "y"))
                .withHeader("k", "v")));
        seeds.add(bytes("{\"data\":{\"street\":\"s\",\"city\":\"c\"},\"version\":1,\"type\":\"shop.address\","
                + "\"source\":\"shop.addresses\",\"id\":\"m\"}"));
        seeds.add(bytes("{\"id\":\"m\",\"source\":\"shop.orders\",\"type\":\"shop.order-placed\",\"version\":1,"
                + "\"data\":{}}"));
        return seeds;
    }

    private static byte[] mutate(SplittableRandom random, List<byte[]> seeds) {
        byte[] seed = seeds.get(random.nextInt(seeds.size()));
        switch (random.nextInt(8)) {
            case 0: {
                byte[] noise = new byte[random.nextInt(300)];
                random.nextBytes(noise);
                return noise;
            }
            case 1: {
                byte[] flipped = seed.clone();
                for (int i = 1 + random.nextInt(8); i > 0; i--) {
                    flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return flipped;
            }
            case 2:
                return java.util.Arrays.copyOf(seed, random.nextInt(seed.length));
            case 3: {
                byte[] replaced = seed.clone();
                for (int i = 1 + random.nextInt(6); i > 0; i--) {
                    replaced[random.nextInt(replaced.length)] = ALPHABET[random.nextInt(ALPHABET.length)];
                }
                return replaced;
            }
            case 4: {
                int from = random.nextInt(seed.length);
                int to = Math.min(seed.length, from + 1 + random.nextInt(20));
                byte[] cut = new byte[seed.length - (to - from)];
                System.arraycopy(seed, 0, cut, 0, from);
                System.arraycopy(seed, to, cut, from, seed.length - to);
                return cut;
            }
            case 5: {
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                int head = random.nextInt(seed.length);
                int tail = random.nextInt(other.length);
                byte[] spliced = new byte[head + other.length - tail];
                System.arraycopy(seed, 0, spliced, 0, head);
                System.arraycopy(other, tail, spliced, head, other.length - tail);
                return spliced;
            }
            case 6: {
                int at = random.nextInt(seed.length);
                byte[] chunk = bytes(randomJson(random, 0));
                byte[] inserted = new byte[seed.length + chunk.length];
                System.arraycopy(seed, 0, inserted, 0, at);
                System.arraycopy(chunk, 0, inserted, at, chunk.length);
                System.arraycopy(seed, at, inserted, at + chunk.length, seed.length - at);
                return inserted;
            }
            default:
                return bytes(randomEnvelope(random));
        }
    }

    /** A syntactically valid envelope whose attribute values are random JSON. */
    private static String randomEnvelope(SplittableRandom random) {
        StringBuilder json = new StringBuilder("{");
        String[] types = {"shop.order-placed", "shop.address", "shop.checkouts", "shop.address-pages",
            Messages.class.getName() + "$Gadget"};
        String[] sources = {"shop.orders", "shop.addresses", "shop.checkouts", "shop.address-pages"};
        json.append("\"id\":").append(random.nextInt(5) == 0 ? randomJson(random, 2) : "\"m-1\"");
        json.append(",\"source\":\"").append(sources[random.nextInt(sources.length)]).append('"');
        json.append(",\"type\":\"").append(types[random.nextInt(types.length)]).append('"');
        json.append(",\"version\":").append(random.nextInt(4) == 0 ? randomJson(random, 2) : random.nextInt(4));
        if (random.nextBoolean()) {
            json.append(",\"headers\":").append(randomJson(random, 1));
        }
        json.append(",\"data\":").append(randomJson(random, 0));
        return json.append('}').toString();
    }

    private static String randomJson(SplittableRandom random, int depth) {
        int kind = depth > 4 ? 3 + random.nextInt(5) : random.nextInt(8);
        switch (kind) {
            case 0:
            case 1: {
                StringBuilder object = new StringBuilder("{");
                for (int i = random.nextInt(5); i > 0; i--) {
                    object.append('"').append(KEYS[random.nextInt(KEYS.length)]).append("\":")
                            .append(randomJson(random, depth + 1)).append(i > 1 ? "," : "");
                }
                return object.append('}').toString();
            }
            case 2: {
                StringBuilder array = new StringBuilder("[");
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.append(randomJson(random, depth + 1)).append(i > 1 ? "," : "");
                }
                return array.append(']').toString();
            }
            case 3:
                return "\"" + List.of("a", "card", "cash", "4242", "2026-01-02T03:04:05Z", "PT1H", "\\u0000",
                        "x".repeat(random.nextInt(50))).get(random.nextInt(8)) + "\"";
            case 4:
                return Long.toString(random.nextLong());
            case 5:
                return random.nextDouble() * 1e6 + "";
            case 6:
                return List.of("true", "false", "null").get(random.nextInt(3));
            default:
                return Map.of(0, "-0", 1, "1e400", 2, "12345678901234567890123", 3, "0.1").get(random.nextInt(4));
        }
    }
}
