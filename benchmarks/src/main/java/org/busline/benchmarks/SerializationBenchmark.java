package org.busline.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.jackson.JacksonSerializer;
import org.busline.spi.TypeRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Jackson encode and decode of a typical message; average time per round trip (bytes and back).
 *
 * <ul>
 *   <li>{@code direct}: a plain {@code ObjectMapper} writes the payload alone ({@link OrderPlaced}) to bytes and
 *       reads it back: the floor, with no envelope.</li>
 *   <li>{@code equivalent}: the same plain {@code ObjectMapper} writes and reads an object that holds what the
 *       envelope holds ({@link EnvelopeFields}: the payload plus id, topic, logical type and version, time,
 *       correlation and causation ids and the two headers): the fair floor of an envelope, and the reference of the
 *       serialization target (within 1.5× of it). Its time is a string, as a plain mapper without the Java time
 *       module must write it; Busline's decode also parses it into an {@code Instant}.</li>
 *   <li>{@code busline}: {@code JacksonSerializer.encode} of a published envelope of that payload (id, named topic,
 *       logical type and version, timestamp, correlation and causation ids, two headers), then
 *       {@code decode(bytes)}, which finds the payload's type from the logical type in the registry, as a consumer
 *       that does not know the topic in advance does.</li>
 * </ul>
 * Guava, greenrobot, MBassador, Vert.x's local bus, the Disruptor and {@code ArrayBlockingQueue} pass objects by
 * reference and have no envelope serializer: no method. The decoded object is returned to JMH.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerializationBenchmark {

    /**
     * A typical payload: an order with a few lines.
     *
     * @param orderId     the order's id
     * @param customerId  the customer's id
     * @param amountCents the total, in cents
     * @param currency    an ISO currency code
     * @param skus        the ordered articles
     * @param placedAt    when it was placed, in epoch milliseconds
     */
    public record OrderPlaced(String orderId, String customerId, long amountCents, String currency, List<String> skus,
                              long placedAt) {
    }

    /**
     * What an envelope holds, as a plain object.
     *
     * @param id            the message id
     * @param source        the topic's name
     * @param type          the logical type
     * @param version       its version
     * @param time          the timestamp, RFC 3339
     * @param correlationId the correlation id
     * @param causationId   the causation id
     * @param headers       the headers
     * @param data          the payload
     */
    public record EnvelopeFields(String id, String source, String type, int version, String time,
                                 String correlationId, String causationId, Map<String, String> headers,
                                 OrderPlaced data) {
    }

    /** The payload, made once. */
    @State(Scope.Thread)
    public static class Payloads {
        OrderPlaced order = new OrderPlaced("o-20240611-000042", "c-7781", 129_90L, "EUR",
                List.of("sku-1001", "sku-2002", "sku-3003"), 1_718_100_000_000L);
    }

    /** A plain {@code ObjectMapper}, and the envelope's fields as a plain object. */
    @State(Scope.Thread)
    public static class DirectState {
        ObjectMapper mapper;
        EnvelopeFields fields;

        @Setup
        public void setUp(Payloads payloads) throws IOException {
            mapper = new ObjectMapper();
            OrderPlaced back = mapper.readValue(mapper.writeValueAsBytes(payloads.order), OrderPlaced.class);
            if (!back.equals(payloads.order)) {
                throw new IllegalStateException("direct: the round trip changed the payload: " + back);
            }
            fields = new EnvelopeFields("0194c1d2-7f3a-7b21-9c55-3d1e2f4a5b6c", "orders.placed", "shop.order-placed",
                    1, "2024-06-11T10:00:00.123Z", "0194c1d2-6e29-7a10-8b44-2c0d1e3f4a5b",
                    "0194c1d2-6e29-7a10-8b44-2c0d1e3f4a5b",
                    Map.of("tenant", "acme", "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                    payloads.order);
            if (!mapper.readValue(mapper.writeValueAsBytes(fields), EnvelopeFields.class).equals(fields)) {
                throw new IllegalStateException("equivalent: the round trip changed the fields");
            }
        }
    }

    /** The JSON serializer of envelopes and a published envelope of the payload. */
    @State(Scope.Thread)
    public static class BuslineState {
        static final Topic<OrderPlaced> ORDERS = Topic.of("orders.placed", OrderPlaced.class);
        JacksonSerializer serializer;
        Envelope<OrderPlaced> envelope;

        @Setup
        public void setUp(Payloads payloads) {
            serializer = JacksonSerializer.create(TypeRegistry.builder()
                    .register(ORDERS, "shop.order-placed", 1).build());
            envelope = Envelope.restore("0194c1d2-7f3a-7b21-9c55-3d1e2f4a5b6c", ORDERS, payloads.order,
                    Instant.ofEpochMilli(1_718_100_000_123L), "0194c1d2-6e29-7a10-8b44-2c0d1e3f4a5b",
                    "0194c1d2-6e29-7a10-8b44-2c0d1e3f4a5b",
                    Map.of("tenant", "acme", "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
            Envelope<?> back = serializer.decode(serializer.encode(envelope));
            if (!back.payload().equals(payloads.order) || !back.id().equals(envelope.id())
                    || !back.headers().equals(envelope.headers())) {
                throw new IllegalStateException("busline: the round trip changed the envelope: " + back);
            }
        }
    }

    /**
     * The floor: the payload alone through a plain {@code ObjectMapper}.
     *
     * @param s the mapper
     * @param p the payload
     * @return the decoded payload
     * @throws IOException never, for this payload
     */
    @Benchmark
    public OrderPlaced direct(DirectState s, Payloads p) throws IOException {
        byte[] bytes = s.mapper.writeValueAsBytes(p.order);
        return s.mapper.readValue(bytes, OrderPlaced.class);
    }

    /**
     * The fair floor: the envelope's fields as a plain object through a plain {@code ObjectMapper}.
     *
     * @param s the mapper and the fields
     * @return the decoded fields
     * @throws IOException never, for these fields
     */
    @Benchmark
    public EnvelopeFields equivalent(DirectState s) throws IOException {
        byte[] bytes = s.mapper.writeValueAsBytes(s.fields);
        return s.mapper.readValue(bytes, EnvelopeFields.class);
    }

    /**
     * Busline: the envelope through {@code JacksonSerializer}.
     *
     * @param s the serializer and the envelope
     * @return the decoded envelope
     */
    @Benchmark
    public Envelope<?> busline(BuslineState s) {
        byte[] bytes = s.serializer.encode(s.envelope);
        return s.serializer.decode(bytes);
    }
}
