package org.busline.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.busline.DeliveryException;
import org.busline.DroppedMessage;
import org.busline.Envelope;
import org.busline.Topic;

/**
 * Retained topics, a side room of routing: the last message published on each topic the builder retained, and its
 * hand-over to every subscription made later. A bus without retained topics never enters it: {@link #slot} answers
 * null, the route of such a topic has no slot, and subscribing skips the lock.
 *
 * <p><b>Threads.</b> One lock ({@link #lock}) orders the two things that must not interleave: a publish that keeps its
 * message and reads its route's subscribers ({@link Slot#keep}), and a subscription that joins the routes and reads the
 * kept messages ({@link #subscribe}). So for each publish and each new subscription exactly one holds: the publish
 * came first, the subscription is not in its snapshot and reads that message (or a later one) as retained; or the
 * subscription came first and the publish delivers to it while it read an older message. Either way it is received
 * exactly once. An asynchronous subscription's retained messages enter its mailbox queue under the lock, before
 * any publish that follows can put its own, so they come first; its drain task starts after the lock is released.
 * A synchronous subscription's run on the subscribing thread after the lock is released, so that a handler may
 * publish, subscribe and wait for other threads. Until they have, the subscription is being handed over
 * ({@link HandOver}): a publish on one of those topics queues its message behind them, for the subscribing thread
 * to deliver in order, instead of running the handler on the publisher's thread, where it could overtake the
 * retained message. The lock is held only to store a reference and read a volatile snapshot, to join routes and
 * queue into an empty mailbox, or to queue and take a hand-over's message: it never waits, and no handler or report
 * runs under it.
 *
 * <p><b>Lock order.</b> This lock, then the registry's; never the other way round (the registry never calls here).
 *
 * <p><b>Invariants.</b> {@link Slot#last} changes only under the lock; a kept envelope is the one the interceptors'
 * {@code onPublish} let through, so a vetoed message is never retained. A hand-over leaves its slots when its queue
 * is empty, under the lock, so no message queued for it is left behind.
 */
final class RetainedTopics {
    private final Object lock = new Object();
    private final Resources resources;
    /** Fixed at construction, in the builder's order; read without the lock. */
    private final Map<Topic<?>, Slot> slots;
    /** Set once while the bus is wired. */
    private Dispatcher dispatcher;
    private DeadLetterOffice office;

    /** The last message of one retained topic; what its {@link Route} holds. */
    static final class Slot {
        final Topic<?> topic;
        private final Object lock;
        /** Written under the lock only; volatile so that {@code retained(topic)} reads it without the lock. */
        volatile Envelope<?> last;
        /** The synchronous subscriptions still being handed this topic's last message; under the lock. */
        private final List<HandOver> handOvers = new ArrayList<>(0);

        Slot(Topic<?> topic, Object lock) {
            this.topic = topic;
            this.lock = lock;
        }

        /**
         * Keeps a published message as the topic's last, and returns the subscribers it goes to, read under the same
         * lock so that no subscription made meanwhile receives it twice or never. A subscription still being handed
         * over gets it queued instead, and is left out of the returned state.
         */
        Route.State keep(Route route, Envelope<?> envelope) {
            synchronized (lock) {
                last = envelope;
                Route.State state = route.state;
                return handOvers.isEmpty() ? state : divert(route, state, envelope);
            }
        }

        private Route.State divert(Route route, Route.State state, Envelope<?> envelope) {
            List<Subscriber> others = new ArrayList<>(state.subscribers.length);
            for (Subscriber subscriber : state.subscribers) {
                HandOver handOver = null;
                for (HandOver candidate : handOvers) {
                    if (candidate.subscriber == subscriber) {
                        handOver = candidate;
                    }
                }
                if (handOver == null) {
                    others.add(subscriber);
                } else {
                    handOver.messages.add(envelope);
                }
            }
            return others.size() == state.subscribers.length ? state
                    : new Route.State(route.topic, others.toArray(new Subscriber[0]), true);
        }
    }

    /**
     * A synchronous subscription being handed its retained messages: they, then what was published on their topics
     * meanwhile, in order, delivered on the subscribing thread.
     */
    private static final class HandOver {
        final Subscriber subscriber;
        /** Under the lock. */
        final ArrayDeque<Envelope<?>> messages = new ArrayDeque<>();
        final List<Slot> slots = new ArrayList<>(1);

        HandOver(Subscriber subscriber) {
            this.subscriber = subscriber;
        }
    }

    RetainedTopics(Resources resources, Set<Topic<?>> retained) {
        this.resources = resources;
        Map<Topic<?>, Slot> map = new LinkedHashMap<>();
        for (Topic<?> topic : retained) {
            map.put(topic, new Slot(topic, lock));
        }
        this.slots = map;
    }

    void connect(Dispatcher dispatcher, DeadLetterOffice office) {
        this.dispatcher = dispatcher;
        this.office = office;
    }

    /** The slot of a retained topic, or null: what a new route holds. */
    Slot slot(Topic<?> topic) {
        return slots.isEmpty() ? null : slots.get(topic);
    }

    // ---------------------------------------------------------------------------------------------- subscribing

