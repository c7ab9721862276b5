package org.busline.benchmarks;

import com.google.common.eventbus.EventBus;
import java.util.concurrent.TimeUnit;
import net.engio.mbassy.bus.MBassador;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Publishes one small event to one subscriber that is an annotated method of an object registered with the bus, on
 * the caller's thread; average time per publish.
 *
 * <ul>
 *   <li>{@code direct}: the same listener method called directly.</li>
 *   <li>{@code busline}: {@code bus.register(listener)} with an {@code @org.busline.Subscribe} method (called
 *       through a generated lambda); published on a pre-made {@code Topic}.</li>
 *   <li>{@code guava}, {@code greenrobot}, {@code mbassador}: their annotated subscribers, as in
 *       {@link SyncPublishBenchmark} (annotated methods are their only form of subscriber).</li>
 * </ul>
 * Vert.x, the Disruptor and {@code ArrayBlockingQueue} have no method here: they have no annotated subscribers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AnnotatedSubscriberBenchmark {
    static final Topic<Event> TOPIC = Topic.of(Event.class);

    /** The event, made once. */
    @State(Scope.Thread)
    public static class Events {
        Event event = new Event(0);
    }

    /** A Busline subscriber: an object with an annotated method. */
    public static final class BuslineListener {
        private final Blackhole bh;

        BuslineListener(Blackhole bh) {
            this.bh = bh;
        }

        /**
         * Consumes the event.
         *
         * @param e the event
         */
        @org.busline.Subscribe
        public void on(Event e) {
            bh.consume(e);
        }
    }

    /** The same listener, to be called directly. */
    @State(Scope.Thread)
    public static class DirectState {
        BuslineListener listener;

        @Setup
        public void setUp(Blackhole bh) {
            listener = new BuslineListener(bh);
        }
    }

    /** A bus with one registered listener. */
    @State(Scope.Thread)
    public static class BuslineState {
        MessageBus bus;

        @Setup
        public void setUp(Blackhole bh, Events events) {
            bus = MessageBus.builder().build();
            bus.register(new BuslineListener(bh));
            Verify.busline(1, bus.publish(TOPIC, events.event).reached());
        }

        @TearDown
        public void tearDown() {
            bus.close();
        }
    }

    /** A Guava bus with one subscriber. */
    @State(Scope.Thread)
    public static class GuavaState {
        EventBus bus;

        @Setup
        public void setUp(Blackhole bh, Events events) {
            bus = new EventBus("benchmark");
            bus.register(new Listeners.GuavaListener(bh));
            Verify.guava(bus, events.event);
        }
    }

    /** A greenrobot bus with one subscriber. */
    @State(Scope.Thread)
    public static class GreenrobotState {
        org.greenrobot.eventbus.EventBus bus;

        @Setup
        public void setUp(Blackhole bh, Events events) {
            bus = Listeners.greenrobot();
            bus.register(new Listeners.GreenrobotListener(bh));
            Verify.greenrobot(bus, events.event);
        }
    }

    /** An MBassador bus with one listener, held here because MBassador references listeners weakly. */
    @State(Scope.Thread)
    public static class MbassadorState {
        MBassador<Object> bus;
        Listeners.MbassadorListener listener;

        @Setup
        public void setUp(Blackhole bh, Events events) {
            bus = Listeners.mbassador();
            listener = new Listeners.MbassadorListener(bh);
            bus.subscribe(listener);
            Verify.mbassador(bus.publish(events.event));
        }

        @TearDown
        public void tearDown() {
            bus.shutdown();
        }
    }

    /**
     * The floor: the listener's method called directly.
     *
     * @param s      the listener
     * @param events the event
     */
    @Benchmark
    public void direct(DirectState s, Events events) {
        s.listener.on(events.event);
    }

    /**
     * Busline.
     *
     * @param s      the bus
     * @param events the event
     */
    @Benchmark
    public void busline(BuslineState s, Events events) {
        s.bus.publish(TOPIC, events.event);
    }

    /**
     * Guava EventBus.
     *
     * @param s      the bus
     * @param events the event
     */
    @Benchmark
    public void guava(GuavaState s, Events events) {
        s.bus.post(events.event);
    }

    /**
     * greenrobot EventBus.
     *
     * @param s      the bus
     * @param events the event
     */
    @Benchmark
    public void greenrobot(GreenrobotState s, Events events) {
        s.bus.post(events.event);
    }

    /**
     * MBassador.
     *
     * @param s      the bus
     * @param events the event
     */
    @Benchmark
    public void mbassador(MbassadorState s, Events events) {
        s.bus.publish(events.event);
    }
}
