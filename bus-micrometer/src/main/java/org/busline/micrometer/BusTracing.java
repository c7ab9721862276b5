package org.busline.micrometer;

import java.util.Objects;
import io.micrometer.observation.Observation;
import io.micrometer.tracing.Link;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;

/**
 * Micrometer Tracing support for Busline's process observations; needs {@code io.micrometer:micrometer-tracing} on
 * the class path (an optional dependency of this module).
 *
 * <p>Micrometer Observation has no notion of span links, and Micrometer Tracing's
 * {@code PropagatingReceiverTracingObservationHandler} makes a receiving span only a child of the sender's. The
 * OpenTelemetry messaging conventions ask that a process span also <em>link</em> to the context the message was
 * created in; the handler made here does both. Register it before the generic receiver handler:
 *
 * <pre>{@code
 * registry.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
 *         new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
 *         BusTracing.linkingReceiverHandler(tracer, propagator),
 *         new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
 *         new DefaultTracingObservationHandler(tracer)));
 * }</pre>
 */
// Micrometer Tracing's types appear here, though the module requires it only statically (optional): whoever calls
// this class has Micrometer Tracing already, and a module without it must still resolve this one.
@SuppressWarnings("exports")
public final class BusTracing {
    private BusTracing() {
    }

    /**
     * Returns a receiver handler of {@link BusProcessContext} only that makes each process span a child of the
     * span whose W3C {@code traceparent} header the envelope carries, and adds a link to that span.
     *
     * @param tracer     the tracer; not null
     * @param propagator the propagator that reads the envelope's headers, W3C trace context; not null
     * @return the handler, thread-safe
     */
    public static PropagatingReceiverTracingObservationHandler<BusProcessContext> linkingReceiverHandler(
            Tracer tracer, Propagator propagator) {
        Objects.requireNonNull(tracer, "tracer");
        Objects.requireNonNull(propagator, "propagator");
        return new LinkingReceiverHandler(tracer, propagator);
    }

    /** The handler; stateless beyond its tracer and propagator, so thread-safe. */
    private static final class LinkingReceiverHandler
            extends PropagatingReceiverTracingObservationHandler<BusProcessContext> {
        private final Tracer tracer;

        LinkingReceiverHandler(Tracer tracer, Propagator propagator) {
            super(tracer, propagator);
            this.tracer = tracer;
        }

        @Override
        public Span.Builder customizeExtractedSpan(BusProcessContext context, Span.Builder builder) {
            TraceContext sender = parse(context.envelope().header("traceparent"));
            return sender == null ? builder : builder.addLink(new Link(sender));
        }

        /** A W3C traceparent: {@code 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>}; null if malformed. */
        private TraceContext parse(String traceparent) {
            if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(2) != '-'
                    || traceparent.charAt(35) != '-' || traceparent.charAt(52) != '-') {
                return null;
            }
            String flags = traceparent.substring(53, 55);
            boolean sampled;
            try {
                sampled = (Integer.parseInt(flags, 16) & 1) == 1;
            } catch (NumberFormatException malformed) {
                return null;
            }
            return tracer.traceContextBuilder().traceId(traceparent.substring(3, 35))
                    .spanId(traceparent.substring(36, 52)).sampled(sampled).build();
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof BusProcessContext;
        }
    }
}
