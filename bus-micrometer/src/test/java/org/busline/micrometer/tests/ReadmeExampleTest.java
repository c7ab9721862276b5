package org.busline.micrometer.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.micrometer.BusObservability;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The first example of the module's README, as it is written there. */
class ReadmeExampleTest {
    private static final Topic<String> ORDERS = Topic.of("orders.placed", String.class);

    @Test
    void theReadmeExampleCountsTheDeliveryAndCarriesTheMdc() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        CountDownLatch shipped = new CountDownLatch(1);

        // README: begin
        SimpleMeterRegistry meters = new SimpleMeterRegistry();            // or Prometheus, OTLP, ...
        ObservationRegistry observations = ObservationRegistry.create();   // with Micrometer Tracing's handlers: spans
        BusObservability observability = BusObservability.builder()
                .observationRegistry(observations)
                .meterRegistry(meters)
                .build();
        try (MessageBus bus = observability.build(MessageBus.builder().name("shop"))) {
            bus.subscribe(ORDERS, order -> {
                requests.add(MDC.get("request"));      // "r-42": the publisher's MDC, on the bus's own thread
                shipped.countDown();
            }, Delivery.async().name("shipping"));
            MDC.put("request", "r-42");
            bus.publish(ORDERS, "o-1");
            shipped.await(5, TimeUnit.SECONDS);
        }
        double delivered = meters.get("busline.messages.delivered").tag("subscription", "shipping").counter().count();
        // README: end

        MDC.clear();
        assertThat(requests).containsExactly("r-42");
        assertThat(delivered).isEqualTo(1.0);
    }
}
