package org.busline.benchmarks;

import com.google.common.eventbus.EventBus;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * Publishes one small event to {@value #SUBSCRIBERS} subscribers on the caller's thread; average time per publish
 * (all ten deliveries).
 *
 * <p>The subscribers are {@value #SUBSCRIBERS} instances of one handler class in every library (ten captures of
 * one lambda, or ten objects of one listener class), each handing the event to JMH's {@link Blackhole}. Set-ups are
 * those of {@link SyncPublishBenchmark}; {@code direct} loops over an array of ten {@code Consumer}s. Vert.x, the
 * Disruptor and {@code ArrayBlockingQueue} have no method here: they only hand messages to another thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SyncFanOutBenchmark {
    /** How many subscribers each library has. */
    public static final int SUBSCRIBERS = 10;
    static final Topic<Event> TOPIC = Topic.of(Event.class);

    /** The event, made once. */
    @State(Scope.Thread)
    public static class Events {
        Event event = new Event(0);
    }

    /** Ten lambdas in an array. */
    @State(Scope.Thread)
    public static class DirectState {
        Consumer<Event>[] handlers;

        @Setup
        public void setUp(Blackhole bh) {
            @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array
            Consumer<Event>[] made = new Consumer[SUBSCRIBERS];
            for (int i = 0; i < SUBSCRIBERS; i++) {
                made[i] = e -> bh.consume(e);
            }
            handlers = made;
        }
    }

    /** The floor: a pre-resolved topic holding ten handlers ({@link FloorBus}). */
    @State(Scope.Thread)
    public static class FloorState {
        FloorBus.Topic topic;

        @Setup
        public void setUp(Blackhole bh) {
            topic = new FloorBus.Topic();
            for (int i = 0; i < 10; i++) {
                topic.subscribe(e -> bh.consume(e));
            }
        }
    }

    /** A bus with ten lambda subscribers. */
    @State(Scope.Thread)
    public static class BuslineState {
        MessageBus bus;

        @Setup
        public void setUp(Blackhole bh, Events events) {
            bus = MessageBus.builder().build();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                bus.subscribe(Event.class, e -> bh.consume(e));
            }
            Verify.busline(SUBSCRIBERS, bus.publish(TOPIC, events.event).reached());
        }

        @TearDown
        public void tearDown() {
            bus.close();
        }
    }

    /** A Guava bus with ten subscribers. */
    @State(Scope.Thread)
    public static class GuavaState {
        EventBus bus;

        @Setup
        public void setUp(Blackhole bh, Events events) {
            bus = new EventBus("benchmark");
            for (int i = 0; i < SUBSCRIBERS; i++) {
                bus.register(new Listeners.GuavaListener(bh));
            }
            Verify.guava(bus, events.event);
        }
    }

    /** A greenrobot bus with ten subscribers. */
    @State(Scope.Thread)
    public static class GreenrobotState {
        org.greenrobot.eventbus.EventBus bus;

        @Setup
        public void setUp(Blackhole bh, Events events) {
            bus = Listeners.greenrobot();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                bus.register(new Listeners.GreenrobotListener(bh));
            }
            Verify.greenrobot(bus, events.event);
        }
    }

    /** An MBassador bus with ten listeners, held here because MBassador references listeners weakly. */
    @State(Scope.Thread)
    public static class MbassadorState {
        MBassador<Object> bus;
        Listeners.MbassadorListener[] listeners;

        @Setup
        public void setUp(Blackhole bh, Events events) {
            bus = Listeners.mbassador();
            listeners = new Listeners.MbassadorListener[SUBSCRIBERS];
            for (int i = 0; i < SUBSCRIBERS; i++) {
                listeners[i] = new Listeners.MbassadorListener(bh);
                bus.subscribe(listeners[i]);
            }
            Verify.mbassador(bus.publish(events.event));
        }

        @TearDown
        public void tearDown() {
            bus.shutdown();
        }
    }

    /**
     * The floor: a loop of interface calls.
     *
     * @param s      the handlers
     * @param events the event
     */
    @Benchmark
    public void direct(DirectState s, Events events) {
        Event event = events.event;
        for (Consumer<Event> handler : s.handlers) {
            handler.accept(event);
        }
    }

    /**
     * The floor of any bus: a publish on a pre-resolved topic that loops over its handlers' array.
     *
     * @param s      the topic
     * @param events the event
     */
    @Benchmark
    public void floor(FloorState s, Events events) {
        s.topic.publish(events.event);
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
