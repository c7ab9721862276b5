package org.busline.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.busline.Envelope;
import org.busline.NoConsumerException;
import org.busline.PublishResult;
import org.busline.Topic;
import org.busline.spi.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatch on the caller's thread, the second room of a message's way: runs the interceptors' {@code onPublish},
 * reserves room in refusing mailboxes, calls each synchronous handler (through the {@link Invoker}) and hands the
 * message to each asynchronous subscription's {@link Mailbox}, in subscription order. A publish reaches every
 * subscription of its route; a send, and a request's hand-over, reach one ({@link #pick}).
 *
 * <p><b>Threads.</b> Runs on the publisher's thread and keeps its state in the thread's {@link DispatchContext}. A
 * publish from inside a synchronous handler is queued there and delivered by the outermost publish after the current
 * message, breadth first, so the stack never grows with a chain of messages.
 *
 * <p><b>Hot path.</b> A publish to synchronous payload handlers with no interceptor ({@link Route.State#fast}) makes
 * no envelope and allocates nothing: it records the message in the thread's context, where an envelope is made later
 * only if a handler needs one (to publish in turn, or to report a failure).
 *
 * <p><b>Invariant.</b> Every subscription the route held when the publish started either receives the message or is
 * reported to the {@link DeadLetterOffice}; a message with no subscription is reported there as dead.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Resources resources;
    private final Registry registry;
    private final Invoker invoker;
    private final DeadLetterOffice office;
    private final Interceptor[] interceptors;
    /** Null unless the bus has module boundaries. */
    private final BoundaryCheck boundaries;

    Dispatcher(Resources resources, Registry registry, Invoker invoker, DeadLetterOffice office,
               Interceptor[] interceptors) {
        this.resources = resources;
        this.registry = registry;
        this.invoker = invoker;
        this.office = office;
        this.interceptors = interceptors;
        this.boundaries = resources.boundaries;
    }

    // ---------------------------------------------------------------------------------------------- to every one

    /** Publishes a payload to every subscription of its route. */
    PublishResult publish(Route route, Object payload) {
        resources.checkOpen("publish");
        DispatchContext context = DispatchContext.current();
        if (boundaries != null) {
            boundaries.checkPublish(route.topic, context);
        }
        Route.State state = route.state;
        if (state.fast && context.dispatching != resources.id) {
            return deliverFast(route.topic, state.subscribers, 0, state.subscribers.length, payload, context);
        }
        if (state.lane != null && context.payload == null && context.envelope == null) {
            // Not inside a handler, so the message has no parent to remember: it may go without an envelope.
            return state.lane.mailbox.putPayload(payload);
        }
        return publishEnvelope(route, resources.newEnvelope(route.topic, payload, context.envelope(resources)),
                context);
    }

    /** Publishes an envelope given by the caller, stamped as published from here. */
    PublishResult publish(Envelope<?> envelope) {
        resources.checkOpen("publish");
        Route route = registry.route(envelope.topic());
        DispatchContext context = DispatchContext.current();
        if (boundaries != null) {
            boundaries.checkPublish(route.topic, context);
        }
        return publishEnvelope(route, resources.stamp(envelope, context.envelope(resources)), context);
    }

    /** Synchronous payload handlers only, not nested in another delivery: no envelope unless somebody asks. */
    private PublishResult deliverFast(Topic<?> topic, Subscriber[] targets, int first, int end, Object payload,
                                      DispatchContext context) {
        Topic<?> savedTopic = context.topic;
        Object savedPayload = context.payload;
        // Inside an asynchronous handler of bare payloads, the message being handled has its envelope made now.
        Envelope<?> savedEnvelope = savedPayload == null ? context.envelope : context.envelope(resources);
        Envelope<?> savedParent = context.parent;
        context.parent = savedEnvelope;
        // The topic is only read while a payload is recorded, so it may stay behind after the frame: a thread that
        // publishes on one topic again and again then skips this store and its GC write barrier (a quarter of the
        // cost of a publish under G1).
        if (context.topic != topic) {
            context.topic = topic;
        }
        context.payload = payload;
        context.envelope = null;
        Object interrupted = context.beginOutermost(resources.id);
        List<Throwable> failures = null;
        Envelope<?> failedMessage = null;
        try {
            for (int i = first; i < end; i++) {
                Subscriber subscriber = targets[i];
                try {
                    subscriber.payloadHandler.onMessage(payload);
                } catch (Throwable failure) {
                    failedMessage = context.envelope(resources);
                    failures = Results.add(failures, office.failedSync(subscriber, failedMessage, failure));
                }
            }
            runQueued(context);
        } finally {
            context.endOutermost(interrupted);
            if (savedPayload != null) {
                context.topic = savedTopic;
            }
            context.payload = savedPayload;
            context.envelope = savedEnvelope;
            context.parent = savedParent;
        }
        context.throwFatal();
        return failures == null ? Results.done(end - first)
                : Results.finish(resources.name, end - first, failures, failedMessage);
    }

    /** Publishes a message that has its envelope to every subscription of its route. */
    PublishResult publishEnvelope(Route route, Envelope<?> envelope, DispatchContext context) {
        envelope = intercept(route, envelope);
        if (envelope == null) {
            return Results.done(0);
        }
        Route.State state = route.retained == null ? route.state : route.retained.keep(route, envelope);
        Subscriber[] targets = state.subscribers;
        if (targets.length == 0) {
            if (route.retained == null) {
                office.dead(envelope, context);
            }
            return Results.done(0);
        }
        if (state.reserving) {
            reserveRoom(targets, envelope);
        }
        boolean nested = context.dispatching == resources.id;
        Results.Tracker tracker = state.hasAsync || nested
                ? new Results.Tracker(envelope, targets.length > 1) : null;
        int reached = 0;
        List<Throwable> failures = null;
        List<Subscriber> deferred = null;
        Envelope<?> outer = context.enter(envelope);
        Object interrupted = nested ? null : context.beginOutermost(resources.id);
        try {
            for (Subscriber subscriber : targets) {
                if (subscriber.mailbox != null) {
                    Envelope<?> message;
                    try {
                        message = subscriber.forMailbox(envelope);
                    } catch (RuntimeException copyFailure) {
                        // Isolated delivery could not copy the message: this subscriber's failure, as a handler's.
                        if (subscriber.mailbox.refuses()) {
                            subscriber.mailbox.release();
                        }
                        reached++;
                        failures = Results.add(failures, office.failedSync(subscriber, envelope, copyFailure));
                        continue;
                    }
                    if (subscriber.mailbox.put(message, tracker)) {
                        reached++;
                    }
                } else if (nested) {
                    if (deferred == null) {
                        deferred = new ArrayList<>(targets.length);
                    }
                    deferred.add(subscriber);
                    tracker.add();
                    reached++;
                } else {
                    reached++;
                    Throwable failure = invoker.callSync(subscriber, envelope);
                    if (failure != null) {
                        failures = Results.add(failures, office.failedSync(subscriber, envelope, failure));
                    }
                }
            }
            if (deferred != null) {
                List<Subscriber> later = deferred;
                Envelope<?> message = envelope;
                context.queue(() -> deliverDeferred(later, message, tracker));
            }
            if (!nested) {
                runQueued(context);
            }
        } finally {
            if (!nested) {
                context.endOutermost(interrupted);
            }
            context.leave(outer);
        }
        if (!nested) {
            context.throwFatal();
        }
        if (tracker != null) {
            if (failures != null) {
                for (Throwable failure : failures) {
                    tracker.add();
                    tracker.settle(Results.unwrap(failure));
                }
            }
            tracker.handedOver(reached);
            Results.throwPropagated(resources.name, failures, envelope);
            return tracker;
        }
        return failures == null ? Results.done(reached) : Results.finish(resources.name, reached, failures, envelope);
    }

    /** Delivers a message published from inside a synchronous handler, once the current delivery is done. */
    private void deliverDeferred(List<Subscriber> targets, Envelope<?> envelope, Results.Tracker tracker) {
        DispatchContext context = DispatchContext.current();
        Envelope<?> outer = context.enter(envelope);
        try {
            for (Subscriber subscriber : targets) {
                Throwable failure = invoker.callSync(subscriber, envelope);
                if (failure != null) {
                    failure = Results.unwrap(office.failedSync(subscriber, envelope, failure));
                }
                tracker.settle(failure);
            }
        } finally {
            context.leave(outer);
        }
    }

    /**
     * Delivers what synchronous handlers published meanwhile; called by the outermost delivery of the thread, so that
     * nothing stays queued on the thread when it returns. A queued delivery never throws (its failures are reported
     * and an Error is recorded on the context), but should one, the rest still runs and the Error is rethrown after.
     */
    static void runQueued(DispatchContext context) {
        Runnable next;
        while ((next = context.nextQueued()) != null) {
            try {
                next.run();
            } catch (Error error) {
                context.fatal(error);
            }
        }
    }

    /** Runs the interceptors' {@code onStore} on a message stored for a later publish. */
    <T> Envelope<T> store(Envelope<T> envelope) {
        for (Interceptor interceptor : interceptors) {
            envelope = Objects.requireNonNull(interceptor.onStore(envelope),
                    () -> "interceptor " + interceptor + " returned null from onStore");
        }
        return envelope;
    }

    /** Runs the interceptors' {@code onPublish}; null if one vetoed the message. */
    Envelope<?> intercept(Route route, Envelope<?> envelope) {
        for (Interceptor interceptor : interceptors) {
            envelope = interceptor.onPublish(envelope);
            if (envelope == null) {
                LOG.debug("Bus '{}': interceptor {} vetoed a message on topic '{}'", resources.name, interceptor,
                        route.topic.name());
                return null;
            }
        }
        return envelope;
    }

    private static void reserveRoom(Subscriber[] targets, Envelope<?> envelope) {
        int reserved = 0;
        try {
            for (Subscriber subscriber : targets) {
                if (subscriber.mailbox != null && subscriber.mailbox.refuses()) {
                    subscriber.mailbox.reserve(envelope);
                    reserved++;
                }
            }
        } catch (RuntimeException full) {
            for (Subscriber subscriber : targets) {
                if (reserved == 0) {
                    break;
                }
                if (subscriber.mailbox != null && subscriber.mailbox.refuses()) {
                    subscriber.mailbox.release();
                    reserved--;
                }
            }
            throw full;
        }
    }

    // ---------------------------------------------------------------------------------------------- to one

    /** Sends a payload to one subscription of its route. */
    PublishResult send(Route route, Object payload) {
        resources.checkOpen("send");
        DispatchContext context = DispatchContext.current();
        if (boundaries != null) {
            boundaries.checkPublish(route.topic, context);
        }
        Route.State state = route.state;
        if (state.fast && context.dispatching != resources.id) {
            Subscriber[] targets = state.subscribers;
            int turn = route.nextTurn(targets.length);
            return deliverFast(route.topic, targets, turn, turn + 1, payload, context);
        }
        return sendEnvelope(route, resources.newEnvelope(route.topic, payload, context.envelope(resources)), context);
    }

    /**
     * Delivers to one subscriber: from the route's next turn on, the first synchronous one or the first asynchronous
     * one with room; if none has room, the overflow policy of the one whose turn it was decides.
     */
    private PublishResult sendEnvelope(Route route, Envelope<?> envelope, DispatchContext context) {
        envelope = intercept(route, envelope);
        if (envelope == null) {
            return Results.done(0);
        }
        Route.State state = route.state;
        Subscriber[] targets = state.subscribers;
        if (targets.length == 0) {
            if (resources.config.failSendsWithoutConsumer()) {
                throw new NoConsumerException(route.topic.name(), "Bus '" + resources.name + "': "
                        + Resources.describe(envelope) + " was sent to no consumer: the topic has no subscription, "
                        + "and failSendsWithoutConsumer is set");
            }
            office.dead(envelope, context);
            return Results.done(0);
        }
        Results.Tracker tracker = state.hasAsync ? new Results.Tracker(envelope, false) : null;
        Pick pick = pick(route, targets, envelope, tracker, null);
        if (pick.failure != null) {
            return Results.finish(resources.name, 1, Results.add(null, pick.failure), envelope);
        }
        if (pick.synchronous != null) {
            return sendToSync(pick.synchronous, envelope, context);
        }
        tracker.handedOver(pick.accepted ? 1 : 0);
        return tracker;
    }

    /** Where {@link #pick} put a message: a synchronous subscriber to call now, or into a mailbox, or a failure. */
    record Pick(Subscriber target, Subscriber synchronous, boolean accepted, Throwable failure) {
    }

    /**
     * Picks the one subscriber (or responder) of a point-to-point message, from the route's next turn on: the first
     * synchronous one (returned to be called), or the first asynchronous one with room (the message is put in its
     * mailbox); if none has room, the one whose turn it was, by its overflow policy. A copy that fails is that
     * subscriber's failure, reported here. A request ({@code request} not null) learns each candidate's name and
     * awaits its reply before it enters a mailbox, so that the responder finds it.
     *
     * @throws org.busline.MailboxFullException if the overflow policy of the last resort refuses the message
     */
    Pick pick(Route route, Subscriber[] targets, Envelope<?> envelope, Results.Tracker tracker,
              PendingRequest<?> request) {
        int turn = route.nextTurn(targets.length);
        for (int i = 0; i < targets.length; i++) {
            Subscriber target = targets[turn + i < targets.length ? turn + i : turn + i - targets.length];
            if (request != null) {
                request.responder = target.name;
            }
            if (target.mailbox == null) {
                return new Pick(target, target, false, null);
            }
            if (request != null) {
                request.await();
                if (request.isDone()) {
                    return new Pick(target, null, false, null);
                }
            }
            Envelope<?> message;
            try {
                message = target.forMailbox(envelope);
            } catch (RuntimeException copyFailure) {
                return copyFailed(target, envelope, copyFailure, request);
            }
            if (target.mailbox.offer(message, tracker)) {
                return new Pick(target, null, true, null);
            }
        }
        Subscriber target = targets[turn];
        if (request != null) {
            request.responder = target.name;
        }
        Envelope<?> message;
        try {
            message = target.forMailbox(envelope);
        } catch (RuntimeException copyFailure) {
            return copyFailed(target, envelope, copyFailure, request);
        }
        if (target.mailbox.refuses()) {
            target.mailbox.reserve(envelope);
        }
        return new Pick(target, null, target.mailbox.put(message, tracker), null);
    }

    private Pick copyFailed(Subscriber target, Envelope<?> envelope, RuntimeException copyFailure,
                            PendingRequest<?> request) {
        if (request != null) {
            request.responderFailed(copyFailure);
        }
        return new Pick(target, null, false, office.failedSync(target, envelope, copyFailure));
    }

    /**
     * Delivers a retained message to one synchronous subscriber on this thread, now: as a send that picked it, or, on
     * a thread already delivering (the hand-over was queued behind its current message), in place.
     *
     * @throws DeliveryException if the subscriber propagates failures and this one failed (reported already)
     */
    void deliverRetained(Subscriber target, Envelope<?> envelope) {
        DispatchContext context = DispatchContext.current();
        if (context.dispatching != resources.id) {
            sendToSync(target, envelope, context);
            return;
        }
        Results.Tracker tracker = new Results.Tracker(envelope, false);
        tracker.add();
        deliverDeferred(List.of(target), envelope, tracker);
    }

    private PublishResult sendToSync(Subscriber target, Envelope<?> envelope, DispatchContext context) {
        if (context.dispatching == resources.id) {
            Results.Tracker tracker = new Results.Tracker(envelope, false);
            tracker.add();
            context.queue(() -> deliverDeferred(List.of(target), envelope, tracker));
            tracker.handedOver(1);
            return tracker;
        }
        Envelope<?> outer = context.enter(envelope);
        Object interrupted = context.beginOutermost(resources.id);
        List<Throwable> failures = null;
        try {
            Throwable failure = invoker.callSync(target, envelope);
            if (failure != null) {
                failures = Results.add(null, office.failedSync(target, envelope, failure));
            }
            runQueued(context);
        } finally {
            context.endOutermost(interrupted);
            context.leave(outer);
        }
        context.throwFatal();
        return failures == null ? Results.done(1) : Results.finish(resources.name, 1, failures, envelope);
    }
}
