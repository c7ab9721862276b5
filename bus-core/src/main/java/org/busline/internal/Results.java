package org.busline.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.busline.DeliveryException;
import org.busline.Envelope;
import org.busline.PublishResult;

/**
 * The {@link PublishResult}s: shared constants for finished synchronous publishes, trackers for the rest, and the
 * failures a publish collects on the caller's thread.
 *
 * <p><b>Threads.</b> {@link Done} is immutable. A {@link Tracker} is settled from any thread (the publisher's and the
 * mailboxes'); its count is atomic and its failures are kept under its monitor.
 */
final class Results {
    private static final Done[] DONE = new Done[64];

    static {
        for (int i = 0; i < DONE.length; i++) {
            DONE[i] = new Done(i, null);
        }
    }

    private Results() {
    }

    /** A publish whose every delivery already succeeded; allocation-free for small counts. */
    static PublishResult done(int reached) {
        return reached < DONE.length ? DONE[reached] : new Done(reached, null);
    }

    /** A publish whose every delivery already finished, some of them failed. */
    static PublishResult failed(int reached, List<Throwable> failures, String what) {
        return new Done(reached, Tracker.exception(failures, what));
    }

    /** Marks a failure that the publish must rethrow. */
    static final class Propagated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Propagated(Subscriber subscriber, Throwable cause) {
            super("subscription '" + subscriber.name + "' failed: " + cause, cause, false, false);
        }
    }

    /** Adds a collected failure to a publish's list, made on the first failure. */
    static List<Throwable> add(List<Throwable> failures, Throwable failure) {
        List<Throwable> all = failures != null ? failures : new ArrayList<>(2);
        all.add(failure);
        return all;
    }

    /** The cause a collected failure stands for. */
    static Throwable unwrap(Throwable failure) {
        return failure instanceof Propagated ? failure.getCause() : failure;
    }

    /** The result of a finished publish with failures; throws first if a subscription propagates its failure. */
    static PublishResult finish(String busName, int reached, List<Throwable> failures, Envelope<?> envelope) {
        throwPropagated(busName, failures, envelope);
        List<Throwable> causes = new ArrayList<>(failures.size());
        for (Throwable failure : failures) {
            causes.add(unwrap(failure));
        }
        return failed(reached, causes, Resources.describe(envelope));
    }

    /** Throws a {@link DeliveryException} if a collected failure is to be propagated. */
    static void throwPropagated(String busName, List<Throwable> failures, Envelope<?> envelope) {
        if (failures == null) {
            return;
        }
        DeliveryException propagated = null;
        for (Throwable failure : failures) {
            if (failure instanceof Propagated) {
                if (propagated == null) {
                    propagated = new DeliveryException("Bus '" + busName + "': " + Resources.describe(envelope)
                            + " failed in " + failure.getMessage(), failure.getCause());
                } else {
                    propagated.addSuppressed(failure.getCause());
                }
            }
        }
        if (propagated != null) {
            throw propagated;
        }
    }

    private static final class Done implements PublishResult {
        private final int reached;
        private final DeliveryException failure;

        Done(int reached, DeliveryException failure) {
            this.reached = reached;
            this.failure = failure;
        }

        @Override
        public int reached() {
            return reached;
        }

        @Override
        public CompletableFuture<Void> completion() {
            return failure == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failure);
        }

        @Override
        public String toString() {
            return "PublishResult[reached=" + reached + (failure == null ? ", done" : ", failed: " + failure) + "]";
        }
    }

    /**
     * Counts the deliveries of one message that are still running and completes a future when the last one settles.
     *
     * <p>When a publish hands the message to several subscriptions, the count starts with one pending "guard" that
     * the publisher settles once every delivery was handed over, so it cannot reach zero while deliveries are still
     * being added. With a single subscription no guard is needed (its delivery is added before it can settle), which
     * saves an atomic update per message on the asynchronous hot path. The future is made only if somebody asks for it:
     * {@link #completion()} installs it and then re-checks the count, and the last {@link #settle} completes whatever
     * future is installed by then, so one of the two always completes it (completing twice is harmless).
     */
    static final class Tracker implements PublishResult {
        private static final VarHandle PENDING;
        private static final VarHandle FUTURE;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                PENDING = lookup.findVarHandle(Tracker.class, "pending", int.class);
                FUTURE = lookup.findVarHandle(Tracker.class, "future", CompletableFuture.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Envelope<?> message;
        private final boolean guarded;
        private volatile int pending;
        private volatile CompletableFuture<Void> future;
        private List<Throwable> failures;
        private int reached;

        /**
         * @param message the message tracked, described only if a delivery fails
         * @param guarded true if the publish may hand it to more than one subscription
         */
        Tracker(Envelope<?> message, boolean guarded) {
            this.message = message;
            this.guarded = guarded;
            this.pending = guarded ? 1 : 0;
        }

        void add() {
            PENDING.getAndAdd(this, 1);
        }

        /** Settles one delivery, or the guard once the publisher is done handing over ({@code reached} known). */
        void settle(Throwable failure) {
            if (failure != null) {
                synchronized (this) {
                    if (failures == null) {
                        failures = new ArrayList<>(2);
                    }
                    failures.add(failure);
                }
            }
            if ((int) PENDING.getAndAdd(this, -1) == 1) {
                CompletableFuture<Void> installed = future;
                if (installed != null) {
                    complete(installed);
                }
            }
        }

        void handedOver(int reached) {
            this.reached = reached;
            if (guarded) {
                settle(null);
            }
        }

        @Override
        public int reached() {
            return reached;
        }

        @Override
        public CompletableFuture<Void> completion() {
            CompletableFuture<Void> installed = future;
            if (installed == null) {
                CompletableFuture<Void> fresh = new CompletableFuture<>();
                installed = (CompletableFuture<Void>) FUTURE.compareAndExchange(this, (CompletableFuture<Void>) null,
                        fresh);
                if (installed == null) {
                    installed = fresh;
                }
            }
            if (pending == 0) {
                complete(installed);
            }
            return installed.thenApply(done -> done);
        }

        private void complete(CompletableFuture<Void> target) {
            List<Throwable> snapshot;
            synchronized (this) {
                snapshot = failures == null ? null : List.copyOf(failures);
            }
            if (snapshot == null) {
                target.complete(null);
            } else {
                target.completeExceptionally(exception(snapshot, "message " + message.id() + " on topic '"
                        + message.topic().name() + "'"));
            }
        }

        static DeliveryException exception(List<Throwable> failures, String what) {
            Throwable first = failures.get(0);
            DeliveryException exception = first instanceof DeliveryException
                    ? new DeliveryException(first.getMessage(), first.getCause())
                    : new DeliveryException(failures.size() + " of the deliveries of " + what + " failed; first: "
                            + first, first);
            for (int i = 1; i < failures.size(); i++) {
                exception.addSuppressed(failures.get(i));
            }
            return exception;
        }

        @Override
        public String toString() {
            return "PublishResult[reached=" + reached + ", pending=" + pending + "]";
        }
    }
}
