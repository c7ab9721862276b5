package org.busline.internal;

import java.util.ArrayDeque;
import org.busline.Envelope;
import org.busline.Topic;

/**
 * What one thread is doing on the buses: the message its handler is handling now, and the messages published from
 * inside synchronous handlers that wait for the current delivery to finish.
 *
 * <p>Thread-confined: one instance per thread, reached through a {@link ThreadLocal} once per publish, and never
 * shared, so its fields need no synchronization. One for all buses, so that a message published on one bus from a
 * handler of another still has that handler's message as its parent (correlation, causation); but the deferral of
 * nested publishes is per bus ({@link #dispatching}): a handler of one bus that publishes on another is no nested
 * publish there, and the other bus delivers at once, within that {@code publish}, as for any publisher.
 *
 * <p>The current message is recorded in one of two ways. The allocation-free path ({@code deliverFast}) records its
 * topic and payload and makes the envelope only on demand ({@link #envelope(Resources)}), from
 * {@link #parent}. Every other path already has the envelope and records only that ({@link #enter}/{@link #leave}),
 * which takes precedence over a topic and payload recorded by an outer frame and leaves them intact underneath.
 */
final class DispatchContext {
    private static final ThreadLocal<DispatchContext> CURRENT = ThreadLocal.withInitial(DispatchContext::new);

    /**
     * The bus ({@link Resources#id}) whose synchronous handlers run on this thread now, or 0; a publish on that bus
     * then queues instead of recursing.
     */
    int dispatching;
    /** The message being handled on this thread by the allocation-free path, or null; the topic means nothing
     * while the payload is null, and may be left from an earlier message. */
    Topic<?> topic;
    Object payload;
    /** The current message's envelope, if it has one yet. */
    Envelope<?> envelope;
    /** The message whose handler published the current one, or null. */
    Envelope<?> parent;
    /** The request whose synchronous responder runs on this thread now, handed to it without a lookup; or null. */
    PendingRequest<?> request;
    /** The module this thread publishes as ({@link BoundaryCheck}), or null. */
    String module;

    /**
     * The first {@link Error} a synchronous handler threw during the current outermost delivery (later ones are
     * suppressed in it), rethrown by that delivery once every queued message was delivered; null if none.
     */
    private Error fatal;

    /** True while a mailbox hands this (interrupted) thread's drain task over to a new one. */
    boolean handingOff;

    /**
     * True while this thread hands a drain task to an executor. A drain task that then runs on this very thread (a
     * direct executor such as {@code Runnable::run}) does not wait for more work when it runs out: it would only hold
     * up its own publisher.
     */
    boolean startingDrain;

    /** Counts the drain tasks begun on this thread, so that a mailbox tells a task that failed from one never run. */
    long drainsBegun;

    /** The mailbox whose drain task runs on this thread now, or null: close() must not wait for it here. */
    Mailbox draining;

    private ArrayDeque<Runnable> queued;

    static DispatchContext current() {
        return CURRENT.get();
    }

    /** The current message's envelope, made now if nobody needed it before. Null outside any handler. */
    Envelope<?> envelope(Resources bus) {
        Envelope<?> current = envelope;
        if (current == null && payload != null) {
            current = bus.newEnvelope(topic, payload, parent);
            envelope = current;
        }
        return current;
    }

    /**
     * Makes a message that has its envelope the current one, and returns the one it replaces, for {@link #leave}. Only
     * the envelope is written: a lazily recorded message of an outer frame (topic and payload) stays as it was, and
     * one reference store is all a frame costs (each costs a GC write barrier).
     */
    Envelope<?> enter(Envelope<?> message) {
        Envelope<?> outer = envelope;
        envelope = message;
        return outer;
    }

    /** Makes the message that {@link #enter} replaced current again. */
    void leave(Envelope<?> outer) {
        envelope = outer;
    }

    /** Records an Error to rethrow at the end of the outermost delivery. */
    void fatal(Error error) {
        if (fatal == null) {
            fatal = error;
        } else if (fatal != error) {
            fatal.addSuppressed(error);
        }
    }

    /** Rethrows (and forgets) the Error recorded during the delivery that ends now, if any. */
    void throwFatal() {
        Error error = fatal;
        if (error != null) {
            fatal = null;
            throw error;
        }
    }

    /**
     * Begins the outermost synchronous delivery of {@code bus} on this thread. If it interrupts another bus's (a
     * handler of that bus publishes on this one), that bus's queued deliveries are put aside, so that this delivery
     * does not run them; returns what {@link #endOutermost} puts back.
     */
    Object beginOutermost(int bus) {
        int interrupted = dispatching;
        dispatching = bus;
        if (interrupted == 0) {
            return null;
        }
        Interrupted aside = new Interrupted(interrupted, queued);
        queued = null;
        return aside;
    }

    /** Ends what {@link #beginOutermost} began. */
    void endOutermost(Object interrupted) {
        if (interrupted == null) {
            dispatching = 0;
        } else {
            Interrupted aside = (Interrupted) interrupted;
            dispatching = aside.bus;
            queued = aside.queued;
        }
    }

    /** Another bus's delivery, interrupted on this thread by a publish on this bus from one of its handlers. */
    private record Interrupted(int bus, ArrayDeque<Runnable> queued) {
    }

    void queue(Runnable delivery) {
        if (queued == null) {
            queued = new ArrayDeque<>();
        }
        queued.add(delivery);
    }

    /** The next queued delivery, or null. */
    Runnable nextQueued() {
        return queued == null ? null : queued.poll();
    }
}
