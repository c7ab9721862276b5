package org.busline.internal;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An unbounded queue of a {@link Mailbox}; the mailbox bounds it by counting ({@link MailboxCapacity}).
 *
 * <p><b>Threads.</b> Any number of producers. Consumers: one at a time for {@link MpscArrayQueue} (the mailbox's
 * drain protocol and its poll token guarantee it), any number for {@link #multiConsumer()}. {@link #poll()} never
 * returns null while an element is queued.
 */
interface MessageQueue<E> {

    void offer(E element);

    /** Returns the oldest element, or null if the queue is empty. Never spuriously null while one is queued. */
    E poll();

    boolean isEmpty();

    /** Any number of producers and of consumers, for mailboxes with several drainers or that evict their oldest. */
    static <E> MessageQueue<E> multiConsumer() {
        ConcurrentLinkedQueue<E> queue = new ConcurrentLinkedQueue<>();
        return new MessageQueue<>() {
            @Override
            public void offer(E element) {
                queue.offer(element);
            }

            @Override
            public E poll() {
                return queue.poll();
            }

            @Override
            public boolean isEmpty() {
                return queue.isEmpty();
            }
        };
    }
}
