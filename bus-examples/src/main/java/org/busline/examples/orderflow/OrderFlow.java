package org.busline.examples.orderflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.busline.DeadLetter;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.MessageHandler;
import org.busline.examples.orderflow.inventory.InventoryService;
import org.busline.examples.orderflow.notifications.NotificationService;
import org.busline.examples.orderflow.orders.OrderAccepted;
import org.busline.examples.orderflow.orders.OrderPlaced;
import org.busline.examples.orderflow.orders.OrderService;
import org.busline.examples.orderflow.orders.PlaceOrder;
import org.busline.examples.orderflow.payments.PaymentCaptured;
import org.busline.examples.orderflow.payments.PaymentFailed;
import org.busline.examples.orderflow.payments.PaymentGateway;
import org.busline.examples.orderflow.payments.PaymentService;
import org.busline.micrometer.BusObservability;

/**
 * A shop as a modular monolith: orders, payments, inventory and notifications, four packages that know the bus and
 * each other's event types, never each other. This class wires them, places the orders and reports what happened.
 */
public final class OrderFlow {
    /** The most orders one run places (the trace keeps every step in memory). */
    public static final int MAX_ORDERS = 100_000;
    /** How long the shop front waits for the id of an order it places. */
    static final Duration PLACE_DEADLINE = Duration.ofSeconds(1);
    /** How long the shop waits for payments to settle every order before it closes the bus anyway. */
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

    static final List<String> SKUS = List.of("sku-apple", "sku-pear", "sku-fig");
    static final Map<String, Integer> STOCK = Map.of("sku-apple", 1_000_000, "sku-pear", 1_000_000,
            "sku-fig", 1_000_000);

    private OrderFlow() {
    }

    /** What to run: how many orders, and how often (and how repeatably) the payment gateway fails. */
    public record Options(int orders, double failureRate, long seed) {
        public Options {
            if (orders <= 0 || orders > MAX_ORDERS) {
                throw new IllegalArgumentException("orders must be between 1 and " + MAX_ORDERS + ", but was "
                        + orders);
            }
            if (!(failureRate >= 0.0 && failureRate <= 1.0)) {
                throw new IllegalArgumentException("failure rate must be between 0 and 1, but was " + failureRate);
            }
        }
    }

    /** Runs the shop: places the orders, waits for every payment to settle, closes the bus and reports. */
    public static FlowReport run(Options options) throws InterruptedException {
        long start = System.nanoTime();
        FlowMonitor monitor = new FlowMonitor();
        ExecutorService paymentThreads = Executors.newFixedThreadPool(4, daemonThreads("payments"));
        ExecutorService inventoryThread = Executors.newSingleThreadExecutor(daemonThreads("inventory"));
        Optional<ExecutorService> virtualThreads = virtualThreads();
        ExecutorService notificationThreads = virtualThreads.orElseGet(
                () -> Executors.newCachedThreadPool(daemonThreads("notifications")));
        List<String> placed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        AtomicInteger outcomes = new AtomicInteger();
        CountDownLatch settled = new CountDownLatch(options.orders());    // one outcome per order
        OrderService orders;
        InventoryService inventory;
        NotificationService notifications;
        boolean inTime;
        // bus-micrometer: the busline.* meters (the summary's counts), a span per send and per delivery (trace ids
        // in the verbose log), and each flow's steps from the process observations (the monitor).
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(monitor);
        ShopTracing tracing = new ShopTracing();
        tracing.install(observations);
        warmUp(tracing);
        BusObservability observability = BusObservability.builder().observationRegistry(observations)
                .meterRegistry(meters).build();
        try (tracing; MessageBus bus = observability.build(MessageBus.builder().name("shop")
                .onError(monitor::onError)
                .onDropped(monitor::onDropped))) {
            bus.subscribe(DeadLetter.class, monitor::onDeadLetter, Delivery.sync().name("dead-letter-report"));

            orders = new OrderService(bus);
            new PaymentService(bus, new PaymentGateway(options.failureRate(), options.seed()), paymentThreads);
            inventory = new InventoryService(bus, inventoryThread, STOCK);
            notifications = new NotificationService(bus, notificationThreads);

            // The shop front places each order and waits for its id, then waits until payments settled each one.
            MessageHandler<Object> settle = outcome -> {
                outcomes.incrementAndGet();
                settled.countDown();
            };
            bus.subscribe(PaymentCaptured.TOPIC, settle, Delivery.sync().name("front-captured"));
            bus.subscribe(PaymentFailed.TOPIC, settle, Delivery.sync().name("front-failed"));
            for (int i = 0; i < options.orders(); i++) {
                try {
                    CompletableFuture<OrderAccepted> reply =
                            bus.request(PlaceOrder.TOPIC, order(i), OrderAccepted.class, PLACE_DEADLINE);
                    placed.add(reply.join().orderId());
                } catch (CompletionException notPlaced) {    // a RequestException says why: timeout, no responder...
                    refused.add(notPlaced.getCause().getMessage());
                    settled.countDown();    // no order, so no outcome to wait for
                }
            }
            inTime = settled.await(SETTLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {    // the bus closed gracefully first: it refused new messages and let the mailboxes drain
            paymentThreads.shutdown();
            inventoryThread.shutdown();
            notificationThreads.shutdown();
        }
        return new FlowReport(options, placed, refused, inTime, outcomes.get(), orders.orders(), orders.status(), STOCK,
                inventory.stock(), inventory.reserved(), notifications.sent(), FlowMonitor.counts(meters),
                monitor.flows(), monitor.deadLetters(), virtualThreads.isPresent(), System.nanoTime() - start);
    }

    /**
     * Publishes one order on a throwaway bus observed as the shop's is, to a synchronous and an isolated asynchronous
     * subscriber: a cold JVM's first publish loads the classes of the observations, the tracer and the serializer,
     * which on a busy machine took most of a second, and the first order's request would pay it against its deadline.
     */
    static void warmUp(ShopTracing tracing) throws InterruptedException {
        ObservationRegistry registry = ObservationRegistry.create();
        tracing.install(registry);
        CountDownLatch delivered = new CountDownLatch(2);
        try (MessageBus bus = BusObservability.builder().observationRegistry(registry)
                .meterRegistry(new SimpleMeterRegistry()).build().build(MessageBus.builder().name("warm-up"))) {
            bus.subscribe(OrderPlaced.TOPIC, order -> delivered.countDown());
            bus.subscribe(OrderPlaced.TOPIC, order -> delivered.countDown(), Delivery.async().isolated());
            bus.publish(OrderPlaced.TOPIC, new OrderPlaced("warm-up", "nobody", SKUS.get(0), 1, 0));
            delivered.await(10, TimeUnit.SECONDS);
        }
    }

    /** The {@code i}-th order of the run: a few customers buying one to three pieces of fruit. */
    static PlaceOrder order(int i) {
        int quantity = 1 + i % 3;
        return new PlaceOrder("customer-" + i % 100, SKUS.get(i % SKUS.size()), quantity, 250L * quantity);
    }

    /** Virtual threads on Java 21 and later, found by reflection because this code compiles for Java 17. */
    static Optional<ExecutorService> virtualThreads() {
        try {
            return Optional.of((ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                    .invoke(null));
        } catch (ReflectiveOperationException beforeJava21) {
            return Optional.empty();
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
