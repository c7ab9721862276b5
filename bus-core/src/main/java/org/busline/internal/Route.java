package org.busline.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.busline.Topic;

/**
 * One topic's subscribers, as a copy-on-write array in delivery order (priority, then subscription order): what {@link Registry} finds for a topic.
 *
 * <p>Publishers read {@link #state} once per publish and use that snapshot throughout, so a concurrent subscribe or
 * unsubscribe never disturbs a delivery in progress. Writers replace the state under the bus's registry lock.
 */
final class Route {
    final Registry registry;
    final Topic<?> topic;
    volatile State state;
    /** The last message kept, if the topic is retained ({@link RetainedTopics}); null for most topics. */
    final RetainedTopics.Slot retained;
    /** Point-to-point sends and requests take tickets here; ticket n starts looking for a taker at n mod count. */
    private final AtomicLong tickets = new AtomicLong();

    Route(Registry registry, Topic<?> topic, Subscriber[] subscribers, boolean intercepted) {
        this(registry, topic, subscribers, intercepted, null);
    }

    /** A retained topic's route never takes the fast path: each publish keeps its envelope. */
    Route(Registry registry, Topic<?> topic, Subscriber[] subscribers, boolean intercepted,
          RetainedTopics.Slot retained) {
        this.registry = registry;
        this.topic = topic;
        this.retained = retained;
        this.state = new State(topic, subscribers, intercepted || retained != null);
    }

    /** The index of the subscriber, of {@code count}, that the next point-to-point message offers itself to first. */
    int nextTurn(int count) {
        return (int) Math.floorMod(tickets.getAndIncrement(), (long) count);
    }

    /**
     * Called under the registry lock with a subscriber newer than all present: it goes after every one of its
     * priority or higher, before those of lower priority.
     */
    void add(Subscriber subscriber, boolean intercepted) {
        Subscriber[] current = state.subscribers;
        int at = current.length;
        while (at > 0 && current[at - 1].priority < subscriber.priority) {
            at--;
        }
        Subscriber[] next = new Subscriber[current.length + 1];
        System.arraycopy(current, 0, next, 0, at);
        next[at] = subscriber;
        System.arraycopy(current, at, next, at + 1, current.length - at);
        state = new State(topic, next, intercepted || retained != null);
    }

    /** Called under the registry lock. */
    void remove(Subscriber subscriber, boolean intercepted) {
        Subscriber[] current = state.subscribers;
        Subscriber[] next = Arrays.stream(current).filter(s -> s != subscriber).toArray(Subscriber[]::new);
        if (next.length != current.length) {
            state = new State(topic, next, intercepted || retained != null);
        }
    }

    /** An immutable snapshot of the subscribers and what delivering to them needs. */
    static final class State {
        final Subscriber[] subscribers;
        /** Every subscriber is a synchronous payload handler and no interceptor runs: no envelope is needed. */
        final boolean fast;
        /** Some mailbox may refuse, so room must be reserved before delivering to anybody. */
        final boolean reserving;
        final boolean hasAsync;
        /**
         * The one subscriber, if it is the route's only one and takes bare payloads into its mailbox
         * ({@link Mailbox#takesPayloads}) for exactly this topic: a publish then queues a {@link PayloadDelivery}, with
         * no envelope. Null otherwise.
         */
        final Subscriber lane;

        State(Topic<?> topic, Subscriber[] subscribers, boolean intercepted) {
            this.subscribers = subscribers;
            boolean needsEnvelope = intercepted;
            boolean refusing = false;
            boolean async = false;
            for (Subscriber subscriber : subscribers) {
                needsEnvelope |= subscriber.needsEnvelope();
                async |= subscriber.mailbox != null;
                refusing |= subscriber.mailbox != null && subscriber.mailbox.refuses();
            }
            this.fast = subscribers.length > 0 && !needsEnvelope;
            this.reserving = refusing;
            this.hasAsync = async;
            Subscriber only = subscribers.length == 1 ? subscribers[0] : null;
            this.lane = only != null && !intercepted && only.mailbox != null && only.mailbox.takesPayloads()
                    && topic.equals(only.selector.topic()) ? only : null;
        }
    }
}
