package org.busline.internal;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.busline.Boundaries;
import org.busline.CircuitBreakerPolicy;
import org.busline.DeadLetter;
import org.busline.DeadMessage;
import org.busline.MessageBus;
import org.busline.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Module boundaries at run time: the room the {@link Registry} consults when a subscription or responder is added, and
 * the {@link Dispatcher} and {@link Requests} when a message enters the bus. It holds the bus's {@link Boundaries}
 * (plain data, which decide) and does what their mode says with a violation: refuse it, or in audit mode log it
 * once per module, topic and rule, count it and let it pass; either way the boundaries' listener hears of it.
 *
 * <p><b>Design note.</b> A bus without rules has no such room ({@link #of} returns null), so the hot path pays one
 * null check of a final field. The publishing module is the thread's ({@link DispatchContext#module}): set by
 * {@code asModule}, or by the {@link Invoker} around the handler of a subscription that names its module. The topics
 * of the bus's own notices are never checked. Publish decisions are remembered by topic and module (up to
 * {@value #CACHED} topics), so a publish under rules looks two maps up and allocates nothing.
 *
 * <p><b>Threads.</b> Thread-safe: the boundaries are immutable, the audit's memory a concurrent set, the count an
 * adder.
 */
final class BoundaryCheck {
    private static final Logger LOG = LoggerFactory.getLogger(MessageBus.class);
    private static final Set<String> NOTICES = Set.of(DeadLetter.class.getName(), DeadMessage.class.getName(),
            CircuitBreakerPolicy.StateChange.class.getName());

    private final Boundaries boundaries;
    private final String busName;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final LongAdder violations = new LongAdder();
    /** Publish decisions by topic, then module ({@code ""} for none); at most {@link #CACHED} topics. */
    private final ConcurrentHashMap<Topic<?>, ConcurrentHashMap<String, Optional<Boundaries.Violation>>> decided =
            new ConcurrentHashMap<>();
    private static final int CACHED = 10_000;

    private BoundaryCheck(Boundaries boundaries, String busName) {
        this.boundaries = boundaries;
        this.busName = busName;
    }

    /** The room for a bus's boundaries, or null if they have no rule. */
    static BoundaryCheck of(Boundaries boundaries, String busName) {
        return boundaries == null || boundaries.isEmpty() ? null : new BoundaryCheck(boundaries, busName);
    }

    /**
     * Checks a new subscription or responder; returns its module, to run its handler as.
     *
     * @throws IllegalStateException if it may not consume its topic or pattern (enforce mode)
     */
    String admit(String module, Topic<?> topic, String pattern, String subscriber) {
        String consumed = topic != null ? topic.name() : pattern;
        if (!NOTICES.contains(consumed)) {
            decide(boundaries.check(Boundaries.Action.CONSUME, module, consumed),
                    "subscription '" + subscriber + "' was refused");
        }
        return module;
    }

    /**
     * Checks a publish, send or request by the thread's module.
     *
     * @throws IllegalStateException if the module may not publish the topic (enforce mode)
     */
    void checkPublish(Topic<?> topic, DispatchContext context) {
        if (NOTICES.contains(topic.name())) {
            return;
        }
        String module = context.module;
        String key = module == null ? "" : module;
        ConcurrentHashMap<String, Optional<Boundaries.Violation>> byModule = decided.get(topic);
        Optional<Boundaries.Violation> verdict = byModule == null ? null : byModule.get(key);
        if (verdict == null) {
            verdict = boundaries.check(Boundaries.Action.PUBLISH, module, topic.name());
            if (byModule == null && decided.size() < CACHED) {
                byModule = decided.computeIfAbsent(topic, unused -> new ConcurrentHashMap<>());
            }
            if (byModule != null && byModule.size() < CACHED) {
                byModule.put(key, verdict);
            }
        }
        decide(verdict, "the message was published to nobody");
    }

    private void decide(Optional<Boundaries.Violation> found, String consequence) {
        if (found.isEmpty()) {
            return;
        }
        Boundaries.Violation violation = found.get();
        violations.increment();
        if (boundaries.listener() != null) {
            try {
                boundaries.listener().accept(violation);
            } catch (RuntimeException failure) {
                LOG.error("Bus '{}': the boundary-violation listener failed on {}", busName, violation, failure);
            }
        }
        if (boundaries.mode() == Boundaries.Mode.ENFORCE) {
            throw new IllegalStateException("Bus '" + busName + "': " + violation.message() + "; " + consequence);
        }
        if (reported.add(violation.module() + '\u0000' + violation.topic() + '\u0000' + violation.rule())) {
            LOG.warn("Bus '{}': boundary violation (audit mode, allowed): {}", busName, violation.message());
        }
    }

    /** Violations so far, refused or audited; for tests. */
    long violations() {
        return violations.sum();
    }
}