    /**
     * Makes subscriptions (one, or the methods of a registered object) with {@code subscribe}, then hands each the
     * retained messages its selector matches, in the builder's order of the topics.
     */
    <S> S subscribe(Supplier<S> subscribe, java.util.function.Function<S, List<Subscriber>> subscribers) {
        if (slots.isEmpty()) {
            return subscribe.get();
        }
        S made;
        List<Runnable> after = new ArrayList<>();
        synchronized (lock) {
            made = subscribe.get();
            for (Subscriber subscriber : subscribers.apply(made)) {
                HandOver handOver = null;
                for (Slot slot : slots.values()) {
                    Envelope<?> last = slot.last;
                    if (last == null || !subscriber.selector.matches(slot.topic)) {
                        continue;
                    }
                    if (subscriber.mailbox != null) {
                        after.add(toMailbox(subscriber, last));
                        continue;
                    }
                    if (handOver == null) {
                        handOver = new HandOver(subscriber);
                        HandOver started = handOver;
                        after.add(() -> handOver(started));
                    }
                    handOver.messages.add(last);
                    handOver.slots.add(slot);
                    slot.handOvers.add(handOver);
                }
            }
        }
        // Each hand-over runs whatever one before it threw: one left unrun would keep its subscription diverted.
        Throwable failure = null;
        for (Runnable next : after) {
            try {
                next.run();
            } catch (RuntimeException | Error thrown) {
                failure = first(failure, thrown);
            }
        }
        rethrow(failure);
        return made;
    }

    /**
     * Under the lock: queues the message in the new mailbox, ahead of any later publish, and returns what is left to
     * do once the lock is released: start the drain task (an executor may run it inline, and no handler runs under
     * the lock), or report a copy that failed or a message that did not fit (more retained topics match than the
     * mailbox holds), as a full mailbox's message.
     */
    private Runnable toMailbox(Subscriber subscriber, Envelope<?> last) {
        Envelope<?> message;
        try {
            message = subscriber.forMailbox(last);
        } catch (RuntimeException copyFailure) {
            return () -> office.failedSync(subscriber, last, copyFailure);
        }
        if (!subscriber.mailbox.enqueue(message, null)) {
            return () -> office.dropped(message, subscriber.name, DroppedMessage.Reason.MAILBOX_FULL, null, 0);
        }
        return subscriber.mailbox::startDraining;
    }

    /**
     * On the subscribing thread: delivers a hand-over's messages until none is left, then ends it; after the current
     * message when called from a handler. Failures are reported, never thrown here.
     */
    private void handOver(HandOver handOver) {
        DispatchContext context = DispatchContext.current();
        if (context.dispatching == resources.id) {
            context.queue(() -> deliverAll(handOver));
        } else {
            deliverAll(handOver);
        }
    }

    private void deliverAll(HandOver handOver) {
        Throwable failure = null;
        while (true) {
            Envelope<?> next;
            synchronized (lock) {
                next = handOver.messages.poll();
                if (next == null) {
                    for (Slot slot : handOver.slots) {
                        slot.handOvers.remove(handOver);
                    }
                    break;
                }
            }
            if (handOver.subscriber.isActive()) {
                try {
                    dispatcher.deliverRetained(handOver.subscriber, next);
                } catch (DeliveryException propagated) {
                    // propagateFailures() makes a publisher learn of its message's failure; the subscriber is no
                    // publisher, and the failure was reported to the error handler and dead-lettered already.
                } catch (RuntimeException | Error thrown) {
                    // A handler's Error, rethrown once every queued message has had its turn: none is stranded.
                    failure = first(failure, thrown);
                }
            }
        }
        rethrow(failure);
    }

    private static Throwable first(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }

    private static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
    }

    // ---------------------------------------------------------------------------------------------- reading, clearing

    /** The last message of a retained topic, if any. */
    Optional<Envelope<?>> last(Topic<?> topic) {
        return Optional.ofNullable(slotOf(topic, "retained").last);
    }

    /** Forgets the last message of a retained topic; true if there was one. */
    boolean clear(Topic<?> topic) {
        Slot slot = slotOf(topic, "clearRetained");
        synchronized (lock) {
            Envelope<?> last = slot.last;
            slot.last = null;
            return last != null;
        }
    }

    /** Forgets the last message of every retained topic; how many there were. */
    int clearAll() {
        int cleared = 0;
        synchronized (lock) {
            for (Slot slot : slots.values()) {
                if (slot.last != null) {
                    slot.last = null;
                    cleared++;
                }
            }
        }
        return cleared;
    }

    private Slot slotOf(Topic<?> topic, String method) {
        Slot slot = slots.get(topic);
        if (slot == null) {
            throw new IllegalArgumentException(method + "(topic): topic '" + topic.name() + "' of type "
                    + topic.type() + " is not retained on bus '" + resources.name + "'; retain it with "
                    + "MessageBus.builder().retain(topic)" + (slots.isEmpty() ? "" : " (retained: "
                    + names() + ")"));
        }
        return slot;
    }

    private String names() {
        List<String> names = new ArrayList<>(slots.size());
        for (Topic<?> topic : slots.keySet()) {
            names.add("'" + topic.name() + "'");
        }
        return String.join(", ", names);
    }
}
