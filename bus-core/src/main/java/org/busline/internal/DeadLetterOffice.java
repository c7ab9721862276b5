package org.busline.internal;

import java.time.Duration;
import java.util.function.Consumer;
import org.busline.CircuitBreakerPolicy;
import org.busline.DeadLetter;
import org.busline.DeadMessage;
import org.busline.DeliveryException;
import org.busline.DeliveryFailure;
import org.busline.DroppedMessage;
import org.busline.Envelope;
import org.busline.Topic;
import org.busline.spi.BusFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one room that accounts for every message that ends undelivered, and reports it: failed (for the last time),
 * rejected by a guard, dropped by a mailbox, dead (reached nobody), expired (a late reply), or closed with the bus.
 * Each such end is reported here, once: to the error handler, the dropped-message handler or the dead-message handler,
 * and as a {@link DeadLetter} or {@link DeadMessage} published on the bus; a request that awaits the message is failed
 * with it. It also announces circuit breakers' changes of state, the bus's other notice.
 *
 * <p><b>Threads.</b> Called on the thread where the message ended (a publisher's, a mailbox's, a timer's); holds no
 * state of its own but the handlers, so it is thread-safe. A notice it publishes goes through the {@link Dispatcher}
 * on that thread, after the current message if the thread is delivering one synchronously.
 *
 * <p><b>Logs</b> under this class. With no error handler given, a failure is logged once: at ERROR with its stack
 * trace when nobody else handles it, at DEBUG when the requester, the publisher ({@code propagateFailures()}) or a
 * {@link DeadLetter} subscription receives it ({@link #handler}).
 *
 * <p><b>Invariants.</b> Never throws; a synchronous handler's {@link Error} is recorded for the outermost delivery to
 * rethrow. A dead letter is
 * never dead-lettered again, and a dead message never announced again, so reporting cannot loop.
 */
final class DeadLetterOffice {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterOffice.class);
    /** The names of the project's own observing subscriptions (metrics), which handle no failure. */
    static final String OBSERVER_PREFIX = "busline-";
    static final Topic<DeadMessage> DEAD_MESSAGES = Topic.of(DeadMessage.class);
    static final Topic<DeadLetter> DEAD_LETTERS = Topic.of(DeadLetter.class);
    private static final Topic<CircuitBreakerPolicy.StateChange> STATE_CHANGES =
            Topic.of(CircuitBreakerPolicy.StateChange.class);

    private final Resources resources;
    private final String name;
    /** The error handler the builder was given, or null for the default log ({@link #logFailure}). */
    private final Consumer<? super DeliveryFailure> errorHandler;
    private final Consumer<? super DeadMessage> deadMessageHandler;
    private final Consumer<? super DroppedMessage> droppedHandler;
    /** Set once while the bus is wired, before any thread sees it. */
    private Registry registry;
    private Dispatcher dispatcher;
    private Requests requests;

    DeadLetterOffice(Resources resources) {
        BusFactory.Configuration config = resources.config;
        this.resources = resources;
        this.name = resources.name;
        this.errorHandler = config.errorHandler();
        this.deadMessageHandler = config.deadMessageHandler() != null ? config.deadMessageHandler()
                : new DeadMessageLog(name, LOG, this::near);
        this.droppedHandler = config.droppedHandler() != null ? config.droppedHandler()
                : dropped -> LOG.warn("Bus '{}': message {} on topic '{}' was dropped by subscription '{}': {}", name,
                        dropped.envelope().id(), dropped.envelope().topic().name(), dropped.subscriber(),
                        dropped.reason());
    }

    void connect(Registry registry, Dispatcher dispatcher, Requests requests) {
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.requests = requests;
    }

    // ---------------------------------------------------------------------------------------------- failed, rejected

    /**
     * Reports the failure of a synchronous delivery (or of the copy for a mailbox) and returns what the publish
     * records of it: the failure, or a {@link Results.Propagated} if the subscription propagates failures. Restores an
     * interrupt. An {@link Error} is recorded on the thread's {@link DispatchContext}, which the outermost delivery
     * rethrows once every other subscription and every queued message was delivered.
     */
    Throwable failedSync(Subscriber subscriber, Envelope<?> envelope, Throwable failure) {
        Throwable reported;
        if (failure instanceof Invoker.Rejected) {
            DeadLetter.Reason reason = ((Invoker.Rejected) failure).reason;
            deadLetter(envelope, subscriber.name, null, 0, reason);
            reported = rejection(subscriber, envelope, reason, null);
        } else {
            failedFinally(subscriber, envelope, envelope, failure, 1);
            if (failure instanceof Error) {
                DispatchContext.current().fatal((Error) failure);
            }
            reported = failure;
        }
        return subscriber.propagateFailures ? new Results.Propagated(subscriber, reported) : reported;
    }

    /**
     * Reports the failure that ends a delivery: restores an interrupt, calls the error handler with the envelope the
     * handler saw, and dead-letters the original. The caller rethrows an {@link Error}.
     */
    void failedFinally(Subscriber subscriber, Envelope<?> seen, Envelope<?> original, Throwable failure,
                       int attempts) {
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        reportFailure(seen, subscriber.name, failure, handler(subscriber, original));
        deadLetter(original, subscriber.name, failure, attempts, DeadLetter.Reason.FAILED);
    }

    /**
     * Who else handles a failure of this subscriber's delivery, for the default log: the requester, for a responder
     * whose request still waits; the publisher, under {@code propagateFailures()}; a {@link DeadLetter} subscriber
     * that receives this one, if one listens (the subscriptions named {@code busline-...}, the project's own
     * observers such as metrics, do not count, nor does one to the dead letters of other topics or subscriptions);
     * or null.
     */
    private String handler(Subscriber subscriber, Envelope<?> original) {
        if (subscriber.envelopeHandler instanceof ResponderHandler && requests.requesterReceives(original)) {
            return "the requester";
        }
        if (subscriber.propagateFailures) {
            return "the publisher (propagateFailures)";
        }
        if (!(original.payload() instanceof DeadLetter)) {
            DeadLetter letter = null;
            for (Subscriber listener : registry.route(DEAD_LETTERS).state.subscribers) {
                if (listener.name.startsWith(OBSERVER_PREFIX)) {
                    continue;
                }
                if (letter == null) {
                    letter = new DeadLetter(original, subscriber.name, null, 0, DeadLetter.Reason.FAILED);
                }
                if (DeadLetterFilter.receives(listener.payloadHandler, letter)) {
                    return "DeadLetter subscription '" + listener.name + "'";
                }
            }
        }
        return null;
    }

    /**
     * Reports a failure to the error handler alone: a responder's failed stage, which the requester receives unless
     * it stopped waiting ({@code received} false), when it is logged as nobody's.
     */
    void reportFailure(Envelope<?> envelope, String subscriber, Throwable cause, boolean received) {
        reportFailure(envelope, subscriber, cause, received ? "the requester" : null);
    }

    /**
     * Calls the error handler; or, by default, logs the failure: at ERROR with its stack trace if nobody else handles
     * it, otherwise once at DEBUG with the stack trace, naming who handles it ({@code handledBy}).
     */
    private void reportFailure(Envelope<?> envelope, String subscriber, Throwable cause, String handledBy) {
        if (errorHandler == null) {
            logFailure(envelope, subscriber, cause, handledBy);
            return;
        }
        try {
            errorHandler.accept(new DeliveryFailure(envelope, subscriber, cause));
        } catch (Throwable handlerFailure) {
            LOG.error("Bus '{}': the error handler failed on the failure of subscription '{}'", name, subscriber,
                    handlerFailure);
        }
    }

    /**
     * Reports the failure of a message's last attempt when its retry was refused (the circuit breaker opened
     * meanwhile): the error handler learns of it as of any last failure; the dead letter that follows names the
     * refusal.
     */
    void retryRefused(Subscriber subscriber, Envelope<?> envelope, Throwable last) {
        reportFailure(envelope, subscriber.name, last, handler(subscriber, envelope));
    }

    /** What a publish's completion reports for a delivery that a guard rejected. */
    DeliveryException rejection(Subscriber subscriber, Envelope<?> envelope, DeadLetter.Reason reason,
                                Throwable last) {
        return new DeliveryException(Resources.describe(envelope) + " was rejected by subscription '"
                + subscriber.name + "': " + reason, last);
    }

    // ---------------------------------------------------------------------------------------------- dropped, dead

    /** Reports a dropped message to the dropped-message handler, then dead-letters it. */
    void dropped(Envelope<?> envelope, String subscriber, DroppedMessage.Reason reason, Throwable last,
                 int attempts) {
        try {
            droppedHandler.accept(new DroppedMessage(envelope, subscriber, reason));
        } catch (Throwable failure) {
            LOG.error("Bus '{}': the dropped-message handler failed on message {}", name, envelope.id(), failure);
        }
        deadLetter(envelope, subscriber, last, attempts, DeadLetter.Reason.valueOf(reason.name()));
    }

    /**
     * Reports a message a mailbox drops (full, closed, refused by its executor), then settles its publish's tracker
     * with the failure; {@code wasAccepted} is false for a message refused before it counted as handed over.
     */
    void dropped(QueuedMessage entry, String subscriber, DroppedMessage.Reason reason, boolean wasAccepted,
                 Throwable last, int attempts) {
        dropped(entry.envelope(), subscriber, reason, last, attempts);
        Results.Tracker tracker = entry.tracker();
        if (tracker != null) {
            if (!wasAccepted) {
                tracker.add();
            }
            tracker.settle(droppedFailure(entry.envelope(), subscriber, reason, last));
        }
    }

    /** As {@link #dropped(QueuedMessage, String, DroppedMessage.Reason, boolean, Throwable, int)}, for a bare
     * payload of {@code topic}: its envelope is made now, to be reported. */
    void dropped(PayloadDelivery delivery, Topic<?> topic, String subscriber, DroppedMessage.Reason reason,
                 boolean wasAccepted, Throwable last, int attempts) {
        Envelope<?> envelope = resources.newEnvelope(topic, delivery.payload(), null);
        dropped(envelope, subscriber, reason, last, attempts);
        delivery.failed(droppedFailure(envelope, subscriber, reason, last), wasAccepted);
    }

    private static DeliveryException droppedFailure(Envelope<?> envelope, String subscriber,
                                                    DroppedMessage.Reason reason, Throwable last) {
        return new DeliveryException(Resources.describe(envelope) + " was dropped by subscription '" + subscriber
                + "': " + reason, last);
    }

    /**
     * Reports a reply that came after its request stopped waiting to the dropped-message handler. It is no
     * subscription's message, so it is not dead-lettered.
     */
    void lateReply(Envelope<?> reply, String responder) {
        try {
            droppedHandler.accept(new DroppedMessage(reply, responder, DroppedMessage.Reason.LATE_REPLY));
        } catch (Throwable failure) {
            LOG.error("Bus '{}': the dropped-message handler failed on late reply {}", name, reply.id(), failure);
        }
    }

    /** Reports a message that reached no subscription, and publishes it as a {@link DeadMessage} if anybody listens. */
    void dead(Envelope<?> envelope, DispatchContext context) {
        try {
            deadMessageHandler.accept(new DeadMessage(envelope));
        } catch (Throwable failure) {
            LOG.error("Bus '{}': the dead-message handler failed on message {}", name, envelope.id(), failure);
        }
        if (!(envelope.payload() instanceof DeadMessage)) {
            Route deadRoute = registry.route(DEAD_MESSAGES);
            if (deadRoute.state.subscribers.length > 0) {
                dispatcher.publishEnvelope(deadRoute, resources.newEnvelope(DEAD_MESSAGES, new DeadMessage(envelope),
                        envelope), context);
            }
        }
    }

    /**
     * Publishes a dead letter on its type topic, on this thread (after the current message if this thread is
     * delivering one synchronously), or logs it if nobody subscribes; fails the request that awaits the message.
     */
    void deadLetter(Envelope<?> envelope, String subscriber, Throwable cause, int attempts,
                    DeadLetter.Reason reason) {
        requests.gaveUp(envelope, subscriber, cause, attempts, reason);
        boolean reported = reason == DeadLetter.Reason.FAILED || reason == DeadLetter.Reason.MAILBOX_FULL
                || reason == DeadLetter.Reason.BUS_CLOSED || reason == DeadLetter.Reason.EXECUTOR_REJECTED;
        if (envelope.payload() instanceof DeadLetter) {
            LOG.warn("Bus '{}': subscription '{}' gave up on dead letter {} ({}); a dead letter is not dead-lettered "
                    + "again", name, subscriber, envelope.id(), reason);
            return;
        }
        try {
            Route route = registry.route(DEAD_LETTERS);
            if (route.state.subscribers.length == 0) {
                if (reported) {
                    LOG.debug("Bus '{}': subscription '{}' gave up on {} ({}, {} attempts)", name, subscriber,
                            Resources.describe(envelope), reason, attempts);
                } else {
                    LOG.warn("Bus '{}': subscription '{}' gave up on {} ({}, {} attempts), and nobody subscribes "
                            + "to DeadLetter", name, subscriber, Resources.describe(envelope), reason, attempts);
                }
                return;
            }
            DeadLetter letter = new DeadLetter(envelope, subscriber, cause, attempts, reason);
            dispatcher.publishEnvelope(route, resources.newEnvelope(DEAD_LETTERS, letter, envelope),
                    DispatchContext.current());
        } catch (RuntimeException failure) {
            LOG.error("Bus '{}': could not publish the dead letter of {} from subscription '{}' ({})", name,
                    Resources.describe(envelope), subscriber, reason, failure);
        }
    }

    // ---------------------------------------------------------------------------------------------- notices, logs

    /** Announces a circuit breaker's change of state to the policy's listener and on the bus. */
    void announce(CircuitBreakerPolicy.StateChange change,
                  Consumer<? super CircuitBreakerPolicy.StateChange> listener) {
        LOG.info("Bus '{}': the circuit breaker of subscription '{}' went from {} to {}", name, change.subscriber(),
                change.from(), change.to());
        try {
            listener.accept(change);
        } catch (Throwable failure) {
            LOG.error("Bus '{}': the state-change listener failed on {}", name, change, failure);
        }
        try {
            Route route = registry.route(STATE_CHANGES);
            if (route.state.subscribers.length > 0) {
                DispatchContext context = DispatchContext.current();
                dispatcher.publishEnvelope(route, resources.newEnvelope(STATE_CHANGES, change,
                        context.envelope(resources)), context);
            }
        } catch (RuntimeException failure) {
            LOG.error("Bus '{}': could not publish {}", name, change, failure);
        }
    }

    /** For the first warning of a dead topic: subscriptions of the same type under the other kind of topic. */
    String near(Topic<?> topic) {
        if (topic.isNamed()) {
            Topic<?> typeTopic = Topic.of(topic.type());
            return registry.hasSubscribers(typeTopic) ? "the type topic " + typeTopic.name() + " has subscribers; a "
                    + "message published on a named topic reaches only that topic's subscribers and patterns" : null;
        }
        return null;
    }

    void skippedDuplicate(Subscriber subscriber, Envelope<?> envelope) {
        LOG.debug("Bus '{}': subscription '{}' skipped {}, a duplicate", name, subscriber.name,
                Resources.describe(envelope));
    }

    void retrying(Subscriber subscriber, Envelope<?> envelope, int retry, Throwable failure, Duration delay) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("Bus '{}': subscription '{}' failed on {}; retry {} in {}", name, subscriber.name,
                    Resources.describe(envelope), retry, delay, failure);
        }
    }

    void executorRejected(String subscriber, Throwable rejection) {
        LOG.error("Bus '{}': the executor of subscription '{}' refused its task ({}); its waiting messages are dropped",
                name, subscriber, rejection.toString(), rejection);
    }

    private void logFailure(Envelope<?> envelope, String subscriber, Throwable cause, String handledBy) {
        if (handledBy == null) {
            LOG.error("Bus '{}': subscription '{}' failed on message {} of topic '{}'", name, subscriber,
                    envelope.id(), envelope.topic().name(), cause);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("Bus '{}': subscription '{}' failed on message {} of topic '{}'; handled by {}", name,
                    subscriber, envelope.id(), envelope.topic().name(), handledBy, cause);
        }
    }
}
