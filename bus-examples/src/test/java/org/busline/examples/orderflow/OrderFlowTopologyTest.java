package org.busline.examples.orderflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.busline.test.BusAssertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.busline.MessageBus;
import org.busline.examples.orderflow.inventory.InventoryService;
import org.busline.examples.orderflow.notifications.NotificationService;
import org.busline.examples.orderflow.orders.OrderAccepted;
import org.busline.examples.orderflow.orders.OrderService;
import org.busline.examples.orderflow.payments.PaymentCaptured;
import org.busline.examples.orderflow.payments.PaymentFailed;
import org.busline.examples.orderflow.payments.PaymentGateway;
import org.busline.examples.orderflow.payments.PaymentService;
import org.busline.test.BusRecorder;
import org.busline.test.ManualExecutor;
import org.busline.test.ManualScheduler;
import org.busline.test.Topology;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The order flow's topology, from the code as it runs: the four modules on a recorded bus place a few orders (some
 * paid, some dead-lettered), and what the bus's subscriptions and the recorder saw makes the topology. Its edges are
 * kept in a committed baseline, its JSON next to it, and its diagram in {@code bus-examples/TOPOLOGY.md} and
 * {@code bus-test/README.md} and the project's README; run
 * {@code mvn -pl bus-examples test -Dtest=OrderFlowTopologyTest -Dbusline.topology.update=true} to rewrite them after
 * an intended change.
 */
class OrderFlowTopologyTest {
    static final Path BASELINE = Path.of("src/test/resources/orderflow.topology");
    static final Path DIAGRAM = Path.of("TOPOLOGY.md");
    static final Path JSON = Path.of("src/test/resources/orderflow.topology.json");
    /** bus-test's README shows the same diagram. */
    static final Path KIT_README = Path.of("..", "bus-test", "README.md");
    /** So does the project's README. */
    static final Path README = Path.of("..", "README.md");

    static Topology topology;
    static BusRecorder recorder;

    @BeforeAll
    static void runSomeOrders() {
        ManualScheduler time = new ManualScheduler();
        ManualExecutor threads = new ManualExecutor();
        recorder = BusRecorder.attach(MessageBus.builder().name("shop").scheduler(time).drainTimeout(Duration.ZERO));
        try (MessageBus bus = recorder.build()) {
            new OrderService(bus);
            new PaymentService(bus, new PaymentGateway(0.5, 42), threads);
            new InventoryService(bus, threads, OrderFlow.STOCK);
            new NotificationService(bus, threads);
            for (int i = 0; i < 40; i++) {
                bus.request(org.busline.examples.orderflow.orders.PlaceOrder.TOPIC, OrderFlow.order(i),
                        OrderAccepted.class, Duration.ofSeconds(1)).join();
            }
            while (threads.runAll() + time.advance(Duration.ofMillis(10)) > 0) {
                // every attempt, then every back-off, until nothing is left to do
            }
            topology = Topology.builder().bus(bus).recorded(recorder).outsideModule("shop-front").build();
        }
    }

    @Test
    void theRunSawBothOutcomesSoEveryEdgeIsThere() {
        assertThat(recorder.payloads(PaymentCaptured.class)).isNotEmpty();
        assertThat(recorder.payloads(PaymentFailed.class)).isNotEmpty();
    }

    @Test
    void everyTopicHasBothEndsAndTheModulesKeepToTheirOwn() {
        assertThat(topology)
                .everyPublishedTopicHasASubscriber()
                .everySubscribedTopicHasAPublisher()
                .moduleDoesNotConsume("notifications", PaymentFailed.TOPIC)
                .moduleDoesNotConsume("inventory", PaymentCaptured.TOPIC)
                .moduleDoesNotDependOn("inventory", "payments")
                .moduleDoesNotDependOn("notifications", "payments");
    }

    @Test
    void theOnlyCycleIsOrdersFollowingItsPayments() {
        // orders announces each order, and listens to how its payment ended: a cycle by design, the only one.
        assertThat(topology.cycles()).containsExactly(new TreeSet<>(List.of("orders", "payments")));
    }

    @Test
    void theEdgesAreThoseOfTheCommittedBaseline() {
        assertThat(topology).matchesBaseline(BASELINE);
    }

    @Test
    void theCommittedDiagramIsCurrent() {
        assertThat(topology).matchesMermaidIn(DIAGRAM).matchesMermaidIn(KIT_README).matchesMermaidIn(README);
    }

    @Test
    void theCommittedJsonIsCurrent() {
        assertThat(topology).matchesJsonIn(JSON);
    }

    @Test
    void theJsonNamesTheSchemaAndEveryModule() {
        assertThat(topology.toJson()).contains("\"schema\": \"busline-topology\"", "\"version\": 1")
                .contains(Map.of("inventory", 1, "notifications", 1, "orders", 1, "payments", 1, "shop-front", 1)
                        .keySet().stream().map(module -> "\"" + module + "\"").toList());
    }
}
