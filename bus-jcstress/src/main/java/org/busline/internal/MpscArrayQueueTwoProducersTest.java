package org.busline.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The mailbox's MPSC ring with two producers and the consumer polling while they offer: the consumer sees nothing,
 * or one of the two, and the rest is still there afterwards; no message is lost or seen twice.
 *
 * <p>{@code r1}: what the concurrent poll returned (0 nothing, 1 a, 2 b). {@code r2}: the set of messages polled in
 * all, as bits (1 a, 2 b), plus 4 if one was polled twice.
 */
@JCStressTest
@Outcome(id = {"0, 3", "1, 3", "2, 3"}, expect = ACCEPTABLE, desc = "each message polled exactly once")
@Outcome(expect = FORBIDDEN, desc = "a message was lost or polled twice")
@State
public class MpscArrayQueueTwoProducersTest {
    private final MpscArrayQueue queue = new MpscArrayQueue(4);
    private final Object a = new Object();
    private final Object b = new Object();

    @Actor
    public void producerA() {
        queue.offer(a);
    }

    @Actor
    public void producerB() {
        queue.offer(b);
    }

    @Actor
    public void consumer(II_Result r) {
        r.r1 = code(queue.poll());
    }

    @Arbiter
    public void drain(II_Result r) {
        int seen = r.r1;
        Object message;
        while ((message = queue.poll()) != null) {
            int bit = code(message);
            seen |= (seen & bit) != 0 ? 4 : bit;
        }
        r.r2 = seen;
    }

    private int code(Object message) {
        return message == null ? 0 : message == a ? 1 : message == b ? 2 : 8;
    }
}
