package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.busline.spi.ContextPropagator;
import org.junit.jupiter.api.Test;

class ContextPropagationTest {
    static final Topic<String> WORK = Topic.of("work", String.class);

    /** A thread-local standing for an MDC: the propagator carries it and clears what the capture did not hold. */
    static final ThreadLocal<String> USER = new ThreadLocal<>();

    static final ContextPropagator USER_PROPAGATOR = new ContextPropagator() {
        @Override
        public Object capture() {
            return USER.get();
        }

        @Override
        public Scope restore(Object snapshot) {
            String previous = USER.get();
            USER.set((String) snapshot);
            return () -> USER.set(previous);
        }
    };

    @Test
    void asyncHandlerSeesThePublishersContextAndThePooledThreadIsCleanAfterwards() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<String> seen = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().contextPropagator(USER_PROPAGATOR).build()) {
            bus.subscribe(WORK, task -> seen.add(task + "=" + USER.get()), Delivery.async(pool).concurrency(2));
            for (int i = 0; i < 1000; i++) {
                USER.set(i % 3 == 0 ? null : "user" + i);
                bus.publish(WORK, "task" + i);
            }
            USER.remove();
        }
        assertThat(seen).hasSize(1000);
        for (String entry : seen) {
            int i = Integer.parseInt(entry.substring(4, entry.indexOf('=')));
            assertThat(entry).isEqualTo("task" + i + "=" + (i % 3 == 0 ? null : "user" + i));
        }
        assertThat(pool.submit(USER::get).get()).as("nothing stays on the pooled thread").isNull();
        pool.shutdown();
    }

    @Test
    void everyRetryRunsInTheCapturedContext() {
        ManualExecutor executor = new ManualExecutor();
        ManualScheduler scheduler = new ManualScheduler();
        List<String> attempts = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().scheduler(scheduler).contextPropagator(USER_PROPAGATOR).build()) {
            bus.subscribe(WORK, task -> {
                attempts.add(USER.get());
                if (attempts.size() < 3) {
                    throw new IllegalStateException("not yet");
                }
            }, Delivery.async(executor).retry(RetryPolicy.of(3).backoff(Duration.ofMillis(10), Duration.ofMillis(10))));
            USER.set("ada");
            bus.publish(WORK, "charge");
            USER.remove();
            for (int i = 0; i < 5; i++) {
                executor.runAll();
                scheduler.advance(Duration.ofMillis(20));
            }
            executor.runAll();
        }
        assertThat(attempts).containsExactly("ada", "ada", "ada");
        assertThat(USER.get()).isNull();
    }

    @Test
    void aFailingPropagatorCostsNoMessage() {
        ManualExecutor executor = new ManualExecutor();
        List<String> seen = new CopyOnWriteArrayList<>();
        ContextPropagator broken = new ContextPropagator() {
            @Override
            public Object capture() {
                throw new IllegalStateException("capture broke");
            }

            @Override
            public Scope restore(Object snapshot) {
                throw new IllegalStateException("restore broke");
            }
        };
        try (MessageBus bus = MessageBus.builder().contextPropagator(broken).contextPropagator(USER_PROPAGATOR)
                .build()) {
            bus.subscribe(WORK, task -> seen.add(task + "=" + USER.get()), Delivery.async(executor));
            USER.set("grace");
            bus.publish(WORK, "t");
            USER.remove();
            executor.runAll();
        }
        assertThat(seen).containsExactly("t=grace");
    }
}
