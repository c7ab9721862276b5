package org.busline.internal;

import org.busline.spi.Scheduler;

/**
 * A message of a {@link Mailbox} waiting out its back-off before its next attempt, or
 * for its rate limit's next token before its first. It holds the drainer slot of the
 * task that failed it; whoever removes it from the mailbox's set of waiting retries (its timer, or {@code close()})
 * owns that slot. Immutable but for {@link #timer}, written once by the thread that scheduled it.
 */
final class MailboxRetry implements Runnable {
    private final Mailbox mailbox;
    final QueuedMessage entry;
    /** The number of the attempt to make next: 2 or more for a retry; 1 for a message waiting for a token. */
    final int attempt;
    /** The failure of the attempt before; null for a message waiting for a token. */
    final Throwable last;
    volatile Scheduler.Cancellable timer;

    MailboxRetry(Mailbox mailbox, QueuedMessage entry, int attempt, Throwable last) {
        this.mailbox = mailbox;
        this.entry = entry;
        this.attempt = attempt;
        this.last = last;
    }

    /** Runs on the scheduler's thread when the back-off ends. */
    @Override
    public void run() {
        mailbox.resume(this);
    }
}
