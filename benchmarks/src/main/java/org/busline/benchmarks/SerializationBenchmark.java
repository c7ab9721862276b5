package org.busline.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * </ul>
 * The decoded object is returned to JMH.
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

    /** The payload, made once. */
    @State(Scope.Thread)
    public static class Payloads {
        OrderPlaced order = new OrderPlaced("o-20240611-000042", "c-7781", 129_90L, "EUR",
                List.of("sku-1001", "sku-2002", "sku-3003"), 1_718_100_000_000L);
    }

    /** A plain {@code ObjectMapper}. */
    @State(Scope.Thread)
    public static class DirectState {
        ObjectMapper mapper;

        @Setup
        public void setUp(Payloads payloads) throws IOException {
            mapper = new ObjectMapper();
            OrderPlaced back = mapper.readValue(mapper.writeValueAsBytes(payloads.order), OrderPlaced.class);
            if (!back.equals(payloads.order)) {
                throw new IllegalStateException("direct: the round trip changed the payload: " + back);
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
}
