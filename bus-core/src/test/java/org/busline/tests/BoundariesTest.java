package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;
import org.busline.Boundaries;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

class BoundariesTest {
    private static final Topic<String> PLACED = Topic.of("orders.placed", String.class);
    private static final Topic<String> INTERNAL = Topic.of("orders.internal.audit", String.class);
    private static final Topic<String> REFUNDS = Topic.of("orders.refunds", String.class);
    private static final Topic<String> WEATHER = Topic.of("weather.today", String.class);

    private static final String RULES = """
            # who owns what
            owns orders orders.>
            consume payments orders.placed     # payments hears of placed orders
            consume * orders.refunds
            publish billing orders.refunds
            deny consume payments orders.internal.>
            """;

    private final List<Boundaries.Violation> violations = new CopyOnWriteArrayList<>();

    private MessageBus bus(Boundaries boundaries) {
        return MessageBus.builder().name("shop").boundaries(boundaries.onViolation(violations::add)).build();
    }

    @Test
    void theOwnerAndGrantedModulesMaySubscribeAndOthersAreRefusedNamingModuleTopicAndRule() {
        try (MessageBus bus = bus(Boundaries.parse(RULES))) {
            bus.subscribe(PLACED, order -> { }, Delivery.sync().module("orders"));
            bus.subscribe(INTERNAL, order -> { }, Delivery.sync().name("orders.auditor"));
            bus.subscribe(PLACED, order -> { }, Delivery.sync().module("payments"));
            bus.subscribe(REFUNDS, order -> { }, Delivery.async().module("shipping"));
            bus.subscribe(WEATHER, order -> { }, Delivery.sync().module("payments"));

            assertThatThrownBy(() -> bus.subscribe(INTERNAL, order -> { }, Delivery.sync().module("payments")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("module 'payments'")
                    .hasMessageContaining("'orders.internal.audit'")
                    .hasMessageContaining("owned by module 'orders'")
                    .hasMessageContaining("rule 'owns orders orders.>' at line 2");
            assertThatThrownBy(() -> bus.subscribe(PLACED, order -> { }, Delivery.sync().name("shipping.placed")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("module 'shipping'")
                    .hasMessageContaining("subscription 'shipping.placed' was refused");
            assertThat(violations).hasSize(2);
            assertThat(bus.subscriptions()).hasSize(5);
        }
    }

    @Test
    void aDenyRuleWinsOverAGrant() {
        Boundaries rules = Boundaries.builder().consumes("payments", "orders.>").denyConsume("payments",
                "orders.internal.>").build();
        try (MessageBus bus = bus(rules)) {
            bus.subscribe(PLACED, order -> { }, Delivery.sync().module("payments"));
            assertThatThrownBy(() -> bus.subscribe(INTERNAL, order -> { }, Delivery.sync().module("payments")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("denied by rule 'deny consume payments orders.internal.>'");
            assertThat(violations).singleElement()
                    .satisfies(violation -> assertThat(violation.rule().kind())
                            .isEqualTo(Boundaries.Kind.DENY_CONSUME));
        }
    }

    @Test
    void aPatternSubscriptionMustBeAllowedEveryTopicItReaches() {
        try (MessageBus bus = bus(Boundaries.parse(RULES))) {
            bus.subscribePattern("orders.>", envelope -> { }, Delivery.sync().module("orders"));
            bus.subscribePattern("weather.*", envelope -> { }, Delivery.sync().module("payments"));
            assertThatThrownBy(() -> bus.subscribePattern("orders.*", envelope -> { },
                    Delivery.sync().module("payments")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'orders.*'")
                    .hasMessageContaining("it reaches topics owned by module 'orders'");
            assertThatThrownBy(() -> bus.subscribePattern("*.internal.>", envelope -> { },
                    Delivery.sync().module("payments")))
                    .isInstanceOf(IllegalStateException.class);
        }
        Boundaries open = Boundaries.builder().owns("orders", "orders.>").consumes("*", "orders.>")
                .denyConsume("payments", "orders.internal.>").build();
        try (MessageBus bus = bus(open)) {
            bus.subscribePattern("orders.*", envelope -> { }, Delivery.sync().module("payments"));
            assertThatThrownBy(() -> bus.subscribePattern("orders.>", envelope -> { },
                    Delivery.sync().module("payments")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("denied by rule");
            bus.subscribePattern("orders.>", envelope -> { }, Delivery.sync().module("orders"));
        }
    }

    @Test
    void aForbiddenPublishThrowsAndReachesNobodyWhileAllowedOnesAreDelivered() {
        List<String> received = new CopyOnWriteArrayList<>();
        try (MessageBus bus = bus(Boundaries.parse(RULES))) {
            bus.subscribe(REFUNDS, received::add, Delivery.sync().module("orders"));
            bus.asModule("orders", () -> bus.publish(REFUNDS, "by orders"));
            bus.asModule("billing", () -> bus.publish(REFUNDS, "by billing"));
            bus.publish(REFUNDS, "by nobody in particular");
            assertThatThrownBy(() -> bus.asModule("payments", () -> bus.publish(REFUNDS, "by payments")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("module 'payments' may not publish topic 'orders.refunds'")
                    .hasMessageContaining("owns orders orders.>")
                    .hasMessageContaining("published to nobody");
            assertThatThrownBy(() -> bus.asModule("payments", () -> bus.send(REFUNDS, "sent")))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(received).containsExactly("by orders", "by billing", "by nobody in particular");
            assertThat(bus.asModule("orders", () -> bus.publish(REFUNDS, "again").reached())).isEqualTo(1);
        }
    }

    @Test
    void aHandlerPublishesAsTheModuleOfItsSubscription() {
        List<String> received = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try (MessageBus bus = MessageBus.builder().boundaries(Boundaries.parse(RULES))
                .onError(failure -> failures.add(failure.cause())).build()) {
            bus.subscribe(REFUNDS, received::add, Delivery.sync().module("orders"));
            bus.subscribe(WEATHER, forecast -> bus.publish(REFUNDS, "refund from a payments handler"),
                    Delivery.sync().module("payments"));
            bus.subscribe(WEATHER, forecast -> bus.publish(REFUNDS, "refund from a billing handler"),
                    Delivery.sync().name("billing.weather"));
            bus.publish(WEATHER, "rain");
            assertThat(received).containsExactly("refund from a billing handler");
            assertThat(failures).singleElement().satisfies(failure -> assertThat(failure)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("module 'payments' may not publish"));
        }
    }

    @Test
    void requestsAreCheckedAsPublishesAndRespondersAsConsumers() {
        try (MessageBus bus = bus(Boundaries.parse(RULES))) {
            bus.respond(PLACED, order -> order.length(), Delivery.sync().module("payments"));
            assertThatThrownBy(() -> bus.respond(INTERNAL, order -> 1, Delivery.sync().module("payments")))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(bus.asModule("orders", () -> bus.request(PLACED, "abc", Integer.class, Duration.ofSeconds(1)))
                    .join()).isEqualTo(3);
            assertThatThrownBy(() -> bus.asModule("shipping",
                    () -> bus.request(PLACED, "abc", Integer.class, Duration.ofSeconds(1))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("module 'shipping'");
            assertThatThrownBy(() -> bus.asModule("shipping",
                    () -> bus.requestAll(PLACED, "abc", Integer.class, Duration.ofSeconds(1))))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void auditModeLogsCountsAndReportsButDelivers() {
        List<String> received = new CopyOnWriteArrayList<>();
        try (MessageBus bus = bus(Boundaries.parse("mode audit\n" + RULES))) {
            bus.subscribe(INTERNAL, received::add, Delivery.sync().module("payments"));
            for (int i = 0; i < 3; i++) {
                bus.asModule("payments", () -> bus.publish(INTERNAL, "peek"));
            }
            assertThat(received).hasSize(3);
            assertThat(violations).hasSize(4);
            assertThat(violations).extracting(Boundaries.Violation::action).containsExactly(
                    Boundaries.Action.CONSUME, Boundaries.Action.PUBLISH, Boundaries.Action.PUBLISH,
                    Boundaries.Action.PUBLISH);
            assertThat(org.busline.internal.Internals.boundaryViolations(bus)).isEqualTo(4);
        }
    }

    @Test
    void auditModeDeliversAndCountsEveryViolationButLogsEachModuleActionTopicAndRuleOnce() throws Exception {
        AtomicInteger received = new AtomicInteger();
        int threads = 4;
        int publishes = 250;
        try (MessageBus bus = MessageBus.builder().name("audit-once").boundaries(Boundaries.parse("mode audit\n"
                + RULES)).build()) {
            bus.subscribe(INTERNAL, peek -> received.incrementAndGet(), Delivery.sync().module("payments"));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> publishers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String module = t % 2 == 0 ? "payments" : "shipping";
                publishers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < publishes; i++) {
                        bus.asModule(module, () -> bus.publish(INTERNAL, "peek"));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> publisher : publishers) {
                publisher.get(10, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(received).hasValue(threads * publishes);
            assertThat(org.busline.internal.Internals.boundaryViolations(bus)).isEqualTo(1 + threads * publishes);
            List<CapturedLogs.Event> events = CapturedLogs.containing("Bus 'audit-once': boundary violation");
            assertThat(events).extracting(CapturedLogs.Event::level).containsOnly(Level.WARN);
            List<String> logged = events.stream().map(CapturedLogs.Event::message).toList();
            assertThat(logged).hasSize(3).allSatisfy(line -> assertThat(line)
                    .contains("topic 'orders.internal.audit'").contains("(rule 'owns orders orders.>' at line 3)"));
            assertThat(logged).anySatisfy(line -> assertThat(line).contains("module 'payments' may not consume"))
                    .anySatisfy(line -> assertThat(line).contains("module 'payments' may not publish"))
                    .anySatisfy(line -> assertThat(line).contains("module 'shipping' may not publish"));
        }
    }

    @Test
    void theOwnerOfATopicIsItsMostSpecificOwnsRule() {
        Boundaries boundaries = Boundaries.parse(RULES + "owns audit orders.internal.>\n");

        assertThat(boundaries.owner("orders.placed")).map(Boundaries.Rule::module).hasValue("orders");
        assertThat(boundaries.owner("orders.internal.audit")).map(Boundaries.Rule::toString)
                .hasValue("owns audit orders.internal.>");
        assertThat(boundaries.owner("weather.today")).isEmpty();
    }

    @Test
    void requireModulesChecksPublishersThatNameNone() {
        try (MessageBus bus = bus(Boundaries.parse("require-modules\n" + RULES))) {
            assertThatThrownBy(() -> bus.publish(PLACED, "anonymous")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("module '(none)'");
            bus.publish(WEATHER, "nobody owns the weather");
        }
    }

    @Test
    void theBusOwnNoticesAreNeverChecked() {
        List<Object> letters = new CopyOnWriteArrayList<>();
        try (MessageBus bus = bus(Boundaries.parse("require-modules\nowns bus org.busline.>\n" + RULES))) {
            bus.subscribe(org.busline.DeadLetter.class, letters::add, Delivery.sync().module("payments"));
            bus.subscribe(WEATHER, forecast -> {
                throw new IllegalStateException("boom");
            }, Delivery.sync().module("payments"));
            bus.asModule("payments", () -> bus.publish(WEATHER, "storm"));
            assertThat(letters).hasSize(1);
        }
    }

    @Test
    void rulesAreDataReadFromAFileAndWrittenBackAndBadLinesAreNamed(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("boundaries.txt");
        Files.writeString(file, RULES);
        Boundaries loaded = Boundaries.load(file);
        assertThat(loaded.rules()).hasSize(5);
        assertThat(loaded.rules().get(0)).isEqualTo(new Boundaries.Rule(Boundaries.Kind.OWNS, "orders", "orders.>", 2));
        assertThat(Boundaries.parse(loaded.toString()).toString()).isEqualTo(loaded.toString());
        assertThat(loaded.check(Boundaries.Action.CONSUME, "payments", "orders.placed")).isEmpty();
        assertThat(loaded.check(Boundaries.Action.PUBLISH, "payments", "orders.placed")).isPresent();

        Files.writeString(file, "owns orders orders.>\nconsume payments\n");
        assertThatThrownBy(() -> Boundaries.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("boundaries.txt").hasMessageContaining("line 2")
                .hasMessageContaining("consume <module> <pattern>");
        assertThatThrownBy(() -> Boundaries.parse("owns orders orders.>x")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> Boundaries.parse("allow x y")).hasMessageContaining("unknown rule 'allow'");
        assertThatThrownBy(() -> Boundaries.parse("owns a x.>\nowns b x.>")).hasMessageContaining("owned twice");
        assertThatThrownBy(() -> Delivery.sync().module("a b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPublishLimitRefusesAModuleBeyondItsRateAndRefillsWithTheClock() {
        ManualScheduler scheduler = new ManualScheduler();
        List<String> received = new CopyOnWriteArrayList<>();
        Boundaries rules = Boundaries.parse("""
                owns orders orders.>
                publish payments orders.refunds
                limit payments orders.refunds 2/1s
                limit * weather.> 1/1s burst 2
                """);
        try (MessageBus bus = MessageBus.builder().scheduler(scheduler).boundaries(rules.onViolation(violations::add))
                .build()) {
            bus.subscribe(REFUNDS, received::add, Delivery.sync().module("orders"));
            bus.subscribe(WEATHER, received::add, Delivery.sync().module("orders"));
            bus.asModule("payments", () -> {
                bus.publish(REFUNDS, "r1");
                bus.publish(REFUNDS, "r2");
            });
            assertThatThrownBy(() -> bus.asModule("payments", () -> bus.publish(REFUNDS, "r3")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("module 'payments' may publish topic 'orders.refunds' at most 2 times")
                    .hasMessageContaining("rule 'limit payments orders.refunds 2/1s' at line 3");
            bus.asModule("orders", () -> bus.publish(REFUNDS, "by the owner, not limited"));
            scheduler.advance(Duration.ofMillis(500));
            bus.asModule("payments", () -> bus.publish(REFUNDS, "r4"));
            assertThatThrownBy(() -> bus.asModule("payments", () -> bus.publish(REFUNDS, "r5")))
                    .isInstanceOf(IllegalStateException.class);

            bus.publish(WEATHER, "w1");
            bus.publish(WEATHER, "w2");
            assertThatThrownBy(() -> bus.publish(WEATHER, "w3")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("module '(none)'");
            bus.asModule("orders", () -> bus.publish(WEATHER, "each module has its own bucket"));
            assertThat(received).containsExactly("r1", "r2", "by the owner, not limited", "r4", "w1", "w2",
                    "each module has its own bucket");
            assertThat(violations).hasSize(3).allSatisfy(violation ->
                    assertThat(violation.rule().kind()).isEqualTo(Boundaries.Kind.LIMIT_PUBLISH));
        }
        assertThat(rules.toString()).contains("limit payments orders.refunds 2/1s\n")
                .contains("limit * weather.> 1/1s burst 2\n");
        assertThat(Boundaries.parse(rules.toString()).rules()).extracting(Boundaries.Rule::toString)
                .isEqualTo(rules.rules().stream().map(Boundaries.Rule::toString).toList());
        assertThatThrownBy(() -> Boundaries.parse("limit a b 10/sec")).hasMessageContaining("line 1")
                .hasMessageContaining("duration");
    }

    public static final class Refunder {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @org.busline.Subscribe(topic = "orders.refunds")
        public void onRefund(String refund) {
            seen.add(refund);
        }
    }

    public static final class Spy {
        @org.busline.Subscribe(topic = "orders.internal.audit")
        public void onAudit(String audit) {
        }
    }

    @Test
    void aGivenNameNamesTheModuleUpToItsFirstDotAlsoForRegisteredListeners() {
        assertThat(Delivery.sync().name("payments").module()).isEqualTo("payments");
        assertThat(Delivery.sync().name("payments.capture").module()).isEqualTo("payments");
        assertThat(Delivery.sync().name("payments.capture").module("billing").module()).isEqualTo("billing");
        assertThat(Delivery.sync().module()).isNull();
        try (MessageBus bus = bus(Boundaries.parse(RULES))) {
            Refunder refunder = new Refunder();
            bus.register(refunder, Delivery.sync().name("shipping"));
            assertThatThrownBy(() -> bus.register(new Spy(), Delivery.sync().name("payments")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("module 'payments'")
                    .hasMessageContaining("'orders.internal.audit'");
            assertThatThrownBy(() -> bus.subscribe(INTERNAL, order -> { }, Delivery.sync().name("payments")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("module 'payments'");
            bus.asModule("billing", () -> bus.publish(REFUNDS, "r"));
            assertThat(refunder.seen).containsExactly("r");
        }
    }
}
