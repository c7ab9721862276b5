package org.busline.benchmarks;

import com.google.common.eventbus.DeadEvent;
import com.google.common.eventbus.EventBus;
import java.util.concurrent.atomic.AtomicInteger;
import net.engio.mbassy.bus.IMessagePublication;

/**
 * Checks, once in each benchmark's setup, that the library under test really delivers the event, so a subscriber
 * that a library silently failed to register can never produce a flattering, empty measurement.
 */
final class Verify {
    private Verify() {
    }

    /**
     * Fails unless a Busline publish reached {@code expected} subscriptions.
     *
     * @param expected the subscriptions set up
     * @param reached  {@code PublishResult.reached()} of a publish
     */
    static void busline(int expected, int reached) {
        if (reached != expected) {
            throw new IllegalStateException("busline: expected the event to reach " + expected
                    + " subscriptions, but it reached " + reached);
        }
    }

    /**
     * Posts {@code event} once and fails if Guava reports it as a dead event (nobody subscribed to it).
     *
     * @param bus   the bus set up for the benchmark
     * @param event the benchmark's event
     */
    static void guava(EventBus bus, Object event) {
        AtomicInteger dead = new AtomicInteger();
        Object deadListener = new Object() {
            @com.google.common.eventbus.Subscribe
            public void on(DeadEvent deadEvent) {
                dead.incrementAndGet();
            }
        };
        bus.register(deadListener);
        bus.post(event);
        bus.unregister(deadListener);
        if (dead.get() != 0) {
            throw new IllegalStateException("guava: the event reached no subscriber");
        }
    }

    /**
     * Fails unless greenrobot has a subscriber for the event's class.
     *
     * @param bus   the bus set up for the benchmark
     * @param event the benchmark's event
     */
    static void greenrobot(org.greenrobot.eventbus.EventBus bus, Object event) {
        if (!bus.hasSubscriberForEvent(event.getClass())) {
            throw new IllegalStateException("greenrobot: no subscriber for " + event.getClass().getName());
        }
    }

    /**
     * Fails if an MBassador publication found no handler or failed.
     *
     * @param publication the result of one publish
     */
    static void mbassador(IMessagePublication publication) {
        if (publication.isDeadMessage() || publication.hasError()) {
            throw new IllegalStateException("mbassador: the event reached no handler or failed: "
                    + publication.getError());
        }
    }
}
