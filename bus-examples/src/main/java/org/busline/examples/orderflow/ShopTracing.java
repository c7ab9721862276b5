package org.busline.examples.orderflow;

import java.util.List;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import org.busline.micrometer.BusTracing;

/**
 * The shop's tracing: Micrometer Tracing on OpenTelemetry, W3C trace context in the envelopes' headers. The spans go
 * nowhere (add a batch span processor with an OTLP exporter to see them in Jaeger or Tempo); their trace ids show in
 * the trace and the verbose log.
 */
final class ShopTracing implements AutoCloseable {
    /** Without any span processor the SDK makes only invalid spans (no ids); this one keeps nothing. */
    private static final SpanProcessor KEEP_NOTHING = new SpanProcessor() {
        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
        }

        @Override
        public boolean isEndRequired() {
            return false;
        }
    };

    private final SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(KEEP_NOTHING).build();

    /** Adds the tracing handlers to an observation registry. */
    void install(ObservationRegistry registry) {
        io.opentelemetry.api.trace.Tracer otelTracer = provider.get("busline-examples");
        OtelCurrentTraceContext current = new OtelCurrentTraceContext();
        OtelTracer tracer = new OtelTracer(otelTracer, current, event -> { },
                new OtelBaggageManager(current, List.of(), List.of()));
        OtelPropagator propagator = new OtelPropagator(
                ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otelTracer);
        registry.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                BusTracing.linkingReceiverHandler(tracer, propagator),
                new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                new DefaultTracingObservationHandler(tracer)));
    }

    /** The trace id of a W3C {@code traceparent} header, or "-" without one. */
    static String traceId(String traceparent) {
        return traceparent != null && traceparent.length() >= 35 ? traceparent.substring(3, 35) : "-";
    }

    @Override
    public void close() {
        provider.close();
    }
}
