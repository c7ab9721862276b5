package org.busline.internal;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.busline.Boundaries;
import org.busline.CircuitBreakerPolicy;
import org.busline.DeadLetter;
import org.busline.DeadMessage;
import org.busline.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Module boundaries at run time: the room the {@link Registry} consults when a subscription or responder is added, and
 * the {@link Dispatcher} and {@link Requests} when a message enters the bus. It holds the bus's {@link Boundaries}
 * (plain data, which decide) and does what their mode says with a violation: refuse it, or in audit mode log it
 * once per module, action (publish or consume), topic and rule, count it and let it pass; either way the
 * boundaries' listener hears of it.
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
    private static final Logger LOG = LoggerFactory.getLogger(BoundaryCheck.class);
    private static final Set<String> NOTICES = Set.of(DeadLetter.class.getName(), DeadMessage.class.getName(),
            CircuitBreakerPolicy.StateChange.class.getName());

    private final Boundaries boundaries;
    private final String busName;
    private final Set<Boundaries.Violation> reported = ConcurrentHashMap.newKeySet();
    private final LongAdder violations = new LongAdder();
    /** Publish decisions by topic, then module ({@code ""} for none); at most {@link #CACHED} topics. */
    private final ConcurrentHashMap<Topic<?>, ConcurrentHashMap<String, Decision>> decided = new ConcurrentHashMap<>();
    /** The token buckets of the limit rules, by rule and module; made on the first publish they count. */
    private final ConcurrentHashMap<String, RateLimiter> buckets = new ConcurrentHashMap<>();
    private final Resources resources;

    /** What a module's publish of a topic meets: the rules' verdict, and the limits it counts against. */
    private record Decision(Optional<Boundaries.Violation> verdict, Boundaries.Rule[] limits,
                            RateLimiter[] limiters) {
    }
    private static final int CACHED = 10_000;

    private BoundaryCheck(Boundaries boundaries, Resources resources) {
        this.boundaries = boundaries;
        this.busName = resources.name;
        this.resources = resources;
    }

    /** The room for a bus's boundaries, or null if they have no rule; uses the scheduler of limits lazily. */
    static BoundaryCheck of(Boundaries boundaries, Resources resources) {
        return boundaries == null || boundaries.isEmpty() ? null : new BoundaryCheck(boundaries, resources);
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
        ConcurrentHashMap<String, Decision> byModule = decided.get(topic);
        Decision decision = byModule == null ? null : byModule.get(key);
        if (decision == null) {
            decision = decide(module, topic);
            if (byModule == null && decided.size() < CACHED) {
                byModule = decided.computeIfAbsent(topic, unused -> new ConcurrentHashMap<>());
            }
            if (byModule != null && byModule.size() < CACHED) {
                byModule.put(key, decision);
            }
        }
        decide(decision.verdict, "the message was published to nobody");
        for (int i = 0; i < decision.limiters.length; i++) {
            if (decision.limiters[i].tryAcquire() != 0L) {
                Boundaries.Rule rule = decision.limits[i];
                String who = module == null ? "(none)" : module;
                decide(Optional.of(new Boundaries.Violation(who, topic.name(), Boundaries.Action.PUBLISH, rule,
                        "module '" + who + "' may publish topic '" + topic.name() + "' at most "
                                + rule.limit().permits() + " times per " + rule.limit().per() + " (burst "
                                + rule.limit().burst() + "), by rule '" + rule + "'"
                                + (rule.line() > 0 ? " at line " + rule.line() : "") + ", and went beyond")),
                        "the message was published to nobody");
            }
        }
    }

    private Decision decide(String module, Topic<?> topic) {
        Optional<Boundaries.Violation> verdict = boundaries.check(Boundaries.Action.PUBLISH, module, topic.name());
        Boundaries.Rule[] limits = boundaries.limitsOf(module, topic.name()).toArray(new Boundaries.Rule[0]);
        RateLimiter[] limiters = new RateLimiter[limits.length];
        for (int i = 0; i < limits.length; i++) {
            Boundaries.Rule rule = limits[i];
            String bucket = boundaries.rules().indexOf(rule) + "\u0000" + (module == null ? "" : module);
            limiters[i] = buckets.computeIfAbsent(bucket,
                    unused -> new RateLimiter(rule.limit(), resources.scheduler()));
        }
        return new Decision(verdict, limits, limiters);
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
        // The violation is its own key: module, action, topic and rule (its message follows from them). The action
        // matters: a module's forbidden subscription and its forbidden publish of a topic are often refused by the
        // same owns rule, and each deserves its line. A remembered publish decision is the same instance each time,
        // so a repeated violation allocates nothing here.
        if (reported.add(violation)) {
            LOG.warn("Bus '{}': boundary violation (audit mode, allowed): {}", busName, violation.message());
        }
    }

    /** Violations so far, refused or audited; for tests. */
    long violations() {
        return violations.sum();
    }
}
