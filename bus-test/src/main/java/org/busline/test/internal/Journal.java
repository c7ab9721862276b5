package org.busline.test.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.busline.DeadLetter;
import org.busline.Envelope;
import org.busline.spi.Interceptor;
import org.busline.test.RecordedDelivery;
import org.busline.test.RecordedDelivery.Outcome;
import org.busline.test.RecordedMessage;

/**
 * What one recorder saw on its bus: every published message, and for each the deliveries to every subscription,
 * attempt by attempt, with their threads and outcomes.
 *
 * <p><b>Concurrency model.</b> One lock guards everything; each interceptor callback takes it for a few field writes,
 * then wakes every waiter ({@link #awaitChange}). {@link #version} counts the changes, so a waiter that saw version
 * {@code v} knows whether anything happened since. {@link #running} counts the attempts between
 * {@code beforeDelivery} and {@code afterDelivery}, which the bus's own introspection does not show for synchronous
 * subscriptions. Snapshots are immutable records made under the lock, so assertions and waits never read a half
 * updated message.
 *
 * <p>The subscription whose handler runs on a thread is kept in a thread-local stack owned by this journal, so two
 * buses, or two recorders, never see each other's handlers; a handler that publishes (on any thread the bus runs it
 * on) is named as the publisher.
 */
public final class Journal implements Interceptor {
    private final String ownSubscription;
    private final Object lock = new Object();
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Entry> byId = new HashMap<>();
    private final ThreadLocal<ArrayDeque<String>> handling = ThreadLocal.withInitial(ArrayDeque::new);
    private long version;
    private int running;

    /**
     * @param ownSubscription the name of the recorder's own subscriptions, whose deliveries are not recorded
     */
    public Journal(String ownSubscription) {
        this.ownSubscription = ownSubscription;
    }

    /** True for the recorder's own subscriptions: the given name, and the names under it. */
    private boolean isOwn(String subscriber) {
        return subscriber.equals(ownSubscription) || subscriber.startsWith(ownSubscription + ".");
    }

    private static final class Entry {
        final long sequence;
        final Envelope<?> envelope;
        final String thread;
        final String publishedBy;
        final Map<String, Delivery> deliveries = new LinkedHashMap<>();
        boolean dead;

        Entry(long sequence, Envelope<?> envelope, String thread, String publishedBy) {
            this.sequence = sequence;
            this.envelope = envelope;
            this.thread = thread;
            this.publishedBy = publishedBy;
        }
    }

    private static final class Delivery {
        final String subscriber;
        final List<String> threads = new ArrayList<>(1);
        int attempts;
        int runningNow;
        Outcome outcome = Outcome.RUNNING;
        Throwable failure;
        DeadLetter.Reason reason;

        Delivery(String subscriber) {
            this.subscriber = subscriber;
        }

        RecordedDelivery snapshot() {
            return new RecordedDelivery(subscriber, outcome, attempts, threads, failure, reason);
        }
    }

    // ------------------------------------------------------------------------------------------- the interceptor

    @Override
    public <T> Envelope<T> onPublish(Envelope<T> envelope) {
        String id = envelope.id();    // assigns the lazy id, so every later copy carries it
        String publisher = handling.get().peek();
        String thread = Thread.currentThread().getName();
        synchronized (lock) {
            Entry entry = new Entry(entries.size() + 1L, envelope, thread, publisher);
            entries.add(entry);
            byId.put(id, entry);
            changed();
        }
        return envelope;
    }

    @Override
    public boolean beforeDelivery(Envelope<?> envelope, String subscriber) {
        if (isOwn(subscriber)) {
            return true;
        }
        handling.get().push(subscriber);
        String thread = Thread.currentThread().getName();
        synchronized (lock) {
            Delivery delivery = delivery(envelope, subscriber);
            delivery.attempts++;
            delivery.runningNow++;
            delivery.threads.add(thread);
            delivery.outcome = Outcome.RUNNING;
            running++;
            changed();
        }
        return true;
    }

    @Override
    public void afterDelivery(Envelope<?> envelope, String subscriber, Throwable failure) {
        if (isOwn(subscriber)) {
            return;
        }
        ArrayDeque<String> stack = handling.get();
        stack.poll();
        if (stack.isEmpty()) {
            handling.remove();
        }
        synchronized (lock) {
            Delivery delivery = delivery(envelope, subscriber);
            delivery.runningNow--;
            running--;
            if (delivery.reason == null) {    // a dead letter that came first stays the outcome
                delivery.failure = failure;
                delivery.outcome = delivery.runningNow > 0 ? Outcome.RUNNING
                        : failure == null ? Outcome.HANDLED : Outcome.FAILED;
            }
            changed();
        }
    }

    // ---------------------------------------------------------------------------- what the bus reports otherwise

    /** Records that a subscription gave up on a message. */
    public void deadLetter(DeadLetter letter) {
        synchronized (lock) {
            Delivery delivery = delivery(letter.envelope(), letter.subscriber());
            delivery.reason = letter.reason();
            delivery.outcome = switch (letter.reason()) {
                case MAILBOX_FULL, BUS_CLOSED, EXECUTOR_REJECTED -> Outcome.DROPPED;
                default -> Outcome.DEAD_LETTERED;
            };
            if (letter.cause() != null) {
                delivery.failure = letter.cause();
            }
            changed();
        }
    }

    /** Records that a message reached no subscription. */
    public void deadMessage(Envelope<?> envelope) {
        synchronized (lock) {
            entry(envelope).dead = true;
            changed();
        }
    }

    /** Guarded by {@link #lock}. */
    private Delivery delivery(Envelope<?> envelope, String subscriber) {
        return entry(envelope).deliveries.computeIfAbsent(subscriber, Delivery::new);
    }

    /**
     * Guarded by {@link #lock}. The recorder sees every publish before any delivery; a message it did not see
     * published (delivered under an id that a later interceptor changed, say) is recorded when first seen.
     */
    private Entry entry(Envelope<?> envelope) {
        Entry entry = byId.get(envelope.id());
        if (entry == null) {
            entry = new Entry(entries.size() + 1L, envelope, "(not seen published)", null);
            entries.add(entry);
            byId.put(envelope.id(), entry);
        }
        return entry;
    }

    private void changed() {
        version++;
        lock.notifyAll();
    }

    // --------------------------------------------------------------------------------------------- reading

    /** Every message in publish order, as immutable snapshots. */
    public List<RecordedMessage> snapshot() {
        synchronized (lock) {
            List<RecordedMessage> all = new ArrayList<>(entries.size());
            for (Entry entry : entries) {
                List<RecordedDelivery> deliveries = new ArrayList<>(entry.deliveries.size());
                for (Delivery delivery : entry.deliveries.values()) {
                    deliveries.add(delivery.snapshot());
                }
                all.add(new RecordedMessage(entry.sequence, entry.envelope, entry.thread, entry.publishedBy,
                        deliveries, entry.dead));
            }
            return all;
        }
    }

    /** The number of changes so far. */
    public long version() {
        synchronized (lock) {
            return version;
        }
    }

    /** Attempts running now, on any thread. */
    public int running() {
        synchronized (lock) {
            return running;
        }
    }

    /**
     * Waits until the version is no longer {@code seen}, or {@code nanos} passed.
     *
     * @return the current version
     */
    public long awaitChange(long seen, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        synchronized (lock) {
            long left = nanos;
            while (version == seen && left > 0) {
                lock.wait(Math.max(1L, left / 1_000_000L));
                left = deadline - System.nanoTime();
            }
            return version;
        }
    }
}
