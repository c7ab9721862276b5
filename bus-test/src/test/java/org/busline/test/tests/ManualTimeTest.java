package org.busline.test.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.busline.CircuitBreakerPolicy;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.RequestException;
import org.busline.Topic;
import org.busline.test.BusRecorder;
import org.busline.test.ManualExecutor;
import org.busline.test.ManualScheduler;
import org.junit.jupiter.api.Test;

class ManualTimeTest {
    record Job(int n) {
    }

    static final Topic<Job> JOBS = Topic.of("jobs", Job.class);

    @Test
    void theSchedulerRunsDueTasksInOrderOnlyWhenAdvanced() {
        ManualScheduler time = new ManualScheduler(Instant.parse("2030-05-01T10:00:00Z"));
        List<String> ran = new ArrayList<>();
        time.schedule(Duration.ofMillis(20), () -> ran.add("b"));
        time.schedule(Duration.ofMillis(10), () -> ran.add("a"));
        time.schedule(Duration.ofMillis(20), () -> ran.add("c"));
        Runnable cancelled = () -> ran.add("never");
        time.schedule(Duration.ofMillis(5), cancelled).cancel();
        time.schedule(Duration.ofMillis(15), () -> time.schedule(Duration.ofMillis(1), () -> ran.add("nested")));

        assertThat(time.advance(Duration.ofMillis(9))).isZero();
        assertThat(ran).isEmpty();
        assertThat(time.advance(Duration.ofMillis(11))).isEqualTo(5);
        assertThat(ran).containsExactly("a", "nested", "b", "c");
        assertThat(time.elapsed()).isEqualTo(Duration.ofMillis(20));
        assertThat(time.clock().instant()).isEqualTo(Instant.parse("2030-05-01T10:00:00.020Z"));
        assertThat(time.pending()).isZero();
        assertThat(time.delays()).contains(Duration.ofMillis(20), Duration.ofMillis(10), Duration.ofMillis(1));
        assertThat(time.advanceToNext()).isZero();
        assertThatThrownBy(() -> time.advance(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("step must not be negative, but was PT-0.001S");
    }

    @Test
    void theExecutorRunsTasksInSubmissionOrderOnTheCallingThread() {
        ManualExecutor executor = new ManualExecutor();
        List<String> ran = new ArrayList<>();
        executor.execute(() -> {
            ran.add("first on " + Thread.currentThread().getName());
            executor.execute(() -> ran.add("third"));
        });
        executor.execute(() -> ran.add("second"));

        assertThat(ran).isEmpty();
        assertThat(executor.queued()).isEqualTo(2);
        assertThat(executor.runNext()).isTrue();
        assertThat(executor.runAll()).isEqualTo(2);
        assertThat(ran).containsExactly("first on " + Thread.currentThread().getName(), "second", "third");
        assertThat(executor.executed()).isEqualTo(3);
        assertThat(executor.runNext()).isFalse();
    }

    @Test
    void aRequestDeadlinePassesWhenTheTestSaysSo() {
        ManualScheduler time = new ManualScheduler();
        ManualExecutor executor = new ManualExecutor();
        try (MessageBus bus = MessageBus.builder().scheduler(time).executor(executor).drainTimeout(Duration.ZERO)
                .build()) {
            bus.respond(JOBS, job -> "done " + job.n(), Delivery.async().name("worker"));
            CompletableFuture<String> reply = bus.request(JOBS, new Job(1), String.class, Duration.ofSeconds(5));

            time.advance(Duration.ofSeconds(4));
            assertThat(reply).isNotDone();
            time.advance(Duration.ofSeconds(1));    // the worker never ran: the deadline passes first
            executor.runAll();
            assertThat(reply).isCompletedExceptionally();
            assertThatThrownBy(reply::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(RequestException.class,
                            e -> assertThat(e.reason()).isEqualTo(RequestException.Reason.TIMEOUT));
            assertThat(time.delays()).containsExactly(Duration.ofSeconds(5));
        }
    }

    @Test
    void aCircuitBreakerOpensAndClosesOnManualTime() {
        ManualScheduler time = new ManualScheduler();
        BusRecorder recorder = BusRecorder.attach(MessageBus.builder().scheduler(time));
        boolean[] down = {true};
        try (MessageBus bus = recorder.build()) {
            bus.subscribe(JOBS, job -> {
                if (down[0]) {
                    throw new IllegalStateException("down");
                }
            }, Delivery.sync().name("fragile").circuitBreaker(CircuitBreakerPolicy
                    .ofFailureCount(2, Duration.ofSeconds(60)).halfOpenAfter(Duration.ofSeconds(30))));
            bus.publish(JOBS, new Job(1));
            bus.publish(JOBS, new Job(2));
            bus.publish(JOBS, new Job(3));    // rejected: the breaker is open
            down[0] = false;
            time.advance(Duration.ofSeconds(30));
            bus.publish(JOBS, new Job(4));    // the trial call, which closes it

            assertThat(recorder.messages()).filteredOn(m -> m.payload() instanceof Job)
                    .extracting(m -> m.delivery("fragile").orElseThrow().reason())
                    .containsExactly(DeadLetter.Reason.FAILED, DeadLetter.Reason.FAILED,
                            DeadLetter.Reason.CIRCUIT_OPEN, null);
            assertThat(recorder.messages().get(recorder.messages().size() - 1).handledBy("fragile")).isTrue();
        }
    }
}
