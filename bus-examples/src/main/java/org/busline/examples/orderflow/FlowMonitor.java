package org.busline.examples.orderflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.busline.DeadLetter;
import org.busline.DeliveryFailure;
import org.busline.DroppedMessage;
import org.busline.Envelope;
import org.busline.RetryPolicy;
import org.busline.spi.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the bus: an interceptor that counts every delivery of each subscription and records the steps of each
 * flow (by correlation id) for the trace, plus the handlers that report failures, dead letters and drops. Thread-safe.
 */
public final class FlowMonitor implements Interceptor {
    /** One delivery: when it started, which message went to which subscription, and how it went. */
    public record Step(long nanos, String topic, String subscriber, String attempt, Object payload,
                       Throwable failure) {
    }

    /** What happened to the messages of one subscription: retried counts the failed attempts that were tried again. */
    public record Counts(long handled, long retried, long deadLettered, long dropped) {
    }

    /** The running counts of one subscription. */
    private static final class Tally {
        final LongAdder handled = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder failedFinally = new LongAdder();    // the error handler sees only a message's last failure
        final LongAdder deadLettered = new LongAdder();
        final LongAdder dropped = new LongAdder();
    }

    private static final Logger log = LoggerFactory.getLogger(FlowMonitor.class);

    private final long start = System.nanoTime();
    /** When each delivery running on this thread started; a stack, as a handler may call a responder inline. */
    private final ThreadLocal<ArrayDeque<Long>> started = ThreadLocal.withInitial(ArrayDeque::new);
    private final Map<String, List<Step>> flows = new ConcurrentHashMap<>();
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
    private final List<DeadLetter> deadLetters = Collections.synchronizedList(new ArrayList<>());

    @Override
    public boolean beforeDelivery(Envelope<?> envelope, String subscriber) {
        started.get().push(System.nanoTime() - start);
        return true;
    }

    @Override
    public void afterDelivery(Envelope<?> envelope, String subscriber, Throwable failure) {
        flows.computeIfAbsent(envelope.correlationId(), id -> Collections.synchronizedList(new ArrayList<>()))
                .add(new Step(started.get().pop(), topicName(envelope), subscriber,
                        envelope.header(RetryPolicy.ATTEMPT_HEADER), envelope.payload(), failure));
        (failure == null ? tally(subscriber).handled : tally(subscriber).failed).increment();
    }

    /** The dead-letter report: subscribe it with {@code bus.subscribe(DeadLetter.class, monitor::onDeadLetter)}. */
    public void onDeadLetter(DeadLetter letter) {
        deadLetters.add(letter);
        tally(letter.subscriber()).deadLettered.increment();
        log.warn("[{}] dead letter: '{}' gave up on {} after {} attempt(s), {}: {}",
                letter.envelope().correlationId(), letter.subscriber(), letter.envelope().payload(),
                letter.attempts(), letter.reason(), letter.cause() == null ? "-" : letter.cause().getMessage());
    }

    /** The bus's error handler: the dead-letter report tells the story, so only a debug line here. */
    public void onError(DeliveryFailure failure) {
        tally(failure.subscriber()).failedFinally.increment();
        log.debug("[{}] '{}' failed on its last attempt: {}", failure.envelope().correlationId(),
                failure.subscriber(), failure.cause().toString());
    }

    /** The bus's dropped-message handler. */
    public void onDropped(DroppedMessage dropped) {
        tally(dropped.subscriber()).dropped.increment();
        log.warn("[{}] dropped: '{}' did not handle {} ({})", dropped.envelope().correlationId(),
                dropped.subscriber(), dropped.envelope().payload(), dropped.reason());
    }

    /** Counts by subscription name, sorted by name. */
    public Map<String, Counts> counts() {
        Map<String, Counts> result = new TreeMap<>();
        tallies.forEach((name, t) -> result.put(name, new Counts(t.handled.sum(),
                t.failed.sum() - t.failedFinally.sum(), t.deadLettered.sum(), t.dropped.sum())));
        return result;
    }

    /** The steps of each flow, by correlation id, in the order they started. */
    public Map<String, List<Step>> flows() {
        Map<String, List<Step>> result = new HashMap<>();
        flows.forEach((id, steps) -> {
            List<Step> copy;
            synchronized (steps) {
                copy = new ArrayList<>(steps);
            }
            copy.sort(Comparator.comparingLong(Step::nanos));
            result.put(id, copy);
        });
        return result;
    }

    /** Every dead letter reported. */
    public List<DeadLetter> deadLetters() {
        synchronized (deadLetters) {
            return List.copyOf(deadLetters);
        }
    }

    /** A named topic's name, or the simple name of a type topic's class ("DeadLetter"). */
    private static String topicName(Envelope<?> envelope) {
        return envelope.topic().isNamed() ? envelope.topic().name() : envelope.payload().getClass().getSimpleName();
    }

    private Tally tally(String subscriber) {
        return tallies.computeIfAbsent(subscriber, name -> new Tally());
    }
}
