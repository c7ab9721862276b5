package org.busline.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.busline.MessageHandler;
import org.busline.Topic;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The copy-on-write subscriber array of a route: a writer (the registry, under its lock, so one at a time) adds two
 * subscribers while a publisher reads the route's state twice, without a lock. The publisher sees a whole snapshot
 * each time, in subscription order and consistent with its flags, and never an older one after a newer.
 *
 * <p>{@code r1}, {@code r2}: the number of subscribers in each snapshot, or -1 if a snapshot was inconsistent.
 */
@JCStressTest
@Outcome(id = {"0, 0", "0, 1", "0, 2", "1, 1", "1, 2", "2, 2"}, expect = ACCEPTABLE,
        desc = "whole snapshots, never going back")
@Outcome(expect = FORBIDDEN, desc = "a torn or inconsistent snapshot, or an older one after a newer")
@State
public class RouteCopyOnWriteTest {
    private static final Topic<String> TOPIC = Topic.of("jcstress.route", String.class);

    private final Route route = new Route(null, TOPIC, new Subscriber[0], false);
    private final Subscriber first = subscriber(1);
    private final Subscriber second = subscriber(2);

    @Actor
    public void writer() {
        route.add(first, false);
        route.add(second, false);
    }

    @Actor
    public void publisher(II_Result r) {
        r.r1 = observe(route.state);
        r.r2 = observe(route.state);
    }

    private int observe(Route.State state) {
        Subscriber[] subscribers = state.subscribers;
        int length = subscribers.length;
        if (length > 0 && subscribers[0] != first || length > 1 && subscribers[1] != second
                || state.fast != (length > 0) || state.hasAsync) {
            return -1;
        }
        return length;
    }

    private static Subscriber subscriber(long sequence) {
        MessageHandler<Object> handler = message -> { };
        return new Subscriber(null, sequence, "s" + sequence, Selector.named(TOPIC), handler, false, false, null,
                null, null, 0);
    }
}
