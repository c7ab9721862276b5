package org.busline.examples.orderflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.busline.DeadLetter;
import org.busline.DeliveryFailure;
import org.busline.DroppedMessage;
import org.busline.Envelope;
import org.busline.RetryPolicy;
import org.busline.micrometer.BusProcessContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the bus through bus-micrometer: records the steps of each flow (by correlation id) from the process
 * observations, for the trace, and logs each step with its trace id; reports failures, dead letters and drops; and
 * reads the summary's counts from the {@code busline.*} meters. Thread-safe.
 */
public final class FlowMonitor implements ObservationHandler<BusProcessContext> {
    /** One delivery: when it started, which message went to which subscription, how it went, and its trace. */
    public record Step(long nanos, String topic, String subscriber, String attempt, Object payload,
                       Throwable failure, String traceId) {
    }

    /** What happened to the messages of one subscription: retried counts the failed attempts that were tried again. */
    public record Counts(long handled, long retried, long deadLettered, long dropped) {
    }

    private static final Logger log = LoggerFactory.getLogger(FlowMonitor.class);
    private static final String STARTED = FlowMonitor.class.getName() + ".started";

    private final long start = System.nanoTime();
    private final Map<String, List<Step>> flows = new ConcurrentHashMap<>();
    private final List<DeadLetter> deadLetters = Collections.synchronizedList(new ArrayList<>());

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof BusProcessContext;
    }

    @Override
    public void onStart(BusProcessContext context) {
        context.put(STARTED, System.nanoTime() - start);
    }

    @Override
    public void onStop(BusProcessContext context) {
        Envelope<?> envelope = context.envelope();
        Long started = context.get(STARTED);
        Throwable failure = context.getError();
        Step step = new Step(started == null ? 0 : started, topicName(envelope), context.subscription(),
                envelope.header(RetryPolicy.ATTEMPT_HEADER), envelope.payload(), failure,
                ShopTracing.traceId(envelope.header("traceparent")));
        flows.computeIfAbsent(envelope.correlationId(), id -> Collections.synchronizedList(new ArrayList<>()))
                .add(step);
        if (log.isDebugEnabled()) {
            log.debug("[{}] trace {}: {} -> {} {}", envelope.correlationId(), step.traceId(), step.topic(),
                    step.subscriber(), failure == null ? "ok" : "failed: " + failure.getMessage());
        }
    }

    /** The dead-letter report: subscribe it with {@code bus.subscribe(DeadLetter.class, monitor::onDeadLetter)}. */
    public void onDeadLetter(DeadLetter letter) {
        deadLetters.add(letter);
        log.warn("[{}] dead letter: '{}' gave up on {} after {} attempt(s), {}: {}",
                letter.envelope().correlationId(), letter.subscriber(), letter.envelope().payload(),
                letter.attempts(), letter.reason(), letter.cause() == null ? "-" : letter.cause().getMessage());
    }

    /** The bus's error handler: the dead-letter report tells the story, so only a debug line here. */
    public void onError(DeliveryFailure failure) {
        log.debug("[{}] '{}' failed on its last attempt: {}", failure.envelope().correlationId(),
                failure.subscriber(), failure.cause().toString());
    }

    /** The bus's dropped-message handler. */
    public void onDropped(DroppedMessage dropped) {
        log.warn("[{}] dropped: '{}' did not handle {} ({})", dropped.envelope().correlationId(),
                dropped.subscriber(), dropped.envelope().payload(), dropped.reason());
    }

    /** The summary's counts by subscription name, sorted by name, read from bus-micrometer's meters. */
    public static Map<String, Counts> counts(MeterRegistry meters) {
        Map<String, long[]> sums = new TreeMap<>();
        String[] names = {"busline.messages.delivered", "busline.messages.retried",
                "busline.messages.dead.lettered", "busline.messages.dropped"};
        for (int i = 0; i < names.length; i++) {
            for (Counter counter : meters.find(names[i]).counters()) {
                sums.computeIfAbsent(counter.getId().getTag("subscription"), name -> new long[4])[i] +=
                        (long) counter.count();
            }
        }
        Map<String, Counts> result = new TreeMap<>();
        sums.forEach((name, s) -> result.put(name, new Counts(s[0], s[1], s[2], s[3])));
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
}
