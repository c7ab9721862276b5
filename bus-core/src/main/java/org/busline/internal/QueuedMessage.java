package org.busline.internal;

import org.busline.Envelope;

/**
 * A message in a {@link Mailbox}, with the tracker of its publish (null when nobody tracks it) and the context
 * captured on the publisher's thread.
 *
 * <p>Immutable. A message published without an envelope enters a mailbox as a {@link PayloadDelivery} instead.
 */
final class QueuedMessage {
    private final Envelope<?> envelope;
    private final Results.Tracker tracker;
    /** The publisher's thread-bound context, from {@link Propagation#capture()}; null when none is propagated. */
    final Object[] context;

    QueuedMessage(Envelope<?> envelope, Results.Tracker tracker, Object[] context) {
        this.envelope = envelope;
        this.tracker = tracker;
        this.context = context;
    }

    Envelope<?> envelope() {
        return envelope;
    }

    Results.Tracker tracker() {
        return tracker;
    }

    /** Settles this message's delivery in its publish's tracker, if somebody tracks it. */
    void settle(Throwable failure) {
        if (tracker != null) {
            tracker.settle(failure);
        }
    }
}
