package org.busline.internal;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Many producers, one consumer: Dmitry Vyukov's intrusive MPSC queue.
 *
 * <p>A producer swaps itself in as the tail with one atomic exchange, then links the old tail to it; producers never
 * wait for each other or for the consumer. Between those two steps the new node is not yet reachable from the head
 * (the "bubble"): {@link #poll()} sees that the tail has moved and spins the few instructions until the link lands,
 * so it never reports empty while an element is queued. Only one thread at a time may call {@link #poll()} and
 * {@link #isEmpty()}; the mailbox's drain protocol guarantees that.
 */
final class MpscLinkedQueue<E> implements MessageQueue<E> {

    private static final class Node<E> {
        E value;
        volatile Node<E> next;

        Node(E value) {
            this.value = value;
        }
    }

    private final AtomicReference<Node<E>> tail;
    /** Consumer-owned: a stub whose {@code next} is the oldest element. */
    private Node<E> head;

    MpscLinkedQueue() {
        Node<E> stub = new Node<>(null);
        head = stub;
        tail = new AtomicReference<>(stub);
    }

    @Override
    public void offer(E element) {
        Node<E> node = new Node<>(element);
        Node<E> previous = tail.getAndSet(node);
        previous.next = node;
    }

    @Override
    public E poll() {
        Node<E> first = head;
        Node<E> next = first.next;
        if (next == null) {
            if (tail.get() == first) {
                return null;
            }
            do {
                Thread.onSpinWait();
                next = first.next;
            } while (next == null);
        }
        E value = next.value;
        next.value = null;
        head = next;
        return value;
    }

    @Override
    public boolean isEmpty() {
        return tail.get() == head;
    }
}
