package org.busline.internal;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * One producer offers a, then b, while the consumer polls twice: the consumer sees a producer's messages in the order
 * it offered them (what an ordered asynchronous subscription promises), and never reports empty ahead of a message
 * it then skips.
 *
 * <p>{@code r1}, {@code r2}: the two polls (0 nothing, 1 a, 2 b).
 */
@JCStressTest
@Outcome(id = {"0, 0", "0, 1", "1, 0", "1, 2"}, expect = ACCEPTABLE, desc = "in offer order, maybe not yet all")
@Outcome(expect = FORBIDDEN, desc = "out of order, or b without a")
@State
public class MpscArrayQueueOrderTest {
    private final MpscArrayQueue queue = new MpscArrayQueue(4);
    private final Object a = new Object();
    private final Object b = new Object();

    @Actor
    public void producer() {
        queue.offer(a);
        queue.offer(b);
    }

    @Actor
    public void consumer(II_Result r) {
        r.r1 = code(queue.poll());
        r.r2 = code(queue.poll());
    }

    private int code(Object message) {
        return message == null ? 0 : message == a ? 1 : message == b ? 2 : 8;
    }
}
