package org.busline.tests;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.CircuitBreakerPolicy;
import org.busline.DeadLetter;
import org.busline.DeliveryFailure;
import org.busline.DroppedMessage;
import org.busline.MessageBus;

/**
 * A bus on a manual scheduler and a manual executor, recording its dead letters, failures, drops and breaker state
 * changes: every test drives time and threads by hand.
 */
final class Harness implements AutoCloseable {
    final ManualScheduler scheduler = new ManualScheduler();
    final ManualExecutor executor = new ManualExecutor();
    final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    final List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();
    final List<DroppedMessage> dropped = new CopyOnWriteArrayList<>();
    final List<CircuitBreakerPolicy.StateChange> stateChanges = new CopyOnWriteArrayList<>();
    final MessageBus bus;

    Harness() {
        bus = MessageBus.builder()
                .name("test")
                .scheduler(scheduler)
                .executor(executor)
                .drainTimeout(Duration.ZERO)
                .onError(failures::add)
                .onDropped(dropped::add)
                .build();
        bus.subscribe(DeadLetter.class, deadLetters::add);
        bus.subscribe(CircuitBreakerPolicy.StateChange.class, stateChanges::add);
    }

    /** Lets time pass, then runs what it made runnable. */
    void advanceAndRun(Duration step) {
        scheduler.advance(step);
        executor.runAll();
    }

    void runAll() {
        executor.runAll();
    }

    @Override
    public void close() {
        bus.close();
    }
}
