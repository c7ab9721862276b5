package org.busline.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Many producers, one consumer: the ring of a single-consumer {@link Mailbox}, an array of entries that queueing
 * fills without allocating.
 *
 * <p><b>Bound.</b> The ring holds at least as many slots as the mailbox's capacity and never checks for room itself:
 * a producer offers only in room its {@link MailboxCapacity} reserved, and the consumer empties a slot before it frees
 * that room, so the slot a producer claims is always empty.
 *
 * <p><b>Ordering.</b> A producer claims the next index with one atomic add, then stores its entry with a release
 * store; the consumer reads the slot of its index with an acquire load. Between a producer's claim and its store the
 * slot is still empty while the index has moved on: {@link #poll()} sees that and spins the few instructions until
 * the store lands, so it never reports empty while an entry is queued, and entries leave in the order of their claims
 * (per producer, in the order it offered them). Only one thread at a time may call {@link #poll()}; the mailbox's
 * drain protocol guarantees that.
 */
final class MpscArrayQueue implements MessageQueue<Object> {
    /** The largest capacity a ring is made for; a larger mailbox queues on linked nodes instead. */
    static final int MAX_CAPACITY = 1 << 16;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    private final Object[] slots;
    private final int mask;
    /**
     * The producers' and the consumer's indexes, each on a cache line of its own. Ints that wrap: they are only
     * masked and compared for equality, and never more than the capacity apart.
     */
    private final PaddedCounter produced = new PaddedCounter();
    private final PaddedCounter consumed = new PaddedCounter();

    /** @param capacity the most entries queued at once, at most {@link #MAX_CAPACITY} */
    MpscArrayQueue(int capacity) {
        if (capacity <= 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("ring capacity " + capacity + " is not in 1.." + MAX_CAPACITY);
        }
        int size = Integer.highestOneBit(capacity) == capacity ? capacity : Integer.highestOneBit(capacity) << 1;
        this.slots = new Object[size];
        this.mask = size - 1;
    }

    @Override
    public void offer(Object entry) {
        SLOT.setRelease(slots, produced.getAndIncrement() & mask, entry);
    }

    @Override
    public Object poll() {
        int index = consumed.get();
        int slot = index & mask;
        Object entry = SLOT.getAcquire(slots, slot);
        if (entry == null) {
            if (produced.get() == index) {
                return null;
            }
            do {
                Thread.onSpinWait();
                entry = SLOT.getAcquire(slots, slot);
            } while (entry == null);
        }
        // Emptied before the index moves on and before the mailbox frees the room (a release store after this one).
        slots[slot] = null;
        consumed.lazySet(index + 1);
        return entry;
    }

    /**
     * True if the entry {@code ahead} places after the next one has landed (0: the next one): what a consumer waiting
     * for work watches, reading one slot and no index. Any slot that holds an entry means the queue is not empty.
     */
    boolean hasEntry(int ahead) {
        return SLOT.getAcquire(slots, (consumed.get() + ahead) & mask) != null;
    }

    @Override
    public boolean isEmpty() {
        return produced.get() == consumed.get();
    }
}
