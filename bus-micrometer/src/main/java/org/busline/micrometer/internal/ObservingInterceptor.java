package org.busline.micrometer.internal;

import java.util.HashMap;
import java.util.Map;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import org.busline.Envelope;
import org.busline.RetryPolicy;
import org.busline.micrometer.BusProcessContext;
import org.busline.micrometer.BusSendContext;
import org.busline.spi.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interceptor that observes one bus: a {@code send} observation per message entering it (whose tracing handlers
 * write the trace context into the envelope's headers), a {@code process} observation and the handler meters around
 * each delivery.
 *
 * <p>Design note: one instance per bus, called concurrently from every publishing and delivering thread. Per-thread
 * state lives in {@link #frames}: a stack of delivery frames, because {@code beforeDelivery}/{@code afterDelivery}
 * pair on one thread and nest (a synchronous responder called from inside a handler), and a stack of the sends that
 * {@link ObservedMessageBus} opened around its calls. A send opened there is matched by the identity of its payload,
 * so a dead letter or state change that the bus publishes on the same thread during the call never takes it. Frame
 * objects are reused, so a delivery allocates nothing here beyond what Micrometer does.
 */
public final class ObservingInterceptor implements Interceptor {
    private static final Logger LOG = LoggerFactory.getLogger(ObservingInterceptor.class);
    /** Subscriptions of this module itself (dead-letter and state-change counting), never observed. */
    public static final String OWN_PREFIX = "busline-micrometer ";
    private static final String TRACE_PARENT = "traceparent";

    private final ObservationRegistry observations;
    private final ObservationConvention<BusSendContext> sendConvention;
    private final ObservationConvention<BusProcessContext> processConvention;
    private final ThreadLocal<Frames> frames = ThreadLocal.withInitial(Frames::new);
    /** Set once, by {@code BusObservability.build}, before the bus is handed to anybody. */
    private volatile String busName = "busline";
    private volatile BusMeters meters;

    public ObservingInterceptor(ObservationRegistry observations, ObservationConvention<BusSendContext> sendConvention,
                                ObservationConvention<BusProcessContext> processConvention) {
        this.observations = observations;
        this.sendConvention = sendConvention;
        this.processConvention = processConvention;
    }

    /** Binds this interceptor to its bus, once it is built. */
    public void bind(String name, BusMeters busMeters) {
        this.busName = name;
        this.meters = busMeters;
    }

    /** Whether send and process observations are recorded now (a registry may gain handlers after the build). */
    boolean observes() {
        return !observations.isNoop();
    }

    // ------------------------------------------------------------------------------------------------ send

    @Override
    public <T> Envelope<T> onPublish(Envelope<T> envelope) {
        BusMeters m = meters;
        if (m != null) {
            m.published(envelope.topic());
        }
        if (observations.isNoop()) {
            return envelope;
        }
        if (observations.getCurrentObservation() == null && envelope.header(TRACE_PARENT) != null) {
            // Sent elsewhere and published here again (an outbox's relay, a bridge's consumer), outside any
            // observation: the trace it carries is its own, and its deliveries continue it.
            return envelope;
        }
        Frames local = frames.get();
        PendingSend pending = local.pendingFor(envelope.payload());
        BusSendContext context = new BusSendContext(envelope, busName,
                pending != null ? pending.operation : "publish");
        Observation observation = Observation.createNotStarted(sendConvention, Conventions.SEND, () -> context,
                observations).start();
        if (pending != null) {
            // Stays open, in scope, until the bus call returns (or, for a request, until its reply).
            pending.observation = observation;
            pending.scope = observation.openScope();
        } else {
            observation.stop();
        }
        return withHeaders(envelope, context.getCarrier());
    }

    /**
     * A message stored for a later publish (an outbox's row): a {@code send} observation, stopped at once, puts the
     * trace context of the storing thread into its headers, so that its later deliveries join that trace.
     */
    @Override
    public <T> Envelope<T> onStore(Envelope<T> envelope) {
        if (observations.isNoop()) {
            return envelope;
        }
        BusSendContext context = new BusSendContext(envelope, busName, "publish");
        Observation.createNotStarted(sendConvention, Conventions.SEND, () -> context, observations).start().stop();
        return withHeaders(envelope, context.getCarrier());
    }

    private static <T> Envelope<T> withHeaders(Envelope<T> envelope, Map<String, String> injected) {
        if (injected == null || injected.isEmpty()) {
            return envelope;
        }
        Map<String, String> headers = new HashMap<>(envelope.headers());
        headers.putAll(injected);
        return Envelope.restore(envelope.id(), envelope.topic(), envelope.payload(), envelope.timestamp(),
                envelope.correlationId(), envelope.causationId(), headers);
    }

    /**
     * Opens a send on this thread for the next message with this payload, which {@link #onPublish} observes and
     * keeps open; called by {@link ObservedMessageBus} before it delegates. Pair with {@link #endSend}.
     */
    PendingSend beginSend(String operation, Object payload) {
        return frames.get().pushSend(operation, payload);
    }

    /** Ends a send begun on this thread: closes its scope and, unless {@code keepOpen}, stops its observation. */
    void endSend(PendingSend pending, Throwable failure, boolean keepOpen) {
        frames.get().popSend(pending);
        if (pending.scope != null) {
            pending.scope.close();
        }
        if (pending.observation != null && !keepOpen) {
            if (failure != null) {
                pending.observation.error(failure);
            }
            pending.observation.stop();
        }
    }

    // ------------------------------------------------------------------------------------------------ process

    @Override
    public boolean beforeDelivery(Envelope<?> envelope, String subscriber) {
        if (subscriber.startsWith(OWN_PREFIX)) {
            return true;
        }
        BusMeters m = meters;
        boolean observing = !observations.isNoop();
        if (m == null && !observing) {
            return true;
        }
        BusMeters.Delivery delivery = null;
        if (m != null) {
            delivery = m.delivery(subscriber, envelope.topic());
            String attempt = envelope.header(RetryPolicy.ATTEMPT_HEADER);
            if (attempt != null && !"1".equals(attempt)) {
                delivery.retried();
            }
        }
        Observation observation = null;
        Observation.Scope scope = null;
        if (observing) {
            BusProcessContext context = new BusProcessContext(envelope, busName, subscriber);
            observation = Observation.createNotStarted(processConvention, Conventions.PROCESS, () -> context,
                    observations).start();
            scope = observation.openScope();
        }
        // Last, so nothing can throw between the push and the return that makes the bus call afterDelivery.
        frames.get().pushDelivery(envelope, observation, scope, delivery, delivery != null ? System.nanoTime() : 0L);
        return true;
    }

    @Override
    public void afterDelivery(Envelope<?> envelope, String subscriber, Throwable failure) {
        if (subscriber.startsWith(OWN_PREFIX)) {
            return;
        }
        if (meters == null && observations.isNoop() && frames.get().isEmpty()) {
            return;
        }
        Frame frame = frames.get().popDelivery(envelope);
        if (frame == null) {
            // beforeDelivery recorded nothing: the registry had no handler then, and has one now.
            LOG.debug("afterDelivery of message {} to '{}' without a frame on this thread; not recorded",
                    envelope.id(), subscriber);
            return;
        }
        long end = frame.delivery != null ? System.nanoTime() : 0L;
        try {
            if (frame.observation != null) {
                if (failure != null) {
                    frame.observation.error(failure);
                }
                frame.scope.close();
                frame.observation.stop();
            }
            if (frame.delivery != null) {
                if (failure == null) {
                    frame.delivery.succeeded(end - frame.start);
                } else {
                    frame.delivery.failed(failure, end - frame.start);
                }
            }
        } finally {
            frame.clear();
        }
    }

    // ------------------------------------------------------------------------------------------------ thread state

    /** A send opened by {@link ObservedMessageBus} on this thread. */
    static final class PendingSend {
        final String operation;
        final Object payload;
        Observation observation;
        Observation.Scope scope;

        PendingSend(String operation, Object payload) {
            this.operation = operation;
            this.payload = payload;
        }
    }

    /** One delivery in progress on this thread. Reused. */
    private static final class Frame {
        Envelope<?> envelope;
        Observation observation;
        Observation.Scope scope;
        BusMeters.Delivery delivery;
        long start;

        void clear() {
            envelope = null;
            observation = null;
            scope = null;
            delivery = null;
        }
    }

    /** The per-thread stacks. Used by its thread only. */
    private static final class Frames {
        private Frame[] deliveries = new Frame[4];
        private int depth;
        private PendingSend[] sends = new PendingSend[4];
        private int sendDepth;

        void pushDelivery(Envelope<?> envelope, Observation observation, Observation.Scope scope,
                          BusMeters.Delivery delivery, long start) {
            if (depth == deliveries.length) {
                deliveries = java.util.Arrays.copyOf(deliveries, depth * 2);
            }
            Frame frame = deliveries[depth];
            if (frame == null) {
                frame = new Frame();
                deliveries[depth] = frame;
            }
            depth++;
            frame.envelope = envelope;
            frame.observation = observation;
            frame.scope = scope;
            frame.delivery = delivery;
            frame.start = start;
        }

        boolean isEmpty() {
            return depth == 0;
        }

        Frame popDelivery(Envelope<?> envelope) {
            if (depth == 0) {
                return null;
            }
            Frame top = deliveries[depth - 1];
            if (top.envelope != envelope) {
                return null;
            }
            depth--;
            return top;
        }

        PendingSend pushSend(String operation, Object payload) {
            if (sendDepth == sends.length) {
                sends = java.util.Arrays.copyOf(sends, sendDepth * 2);
            }
            PendingSend pending = new PendingSend(operation, payload);
            sends[sendDepth++] = pending;
            return pending;
        }

        void popSend(PendingSend pending) {
            for (int i = sendDepth - 1; i >= 0; i--) {
                if (sends[i] == pending) {
                    System.arraycopy(sends, i + 1, sends, i, sendDepth - i - 1);
                    sends[--sendDepth] = null;
                    return;
                }
            }
        }

        /** The innermost open send of this payload not yet observed, or null. */
        PendingSend pendingFor(Object payload) {
            for (int i = sendDepth - 1; i >= 0; i--) {
                PendingSend pending = sends[i];
                if (pending.observation == null && pending.payload == payload) {
                    return pending;
                }
            }
            return null;
        }
    }
}
