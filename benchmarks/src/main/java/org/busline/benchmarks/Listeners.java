package org.busline.benchmarks;

import com.google.common.eventbus.AllowConcurrentEvents;
import net.engio.mbassy.bus.MBassador;
import net.engio.mbassy.listener.Handler;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The annotated subscribers of the peers, shared by the synchronous scenarios. Each hands what it receives to
 * JMH's {@link Blackhole} and does nothing else, like the lambdas subscribed to Busline.
 */
public final class Listeners {
    private Listeners() {
    }

    /** The payload interface of {@link SyncHierarchyBenchmark}: subscribers listen on it. */
    public interface Message {
    }

    /** A class implementing {@link Message}, published in {@link SyncHierarchyBenchmark}. */
    public static final class MessageEvent implements Message {
    }

    /** A Guava subscriber of {@link Event}, with {@code @AllowConcurrentEvents}, Guava's fastest form. */
    public static final class GuavaListener {
        private final Blackhole bh;

        GuavaListener(Blackhole bh) {
            this.bh = bh;
        }

        /**
         * Consumes the event.
         *
         * @param e the event
         */
        @com.google.common.eventbus.Subscribe
        @AllowConcurrentEvents
        public void on(Event e) {
            bh.consume(e);
        }
    }

    /** A Guava subscriber of {@link Message}. */
    public static final class GuavaMessageListener {
        private final Blackhole bh;

        GuavaMessageListener(Blackhole bh) {
            this.bh = bh;
        }

        /**
         * Consumes the message.
         *
         * @param m the message
         */
        @com.google.common.eventbus.Subscribe
        @AllowConcurrentEvents
        public void on(Message m) {
            bh.consume(m);
        }
    }

    /** A greenrobot subscriber of {@link Event}, {@code ThreadMode.POSTING} (the default). */
    public static final class GreenrobotListener {
        private final Blackhole bh;

        GreenrobotListener(Blackhole bh) {
            this.bh = bh;
        }

        /**
         * Consumes the event.
         *
         * @param e the event
         */
        @org.greenrobot.eventbus.Subscribe
        public void on(Event e) {
            bh.consume(e);
        }
    }

    /** A greenrobot subscriber of {@link Message}. */
    public static final class GreenrobotMessageListener {
        private final Blackhole bh;

        GreenrobotMessageListener(Blackhole bh) {
            this.bh = bh;
        }

        /**
         * Consumes the message.
         *
         * @param m the message
         */
        @org.greenrobot.eventbus.Subscribe
        public void on(Message m) {
            bh.consume(m);
        }
    }

    /** An MBassador listener of {@link Event}. */
    public static final class MbassadorListener {
        private final Blackhole bh;

        MbassadorListener(Blackhole bh) {
            this.bh = bh;
        }

        /**
         * Consumes the event.
         *
         * @param e the event
         */
        @Handler
        public void on(Event e) {
            bh.consume(e);
        }
    }

    /** An MBassador listener of {@link Message} (MBassador delivers subtypes by default). */
    public static final class MbassadorMessageListener {
        private final Blackhole bh;

        MbassadorMessageListener(Blackhole bh) {
            this.bh = bh;
        }

        /**
         * Consumes the message.
         *
         * @param m the message
         */
        @Handler
        public void on(Message m) {
            bh.consume(m);
        }
    }

    /**
     * Makes the greenrobot bus of the synchronous scenarios: {@code EventBus.builder()} defaults (event inheritance
     * on), except that a failing subscriber throws instead of being logged, so a broken benchmark fails.
     *
     * @return a new bus
     */
    static org.greenrobot.eventbus.EventBus greenrobot() {
        return org.greenrobot.eventbus.EventBus.builder().throwSubscriberException(true).build();
    }

    /**
     * Makes the MBassador bus of the synchronous scenarios: its defaults, with an error handler that throws.
     *
     * @return a new bus; call {@code shutdown()} after use
     */
    static MBassador<Object> mbassador() {
        return new MBassador<>(error -> {
            throw new IllegalStateException("mbassador: " + error);
        });
    }
}
