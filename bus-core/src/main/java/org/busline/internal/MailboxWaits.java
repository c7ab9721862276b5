package org.busline.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.busline.DroppedMessage;
import org.busline.spi.Scheduler;

/**
 * The waiting room of one {@link Mailbox}: its messages that wait on the scheduler, for a retry's back-off or for
 * their rate limit's next token, each a {@link MailboxRetry} holding the drainer slot of the drain task that sent it
 * here. When the wait ends, the message goes back to its mailbox, which drains on in that slot.
 *
 * <p>Design note: a wait is registered before the mailbox's closing flag is read, and {@link Mailbox#close()} sets
 * that flag before it takes the waits ({@link #takeAll()}), so one of the two always sees the other and no wait
 * outlives a closed mailbox. Whoever removes a wait from the set (its timer, {@link #takeAll()}, or the drain task
 * undoing a schedule the scheduler refused) owns its slot.
 */
final class MailboxWaits {
    private final Mailbox mailbox;
    private final DeadLetterOffice office;
    private final Subscriber owner;
    private final Set<MailboxRetry> waiting = ConcurrentHashMap.newKeySet();

    MailboxWaits(Mailbox mailbox, DeadLetterOffice office, Subscriber owner) {
        this.mailbox = mailbox;
        this.office = office;
        this.owner = owner;
    }

    /**
     * Holds a message until its rate limit has a token: a wait of attempt 1, which asks the limiter again when it
     * goes back to the mailbox.
     *
     * @return true if the wait now owns the drain task's slot; false if the message was finished here instead
     */
    boolean throttle(QueuedMessage entry, long waitNanos, Guard guard) {
        MailboxRetry wait = new MailboxRetry(this, entry, 1, null);
        waiting.add(wait);
        if (mailbox.isClosing()) {
            return !abandonedHere(wait);
        }
        try {
            wait.timer = guard.scheduler.schedule(Duration.ofNanos(waitNanos), wait);
        } catch (RuntimeException refused) {
            if (!waiting.remove(wait)) {
                return true;
            }
            guard.forget(entry.envelope().id());
            office.dropped(entry, owner.name, DroppedMessage.Reason.EXECUTOR_REJECTED, true, refused, 0);
            return false;
        }
        return true;
    }

    /**
     * Holds a message until its retry policy's back-off ends, then its next attempt.
     *
     * @return true if the wait now owns the drain task's slot; false if the message was finished here instead
     */
    boolean retryLater(QueuedMessage entry, int attempt, Throwable failure, Guard guard) {
        MailboxRetry retry = new MailboxRetry(this, entry, attempt, failure);
        waiting.add(retry);
        if (mailbox.isClosing()) {
            return !abandonedHere(retry);
        }
        Duration delay = guard.retry.delay(attempt - 1);
        office.retrying(owner, entry.envelope(), attempt - 1, failure, delay);
        try {
            retry.timer = guard.scheduler.schedule(delay, retry);
        } catch (RuntimeException refused) {
            if (!waiting.remove(retry)) {
                return true;
            }
            failure.addSuppressed(refused);
            guard.forget(entry.envelope().id());
            office.failedFinally(owner, entry.envelope(), entry.envelope(), failure, attempt - 1);
            entry.settle(failure);
            return false;
        }
        return true;
    }

    /** On a closing mailbox: drops the wait here, unless {@link #takeAll()} took it first (and with it the slot). */
    private boolean abandonedHere(MailboxRetry wait) {
        if (!waiting.remove(wait)) {
            return false;
        }
        mailbox.abandon(wait, DroppedMessage.Reason.BUS_CLOSED);
        return true;
    }

    /** Runs on the scheduler's thread when a wait ends: sends the message back to its mailbox, unless closed. */
    void resume(MailboxRetry wait) {
        if (waiting.remove(wait)) {
            mailbox.resume(wait);
        }
    }

    /**
     * For {@link Mailbox#close()}, after it set its closing flag: takes every wait out, its timer cancelled.
     *
     * @return the waits taken, whose slots the caller now owns
     */
    List<MailboxRetry> takeAll() {
        List<MailboxRetry> taken = new ArrayList<>();
        for (MailboxRetry wait : waiting) {
            if (waiting.remove(wait)) {
                Scheduler.Cancellable timer = wait.timer;
                if (timer != null) {
                    timer.cancel();
                }
                taken.add(wait);
            }
        }
        return taken;
    }

    /** How many messages wait, for introspection. */
    int size() {
        return waiting.size();
    }
}
