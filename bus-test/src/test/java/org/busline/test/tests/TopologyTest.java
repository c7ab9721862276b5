package org.busline.test.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.busline.test.BusAssertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.Topic;
import org.busline.test.BusRecorder;
import org.busline.test.Topology;
import org.busline.test.Topology.Edge;
import org.busline.test.Topology.Kind;
import org.busline.test.TopologyAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyTest {
    interface ShopEvent {
    }

    record PlaceOrder(String sku) {
    }

    record OrderPlaced(String id) implements ShopEvent {
    }

    record PaymentCaptured(String id) implements ShopEvent {
    }

    static final Topic<PlaceOrder> PLACE = Topic.of("orders.place", PlaceOrder.class);
    static final Topic<OrderPlaced> PLACED = Topic.of("orders.placed", OrderPlaced.class);
    static final Topic<PaymentCaptured> CAPTURED = Topic.of("payments.captured", PaymentCaptured.class);

    private final MessageBus bus = MessageBus.builder().name("shop").build();

    @AfterEach
    void close() {
        bus.close();
        System.clearProperty(TopologyAssert.UPDATE_PROPERTY);
    }

    /** orders answers PLACE, publishes PLACED; payments consumes PLACED, publishes CAPTURED; audit hears all orders. */
    private void wireTheShop() {
        bus.respond(PLACE, place -> {
            bus.publish(PLACED, new OrderPlaced("o-1"));
            return "o-1";
        }, Delivery.sync().name("orders"));
        bus.subscribe(PLACED, placed -> bus.publish(CAPTURED, new PaymentCaptured(placed.id())),
                Delivery.sync().name("payments"));
        bus.subscribe(DeadLetter.class, letter -> { }, Delivery.sync().name("payments.dead-letters"));
        bus.subscribePattern("orders.>", envelope -> { }, Delivery.async().name("audit"));
    }

    @Test
    void theBusShowsEverySubscriptionLambdasPatternsAndResponders() {
        wireTheShop();
        bus.subscribe(CAPTURED, captured -> { });    // an unnamed lambda

        Topology topology = Topology.of(bus);

        assertThat(topology.edges()).containsExactly(
                new Edge("audit", Kind.SUBSCRIBES, "orders.>"),
                new Edge("bus", Kind.PUBLISHES, DeadLetter.class.getName()),
                new Edge("orders", Kind.ANSWERS, "orders.place"),
                new Edge("payments", Kind.SUBSCRIBES, "orders.placed"),
                new Edge("payments", Kind.SUBSCRIBES, DeadLetter.class.getName()),
                new Edge("unnamed", Kind.SUBSCRIBES, "payments.captured"));
    }

    @Test
    void publishersComeFromDeclarationsAndFromWhatTheRecorderSawInsideHandlers() {
        BusRecorder recorder = BusRecorder.attach(MessageBus.builder().name("recorded"));
        try (MessageBus recorded = recorder.build()) {
            recorded.respond(PLACE, place -> {
                recorded.publish(PLACED, new OrderPlaced("o-1"));
                return "o-1";
            }, Delivery.sync().name("orders"));
            recorded.subscribe(PLACED, placed -> recorded.publish(CAPTURED, new PaymentCaptured(placed.id())),
                    Delivery.async().name("payments"));
            // The same module as the responder (a bus refuses one given name twice): a message it handles on this
            // topic is still no request.
            recorded.subscribe(CAPTURED, captured -> { }, Delivery.sync().name("orders.captured"));
            recorded.request(PLACE, new PlaceOrder("sku-1"), String.class, Duration.ofSeconds(5)).join();
            recorder.waitFor(CAPTURED).handledBy("orders.captured").within(Duration.ofSeconds(5));

            Topology topology = Topology.builder().bus(recorded).recorded(recorder).outsideModule("front").build();
            Topology declared = Topology.builder().bus(recorded).requests("front", PLACE)
                    .publishes("orders", PLACED).publishes("payments", CAPTURED).build();

            assertThat(topology.edges()).containsExactly(
                    new Edge("front", Kind.REQUESTS, "orders.place"),
                    new Edge("orders", Kind.PUBLISHES, "orders.placed"),
                    new Edge("orders", Kind.SUBSCRIBES, "payments.captured"),
                    new Edge("orders", Kind.ANSWERS, "orders.place"),
                    new Edge("payments", Kind.PUBLISHES, "payments.captured"),
                    new Edge("payments", Kind.SUBSCRIBES, "orders.placed"));
            assertThat(declared).isEqualTo(topology);
            assertThat(topology.cycles()).containsExactly(new java.util.TreeSet<>(List.of("orders", "payments")));
            assertThat(Topology.builder().bus(recorded).recorded(recorder).build().edges())
                    .as("without an outside module, the test's own request is left out")
                    .doesNotContain(new Edge("front", Kind.REQUESTS, "orders.place"));
        }
    }

    @Test
    void durableSubscriptionsAndSinksOutsideTheBusAreConsumersOfTheirTopics() {
        wireTheShop();
        Topology topology = Topology.builder().bus(bus).publishes("orders", PLACED)
                .durable("inventory", "inventory.reservations", PLACED)
                .durable("bridge", "kafka.orders", "orders.>")
                .build();

        assertThat(topology.edges()).contains(new Edge("inventory", Kind.DURABLE, "orders.placed"),
                new Edge("bridge", Kind.DURABLE, "orders.>"));
        assertThat(topology.dependencies()).anySatisfy(dependency -> {
            assertThat(dependency.from()).isEqualTo("orders");
            assertThat(dependency.to()).isEqualTo("inventory");
        });
        assertThat(topology.toBaseline()).contains("inventory durable orders.placed\n", "bridge durable orders.>\n");
        assertThat(topology.toMermaid()).contains("-->|durable| m_inventory", "-->|durable| m_bridge");
        assertThat(topology.toJson()).contains("\"kind\": \"durable\"", "\"name\": \"inventory.reservations\"");
        assertThatThrownBy(() -> Topology.builder().durable(" ", "x", PLACED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("module must not be blank");
    }

    @Test
    void aTopicOnlyADurableSubscriptionReceivesStillHasASubscriber() {
        Topology topology = Topology.builder().publishes("orders", PLACED)
                .durable("inventory", "inventory.reservations", PLACED).build();

        assertThat(topology).everyPublishedTopicHasASubscriber();
        assertThatThrownBy(() -> assertThat(Topology.builder().publishes("orders", PLACED).build())
                .everyPublishedTopicHasASubscriber()).isInstanceOf(AssertionError.class);
    }

    @Test
    void theJsonIsVersionedSortedAndTheSameEveryTime() {
        wireTheShop();
        Topology topology = Topology.builder().bus(bus).publishes("orders", PLACED).publishes("payments", CAPTURED)
                .requests("front", PLACE).build();

        assertThat(topology.toJson()).isEqualTo("""
                {
                  "dependencies": [
                    {
                      "from": "bus",
                      "to": "payments",
                      "topics": [
                        "org.busline.DeadLetter"
                      ]
                    },
                    {
                      "from": "front",
                      "to": "orders",
                      "topics": [
                        "orders.place"
                      ]
                    },
                    {
                      "from": "orders",
                      "to": "audit",
                      "topics": [
                        "orders.placed"
                      ]
                    },
                    {
                      "from": "orders",
                      "to": "payments",
                      "topics": [
                        "orders.placed"
                      ]
                    }
                  ],
                  "edges": [
                    {"kind": "subscribes", "module": "audit", "topic": "orders.>"},
                    {"kind": "publishes", "module": "bus", "topic": "org.busline.DeadLetter"},
                    {"kind": "requests", "module": "front", "topic": "orders.place"},
                    {"kind": "publishes", "module": "orders", "topic": "orders.placed"},
                    {"kind": "answers", "module": "orders", "topic": "orders.place"},
                    {"kind": "publishes", "module": "payments", "topic": "payments.captured"},
                    {"kind": "subscribes", "module": "payments", "topic": "orders.placed"},
                    {"kind": "subscribes", "module": "payments", "topic": "org.busline.DeadLetter"}
                  ],
                  "modules": [
                    "audit",
                    "bus",
                    "front",
                    "orders",
                    "payments"
                  ],
                  "schema": "busline-topology",
                  "subscriptions": [
                    {"async": true, "kind": "subscriber", "module": "audit", "name": "audit", "selector": "orders.>"},
                    {"async": false, "kind": "responder", "module": "orders", "name": "orders", "selector": "orders.place"},
                    {"async": false, "kind": "subscriber", "module": "payments", "name": "payments", "selector": "orders.placed"},
                    {"async": false, "kind": "subscriber", "module": "payments", "name": "payments.dead-letters", "selector": "org.busline.DeadLetter"}
                  ],
                  "topics": [
                    {"name": "orders.>", "named": false, "pattern": true, "type": null},
                    {"name": "orders.place", "named": true, "pattern": false, "type": "%s"},
                    {"name": "orders.placed", "named": true, "pattern": false, "type": "%s"},
                    {"name": "org.busline.DeadLetter", "named": false, "pattern": false, "type": "org.busline.DeadLetter"},
                    {"name": "payments.captured", "named": true, "pattern": false, "type": "%s"}
                  ],
                  "version": 1
                }
                """.formatted(PlaceOrder.class.getName(), OrderPlaced.class.getName(),
                PaymentCaptured.class.getName()));
        assertThat(Topology.builder().requests("front", PLACE).publishes("payments", CAPTURED)
                .publishes("orders", PLACED).bus(bus).build().toJson()).isEqualTo(topology.toJson());
    }

    @Test
    void theMermaidFlowchartShowsModulesTopicsAndHowTheyAreConsumed() {
        wireTheShop();
        Topology topology = Topology.builder().bus(bus).publishes("orders", PLACED).requests("front", PLACE).build();

        assertThat(topology.toMermaid()).isEqualTo("""
                flowchart LR
                  m_audit["audit"]
                  m_bus["bus"]
                  m_front["front"]
                  m_orders["orders"]
                  m_payments["payments"]
                  t_orders__{{"orders.>"}}
                  t_orders_place(["orders.place"])
                  t_orders_placed(["orders.placed"])
                  t_org_busline_DeadLetter(["DeadLetter"])
                  t_orders__ -->|async| m_audit
                  m_bus --> t_org_busline_DeadLetter
                  m_front -->|requests| t_orders_place
                  m_orders --> t_orders_placed
                  t_orders_place -->|answers| m_orders
                  t_orders_placed --> m_payments
                  t_org_busline_DeadLetter --> m_payments
                """);
    }

    @Test
    void theArchitectureChecksPassAndFailNamingTheOffenders() {
        wireTheShop();
        Topology topology = Topology.builder().bus(bus).publishes("orders", PLACED).requests("front", PLACE)
                .publishes("payments", CAPTURED).build();

        assertThat(Topology.builder().bus(bus).publishes("orders", PLACED).requests("front", PLACE).build())
                .everyPublishedTopicHasASubscriber().everySubscribedTopicHasAPublisher()
                .moduleDoesNotConsume("payments", CAPTURED).moduleDoesNotDependOn("orders", "payments")
                .hasNoCycleBetweenModules();
        assertThatThrownBy(() -> assertThat(topology).everyPublishedTopicHasASubscriber())
                .hasMessageContaining("nobody consumes:\n  payments publishes payments.captured");
        assertThatThrownBy(() -> assertThat(Topology.of(bus)).everySubscribedTopicHasAPublisher())
                .hasMessageContaining("audit subscribes orders.>")
                .hasMessageContaining("orders answers orders.place")
                .hasMessageContaining("payments subscribes orders.placed")
                .hasMessageNotContaining("DeadLetter");
        assertThatThrownBy(() -> assertThat(topology).moduleDoesNotConsume("audit", PLACED))
                .hasMessageContaining("Expected module 'audit' not to consume topic 'orders.placed', but it does:\n"
                        + "  audit subscribes orders.>");
        assertThatThrownBy(() -> assertThat(topology).moduleDoesNotConsume("payments", "orders.placed"))
                .hasMessageContaining("payments subscribes orders.placed");
        assertThatThrownBy(() -> assertThat(topology).moduleDoesNotDependOn("payments", "orders"))
                .hasMessageContaining("it consumes [orders.placed] that 'orders' publishes");
    }

    @Test
    void aSubscriberOfASupertypeConsumesItsSubtypesAndCyclesAreFound() {
        bus.subscribe(ShopEvent.class, event -> { }, Delivery.sync().name("audit"));
        bus.subscribe(OrderPlaced.class, placed -> { }, Delivery.sync().name("payments"));
        bus.subscribe(PaymentCaptured.class, captured -> { }, Delivery.sync().name("orders"));
        bus.subscribe(Topic.of("audit.reports", String.class), report -> { }, Delivery.sync().name("orders.reports"));
        Topology topology = Topology.builder().bus(bus)
                .publishes("orders", Topic.of(OrderPlaced.class))
                .publishes("payments", Topic.of(PaymentCaptured.class))
                .publishes("audit", Topic.of("audit.reports", String.class)).build();

        assertThat(topology.cycles()).containsExactly(new java.util.TreeSet<>(List.of("audit", "orders", "payments")));
        assertThat(topology.dependencies()).extracting(Object::toString).containsExactly(
                "audit -> orders [audit.reports]",
                "orders -> audit [" + OrderPlaced.class.getName() + "]",
                "orders -> payments [" + OrderPlaced.class.getName() + "]",
                "payments -> audit [" + PaymentCaptured.class.getName() + "]",
                "payments -> orders [" + PaymentCaptured.class.getName() + "]");
        assertThatThrownBy(() -> assertThat(topology).hasNoCycleBetweenModules())
                .hasMessageContaining("Expected no cycle between modules, but found 1:\n"
                        + "  [audit, orders, payments], through:\n    audit -> orders [audit.reports]");
        assertThatThrownBy(() -> assertThat(topology).moduleDoesNotConsume("audit", Topic.of(OrderPlaced.class)))
                .hasMessageContaining("audit subscribes " + ShopEvent.class.getName());
    }

    @Test
    void theBaselineFailsWhenAnEdgeAppearsOrDisappearsAndPrintsTheDifference(@TempDir Path dir) throws Exception {
        wireTheShop();
        Path baseline = dir.resolve("topology.baseline");
        Topology before = Topology.builder().bus(bus).publishes("orders", PLACED).build();

        assertThatThrownBy(() -> assertThat(before).matchesBaseline(baseline))
                .hasMessageContaining("does not exist. Create it by running the test with "
                        + "-Dbusline.topology.update=true");
        System.setProperty(TopologyAssert.UPDATE_PROPERTY, "true");
        assertThat(before).matchesBaseline(baseline);
        System.clearProperty(TopologyAssert.UPDATE_PROPERTY);
        assertThat(Files.readString(baseline)).isEqualTo(before.toBaseline())
                .contains("\norders publishes orders.placed\n");
        assertThat(before).matchesBaseline(baseline);

        bus.subscribe(CAPTURED, captured -> { }, Delivery.sync().name("orders.payments"));
        Topology after = Topology.builder().bus(bus).build();
        assertThatThrownBy(() -> assertThat(after).matchesBaseline(baseline))
                .hasMessageContaining("The topology differs from the baseline " + baseline
                        + " (+ new edge, - edge gone):\n"
                        + "  + orders subscribes payments.captured\n"
                        + "  - orders publishes orders.placed\n"
                        + "If the change is intended, run the test with -Dbusline.topology.update=true");
    }

    @Test
    void theMermaidInACommittedMarkdownFileIsKeptCurrent(@TempDir Path dir) throws Exception {
        wireTheShop();
        Path doc = dir.resolve("TOPOLOGY.md");
        Files.writeString(doc, "# The shop\n\nSome prose.\n\n```mermaid\nflowchart LR\n  old\n```\n\nMore prose.\n");
        Topology topology = Topology.of(bus);

        assertThatThrownBy(() -> assertThat(topology).matchesMermaidIn(doc))
                .hasMessageContaining("is out of date. It should be:\nflowchart LR\n")
                .hasMessageContaining("but it is:\nflowchart LR\n  old\n");
        System.setProperty(TopologyAssert.UPDATE_PROPERTY, "true");
        assertThat(topology).matchesMermaidIn(doc);
        System.clearProperty(TopologyAssert.UPDATE_PROPERTY);

        assertThat(Files.readString(doc)).isEqualTo("# The shop\n\nSome prose.\n\n```mermaid\n" + topology.toMermaid()
                + "```\n\nMore prose.\n");
        assertThat(topology).matchesMermaidIn(doc);
    }

    @Test
    void theCommittedJsonIsComparedAndRewrittenOnRequest(@TempDir Path dir) throws Exception {
        wireTheShop();
        Path json = dir.resolve("topology.json");
        Topology topology = Topology.of(bus);
        Files.writeString(json, "{}\n");

        assertThatThrownBy(() -> assertThat(topology).matchesJsonIn(json))
                .hasMessageContaining("is out of date. It should be:\n{\n  \"dependencies\": [\n");
        System.setProperty(TopologyAssert.UPDATE_PROPERTY, "true");
        assertThat(topology).matchesJsonIn(json);
        System.clearProperty(TopologyAssert.UPDATE_PROPERTY);
        assertThat(Files.readString(json)).isEqualTo(topology.toJson());
        assertThat(topology).matchesJsonIn(json);
    }

    @Test
    void theRecordersOwnSubscriptionsAreLeftOut() {
        BusRecorder recorder = BusRecorder.attach(MessageBus.builder());
        try (MessageBus recorded = recorder.build()) {
            assertThat(recorded.subscriptions()).isNotEmpty();
            assertThat(Topology.of(recorded).edges()).isEmpty();
            assertThat(Topology.builder().bus(recorded).modules(name -> null).build().modules()).isEmpty();
        }
    }

    @Test
    void flagsTheEdgesThatBreakModuleBoundaries() {
        wireTheShop();
        Topology topology = Topology.builder().bus(bus).publishes("orders", PLACED)
                .publishes("shipping", PLACED).build();
        org.busline.Boundaries rules = org.busline.Boundaries.parse("""
                owns orders orders.>
                owns payments payments.>
                consume payments orders.placed
                """);
        assertThat(topology.violations(rules)).extracting(violation -> violation.module() + " "
                + violation.action() + " " + violation.topic()).containsExactlyInAnyOrder(
                "audit CONSUME orders.>", "shipping PUBLISH orders.placed");
        assertThat(topology.violations(rules.withMode(org.busline.Boundaries.Mode.AUDIT))).hasSize(2);
        assertThat(topology.violations(org.busline.Boundaries.parse("consume * orders.>\n"))).isEmpty();
    }

    static final org.busline.Boundaries SHOP_RULES = org.busline.Boundaries.parse("""
            owns orders orders.>
            owns payments payments.>
            consume payments orders.placed
            publish * orders.place
            deny publish shipping orders.place
            """);

    private Topology shopWithOutsiders() {
        wireTheShop();
        return Topology.builder().bus(bus).publishes("orders", PLACED).publishes("payments", CAPTURED)
                .requests("front", PLACE).publishes("shipping", PLACED).requests("shipping", PLACE).build();
    }

    @Test
    void withBoundariesTheOutputsShowTheRulesAndExactlyTheEdgesThatBreakThem() {
        Topology plain = shopWithOutsiders();
        Topology checked = plain.withBoundaries(SHOP_RULES);

        assertThat(checked.violations()).extracting(violation -> violation.module() + " " + violation.action() + " "
                + violation.topic() + " by " + violation.rule()).containsExactly(
                "audit CONSUME orders.> by owns orders orders.>",
                "shipping PUBLISH orders.placed by owns orders orders.>",
                "shipping PUBLISH orders.place by deny publish shipping orders.place");
        String plainJson = plain.toJson();
        assertThat(checked.toJson()).isEqualTo("{\n" + """
                  "boundaries": {
                    "mode": "enforce",
                    "requireModules": false,
                    "rules": [
                      {"kind": "owns", "line": 1, "module": "orders", "pattern": "orders.>", "rule": "owns orders orders.>"},
                      {"kind": "owns", "line": 2, "module": "payments", "pattern": "payments.>", "rule": "owns payments payments.>"},
                      {"kind": "consume", "line": 3, "module": "payments", "pattern": "orders.placed", "rule": "consume payments orders.placed"},
                      {"kind": "publish", "line": 4, "module": "*", "pattern": "orders.place", "rule": "publish * orders.place"},
                      {"kind": "deny_publish", "line": 5, "module": "shipping", "pattern": "orders.place", "rule": "deny publish shipping orders.place"}
                    ]
                  },
                """ + plainJson.substring(2, plainJson.length() - 3) + ",\n" + """
                  "violations": [
                    {"action": "consume", "kind": "subscribes", "message": "module 'audit' may not consume topic 'orders.>': it reaches topics owned by module 'orders' (rule 'owns orders orders.>' at line 1), and no rule lets 'audit' consume them", "module": "audit", "rule": "owns orders orders.>", "topic": "orders.>"},
                    {"action": "publish", "kind": "publishes", "message": "module 'shipping' may not publish topic 'orders.placed': it is owned by module 'orders' (rule 'owns orders orders.>' at line 1), and no rule lets 'shipping' publish it", "module": "shipping", "rule": "owns orders orders.>", "topic": "orders.placed"},
                    {"action": "publish", "kind": "requests", "message": "module 'shipping' may not publish topic 'orders.place': denied by rule 'deny publish shipping orders.place' at line 5", "module": "shipping", "rule": "deny publish shipping orders.place", "topic": "orders.place"}
                  ]
                }
                """);
        assertThat(checked.toMermaid()).isEqualTo("""
                flowchart LR
                  subgraph o_orders["owned by orders"]
                    m_orders["orders"]
                    t_orders_place(["orders.place"])
                    t_orders_placed(["orders.placed"])
                  end
                  subgraph o_payments["owned by payments"]
                    m_payments["payments"]
                    t_payments_captured(["payments.captured"])
                  end
                  m_audit["audit"]
                  m_bus["bus"]
                  m_front["front"]
                  m_shipping["shipping"]
                  t_orders__{{"orders.>"}}
                  t_org_busline_DeadLetter(["DeadLetter"])
                  t_orders__ -.->|"async; violates owns orders orders.>"| m_audit
                  m_bus --> t_org_busline_DeadLetter
                  m_front -->|requests| t_orders_place
                  m_orders --> t_orders_placed
                  t_orders_place -->|answers| m_orders
                  m_payments --> t_payments_captured
                  t_orders_placed --> m_payments
                  t_org_busline_DeadLetter --> m_payments
                  m_shipping -.->|"violates owns orders orders.>"| t_orders_placed
                  m_shipping -.->|"requests; violates deny publish shipping orders.place"| t_orders_place
                  linkStyle 0,8,9 stroke:#d32f2f,stroke-width:2px,color:#d32f2f
                """);
        assertThat(checked.toBaseline()).isEqualTo(plain.toBaseline().replace("=true\n", """
                =true
                # Then one line per edge that breaks the module boundaries, "violation: <edge> (rule '<rule>')". The boundaries:
                #   mode enforce
                #   owns orders orders.>
                #   owns payments payments.>
                #   consume payments orders.placed
                #   publish * orders.place
                #   deny publish shipping orders.place
                """) + """
                violation: audit subscribes orders.> (rule 'owns orders orders.>')
                violation: shipping publishes orders.placed (rule 'owns orders orders.>')
                violation: shipping requests orders.place (rule 'deny publish shipping orders.place')
                """);
    }

    @Test
    void boundariesWithoutRulesLeaveEveryOutputAsItIs() {
        Topology plain = shopWithOutsiders();
        for (org.busline.Boundaries none : List.of(org.busline.Boundaries.none(),
                org.busline.Boundaries.parse("mode audit\n# nothing yet\n"))) {
            Topology checked = plain.withBoundaries(none);
            assertThat(checked.toJson()).isEqualTo(plain.toJson());
            assertThat(checked.toMermaid()).isEqualTo(plain.toMermaid());
            assertThat(checked.toBaseline()).isEqualTo(plain.toBaseline());
            assertThat(checked.violations()).isEmpty();
        }
        assertThat(plain.violations()).isEmpty();
        assertThat(plain.withBoundaries(SHOP_RULES)).isNotEqualTo(plain).isEqualTo(plain.withBoundaries(SHOP_RULES));
    }

    @Test
    void hasNoBoundaryViolationsFailsNamingModuleTopicAndRuleOfEach() {
        Topology shop = shopWithOutsiders();

        assertThatThrownBy(() -> assertThat(shop.withBoundaries(SHOP_RULES)).hasNoBoundaryViolations())
                .hasMessageContaining("Expected no boundary violations, but found 3:\n"
                        + "  module 'audit' may not consume topic 'orders.>': it reaches topics owned by module "
                        + "'orders' (rule 'owns orders orders.>' at line 1)")
                .hasMessageContaining("\n  module 'shipping' may not publish topic 'orders.placed': it is owned by "
                        + "module 'orders' (rule 'owns orders orders.>' at line 1)")
                .hasMessageContaining("\n  module 'shipping' may not publish topic 'orders.place': denied by rule "
                        + "'deny publish shipping orders.place' at line 5");
        assertThatThrownBy(() -> assertThat(shop).hasNoBoundaryViolations())
                .hasMessageContaining("the topology has no boundaries to check");
        assertThat(shop.withBoundaries(org.busline.Boundaries.parse("""
                owns orders orders.>
                consume * orders.>
                publish * orders.>
                """))).hasNoBoundaryViolations();
    }

    @Test
    void theBaselineAcceptsTheViolationsItListsAndFailsOnANewOne(@TempDir Path dir) {
        Path baseline = dir.resolve("topology.baseline");
        Topology before = shopWithOutsiders().withBoundaries(SHOP_RULES);
        System.setProperty(TopologyAssert.UPDATE_PROPERTY, "true");
        assertThat(before).matchesBaseline(baseline);
        System.clearProperty(TopologyAssert.UPDATE_PROPERTY);
        assertThat(before).matchesBaseline(baseline);

        bus.subscribe(CAPTURED, captured -> { }, Delivery.sync().name("shipping"));
        Topology after = Topology.builder().bus(bus).publishes("orders", PLACED).publishes("payments", CAPTURED)
                .requests("front", PLACE).publishes("shipping", PLACED).requests("shipping", PLACE).build()
                .withBoundaries(SHOP_RULES);
        assertThatThrownBy(() -> assertThat(after).matchesBaseline(baseline))
                .hasMessageContaining(" (+ new edge, - edge gone):\n"
                        + "  + shipping subscribes payments.captured\n"
                        + "  + violation: shipping subscribes payments.captured (rule 'owns payments payments.>')\n"
                        + "If the change is intended");
    }
}
