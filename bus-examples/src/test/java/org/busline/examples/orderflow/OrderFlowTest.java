package org.busline.examples.orderflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.busline.DeadLetter;
import org.busline.examples.orderflow.FlowMonitor.Counts;
import org.busline.examples.orderflow.FlowMonitor.Step;
import org.busline.examples.orderflow.orders.OrderPlaced;
import org.busline.examples.orderflow.orders.OrderService.Status;
import org.busline.examples.orderflow.payments.PaymentGateway;
import org.busline.examples.orderflow.payments.PaymentService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One run of 1,000 orders through the four modules, and what must be true at the end of it. */
class OrderFlowTest {
    static final int ORDERS = 1000;
    static final double FAILURE_RATE = 0.5;
    static final long SEED = 42;

    static FlowReport report;

    @BeforeAll
    static void runTheShop() throws InterruptedException {
        report = OrderFlow.run(new OrderFlow.Options(ORDERS, FAILURE_RATE, SEED));
    }

    @Test
    void everyRequestToPlaceAnOrderIsAnsweredWithItsId() {
        assertThat(report.refused()).isEmpty();
        assertThat(report.placed()).hasSize(ORDERS).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(report.orders().keySet());
    }

    @Test
    void everyOrderEndsPaidOrDeadLetteredNeverBoth() {
        List<String> paid = report.ordersThatAre(Status.PAID);
        List<String> failed = report.ordersThatAre(Status.PAYMENT_FAILED);

        assertThat(report.settledInTime()).isTrue();
        assertThat(report.orders()).hasSize(ORDERS);
        assertThat(report.ordersThatAre(Status.PLACED)).isEmpty();
        assertThat(paid.size() + failed.size()).isEqualTo(ORDERS);
        assertThat(report.outcomes()).as("one outcome event per order").isEqualTo(ORDERS);
        assertThat(failed).as("about 0.5^4 of the orders").isNotEmpty().hasSizeLessThan(ORDERS / 8);
        assertThat(report.deadLetters()).allSatisfy(letter -> {
            assertThat(letter.subscriber()).isEqualTo(PaymentService.NAME);
            assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.FAILED);
            assertThat(letter.attempts()).isEqualTo(PaymentService.RETRY.maxAttempts());
        });
        assertThat(report.deadLetters()).extracting(letter -> ((OrderPlaced) letter.envelope().payload()).orderId())
                .containsExactlyInAnyOrderElementsOf(failed);
    }

    @Test
    void theSeedDecidesWhichPaymentsAreDeadLettered() {
        PaymentGateway gateway = new PaymentGateway(FAILURE_RATE, SEED);
        List<String> declinedEveryTime = report.orders().keySet().stream()
                .filter(id -> IntStream.rangeClosed(1, PaymentService.RETRY.maxAttempts())
                        .allMatch(call -> gateway.declines(id, call)))
                .toList();

        assertThat(report.ordersThatAre(Status.PAYMENT_FAILED)).containsExactlyInAnyOrderElementsOf(declinedEveryTime);
    }

    @Test
    void stockIsReservedOncePerOrder() {
        Map<String, Integer> ordered = report.orders().values().stream()
                .collect(Collectors.groupingBy(OrderPlaced::sku, Collectors.summingInt(OrderPlaced::quantity)));

        assertThat(report.reserved()).hasSize(ORDERS);
        report.orders().values().forEach(order ->
                assertThat(report.reserved()).containsEntry(order.orderId(), order.quantity()));
        OrderFlow.STOCK.forEach((sku, initial) ->
                assertThat(report.stock()).containsEntry(sku, initial - ordered.getOrDefault(sku, 0)));
        assertThat(report.stockIsConsistent()).isTrue();
    }

    @Test
    void everyOrderIsNotifiedExactlyOnce() {
        assertThat(report.notifications()).hasSize(ORDERS);
        assertThat(report.notificationsPerOrder()).hasSize(ORDERS).containsOnlyKeys(report.orders().keySet())
                .allSatisfy((orderId, count) -> assertThat(count).isOne());
    }

    @Test
    void eachOrderTravelsUnderOneCorrelationIdOfItsOwn() {
        Map<String, Set<String>> correlationIds = report.correlationIds();

        assertThat(correlationIds).containsOnlyKeys(report.orders().keySet())
                .allSatisfy((orderId, ids) -> assertThat(ids).hasSize(1));
        assertThat(correlationIds.values().stream().flatMap(Set::stream).distinct()).hasSize(ORDERS);
        // Each flow holds the request that started it and the deliveries of one order to every module.
        assertThat(report.flows()).hasSize(ORDERS).allSatisfy((correlationId, steps) -> {
            assertThat(steps).extracting(Step::payload).map(FlowReport::orderIdOf).filteredOn(id -> id != null)
                    .containsOnly(steps.stream().map(step -> FlowReport.orderIdOf(step.payload()))
                            .filter(id -> id != null).findFirst().orElseThrow());
            assertThat(steps).extracting(Step::subscriber)
                    .contains("orders", "payments", "inventory", "notifications");
        });
    }

    @Test
    void inventoryWorksOnItsOwnCopyOfEachOrder() {
        assertThat(report.flows().values()).allSatisfy(steps -> {
            Object seenByPayments = payloadSeenBy("payments", steps);
            assertThat(payloadSeenBy("notifications", steps)).isSameAs(seenByPayments);
            assertThat(payloadSeenBy("inventory", steps)).isEqualTo(seenByPayments).isNotSameAs(seenByPayments);
        });
    }

    private static Object payloadSeenBy(String subscriber, List<Step> steps) {
        return steps.stream().filter(step -> step.subscriber().equals(subscriber)).findFirst().orElseThrow().payload();
    }

    @Test
    void nothingIsDroppedAndTheSummaryAddsUp() {
        Map<String, Counts> counts = report.counts();
        long failed = report.ordersThatAre(Status.PAYMENT_FAILED).size();

        assertThat(counts.values()).allSatisfy(count -> assertThat(count.dropped()).isZero());
        assertThat(counts.get("payments")).satisfies(payments -> {
            assertThat(payments.handled()).isEqualTo(ORDERS - failed);
            assertThat(payments.deadLettered()).isEqualTo(failed);
            assertThat(payments.retried()).isPositive();
        });
        assertThat(counts.get("inventory")).isEqualTo(new Counts(ORDERS, 0, 0, 0));
        assertThat(counts.get("notifications")).isEqualTo(new Counts(ORDERS, 0, 0, 0));
        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
    }

    @Test
    void theReportCatchesALostNotificationAndAnOrderLeftOpen() {
        FlowReport r = report;
        Map<String, Status> oneLeftOpen = new HashMap<>(r.status());
        oneLeftOpen.put("o-2", Status.PLACED);

        FlowReport lost = new FlowReport(r.options(), r.placed(), r.refused(), r.settledInTime(), r.outcomes(),
                r.orders(), oneLeftOpen, r.initialStock(), r.stock(), r.reserved(),
                r.notifications().stream().filter(n -> !n.orderId().equals("o-1")).toList(), r.counts(), r.flows(),
                r.deadLetters(), r.virtualThreads(), r.elapsedNanos());

        assertThat(lost.ok()).isFalse();
        assertThat(lost.problems()).anySatisfy(problem -> assertThat(problem)
                        .isEqualTo("1 orders neither paid nor dead-lettered: [o-2]"))
                .anySatisfy(problem -> assertThat(problem).isEqualTo("1 orders not notified exactly once: [o-1]"));
    }

    @Test
    void eachOrderIsOneTraceAcrossEveryThreadItsMessagesCrossed() {
        // bus-micrometer's trace context travels in the envelopes' headers: one trace id per order, none shared.
        Map<String, Set<String>> traceIds = new HashMap<>();
        report.flows().forEach((correlationId, steps) -> traceIds.put(correlationId,
                steps.stream().map(Step::traceId).collect(Collectors.toSet())));

        assertThat(traceIds).hasSize(ORDERS).allSatisfy((correlationId, ids) ->
                assertThat(ids).hasSize(1).allSatisfy(id -> assertThat(id).hasSize(32).isNotEqualTo("-")));
        assertThat(traceIds.values().stream().flatMap(Set::stream).distinct()).hasSize(ORDERS);
    }
}
