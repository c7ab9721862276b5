package org.busline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Module boundaries: which module owns which topics, and which other modules may publish or consume them. Plain
 * data: a list of {@link Rule}s and a {@link Mode}, built in code ({@link #builder()}) or read from text
 * ({@link #parse(String)}, {@link #load(Path)}), so that a build can check them too ({@link #check}). Given to a bus
 * with {@link MessageBus.Builder#boundaries(Boundaries)}, they are enforced at run time.
 *
 * <p><b>Text format.</b> One rule a line; {@code #} starts a comment; blank lines are skipped:
 * <pre>
 * mode enforce                           # or: mode audit (default: enforce)
 * require-modules                        # optional: a publisher or subscription that names no module is checked too
 * owns orders orders.&gt;                    # module orders owns every topic under orders.
 * consume payments orders.placed         # payments may consume orders.placed
 * consume * orders.events.&gt;              # every module may consume orders.events.…
 * publish billing orders.refunds         # billing may publish orders.refunds too
 * deny consume payments orders.internal.&gt; # never, even if a grant says so
 * deny publish * audit.&gt;                 # nobody but audit's owner publishes there
 * limit payments orders.refunds 10/1s    # payments publishes orders.refunds at most 10 a second
 * limit * metrics.&gt; 1000/1s burst 2000   # each module its own bucket; durations in ms, s, m or h
 * </pre>
 * Topic patterns are the bus's ({@link MessageBus#subscribePattern}): dot-separated tokens, {@code *} one token, a
 * final {@code >} one or more; a pattern without wildcards is a topic name. A module is a non-blank word, or
 * {@code *} in a grant or deny for every module.
 *
 * <p><b>Decision.</b> For module {@code m} publishing (or consuming) topic {@code t}: the owner of {@code t} is the
 * module of the most specific {@code owns} rule that matches it. The owner may always publish and consume its topics.
 * Anybody else is refused by a {@code deny} rule that matches; else allowed on a topic nobody owns, and on an owned
 * topic only with a {@code publish} (or {@code consume}) grant that matches. A publisher or subscription that names
 * no module is not checked, unless {@code require-modules} is set. A {@code limit} rule allows nothing by itself: a
 * publish that is allowed is then counted against each limit rule that matches the module (each module its own token
 * bucket, on the bus's scheduler clock, shared by all topics the rule matches); beyond it the publish is a violation
 * like any other. A {@code limit *} rule applies to publishers naming no module too. The topics of the bus's own
 * notices (dead letters, dead messages, breaker changes) are never checked.
 *
 * <p>Immutable and thread-safe.
 */
public final class Boundaries {
    /** What a bus does with a violation. */
    public enum Mode {
        /** A forbidden subscription or publish is refused with an exception. */
        ENFORCE,
        /**
         * A violation is logged at WARN (once per module, action, topic and rule), counted and reported each time,
         * and then allowed.
         */
        AUDIT
    }

    /** What a module does with a topic. */
    public enum Action {
        /** Publishing, sending or requesting on the topic. */
        PUBLISH,
        /** Subscribing to or responding on the topic. */
        CONSUME
    }

    /** The kinds of rules. */
    public enum Kind {
        /** The module owns the topics. */
        OWNS,
        /** The module may publish the topics. */
        PUBLISH,
        /** The module may consume the topics. */
        CONSUME,
        /** The module may not publish the topics. */
        DENY_PUBLISH,
        /** The module may not consume the topics. */
        DENY_CONSUME,
        /** The module may publish the topics at most at a {@link RateLimit rate}. */
        LIMIT_PUBLISH
    }

    /**
     * One rule.
     *
     * @param kind    what it says; not null
     * @param module  the module it is about, or {@code *} for every module (not for {@code OWNS}); not blank
     * @param pattern the topics, as a pattern of the bus; not blank
     * @param line    the line of the text it was read from, or 0 if it was built in code
     * @param limit   the rate of a {@code LIMIT_PUBLISH} rule; null for every other kind
     */
    public record Rule(Kind kind, String module, String pattern, int line, RateLimit limit) {
        /**
         * Checks the components.
         *
         * @param kind    not null
         * @param module  a word without spaces, or {@code *} for all but OWNS
         * @param pattern a valid pattern
         * @param line    zero or more
         * @param limit   set for {@code LIMIT_PUBLISH} only
         * @throws IllegalArgumentException if the module or the pattern is invalid, or the limit is missing or
         *                                  misplaced
         */
        public Rule {
            if ((kind == Kind.LIMIT_PUBLISH) != (limit != null)) {
                throw new IllegalArgumentException("a rate limit belongs to a limit rule, and a limit rule needs one "
                        + "(kind " + kind + ", limit " + limit + ")");
            }
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(pattern, "pattern");
            if (module.isBlank() || module.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("module must be a word without spaces, but was '" + module + "'");
            }
            if (kind == Kind.OWNS && module.equals("*")) {
                throw new IllegalArgumentException("an owns rule must name one module, not '*' (pattern '"
                        + pattern + "')");
            }
            tokens(pattern);
        }

        /**
         * Makes a rule without a rate limit.
         *
         * @param kind    any kind but {@code LIMIT_PUBLISH}
         * @param module  the module, or {@code *}
         * @param pattern the topics
         * @param line    the line, or 0
         */
        public Rule(Kind kind, String module, String pattern, int line) {
            this(kind, module, pattern, line, null);
        }

        /**
         * Tells whether the rule is about a topic.
         *
         * @param topic a topic name
         * @return true if its pattern matches the name
         */
        public boolean matches(String topic) {
            return Boundaries.matches(tokens(pattern), topic.split("\\.", -1), 0, 0);
        }

        /**
         * Tells whether the rule is about a module.
         *
         * @param someModule a module name
         * @return true if it names that module or {@code *}
         */
        public boolean isAbout(String someModule) {
            return module.equals("*") || module.equals(someModule);
        }

        /** Returns the rule as a line of the text format, for example {@code deny consume payments orders.>}. */
        @Override
        public String toString() {
            String verb = switch (kind) {
                case OWNS -> "owns";
                case PUBLISH -> "publish";
                case CONSUME -> "consume";
                case DENY_PUBLISH -> "deny publish";
                case DENY_CONSUME -> "deny consume";
                case LIMIT_PUBLISH -> "limit";
            };
            String text = verb + " " + module + " " + pattern;
            if (limit == null) {
                return text;
            }
            text += " " + limit.permits() + "/" + BoundariesText.duration(limit.per());
            return limit.burst() == limit.permits() ? text : text + " burst " + limit.burst();
        }
    }

    /**
     * A refused (or, in audit mode, reported) publish or subscription.
     *
     * @param module  the module that did it; {@code (none)} for a publisher or subscription naming none
     * @param topic   the topic name, or the subscription's pattern
     * @param action  what it did
     * @param rule    the rule that decided: the deny rule, or the owner's {@code owns} rule no grant overrode
     * @param message the explanation, naming module, topic and rule
     */
    public record Violation(String module, String topic, Action action, Rule rule, String message) {
    }

    private static final Boundaries NONE = new Boundaries(List.of(), Mode.ENFORCE, false, null);

    private final List<Rule> rules;
    private final Mode mode;
    private final boolean requireModules;
    private final Consumer<? super Violation> listener;

    private Boundaries(List<Rule> rules, Mode mode, boolean requireModules, Consumer<? super Violation> listener) {
        this.rules = List.copyOf(rules);
        this.mode = mode;
        this.requireModules = requireModules;
        this.listener = listener;
        for (Rule rule : this.rules) {
            for (Rule other : this.rules) {
                if (rule.kind() == Kind.OWNS && other.kind() == Kind.OWNS && rule.pattern().equals(other.pattern())
                        && !rule.module().equals(other.module())) {
                    throw new IllegalArgumentException("topics '" + rule.pattern() + "' are owned twice: by '"
                            + rule.module() + "' and by '" + other.module() + "'");
                }
            }
        }
    }

    /**
     * Returns boundaries without rules: everything is allowed.
     *
     * @return no boundaries
     */
    public static Boundaries none() {
        return NONE;
    }

    /**
     * Starts boundaries in code.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads boundaries from the text format described above.
     *
     * @param text the rules; not null
     * @return the boundaries
     * @throws IllegalArgumentException naming the line, if a line is not a rule
     */
    public static Boundaries parse(String text) {
        return BoundariesText.parse(Objects.requireNonNull(text, "text"));
    }

    /**
     * Reads boundaries from a UTF-8 file in the text format.
     *
     * @param file the file; not null
     * @return the boundaries
     * @throws UncheckedIOException     if the file cannot be read
     * @throws IllegalArgumentException naming the file and line, if a line is not a rule
     */
    public static Boundaries load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            throw new UncheckedIOException("cannot read the boundaries file " + file, unreadable);
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException(file + ": " + bad.getMessage(), bad);
        }
    }

    /**
     * Returns the rules, in the order given.
     *
     * @return the rules; unmodifiable
     */
    public List<Rule> rules() {
        return rules;
    }

    /**
     * Returns the mode.
     *
     * @return what a bus does with a violation
     */
    public Mode mode() {
        return mode;
    }

    /**
     * Tells whether a publisher or subscription must name its module.
     *
     * @return true if {@code require-modules} was set
     */
    public boolean requiresModules() {
        return requireModules;
    }

    /**
     * Returns the listener that a bus tells of each violation.
     *
     * @return the listener set with {@link #onViolation(Consumer)}, or null
     */
    public Consumer<? super Violation> listener() {
        return listener;
    }

    /**
     * Returns these boundaries with a listener the bus tells of each violation, refused or audited, on the thread
     * that committed it; for metrics and tests. A listener that throws is logged and ignored.
     *
     * @param violationListener the listener; not null
     * @return the boundaries with the listener
     */
    public Boundaries onViolation(Consumer<? super Violation> violationListener) {
        Objects.requireNonNull(violationListener, "violationListener");
        return new Boundaries(rules, mode, requireModules, violationListener);
    }

    /**
     * Returns these boundaries in another mode.
     *
     * @param newMode the mode; not null
     * @return the boundaries in that mode
     */
    public Boundaries withMode(Mode newMode) {
        Objects.requireNonNull(newMode, "newMode");
        return new Boundaries(rules, newMode, requireModules, listener);
    }

    /**
     * Tells whether there is no rule at all.
     *
     * @return true if everything is allowed
     */
    public boolean isEmpty() {
        return rules.isEmpty() && !requireModules;
    }

    /**
     * Decides whether a module may publish or consume a topic, or consume every topic of a subscription's pattern.
     *
     * @param action what the module does; not null
     * @param module the module, or null for a publisher or subscription that names none
     * @param topic  a topic name, or a pattern of the bus for a pattern subscription; not null
     * @return the violation, or empty if it is allowed
     */
    public Optional<Violation> check(Action action, String module, String topic) {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(topic, "topic");
        if (module == null && !requireModules) {
            return Optional.empty();
        }
        String who = module == null ? "(none)" : module;
        String[] name = tokens(topic);
        Kind grant = action == Action.PUBLISH ? Kind.PUBLISH : Kind.CONSUME;
        Kind deny = action == Action.PUBLISH ? Kind.DENY_PUBLISH : Kind.DENY_CONSUME;
        boolean pattern = isPattern(name);
        String verb = action == Action.PUBLISH ? "publish" : "consume";
        for (Rule rule : rules) {
            if (rule.kind() != Kind.OWNS || !overlaps(tokens(rule.pattern()), name, 0, 0)) {
                continue;
            }
            Rule owner = pattern ? rule : ownerOf(topic);
            if (owner == null || owner.module().equals(who)) {
                continue;
            }
            if (!granted(grant, who, owner, name)) {
                return Optional.of(new Violation(who, topic, action, owner, "module '" + who + "' may not " + verb
                        + " topic '" + topic + "': " + (pattern ? "it reaches topics " : "it is ") + "owned by module '"
                        + owner.module() + "' (rule '" + owner + "'" + at(owner) + "), and no rule lets '" + who
                        + "' " + verb + " " + (pattern ? "them" : "it")));
            }
            if (!pattern) {
                break;
            }
        }
        for (Rule rule : rules) {
            if (rule.kind() == deny && rule.isAbout(who) && overlaps(tokens(rule.pattern()), name, 0, 0)) {
                Rule owner = pattern ? null : ownerOf(topic);
                if (pattern ? ownsAll(who, tokens(rule.pattern())) : owner != null && owner.module().equals(who)) {
                    continue;
                }
                return Optional.of(new Violation(who, topic, action, rule, "module '" + who + "' may not " + verb
                        + " topic '" + topic + "': denied by rule '" + rule + "'" + at(rule)));
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the limit rules that count a module's publish of a topic.
     *
     * @param module the module, or null for a publisher naming none
     * @param topic  the topic name; not null
     * @return the matching {@code LIMIT_PUBLISH} rules, in order
     */
    public List<Rule> limitsOf(String module, String topic) {
        List<Rule> limits = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule.kind() == Kind.LIMIT_PUBLISH && (module == null ? rule.module().equals("*")
                    : rule.isAbout(module)) && rule.matches(topic)) {
                limits.add(rule);
            }
        }
        return limits;
    }

    /**
     * Returns the owner of a topic: the most specific {@code owns} rule that matches it, as {@link #check} decides.
     *
     * @param topic a topic name; not null
     * @return the rule, whose {@link Rule#module() module} owns the topic; empty if nobody owns it
     */
    public Optional<Rule> owner(String topic) {
        return Optional.ofNullable(ownerOf(Objects.requireNonNull(topic, "topic")));
    }

    /** The most specific owns rule of a topic name, or null. */
    private Rule ownerOf(String topic) {
        Rule best = null;
        for (Rule rule : rules) {
            if (rule.kind() == Kind.OWNS && rule.matches(topic)
                    && (best == null || specificity(rule.pattern()) > specificity(best.pattern()))) {
                best = rule;
            }
        }
        return best;
    }

    /** Whether a module owns every topic of a pattern. */
    private boolean ownsAll(String module, String[] pattern) {
        for (Rule rule : rules) {
            if (rule.kind() == Kind.OWNS && rule.module().equals(module)
                    && covers(tokens(rule.pattern()), pattern, 0, 0)) {
                return true;
            }
        }
        return false;
    }

    private boolean granted(Kind grant, String who, Rule owner, String[] name) {
        boolean pattern = isPattern(name);
        for (Rule rule : rules) {
            if (rule.kind() == grant && rule.isAbout(who)) {
                String[] granted = tokens(rule.pattern());
                if (pattern ? covers(granted, name, 0, 0) || covers(granted, tokens(owner.pattern()), 0, 0)
                        : matches(granted, name, 0, 0)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int specificity(String pattern) {
        return pattern.contains("*") || pattern.endsWith(">") ? pattern.length() : Integer.MAX_VALUE;
    }

    private static String at(Rule rule) {
        return rule.line() > 0 ? " at line " + rule.line() : "";
    }

    private static boolean isPattern(String[] tokens) {
        for (String token : tokens) {
            if (token.equals("*") || token.equals(">")) {
                return true;
            }
        }
        return false;
    }

    /** Splits and checks a pattern as the bus does. */
    static String[] tokens(String pattern) {
        String[] tokens = pattern.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)
                    || token.equals(">") && i != tokens.length - 1
                    || !token.equals("*") && !token.equals(">") && (token.contains("*") || token.contains(">"))) {
                throw new IllegalArgumentException("pattern must be dot-separated non-empty tokens without spaces, "
                        + "'*' and a final '>' as whole tokens, but was '" + pattern + "'");
            }
        }
        return tokens;
    }

    /** Whether a pattern matches a name (whose tokens are all literal). */
    private static boolean matches(String[] pattern, String[] name, int i, int j) {
        if (i == pattern.length) {
            return j == name.length;
        }
        if (pattern[i].equals(">")) {
            return j < name.length;
        }
        return j < name.length && (pattern[i].equals("*") || pattern[i].equals(name[j]))
                && matches(pattern, name, i + 1, j + 1);
    }

    /** Whether some name matches both patterns. */
    private static boolean overlaps(String[] a, String[] b, int i, int j) {
        if (i == a.length || j == b.length) {
            return i == a.length && j == b.length;
        }
        if (a[i].equals(">") || b[j].equals(">")) {
            return true;
        }
        return (a[i].equals("*") || b[j].equals("*") || a[i].equals(b[j])) && overlaps(a, b, i + 1, j + 1);
    }

    /** Whether every name that {@code inner} matches, {@code outer} matches. */
    private static boolean covers(String[] outer, String[] inner, int i, int j) {
        if (i == outer.length || j == inner.length) {
            return i == outer.length && j == inner.length;
        }
        if (outer[i].equals(">")) {
            return true;
        }
        if (inner[j].equals(">")) {
            return false;
        }
        return (outer[i].equals("*") || outer[i].equals(inner[j]) && !inner[j].equals("*"))
                && covers(outer, inner, i + 1, j + 1);
    }

    /** Returns the boundaries in the text format, which {@link #parse(String)} reads back. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("mode ").append(mode.name().toLowerCase(java.util.Locale.ROOT))
                .append('\n');
        if (requireModules) {
            text.append("require-modules\n");
        }
        for (Rule rule : rules) {
            text.append(rule).append('\n');
        }
        return text.toString();
    }

    /** Builds boundaries in code; each method adds one rule. Not thread-safe. */
    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();
        private Mode mode = Mode.ENFORCE;
        private boolean requireModules;

        private Builder() {
        }

        /**
         * Makes a module the owner of topics.
         *
         * @param module  the module; not blank
         * @param pattern the topics; a pattern of the bus
         * @return this builder
         */
        public Builder owns(String module, String pattern) {
            rules.add(new Rule(Kind.OWNS, module, pattern, 0));
            return this;
        }

        /**
         * Lets a module ({@code *}: every module) publish topics it does not own.
         *
         * @param module  the module, or {@code *}
         * @param pattern the topics
         * @return this builder
         */
        public Builder publishes(String module, String pattern) {
            rules.add(new Rule(Kind.PUBLISH, module, pattern, 0));
            return this;
        }

        /**
         * Lets a module ({@code *}: every module) consume topics it does not own.
         *
         * @param module  the module, or {@code *}
         * @param pattern the topics
         * @return this builder
         */
        public Builder consumes(String module, String pattern) {
            rules.add(new Rule(Kind.CONSUME, module, pattern, 0));
            return this;
        }

        /**
         * Forbids a module ({@code *}: every module but the owner) to publish topics.
         *
         * @param module  the module, or {@code *}
         * @param pattern the topics
         * @return this builder
         */
        public Builder denyPublish(String module, String pattern) {
            rules.add(new Rule(Kind.DENY_PUBLISH, module, pattern, 0));
            return this;
        }

        /**
         * Forbids a module ({@code *}: every module but the owner) to consume topics.
         *
         * @param module  the module, or {@code *}
         * @param pattern the topics
         * @return this builder
         */
        public Builder denyConsume(String module, String pattern) {
            rules.add(new Rule(Kind.DENY_CONSUME, module, pattern, 0));
            return this;
        }

        /**
         * Limits how often a module ({@code *}: each module, and publishers naming none) publishes topics.
         *
         * @param module  the module, or {@code *}
         * @param pattern the topics
         * @param limit   the rate; not null
         * @return this builder
         */
        public Builder limitPublish(String module, String pattern, RateLimit limit) {
            rules.add(new Rule(Kind.LIMIT_PUBLISH, module, pattern, 0, Objects.requireNonNull(limit, "limit")));
            return this;
        }

        /**
         * Makes the bus report violations instead of refusing them.
         *
         * @return this builder
         */
        public Builder audit() {
            mode = Mode.AUDIT;
            return this;
        }

        /**
         * Checks publishers and subscriptions that name no module too, as module {@code (none)}.
         *
         * @return this builder
         */
        public Builder requireModules() {
            requireModules = true;
            return this;
        }

        /**
         * Returns the boundaries.
         *
         * @return the boundaries
         * @throws IllegalArgumentException if two modules own the same pattern
         */
        public Boundaries build() {
            return new Boundaries(rules, mode, requireModules, null);
        }

        /** Adds a rule read from the text format, with its line. */
        void rule(Rule rule) {
            rules.add(rule);
        }

        /** Sets the mode a {@code mode} line of the text format gives. */
        void mode(Mode newMode) {
            mode = newMode;
        }
    }
}
