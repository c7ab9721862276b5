package org.busline.examples.orderflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.busline.test.BusAssertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.busline.MessageBus;
import org.busline.examples.orderflow.inventory.InventoryService;
import org.busline.examples.orderflow.notifications.NotificationService;
import org.busline.examples.orderflow.orders.OrderAccepted;
import org.busline.examples.orderflow.orders.OrderPlaced;
import org.busline.examples.orderflow.orders.OrderService;
import org.busline.examples.orderflow.orders.OrderService.Status;
import org.busline.examples.orderflow.orders.PlaceOrder;
import org.busline.examples.orderflow.payments.PaymentCaptured;
import org.busline.examples.orderflow.payments.PaymentFailed;
import org.busline.examples.orderflow.payments.PaymentGateway;
import org.busline.examples.orderflow.payments.PaymentService;
import org.busline.test.BusRecorder;
import org.busline.test.ManualExecutor;
import org.busline.test.ManualScheduler;
import org.busline.test.RecordedDelivery;
import org.busline.test.RecordedMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One order's conversation between the four modules, with bus-test: on a manual executor and a manual scheduler, so
 * every mailbox drains and every retry's back-off passes exactly when the test says, without a sleep.
 */
class OrderConversationTest {
    final ManualScheduler time = new ManualScheduler();
    final ManualExecutor threads = new ManualExecutor();
    BusRecorder recorder;
    MessageBus bus;
    OrderService orders;
    InventoryService inventory;
    NotificationService notifications;

    /** The shop's four modules on one recorded bus, with a gateway that declines this share of the charges. */
    void openTheShop(double declines) {
        recorder = BusRecorder.attach(MessageBus.builder().name("shop").scheduler(time).clock(time.clock())
                .drainTimeout(Duration.ZERO));
        bus = recorder.build();
        orders = new OrderService(bus);
        new PaymentService(bus, new PaymentGateway(declines, 42), threads);
        inventory = new InventoryService(bus, threads, Map.of("sku-fig", 10));
        notifications = new NotificationService(bus, threads);
    }

    @AfterEach
    void closeTheShop() {
        bus.close();
    }

    // tag::conversation[]
    @Test
    void aPlacedOrderIsPaidReservedAndNotifiedInOneConversation() {
        openTheShop(0.0);
        OrderAccepted accepted = bus.request(PlaceOrder.TOPIC, new PlaceOrder("ada", "sku-fig", 2, 500),
                OrderAccepted.class, Duration.ofSeconds(1)).join();
        threads.runAll();    // payments, inventory and notifications drain their mailboxes, here and now

        String conversation = recorder.waitFor(PlaceOrder.TOPIC).messageWithin(Duration.ZERO).correlationId();
        assertThat(recorder).inConversation(conversation).published(OrderPlaced.TOPIC).once()
                .matching(order -> order.orderId().equals(accepted.orderId()))
                .handledBy("payments", "inventory", "notifications");
        assertThat(recorder).inConversation(conversation).published(PaymentCaptured.TOPIC).once()
                .handledBy("orders.paid");
        assertThat(recorder).noDeadLetters().noDrops();
    }
    // end::conversation[]

    @Test
    void theModulesStateFollowsTheConversation() {
        openTheShop(0.0);
        bus.request(PlaceOrder.TOPIC, new PlaceOrder("ada", "sku-fig", 2, 500), OrderAccepted.class,
                Duration.ofSeconds(1)).join();

        assertThat(inventory.reserved()).as("nothing ran before the test let the mailboxes drain").isEmpty();
        threads.runAll();

        assertThat(orders.status()).containsEntry("o-1", Status.PAID);
        assertThat(inventory.reserved()).containsEntry("o-1", 2);
        assertThat(inventory.stock()).containsEntry("sku-fig", 8);
        assertThat(notifications.sent()).singleElement().satisfies(n -> assertThat(n.orderId()).isEqualTo("o-1"));
        RecordedMessage placed = recorder.waitFor(OrderPlaced.TOPIC).messageWithin(Duration.ZERO);
        assertThat(placed.publishedBy()).isEqualTo("orders");
        assertThat(placed.delivery("inventory")).get().extracting(RecordedDelivery::threads)
                .isEqualTo(java.util.List.of(Thread.currentThread().getName()));
    }

    @Test
    void aPaymentDeclinedOnEveryAttemptIsDeadLetteredAndTheOrderFails() {
        openTheShop(1.0);
        OrderAccepted accepted = bus.request(PlaceOrder.TOPIC, new PlaceOrder("bob", "sku-fig", 1, 250),
                OrderAccepted.class, Duration.ofSeconds(1)).join();

        for (int attempt = 1; attempt <= PaymentService.RETRY.maxAttempts(); attempt++) {
            threads.runAll();                      // the attempt
            time.advance(Duration.ofMillis(10));   // its back-off (at most 4 ms): the retry enters the mailbox
        }
        threads.runAll();

        assertThat(recorder).published(OrderPlaced.TOPIC).once().deadLetteredBy("payments")
                .handledBy("inventory", "notifications");
        RecordedDelivery payment = recorder.waitFor(OrderPlaced.TOPIC).messageWithin(Duration.ZERO)
                .delivery("payments").orElseThrow();
        assertThat(payment.attempts()).isEqualTo(PaymentService.RETRY.maxAttempts());
        assertThat(payment.failure()).hasMessageContaining("declined");
        assertThat(recorder).published(PaymentFailed.TOPIC).once()
                .matching(failed -> failed.orderId().equals(accepted.orderId()) && failed.attempts() == 4)
                .handledBy("orders.payment-failed");
        assertThat(recorder).published(PaymentCaptured.TOPIC).never();
        assertThat(recorder).noDrops().noDeadMessages();
        assertThat(time.delays()).as("the deadline of the request's synchronous run, then three back-offs")
                .hasSize(4).first().isEqualTo(Duration.ofSeconds(1));
        assertThat(time.delays().subList(1, 4)).allSatisfy(delay -> assertThat(delay).isLessThanOrEqualTo(
                PaymentService.RETRY.cap()));
        assertThat(orders.status()).containsEntry(accepted.orderId(), Status.PAYMENT_FAILED);
    }
}
