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
 * Publishes one small event to one subscriber on the caller's thread; average time per publish.
 *
 * <p>Every subscriber does the same work: it hands the event to JMH's {@link Blackhole}. The event is made once, so
 * no library pays for its allocation.
 * <ul>
 *   <li>{@code direct}: a call of a {@code Consumer} lambda held in a field (a monomorphic interface call): the
 *       floor of a call.</li>
 *   <li>{@code floor}: {@link FloorBus}, the least a bus can do (a pre-resolved topic's handler array, looped): the
 *       floor of a bus.</li>
 *   <li>{@code busline}: a lambda subscribed with {@code subscribe(Event.class, handler)}, published on a
 *       {@code static final Topic}, the API's hot path ({@code publish(Object)} adds one lookup by class).</li>
 *   <li>{@code guava}: an {@code EventBus} (synchronous) and a {@code @Subscribe @AllowConcurrentEvents} method,
 *       Guava's fastest form (without {@code @AllowConcurrentEvents} every call also takes a lock).</li>
 *   <li>{@code greenrobot}: an {@code EventBus} from {@code EventBus.builder()} with its defaults (event inheritance
 *       on, as Busline delivers to supertypes too) and a {@code @Subscribe} method, {@code ThreadMode.POSTING}.</li>
 *   <li>{@code mbassador}: {@code MBassador.publish}, synchronous, to a {@code @Handler} method.</li>
 * </ul>
 * Vert.x, the Disruptor and {@code ArrayBlockingQueue} have no method here: they only hand messages to another
 * thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SyncPublishBenchmark {
    static final Topic<Event> TOPIC = Topic.of(Event.class);

    /** The event, made once. */
    @State(Scope.Thread)
    public static class Events {
        Event event = new Event(0);
    }

    /** A lambda in a field. */
    @State(Scope.Thread)
    public static class DirectState {
        Consumer<Event> handler;

        @Setup
        public void setUp(Blackhole bh) {
            handler = e -> bh.consume(e);
        }
    }

    /** The floor: a pre-resolved topic holding one handler ({@link FloorBus}). */
    @State(Scope.Thread)
    public static class FloorState {
        FloorBus.Topic topic;

        @Setup
        public void setUp(Blackhole bh) {
            topic = new FloorBus.Topic();
            for (int i = 0; i < 1; i++) {
                topic.subscribe(e -> bh.consume(e));
            }
        }
    }

    /** A bus with one lambda subscriber. */
    @State(Scope.Thread)
    public static class BuslineState {
        MessageBus bus;

        @Setup
        public void setUp(Blackhole bh, Events events) {
            bus = MessageBus.builder().build();
            bus.subscribe(Event.class, e -> bh.consume(e));
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
     * The floor: an interface call.
     *
     * @param s      the handler
     * @param events the event
     */
    @Benchmark
    public void direct(DirectState s, Events events) {
        s.handler.accept(events.event);
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
