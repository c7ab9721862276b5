package org.busline.benchmarks;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Topic;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The round trip of a request to a responder on another thread and its typed reply, awaited by the requester;
 * average time per round trip.
 *
 * <p>The request is made once; every responder computes the same reply ({@link #answer}), a new object per request,
 * which the benchmark returns to JMH. Two threads take part in each library: the requester (JMH's thread, which
 * blocks until the reply arrives) and one responder thread.
 * <ul>
 *   <li>{@code direct}: {@code CompletableFuture.supplyAsync(answer, executor).join()} on a single-thread executor:
 *       the hand-off there and back with no bus.</li>
 *   <li>{@code busline}: {@code bus.request(topic, request, Reply.class, 30 s).join()} to a responder registered
 *       with {@code respond(topic, responder, Delivery.async(executor))} on a single-thread executor; the 30 s
 *       deadline is Vert.x's default reply timeout.</li>
 *   <li>{@code vertx}: {@code eventBus().request(address, request)} to a {@code localConsumer} that replies, on
 *       Vert.x's one event loop, with its default 30 s reply timeout; awaited through
 *       {@code toCompletionStage().toCompletableFuture().join()}.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestReplyBenchmark {
    static final String ADDRESS = "benchmark.requests";
    static final Topic<Request> REQUESTS = Topic.of(Request.class);
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * A request.
     *
     * @param value the number to increment
     */
    public record Request(int value) {
    }

    /**
     * A reply.
     *
     * @param value the incremented number
     */
    public record Reply(int value) {
    }

    /**
     * The responder's work, the same in every library.
     *
     * @param request the request
     * @return its reply
     */
    static Reply answer(Request request) {
        return new Reply(request.value() + 1);
    }

    /** The request, made once. */
    @State(Scope.Thread)
    public static class Requests {
        Request request = new Request(41);
    }

    /** A single-thread executor as the responder. */
    @State(Scope.Benchmark)
    public static class DirectState {
        ExecutorService responder;

        @Setup
        public void setUp() {
            responder = DaemonThreads.singleThread("direct-responder");
        }

        @TearDown
        public void tearDown() {
            responder.shutdownNow();
        }
    }

    /** A bus with one asynchronous responder on a single-thread executor. */
    @State(Scope.Benchmark)
    public static class BuslineState {
        ExecutorService responder;
        MessageBus bus;

        @Setup
        public void setUp() {
            responder = DaemonThreads.singleThread("busline-responder");
            bus = MessageBus.builder().build();
            bus.respond(REQUESTS, RequestReplyBenchmark::answer, Delivery.async(responder));
            Reply check = bus.request(REQUESTS, new Request(1), Reply.class, TIMEOUT).join();
            if (check.value() != 2) {
                throw new IllegalStateException("busline: wrong reply " + check);
            }
        }

        @TearDown
        public void tearDown() {
            bus.close();
            responder.shutdownNow();
        }
    }

    /** Vert.x with one event loop and a replying local consumer. */
    @State(Scope.Benchmark)
    public static class VertxState {
        Vertx vertx;
        EventBus bus;

        @Setup
        public void setUp() {
            vertx = VertxSupport.start(Request.class, Reply.class);
            bus = vertx.eventBus();
            bus.<Request>localConsumer(ADDRESS, message -> message.reply(answer(message.body())));
            Reply check = VertxSupport.await(bus.<Reply>request(ADDRESS, new Request(1))).body();
            if (check.value() != 2) {
                throw new IllegalStateException("vertx: wrong reply " + check);
            }
        }

        @TearDown
        public void tearDown() {
            VertxSupport.close(vertx);
        }
    }

    /**
     * The floor: a {@code CompletableFuture} hand-off to the responder thread and back.
     *
     * @param s the responder
     * @param r the request
     * @return the reply
     */
    @Benchmark
    public Reply direct(DirectState s, Requests r) {
        Request request = r.request;
        return CompletableFuture.supplyAsync(() -> answer(request), s.responder).join();
    }

    /**
     * Busline request/reply.
     *
     * @param s the bus
     * @param r the request
     * @return the reply
     */
    @Benchmark
    public Reply busline(BuslineState s, Requests r) {
        return s.bus.request(REQUESTS, r.request, Reply.class, TIMEOUT).join();
    }

    /**
     * Vert.x local event bus request/reply.
     *
     * @param s the event bus
     * @param r the request
     * @return the reply
     */
    @Benchmark
    public Reply vertx(VertxState s, Requests r) {
        return s.bus.<Reply>request(ADDRESS, r.request).toCompletionStage().toCompletableFuture().join().body();
    }
}
