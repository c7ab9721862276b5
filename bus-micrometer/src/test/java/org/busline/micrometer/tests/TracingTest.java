package org.busline.micrometer.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.busline.micrometer.BusObservability;
import org.busline.micrometer.BusTracing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real span tree, through Micrometer Tracing's OpenTelemetry bridge and the SDK's in-memory exporter. */
class TracingTest {
    private static final Topic<String> ORDERS = Topic.of("orders.placed", String.class);
    private static final Topic<String> PAYMENTS = Topic.of("payments.requested", String.class);
    private static final Topic<String> SHIPMENTS = Topic.of("shipments.requested", String.class);
    private static final Topic<String> QUOTES = Topic.of("quotes.asked", String.class);

    private static final InMemorySpanExporter EXPORTER = InMemorySpanExporter.create();
    private static SdkTracerProvider provider;
    private static ObservationRegistry registry;

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private MessageBus bus;

    @BeforeAll
    static void tracing() {
        provider = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn())
                .addSpanProcessor(SimpleSpanProcessor.create(EXPORTER)).build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        io.opentelemetry.api.trace.Tracer otelTracer = sdk.getTracer("busline-test");
        OtelCurrentTraceContext current = new OtelCurrentTraceContext();
        OtelTracer tracer = new OtelTracer(otelTracer, current, event -> { },
                new OtelBaggageManager(current, List.of(), List.of()));
        OtelPropagator propagator = new OtelPropagator(sdk.getPropagators(), otelTracer);
        registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                BusTracing.linkingReceiverHandler(tracer, propagator),
                new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                new DefaultTracingObservationHandler(tracer)));
    }

    @AfterAll
    static void closeTracing() {
        provider.close();
    }

    @BeforeEach
    void setUp() {
        EXPORTER.reset();
        bus = BusObservability.builder().observationRegistry(registry).build()
                .build(MessageBus.builder().name("shop").executor(pool));
    }

    @AfterEach
    void tearDown() {
        bus.close();
        pool.shutdownNow();
    }

    @Test
    void aThreeHopAsynchronousChainIsOneTraceWhereEachProcessIsAChildOfAndLinksToItsSend() throws Exception {
        CountDownLatch shipped = new CountDownLatch(1);
        bus.subscribe(ORDERS, order -> bus.publish(PAYMENTS, order), Delivery.async().name("billing"));
        bus.subscribe(PAYMENTS, payment -> bus.publish(SHIPMENTS, payment), Delivery.async().name("payments"));
        bus.subscribe(SHIPMENTS, shipment -> shipped.countDown(), Delivery.async().name("shipping"));

        Observation.createNotStarted("checkout", registry).observe(() -> bus.publish(ORDERS, "o-1"));

        assertThat(shipped.await(5, TimeUnit.SECONDS)).isTrue();
        List<SpanData> spans = awaitSpans(7);
        SpanData checkout = span(spans, "checkout");
        SpanData sendOrder = span(spans, "send orders.placed");
        SpanData processOrder = span(spans, "process orders.placed");
        SpanData sendPayment = span(spans, "send payments.requested");
        SpanData processPayment = span(spans, "process payments.requested");
        SpanData sendShipment = span(spans, "send shipments.requested");
        SpanData processShipment = span(spans, "process shipments.requested");

        assertThat(spans).extracting(SpanData::getTraceId).containsOnly(checkout.getTraceId());
        assertChild(sendOrder, checkout);
        assertSendAndProcess(sendOrder, processOrder);
        assertChild(sendPayment, processOrder);
        assertSendAndProcess(sendPayment, processPayment);
        assertChild(sendShipment, processPayment);
        assertSendAndProcess(sendShipment, processShipment);
        assertThat(processShipment.getAttributes().asMap().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().getKey(), e -> String.valueOf(e.getValue()))))
                .containsEntry("messaging.system", "busline")
                .containsEntry("messaging.operation.type", "process")
                .containsEntry("messaging.destination.name", "shipments.requested")
                .containsEntry("messaging.consumer.group.name", "shipping")
                .containsKey("messaging.message.id")
                .containsKey("messaging.message.conversation_id");
        assertThat(processShipment.getAttributes().asMap().entrySet().stream()
                .filter(e -> e.getKey().getKey().equals("messaging.message.conversation_id"))
                .map(e -> String.valueOf(e.getValue())).findFirst().orElseThrow())
                .isEqualTo(sendOrder.getAttributes().asMap().entrySet().stream()
                        .filter(e -> e.getKey().getKey().equals("messaging.message.id"))
                        .map(e -> String.valueOf(e.getValue())).findFirst().orElseThrow());
    }

    @Test
    void aMessageStoredForLaterIsDeliveredInTheTraceOfTheStoringThreadAsAnOutboxRelaysIt() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        bus.subscribe(ORDERS, order -> done.countDown(), Delivery.async().name("after-commit"));

        // What bus-outbox does: stamp the envelope in the caller's transaction, publish it later from its relay.
        Envelope<String> stored = Observation.createNotStarted("checkout", registry)
                .observe(() -> bus.stamp(Envelope.of(ORDERS, "o-9")));
        Thread relay = new Thread(() -> bus.publish(stored));
        relay.start();
        relay.join(5_000);

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        List<SpanData> spans = awaitSpans(3);
        SpanData checkout = span(spans, "checkout");
        SpanData send = span(spans, "send orders.placed");
        assertThat(spans).extracting(SpanData::getTraceId).containsOnly(checkout.getTraceId());
        assertChild(send, checkout);
        assertSendAndProcess(send, span(spans, "process orders.placed"));
    }

    @Test
    void aMessageThatArrivesWithATraceContextOutsideAnyObservationKeepsIt() throws Exception {
        String remote = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        CountDownLatch done = new CountDownLatch(1);
        bus.subscribe(ORDERS, order -> done.countDown(), Delivery.async().name("consumer"));

        bus.publish(Envelope.of(ORDERS, "o-10").withHeader("traceparent", remote));

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        SpanData process = span(awaitSpans(1), "process orders.placed");
        assertThat(process.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(process.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    }

    @Test
    void theTraceSurvivesAnIsolatedCopyMadeThroughTheSerializer() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        bus.subscribe(ORDERS, order -> done.countDown(), Delivery.async().isolated().name("isolated"));

        bus.publish(ORDERS, "o-3");

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        List<SpanData> spans = awaitSpans(2);
        assertSendAndProcess(span(spans, "send orders.placed"), span(spans, "process orders.placed"));
    }

    @Test
    void eachAttemptOfARetriedDeliveryIsAProcessSpanUnderTheOneSend() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        bus.subscribe(ORDERS, order -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("flaky");
            }
            done.countDown();
        }, Delivery.async().name("flaky").retry(RetryPolicy.of(3).backoff(Duration.ofMillis(1),
                Duration.ofMillis(2))));

        bus.publish(ORDERS, "o-2");

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        List<SpanData> spans = awaitSpans(4);
        SpanData send = span(spans, "send orders.placed");
        List<SpanData> attempts = spans.stream().filter(s -> s.getName().equals("process orders.placed"))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).collect(Collectors.toList());
        assertThat(attempts).hasSize(3);
        for (SpanData attempt : attempts) {
            assertSendAndProcess(send, attempt);
        }
        assertThat(attempts).extracting(s -> s.getStatus().getStatusCode())
                .containsExactly(StatusCode.ERROR, StatusCode.ERROR, StatusCode.UNSET);
        assertThat(attempts).extracting(s -> s.getAttributes().asMap().entrySet().stream()
                        .filter(e -> e.getKey().getKey().equals("busline.delivery.attempt"))
                        .map(e -> String.valueOf(e.getValue())).findFirst().orElse(null))
                .containsExactly("1", "2", "3");
    }

    @Test
    void aRequestSpanCoversTheResponderAndEndsWithTheReply() throws Exception {
        bus.respondAsync(QUOTES, question -> CompletableFuture.supplyAsync(() -> "42", pool),
                Delivery.async().name("oracle"));

        String reply = Observation.createNotStarted("checkout", registry).observe(() -> {
            try {
                return bus.request(QUOTES, "what?", String.class, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(reply).isEqualTo("42");
        List<SpanData> spans = awaitSpans(3);
        SpanData checkout = span(spans, "checkout");
        SpanData request = span(spans, "send quotes.asked");
        SpanData respond = span(spans, "process quotes.asked");
        assertChild(request, checkout);
        assertSendAndProcess(request, respond);
        assertThat(request.getAttributes().asMap().entrySet().stream()
                .filter(e -> e.getKey().getKey().equals("messaging.operation.name"))
                .map(e -> String.valueOf(e.getValue())).findFirst()).contains("request");
        assertThat(request.getEndEpochNanos()).isGreaterThanOrEqualTo(respond.getStartEpochNanos());
        assertThat(request.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    private static void assertChild(SpanData child, SpanData parent) {
        assertThat(child.getTraceId()).isEqualTo(parent.getTraceId());
        assertThat(child.getParentSpanId()).as("parent of %s", child.getName()).isEqualTo(parent.getSpanId());
    }

    private static void assertSendAndProcess(SpanData send, SpanData process) {
        assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertChild(process, send);
        assertThat(process.getLinks()).extracting(LinkData::getSpanContext)
                .anySatisfy(link -> {
                    assertThat(link.getTraceId()).isEqualTo(send.getTraceId());
                    assertThat(link.getSpanId()).isEqualTo(send.getSpanId());
                });
    }

    private static SpanData span(List<SpanData> spans, String name) {
        List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
        assertThat(named).as("spans named '%s' among %s", name, spans.stream().map(SpanData::getName)
                .collect(Collectors.toList())).hasSize(1);
        return named.get(0);
    }

    private static List<SpanData> awaitSpans(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (EXPORTER.getFinishedSpanItems().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        List<SpanData> spans = EXPORTER.getFinishedSpanItems();
        assertThat(spans).as("finished spans").hasSize(count);
        return spans;
    }
}
