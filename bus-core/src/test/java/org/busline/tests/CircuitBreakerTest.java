package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.busline.CircuitBreakerPolicy.State.CLOSED;
import static org.busline.CircuitBreakerPolicy.State.HALF_OPEN;
import static org.busline.CircuitBreakerPolicy.State.OPEN;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.busline.CircuitBreakerPolicy;
import org.busline.CircuitBreakerPolicy.StateChange;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.DeliveryException;
import org.busline.PublishResult;
import org.busline.RetryPolicy;
import org.busline.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    record Call(int number) {
    }

    private static final Topic<Call> CALLS = Topic.of(Call.class);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Harness harness = new Harness();
    private final List<StateChange> heard = new CopyOnWriteArrayList<>();
    private final AtomicBoolean failing = new AtomicBoolean(true);
    private final AtomicInteger calls = new AtomicInteger();

    @AfterEach
    void close() {
        harness.close();
    }

    private void subscribe(CircuitBreakerPolicy policy) {
        harness.bus.subscribe(CALLS, call -> {
            calls.incrementAndGet();
            if (failing.get()) {
                throw new IllegalStateException("down on " + call.number());
            }
        }, Delivery.sync().name("service").circuitBreaker(policy.halfOpenAfter(WAIT).onStateChange(heard::add)));
    }

    private List<DeadLetter.Reason> reasons() {
        return harness.deadLetters.stream().map(DeadLetter::reason).toList();
    }

    @Test
    void opensAfterTheFailureCountAndRejectsFast() {
        subscribe(CircuitBreakerPolicy.ofFailureCount(3, Duration.ofSeconds(10)));

        for (int i = 1; i <= 3; i++) {
            harness.bus.publish(new Call(i));
        }
        assertThat(heard).containsExactly(new StateChange("service", CLOSED, OPEN));

        PublishResult rejected = harness.bus.publish(new Call(4));

        assertThat(calls).as("an open breaker does not call the handler").hasValue(3);
        assertThat(reasons()).containsExactly(DeadLetter.Reason.FAILED, DeadLetter.Reason.FAILED,
                DeadLetter.Reason.FAILED, DeadLetter.Reason.CIRCUIT_OPEN);
        DeadLetter letter = harness.deadLetters.get(3);
        assertThat(letter.envelope().payload()).isEqualTo(new Call(4));
        assertThat(letter.attempts()).isZero();
        assertThat(letter.cause()).isNull();
        assertThat(harness.failures).as("a rejection is not a handler failure").hasSize(3);
        assertThatThrownBy(() -> rejected.completion().get()).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DeliveryException.class).hasMessageContaining("CIRCUIT_OPEN");
    }

    @Test
    void halfOpensAfterTheWaitAndClosesOnSuccess() {
        subscribe(CircuitBreakerPolicy.ofFailureCount(2, Duration.ofSeconds(10)));
        harness.bus.publish(new Call(1));
        harness.bus.publish(new Call(2));

        harness.scheduler.advance(WAIT.minusMillis(1));
        harness.bus.publish(new Call(3));
        assertThat(calls).as("still open").hasValue(2);

        harness.scheduler.advance(Duration.ofMillis(1));
        failing.set(false);
        harness.bus.publish(new Call(4));
        harness.bus.publish(new Call(5));

        assertThat(calls).hasValue(4);
        assertThat(heard).containsExactly(new StateChange("service", CLOSED, OPEN),
                new StateChange("service", OPEN, HALF_OPEN), new StateChange("service", HALF_OPEN, CLOSED));
        assertThat(reasons()).containsExactly(DeadLetter.Reason.FAILED, DeadLetter.Reason.FAILED,
                DeadLetter.Reason.CIRCUIT_OPEN);
    }

    @Test
    void reopensWhenTheTrialCallFails() {
        subscribe(CircuitBreakerPolicy.ofFailureCount(1, Duration.ofSeconds(10)));
        harness.bus.publish(new Call(1));
        harness.scheduler.advance(WAIT);

        harness.bus.publish(new Call(2));
        harness.scheduler.advance(WAIT.minusMillis(1));
        harness.bus.publish(new Call(3));
        harness.scheduler.advance(Duration.ofMillis(1));
        failing.set(false);
        harness.bus.publish(new Call(4));

        assertThat(calls).as("calls 1, 2 (trial) and 4 (trial)").hasValue(3);
        assertThat(heard).extracting(StateChange::to).containsExactly(OPEN, HALF_OPEN, OPEN, HALF_OPEN, CLOSED);
    }

    @Test
    void forgetsFailuresOlderThanTheWindow() {
        subscribe(CircuitBreakerPolicy.ofFailureCount(3, Duration.ofSeconds(10)));
        harness.bus.publish(new Call(1));
        harness.bus.publish(new Call(2));

        harness.scheduler.advance(Duration.ofSeconds(11));
        harness.bus.publish(new Call(3));
        assertThat(heard).as("two of the three failures left the window").isEmpty();

        harness.bus.publish(new Call(4));
        harness.bus.publish(new Call(5));
        assertThat(heard).extracting(StateChange::to).containsExactly(OPEN);
    }

    @Test
    void opensAtTheFailureRateOnceEnoughCallsWereMade() {
        subscribe(CircuitBreakerPolicy.ofFailureRate(0.5, 4, Duration.ofSeconds(10)));
        failing.set(false);
        harness.bus.publish(new Call(1));
        failing.set(true);
        harness.bus.publish(new Call(2));
        harness.bus.publish(new Call(3));
        assertThat(heard).as("2 of 3 failed, but 4 calls are needed").isEmpty();

        failing.set(false);
        harness.bus.publish(new Call(4));

        assertThat(heard).extracting(StateChange::to).containsExactly(OPEN);
    }

    @Test
    void publishesStateChangesOnTheBusAndToTheListener() {
        subscribe(CircuitBreakerPolicy.ofFailureCount(1, Duration.ofSeconds(10)));
        harness.bus.publish(new Call(1));
        harness.scheduler.advance(WAIT);
        failing.set(false);
        harness.bus.publish(new Call(2));

        assertThat(harness.stateChanges).containsExactlyElementsOf(heard).hasSize(3);
    }

    @Test
    void rejectsARetryOfAnAsynchronousSubscriptionWhileOpen() {
        AtomicInteger attempts = new AtomicInteger();
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        harness.bus.subscribe(CALLS, call -> {
            IllegalStateException failure = new IllegalStateException("attempt " + attempts.incrementAndGet());
            thrown.add(failure);
            throw failure;
        }, Delivery.async().name("service")
                .retry(RetryPolicy.of(5).backoff(Duration.ZERO, Duration.ZERO))
                .circuitBreaker(CircuitBreakerPolicy.ofFailureCount(2, Duration.ofSeconds(10)).halfOpenAfter(WAIT)));

        harness.bus.publish(new Call(1));
        harness.runAll();
        harness.advanceAndRun(Duration.ZERO);
        harness.advanceAndRun(Duration.ZERO);

        assertThat(attempts).hasValue(2);
        assertThat(harness.stateChanges).extracting(StateChange::to).containsExactly(OPEN);
        assertThat(harness.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.CIRCUIT_OPEN);
            assertThat(letter.attempts()).isEqualTo(2);
            assertThat(letter.cause()).isSameAs(thrown.get(1));
        });
        assertThat(harness.failures).as("the error handler gets the last attempt's failure")
                .singleElement().satisfies(failure -> assertThat(failure.cause()).isSameAs(thrown.get(1)));
    }

    @Test
    void failsAPublishThatPropagatesFailuresWhenRejected() {
        harness.bus.subscribe(CALLS, call -> {
            throw new IllegalStateException("down");
        }, Delivery.sync().propagateFailures()
                .circuitBreaker(CircuitBreakerPolicy.ofFailureCount(1, Duration.ofSeconds(10))));
        assertThatThrownBy(() -> harness.bus.publish(new Call(1))).isInstanceOf(DeliveryException.class)
                .hasRootCauseMessage("down");

        assertThatThrownBy(() -> harness.bus.publish(new Call(2))).isInstanceOf(DeliveryException.class)
                .hasMessageContaining("CIRCUIT_OPEN");
        assertThat(harness.deadLetters).extracting(DeadLetter::reason)
                .containsExactly(DeadLetter.Reason.FAILED, DeadLetter.Reason.CIRCUIT_OPEN);
    }

    @Test
    void checksItsPolicyArguments() {
        assertThatThrownBy(() -> CircuitBreakerPolicy.ofFailureCount(0, Duration.ofSeconds(1)))
                .hasMessage("failures must be positive, but was 0");
        assertThatThrownBy(() -> CircuitBreakerPolicy.ofFailureRate(1.5, 10, Duration.ofSeconds(1)))
                .hasMessage("rate must be more than 0 and at most 1, but was 1.5");
        assertThatThrownBy(() -> CircuitBreakerPolicy.ofFailureRate(0.5, 0, Duration.ofSeconds(1)))
                .hasMessage("minimumCalls must be positive, but was 0");
        assertThatThrownBy(() -> CircuitBreakerPolicy.ofFailureCount(1, Duration.ZERO))
                .hasMessage("window must be positive, but was PT0S");
        assertThatThrownBy(() -> CircuitBreakerPolicy.ofFailureCount(1, Duration.ofSeconds(1))
                .halfOpenAfter(Duration.ofSeconds(-1))).hasMessage("wait must be positive, but was PT-1S");
    }
}
