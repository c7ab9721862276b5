package org.busline.micrometer.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.micrometer.BusObservability;
import org.busline.micrometer.BusProcessContext;
import org.busline.micrometer.BusSendContext;
import org.junit.jupiter.api.Test;

/** Many publishing threads, synchronous and asynchronous subscribers: every meter and observation counted once. */
class ConcurrencyTest {
    private static final Topic<Integer> EVENTS = Topic.of("events", Integer.class);
    private static final int THREADS = 8;
    private static final int PER_THREAD = 2_500;
    private static final int TOTAL = THREADS * PER_THREAD;

    @Test
    void everyPublishAndDeliveryIsCountedAndObservedExactlyOnceUnderManyThreads() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        Map<Class<?>, LongAdder> started = new ConcurrentHashMap<>();
        Map<Class<?>, LongAdder> stopped = new ConcurrentHashMap<>();
        Map<Observation.Context, Boolean> stoppedTwice = new ConcurrentHashMap<>();
        Map<Observation.Context, Boolean> seen = new ConcurrentHashMap<>();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStart(Observation.Context context) {
                started.computeIfAbsent(context.getClass(), type -> new LongAdder()).increment();
            }

            @Override
            public void onStop(Observation.Context context) {
                stopped.computeIfAbsent(context.getClass(), type -> new LongAdder()).increment();
                if (seen.putIfAbsent(context, Boolean.TRUE) != null) {
                    stoppedTwice.put(context, Boolean.TRUE);
                }
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof BusSendContext || context instanceof BusProcessContext;
            }
        });
        ExecutorService workers = Executors.newFixedThreadPool(2);
        ExecutorService publishers = Executors.newFixedThreadPool(THREADS);
        AtomicInteger leakedScopes = new AtomicInteger();
        LongAdder syncCalls = new LongAdder();
        CountDownLatch asyncCalls = new CountDownLatch(TOTAL);
        try (MessageBus bus = BusObservability.builder().observationRegistry(observations).meterRegistry(meters)
                .build().build(MessageBus.builder().name("stress"))) {
            bus.subscribe(EVENTS, event -> syncCalls.increment(), Delivery.sync().name("sync"));
            bus.subscribe(EVENTS, event -> asyncCalls.countDown(), Delivery.async(workers).concurrency(2)
                    .capacity(TOTAL).name("async"));
            CountDownLatch published = new CountDownLatch(THREADS);
            for (int t = 0; t < THREADS; t++) {
                int first = t * PER_THREAD;
                publishers.execute(() -> {
                    try {
                        for (int i = first; i < first + PER_THREAD; i++) {
                            bus.publish(EVENTS, i);
                        }
                        if (observations.getCurrentObservation() != null) {
                            leakedScopes.incrementAndGet();
                        }
                    } finally {
                        published.countDown();
                    }
                });
            }
            assertThat(published.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(asyncCalls.await(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            publishers.shutdownNow();
            workers.shutdownNow();
        }

        assertThat(syncCalls.sum()).isEqualTo(TOTAL);
        assertThat(meters.get("busline.messages.published").tag("topic", "events").counter().count())
                .isEqualTo(TOTAL);
        assertThat(meters.get("busline.messages.delivered").tag("subscription", "sync").counter().count())
                .isEqualTo(TOTAL);
        assertThat(meters.get("busline.messages.delivered").tag("subscription", "async").counter().count())
                .isEqualTo(TOTAL);
        assertThat(meters.get("busline.handler.duration").tags("subscription", "async", "outcome", "SUCCESS")
                .timer().count()).isEqualTo(TOTAL);
        assertThat(started.get(BusSendContext.class).sum()).isEqualTo(TOTAL);
        assertThat(stopped.get(BusSendContext.class).sum()).isEqualTo(TOTAL);
        assertThat(started.get(BusProcessContext.class).sum()).isEqualTo(2L * TOTAL);
        assertThat(stopped.get(BusProcessContext.class).sum()).isEqualTo(2L * TOTAL);
        assertThat(stoppedTwice).isEmpty();
        assertThat(leakedScopes).hasValue(0);
    }
}
