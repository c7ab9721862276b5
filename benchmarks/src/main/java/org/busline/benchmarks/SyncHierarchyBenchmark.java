package org.busline.benchmarks;

import com.google.common.eventbus.EventBus;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.engio.mbassy.bus.MBassador;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.benchmarks.Listeners.Message;
import org.busline.benchmarks.Listeners.MessageEvent;
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
 * Publishes one event of a class ({@link MessageEvent}) to one subscriber that listens on an interface it implements
 * ({@link Message}), on the caller's thread; average time per publish. Every library must find the subscriber
 * through the event's supertypes.
 *
 * <ul>
 *   <li>{@code direct}: a {@code Consumer<Message>} lambda called with the event.</li>
 *   <li>{@code busline}: {@code subscribe(Message.class, handler)}; published on the pre-made type topic of
 *       {@code MessageEvent}, whose route includes the subscribers of its supertypes.</li>
 *   <li>{@code guava}, {@code greenrobot} (event inheritance on, its default), {@code mbassador}: an annotated
 *       method taking {@code Message}.</li>
 * </ul>
 * Vert.x routes by address, not by type, and the Disruptor and {@code ArrayBlockingQueue} only hand messages to
 * another thread: they have no method here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SyncHierarchyBenchmark {
    static final Topic<MessageEvent> TOPIC = Topic.of(MessageEvent.class);

    /** The event, made once. */
    @State(Scope.Thread)
    public static class Events {
        MessageEvent event = new MessageEvent();
    }

    /** A lambda on the interface. */
    @State(Scope.Thread)
    public static class DirectState {
        Consumer<Message> handler;

        @Setup
        public void setUp(Blackhole bh) {
            handler = m -> bh.consume(m);
        }
    }

    /** A bus with one subscriber of the interface. */
    @State(Scope.Thread)
    public static class BuslineState {
        MessageBus bus;

        @Setup
        public void setUp(Blackhole bh, Events events) {
            bus = MessageBus.builder().build();
            bus.subscribe(Message.class, m -> bh.consume(m));
            Verify.busline(1, bus.publish(TOPIC, events.event).reached());
        }

        @TearDown
        public void tearDown() {
            bus.close();
        }
    }

    /** A Guava bus with one subscriber of the interface. */
    @State(Scope.Thread)
    public static class GuavaState {
        EventBus bus;

        @Setup
        public void setUp(Blackhole bh, Events events) {
            bus = new EventBus("benchmark");
            bus.register(new Listeners.GuavaMessageListener(bh));
            Verify.guava(bus, events.event);
        }
    }

    /** A greenrobot bus with one subscriber of the interface. */
    @State(Scope.Thread)
    public static class GreenrobotState {
        org.greenrobot.eventbus.EventBus bus;

        @Setup
        public void setUp(Blackhole bh, Events events) {
            bus = Listeners.greenrobot();
            bus.register(new Listeners.GreenrobotMessageListener(bh));
            Verify.greenrobot(bus, events.event);
        }
    }

    /** An MBassador bus with one listener of the interface, held here (MBassador references listeners weakly). */
    @State(Scope.Thread)
    public static class MbassadorState {
        MBassador<Object> bus;
        Listeners.MbassadorMessageListener listener;

        @Setup
        public void setUp(Blackhole bh, Events events) {
            bus = Listeners.mbassador();
            listener = new Listeners.MbassadorMessageListener(bh);
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
