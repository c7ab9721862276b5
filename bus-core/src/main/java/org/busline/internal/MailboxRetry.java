package org.busline.internal;

import org.busline.spi.Scheduler;

/**
 * A message of a {@link Mailbox} waiting out its back-off before its next attempt, or
 * for its rate limit's next token before its first, in the mailbox's {@link MailboxWaits}. It holds the drainer slot
 * of the task that sent it there; whoever removes it from the waits (its timer, or {@code close()}) owns that slot.
 * Immutable but for {@link #timer}, written once by the thread that scheduled it.
 */
final class MailboxRetry implements Runnable {
    private final MailboxWaits waits;
    final QueuedMessage entry;
    /** The number of the attempt to make next: 2 or more for a retry; 1 for a message waiting for a token. */
    final int attempt;
    /** The failure of the attempt before; null for a message waiting for a token. */
    final Throwable last;
    volatile Scheduler.Cancellable timer;

    MailboxRetry(MailboxWaits waits, QueuedMessage entry, int attempt, Throwable last) {
        this.waits = waits;
        this.entry = entry;
        this.attempt = attempt;
        this.last = last;
    }

    /** Runs on the scheduler's thread when the back-off ends. */
    @Override
    public void run() {
        waits.resume(this);
    }
}
