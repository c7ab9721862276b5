package org.busline.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many producers, one consumer: Dmitry Vyukov's intrusive MPSC queue of mailbox entries, linked through
 * {@link QueuedMessage#next} so that queueing allocates nothing beyond the entry.
 *
 * <p>A producer swaps itself in as the tail with one atomic exchange, then links the old tail to it; producers never
 * wait for each other or for the consumer. Between those two steps the new entry is not yet reachable from the head
 * (the "bubble"): {@link #poll()} sees that the tail has moved and spins the few instructions until the link lands,
 * so it never reports empty while an entry is queued. Only one thread at a time may call {@link #poll()} and
 * {@link #isEmpty()}; the mailbox's drain protocol guarantees that. The head is always a consumed entry (at first a
 * stub), whose {@code next} is the oldest waiting one.
 */
final class MpscLinkedQueue implements MessageQueue<QueuedMessage> {
    /** Release on link, acquire on read: the link publishes the entry to the consumer; no full fence needed. */
    private static final VarHandle NEXT;

    static {
        try {
            NEXT = MethodHandles.privateLookupIn(QueuedMessage.class, MethodHandles.lookup())
                    .findVarHandle(QueuedMessage.class, "next", QueuedMessage.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AtomicReference<QueuedMessage> tail;
    /** Consumer-owned. */
    private QueuedMessage head;

    MpscLinkedQueue() {
        QueuedMessage stub = new QueuedMessage(null, null, null);
        head = stub;
        tail = new AtomicReference<>(stub);
    }

    @Override
    public void offer(QueuedMessage entry) {
        QueuedMessage previous = tail.getAndSet(entry);
        NEXT.setRelease(previous, entry);
    }

    @Override
    public QueuedMessage poll() {
        QueuedMessage first = head;
        QueuedMessage next = (QueuedMessage) NEXT.getAcquire(first);
        if (next == null) {
            if (tail.get() == first) {
                return null;
            }
            do {
                Thread.onSpinWait();
                next = (QueuedMessage) NEXT.getAcquire(first);
            } while (next == null);
        }
        // The consumed entry stays as the new head; unlink the old one so garbage does not chain to live entries.
        NEXT.set(first, null);
        head = next;
        return next;
    }

    @Override
    public boolean isEmpty() {
        return tail.get() == head;
    }
}
