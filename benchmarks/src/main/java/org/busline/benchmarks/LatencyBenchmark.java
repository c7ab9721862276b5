package org.busline.benchmarks;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Topic;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One message handed to another thread, and the publisher waits until it was handled: the latency of one hop, sampled
 * (JMH's {@code SampleTime} reports p50, p99 and p99.9). Nothing else is in flight, so a consumer that parks between
 * messages pays its wake-up on every sample; that is the point of measuring it.
 *
 * <p>The event's {@code producer} field carries a sequence number here. The handler stores the message's sequence number in an {@link AtomicInteger}; the publisher spins (with
 * {@link Thread#onSpinWait()}) until it sees its own number. Every library hands the same {@link Event}.
 * <ul>
 *   <li>{@code busline}: a subscription with {@code Delivery.async(singleThreadExecutor)}.</li>
 *   <li>{@code vertx}: a local consumer on a one-event-loop Vert.x, {@code eventBus.send}.</li>
 *   <li>{@code abq}: an {@code ArrayBlockingQueue} and one consumer thread in {@code take()}.</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LatencyBenchmark {
    static final Topic<Event> TOPIC = Topic.of("latency", Event.class);

    /** What the consumer saw last, and the next number to send: each state owns its own. */
    abstract static class Handled {
        final AtomicInteger seen = new AtomicInteger();
        int next;

        /** Waits until the consumer handled message {@code number}. */
        void await(int number) {
            while (seen.get() != number) {
                Thread.onSpinWait();
            }
        }
    }

    /** A bus whose one subscription has its own consumer thread. */
    @State(Scope.Thread)
    public static class BuslineState extends Handled {
        ExecutorService consumer;
        MessageBus bus;

        @Setup(Level.Trial)
        public void setUp() {
            consumer = DaemonThreads.singleThread("busline-latency");
            bus = MessageBus.builder().build();
            bus.subscribe(TOPIC, event -> seen.set(event.producer), Delivery.async(consumer));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            bus.close();
            consumer.shutdownNow();
        }
    }

    /** Vert.x with one event loop and a local consumer. */
    @State(Scope.Thread)
    public static class VertxState extends Handled {
        Vertx vertx;
        EventBus eventBus;

        @Setup(Level.Trial)
        public void setUp() {
            vertx = VertxSupport.start(Event.class);
            eventBus = vertx.eventBus();
            MessageConsumer<Event> consumer = eventBus.localConsumer("latency",
                    message -> seen.set(message.body().producer));
            Promise<Void> registered = Promise.promise();
            consumer.completionHandler(registered);
            VertxSupport.await(registered.future());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            VertxSupport.close(vertx);
        }
    }

    /** An ArrayBlockingQueue and one consumer thread. */
    @State(Scope.Thread)
    public static class AbqState extends Handled {
        final ArrayBlockingQueue<Event> queue = new ArrayBlockingQueue<>(1024);
        Thread consumer;

        @Setup(Level.Trial)
        public void setUp() {
            consumer = new Thread(() -> {
                try {
                    for (;;) {
                        seen.set(queue.take().producer);
                    }
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                }
            }, "abq-latency");
            consumer.setDaemon(true);
            consumer.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            consumer.interrupt();
            consumer.join(5_000);
        }
    }

    /**
     * Busline.
     *
     * @param s the bus and what its consumer saw
     */
    @Benchmark
    public void busline(BuslineState s) {
        int number = ++s.next;
        s.bus.publish(TOPIC, new Event(number));
        s.await(number);
    }

    /**
     * Vert.x.
     *
     * @param s the event bus and what its consumer saw
     */
    @Benchmark
    public void vertx(VertxState s) {
        int number = ++s.next;
        s.eventBus.send("latency", new Event(number));
        s.await(number);
    }

    /**
     * ArrayBlockingQueue.
     *
     * @param s the queue and what its consumer saw
     * @throws InterruptedException if interrupted while the queue is full (never: one message at a time)
     */
    @Benchmark
    public void abq(AbqState s) throws InterruptedException {
        int number = ++s.next;
        s.queue.put(new Event(number));
        s.await(number);
    }
}
