package org.busline.micrometer.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.micrometer.BusObservability;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The MDC goes with each message to its asynchronous handler, and nothing of one message stays for the next. */
class MdcLeakTest {
    private static final Topic<Integer> TASKS = Topic.of("tasks", Integer.class);
    private static final int TASK_COUNT = 10_000;
    private static final int PUBLISHERS = 4;

    @Test
    void tenThousandTasksOverTwoPooledThreadsEachSeeOnlyTheirOwnMdc() throws Exception {
        // The workers start with an MDC of their own, which no handler may see and which must be back afterwards
        // (cleared first: an MDC on an InheritableThreadLocal, as slf4j's basic one, hands the creating publisher's
        // values to a new thread).
        ThreadFactory workers = task -> new Thread(() -> {
            MDC.clear();
            MDC.put("worker", "pool");
            task.run();
        }, "worker");
        ExecutorService pool = Executors.newFixedThreadPool(2, workers);
        ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
        Map<String, String> wrong = new ConcurrentHashMap<>();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        CountDownLatch handled = new CountDownLatch(TASK_COUNT);
        try (MessageBus bus = BusObservability.builder().build().build(MessageBus.builder().name("leaks"))) {
            bus.subscribe(TASKS, task -> {
                try {
                    String expected = task % 3 == 0 ? null : "task-" + task;
                    String tenant = task % 3 == 1 ? "tenant-" + task : null;
                    check(wrong, task, "task", expected);
                    check(wrong, task, "tenant", tenant);
                    check(wrong, task, "worker", null);
                    check(wrong, task, "handler", null);
                    if (!seen.add(task)) {
                        duplicates.incrementAndGet();
                    }
                    // Left behind on purpose: the next message on this thread must not see it.
                    MDC.put("handler", "dirty-" + task);
                } finally {
                    handled.countDown();
                }
            }, Delivery.async(pool).concurrency(2).name("checker"));

            for (int p = 0; p < PUBLISHERS; p++) {
                int first = p;
                publishers.execute(() -> {
                    for (int task = first; task < TASK_COUNT; task += PUBLISHERS) {
                        MDC.clear();
                        if (task % 3 != 0) {
                            MDC.put("task", "task-" + task);
                        }
                        if (task % 3 == 1) {
                            MDC.put("tenant", "tenant-" + task);
                        }
                        bus.publish(TASKS, task);
                    }
                    MDC.clear();
                });
            }

            assertThat(handled.await(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            publishers.shutdownNow();
        }
        assertThat(wrong).as("handlers that saw a value not their own").isEmpty();
        assertThat(seen).hasSize(TASK_COUNT);
        assertThat(duplicates).hasValue(0);
        // After each handler, the worker's own MDC was put back.
        CountDownLatch checked = new CountDownLatch(2);
        Map<String, String> afterwards = new ConcurrentHashMap<>();
        for (int i = 0; i < 2; i++) {
            pool.execute(() -> {
                afterwards.put(Thread.currentThread().getName() + "@" + System.identityHashCode(Thread.currentThread()),
                        String.valueOf(MDC.getCopyOfContextMap()));
                checked.countDown();
            });
        }
        assertThat(checked.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(afterwards.values()).allSatisfy(mdc -> assertThat(mdc).isEqualTo("{worker=pool}"));
        pool.shutdownNow();
    }

    private static void check(Map<String, String> wrong, int task, String key, String expected) {
        String actual = MDC.get(key);
        if (expected == null ? actual != null : !expected.equals(actual)) {
            wrong.put(task + "/" + key, "expected " + expected + " but saw " + actual);
        }
    }
}
