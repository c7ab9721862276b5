package org.busline.benchmarks;

import com.google.common.eventbus.AllowConcurrentEvents;
import com.google.common.eventbus.AsyncEventBus;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.engio.mbassy.bus.MBassador;
import net.engio.mbassy.bus.config.BusConfiguration;
import net.engio.mbassy.bus.config.Feature;
import net.engio.mbassy.listener.Handler;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Topic;
import org.greenrobot.eventbus.ThreadMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The body of the asynchronous scenarios, {@link AsyncThroughputBenchmark} (one producer thread) and
 * {@link AsyncMultiProducerBenchmark} (two): each library hands messages from the producer threads to one
 * subscriber running on one other thread.
 *
 * <p><b>One operation</b> is a batch: a producer publishes {@value #BATCH} messages, then waits (spinning, then
 * yielding) until the subscriber has handled every message that producer published. The subclasses declare
 * {@code @OperationsPerInvocation(BATCH)}, so JMH reports messages per second, summed over the producers.
 *
 * <p><b>The same work everywhere.</b> The message is one pre-made {@link Event} per producer. The subscriber hands
 * it to JMH's {@link Blackhole} and counts it for its producer ({@link Progress}: a plain read and an ordered write).
 * Queues that have a bound get {@value #CAPACITY} slots, more than the messages in flight, so no producer ever waits
 * for room: the scenario measures the hand-off, not back-pressure (Guava, greenrobot, MBassador and Vert.x queue
 * without bound anyway). Each set-up sends one message through before measuring, so a library that delivers nothing
 * fails the run instead of measuring nothing.
 *
 * <p><b>Set-ups</b> (each library's one consumer thread):
 * <ul>
 *   <li>{@code busline}: a lambda subscribed with {@code Delivery.async(executor).capacity(CAPACITY)} (overflow
 *       {@code BLOCK}, the default) on a single-thread executor; published on a pre-made {@code Topic}.</li>
 *   <li>{@code guava}: an {@code AsyncEventBus} on a single-thread executor; an
 *       {@code @Subscribe @AllowConcurrentEvents} method.</li>
 *   <li>{@code greenrobot}: {@code ThreadMode.BACKGROUND} (one background thread, in order) on a single-thread
 *       executor.</li>
 *   <li>{@code mbassador}: {@code publishAsync} with one dispatcher thread.</li>
 *   <li>{@code vertx}: {@code eventBus().send} to a {@code localConsumer} on Vert.x's one event loop; the message
 *       travels by reference (a codec whose {@code transform} returns its argument).</li>
 *   <li>{@code disruptor}: a ring buffer of {@value #CAPACITY} with {@code YieldingWaitStrategy}, the one its guide
 *       recommends when handler threads are fewer than cores (its consumer spins and yields instead of parking,
 *       which no other library here does), {@code ProducerType.SINGLE} with one producer and {@code MULTI} with
 *       two.</li>
 *   <li>{@code abq}: an {@code ArrayBlockingQueue} of {@value #CAPACITY}, {@code put} by the producers and
 *       {@code take} by a dedicated thread: the JDK hand-off, the floor without a bus.</li>
 * </ul>
 */
public abstract class AsyncBenchmarkBase {
    /** Messages each producer publishes per operation. */
    public static final int BATCH = 1000;
    /** The bound of the bounded queues; above the messages in flight (two producers times one batch). */
    public static final int CAPACITY = 4096;
    /** Producers the counters are made for; the index {@code MAX_PRODUCERS} is the set-up's check. */
    static final int MAX_PRODUCERS = 2;
    static final Topic<Event> TOPIC = Topic.of(Event.class);
    static final String ADDRESS = "benchmark.events";

    /** Hands out producer indexes. */
    @State(Scope.Benchmark)
    public static class Ids {
        final AtomicInteger next = new AtomicInteger();
    }

    /** One producer thread: its index, its event and how many messages it has published. */
    @State(Scope.Thread)
    public static class Producer {
        int id;
        Event event;
        long published;

        @Setup
        public void setUp(Ids ids) {
            id = ids.next.getAndIncrement();
            if (id >= MAX_PRODUCERS) {
                throw new IllegalStateException("at most " + MAX_PRODUCERS + " producer threads, but this is #"
                        + (id + 1));
            }
            event = new Event(id);
        }

        /** Counts one batch as published and returns how many messages the subscriber must have handled. */
        long batchDone() {
            published += BATCH;
            return published;
        }
    }

    /** Sends one message with the check index through {@code publish} and waits until it was handled. */
    static void checkDelivery(Progress progress, java.util.function.Consumer<Event> publish) {
        publish.accept(new Event(MAX_PRODUCERS));
        progress.await(MAX_PRODUCERS, 1);
    }

    /** The subscriber's work, the same for every library. */
    static void handle(Blackhole bh, Progress progress, Event e) {
        bh.consume(e);
        progress.handled(e.producer);
    }

    // ------------------------------------------------------------------------------------------------ busline

    /** A bus with one asynchronous subscriber. */
    @State(Scope.Benchmark)
    public static class BuslineState {
        ExecutorService executor;
        MessageBus bus;
        Progress progress;

        @Setup
        public void setUp(Blackhole bh) {
            executor = DaemonThreads.singleThread("busline-consumer");
            progress = new Progress(MAX_PRODUCERS + 1);
            Progress counts = progress;
            bus = MessageBus.builder().build();
            bus.subscribe(TOPIC, e -> handle(bh, counts, e), Delivery.async(executor).capacity(CAPACITY));
            checkDelivery(progress, e -> bus.publish(TOPIC, e));
        }

        @TearDown
        public void tearDown() {
            bus.close();
            executor.shutdownNow();
        }
    }

    /**
     * Busline.
     *
     * @param s the bus
     * @param p the producer
     */
    @Benchmark
    public void busline(BuslineState s, Producer p) {
        MessageBus bus = s.bus;
        Event event = p.event;
        for (int i = 0; i < BATCH; i++) {
            bus.publish(TOPIC, event);
        }
        s.progress.await(p.id, p.batchDone());
    }

    // ------------------------------------------------------------------------------------------------ guava

    /** A Guava subscriber that counts. */
    public static final class GuavaListener {
        private final Blackhole bh;
        private final Progress progress;

        GuavaListener(Blackhole bh, Progress progress) {
            this.bh = bh;
            this.progress = progress;
        }

        /**
         * Handles the event.
         *
         * @param e the event
         */
        @com.google.common.eventbus.Subscribe
        @AllowConcurrentEvents
        public void on(Event e) {
            handle(bh, progress, e);
        }
    }

    /** An {@code AsyncEventBus} on a single-thread executor. */
    @State(Scope.Benchmark)
    public static class GuavaState {
        ExecutorService executor;
        AsyncEventBus bus;
        Progress progress;

        @Setup
        public void setUp(Blackhole bh) {
            executor = DaemonThreads.singleThread("guava-consumer");
            progress = new Progress(MAX_PRODUCERS + 1);
            bus = new AsyncEventBus("benchmark", executor);
            bus.register(new GuavaListener(bh, progress));
            checkDelivery(progress, bus::post);
        }

        @TearDown
        public void tearDown() {
            executor.shutdownNow();
        }
    }

    /**
     * Guava AsyncEventBus.
     *
     * @param s the bus
     * @param p the producer
     */
    @Benchmark
    public void guava(GuavaState s, Producer p) {
        AsyncEventBus bus = s.bus;
        Event event = p.event;
        for (int i = 0; i < BATCH; i++) {
            bus.post(event);
        }
        s.progress.await(p.id, p.batchDone());
    }

    // ------------------------------------------------------------------------------------------------ greenrobot

    /** A greenrobot subscriber on its background thread. */
    public static final class GreenrobotListener {
        private final Blackhole bh;
        private final Progress progress;

        GreenrobotListener(Blackhole bh, Progress progress) {
            this.bh = bh;
            this.progress = progress;
        }

        /**
         * Handles the event.
         *
         * @param e the event
         */
        @org.greenrobot.eventbus.Subscribe(threadMode = ThreadMode.BACKGROUND)
        public void on(Event e) {
            handle(bh, progress, e);
        }
    }

    /** A greenrobot bus whose background poster runs on a single-thread executor. */
    @State(Scope.Benchmark)
    public static class GreenrobotState {
        ExecutorService executor;
        org.greenrobot.eventbus.EventBus bus;
        Progress progress;

        @Setup
        public void setUp(Blackhole bh) {
            executor = DaemonThreads.singleThread("greenrobot-consumer");
            progress = new Progress(MAX_PRODUCERS + 1);
            bus = org.greenrobot.eventbus.EventBus.builder().executorService(executor)
                    .throwSubscriberException(true).build();
            bus.register(new GreenrobotListener(bh, progress));
            checkDelivery(progress, bus::post);
        }

        @TearDown
        public void tearDown() {
            executor.shutdown(); // not shutdownNow(): greenrobot logs an interrupt of its idle poster as a warning
        }
    }

    /**
     * greenrobot EventBus.
     *
     * @param s the bus
     * @param p the producer
     */
    @Benchmark
    public void greenrobot(GreenrobotState s, Producer p) {
        org.greenrobot.eventbus.EventBus bus = s.bus;
        Event event = p.event;
        for (int i = 0; i < BATCH; i++) {
            bus.post(event);
        }
        s.progress.await(p.id, p.batchDone());
    }

    // ------------------------------------------------------------------------------------------------ mbassador

    /** An MBassador listener that counts. */
    public static final class MbassadorListener {
        private final Blackhole bh;
        private final Progress progress;

        MbassadorListener(Blackhole bh, Progress progress) {
            this.bh = bh;
            this.progress = progress;
        }

        /**
         * Handles the event.
         *
         * @param e the event
         */
        @Handler
        public void on(Event e) {
            handle(bh, progress, e);
        }
    }

    /** MBassador with one dispatcher thread; the listener is held here (MBassador references listeners weakly). */
    @State(Scope.Benchmark)
    public static class MbassadorState {
        MBassador<Object> bus;
        MbassadorListener listener;
        Progress progress;

        @Setup
        public void setUp(Blackhole bh) {
            progress = new Progress(MAX_PRODUCERS + 1);
            BusConfiguration config = new BusConfiguration();
            config.addFeature(Feature.SyncPubSub.Default());
            config.addFeature(Feature.AsynchronousHandlerInvocation.Default(1, 1));
            config.addFeature(Feature.AsynchronousMessageDispatch.Default().setNumberOfMessageDispatchers(1));
            config.addPublicationErrorHandler(error -> {
                throw new IllegalStateException("mbassador: " + error);
            });
            bus = new MBassador<>(config);
            listener = new MbassadorListener(bh, progress);
            bus.subscribe(listener);
            checkDelivery(progress, bus::publishAsync);
        }

        @TearDown
        public void tearDown() {
            bus.shutdown();
        }
    }

    /**
     * MBassador.
     *
     * @param s the bus
     * @param p the producer
     */
    @Benchmark
    public void mbassador(MbassadorState s, Producer p) {
        MBassador<Object> bus = s.bus;
        Event event = p.event;
        for (int i = 0; i < BATCH; i++) {
            bus.publishAsync(event);
        }
        s.progress.await(p.id, p.batchDone());
    }

    // ------------------------------------------------------------------------------------------------ vertx

    /** Vert.x with one event loop and a local consumer. */
    @State(Scope.Benchmark)
    public static class VertxState {
        Vertx vertx;
        EventBus bus;
        Progress progress;

        @Setup
        public void setUp(Blackhole bh) {
            progress = new Progress(MAX_PRODUCERS + 1);
            Progress counts = progress;
            vertx = VertxSupport.start(Event.class);
            bus = vertx.eventBus();
            MessageConsumer<Event> consumer = bus.localConsumer(ADDRESS, message -> handle(bh, counts,
                    message.body()));
            Promise<Void> registered = Promise.promise();
            consumer.completionHandler(registered);
            VertxSupport.await(registered.future());
            checkDelivery(progress, e -> bus.send(ADDRESS, e));
        }

        @TearDown
        public void tearDown() {
            VertxSupport.close(vertx);
        }
    }

    /**
     * Vert.x local event bus.
     *
     * @param s the event bus
     * @param p the producer
     */
    @Benchmark
    public void vertx(VertxState s, Producer p) {
        EventBus bus = s.bus;
        Event event = p.event;
        for (int i = 0; i < BATCH; i++) {
            bus.send(ADDRESS, event);
        }
        s.progress.await(p.id, p.batchDone());
    }

    // ------------------------------------------------------------------------------------------------ disruptor

    /** A ring-buffer slot. */
    static final class Slot {
        Event event;
    }

    private static final EventTranslatorOneArg<Slot, Event> TRANSLATOR = (slot, sequence, e) -> slot.event = e;

    /** A Disruptor with one event handler. */
    @State(Scope.Benchmark)
    public static class DisruptorState {
        Disruptor<Slot> disruptor;
        RingBuffer<Slot> ring;
        Progress progress;

        @Setup
        public void setUp(Blackhole bh, BenchmarkParams params) {
            progress = new Progress(MAX_PRODUCERS + 1);
            Progress counts = progress;
            ProducerType type = params.getThreads() == 1 ? ProducerType.SINGLE : ProducerType.MULTI;
            disruptor = new Disruptor<>(Slot::new, CAPACITY, new DaemonThreads("disruptor-consumer"), type,
                    new YieldingWaitStrategy());
            EventHandler<Slot> handler = (slot, sequence, endOfBatch) -> handle(bh, counts, slot.event);
            disruptor.handleEventsWith(handler);
            ring = disruptor.start();
            checkDelivery(progress, e -> ring.publishEvent(TRANSLATOR, e));
        }

        @TearDown
        public void tearDown() throws Exception {
            disruptor.shutdown(10, TimeUnit.SECONDS);
        }
    }

    /**
     * LMAX Disruptor.
     *
     * @param s the ring buffer
     * @param p the producer
     */
    @Benchmark
    public void disruptor(DisruptorState s, Producer p) {
        RingBuffer<Slot> ring = s.ring;
        Event event = p.event;
        for (int i = 0; i < BATCH; i++) {
            ring.publishEvent(TRANSLATOR, event);
        }
        s.progress.await(p.id, p.batchDone());
    }

    // ------------------------------------------------------------------------------------------------ abq

    /** An {@code ArrayBlockingQueue} and the thread that takes from it. */
    @State(Scope.Benchmark)
    public static class AbqState {
        ArrayBlockingQueue<Event> queue;
        Thread consumer;
        Progress progress;

        @Setup
        public void setUp(Blackhole bh) {
            progress = new Progress(MAX_PRODUCERS + 1);
            Progress counts = progress;
            ArrayBlockingQueue<Event> q = new ArrayBlockingQueue<>(CAPACITY);
            queue = q;
            consumer = new DaemonThreads("abq-consumer").newThread(() -> {
                try {
                    for (;;) {
                        handle(bh, counts, q.take());
                    }
                } catch (InterruptedException stop) {
                    // tearDown: stop taking
                }
            });
            consumer.start();
            checkDelivery(progress, q::add);
        }

        @TearDown
        public void tearDown() throws InterruptedException {
            consumer.interrupt();
            consumer.join(10_000);
        }
    }

    /**
     * The JDK hand-off: {@code ArrayBlockingQueue.put}.
     *
     * @param s the queue
     * @param p the producer
     * @throws InterruptedException if interrupted while the queue is full
     */
    @Benchmark
    public void abq(AbqState s, Producer p) throws InterruptedException {
        ArrayBlockingQueue<Event> queue = s.queue;
        Event event = p.event;
        for (int i = 0; i < BATCH; i++) {
            queue.put(event);
        }
        s.progress.await(p.id, p.batchDone());
    }
}
