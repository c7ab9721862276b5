package org.busline.examples.orderflow;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.busline.DeadLetter;
import org.busline.examples.orderflow.FlowMonitor.Counts;
import org.busline.examples.orderflow.FlowMonitor.Step;
import org.busline.examples.orderflow.notifications.Notification;
import org.busline.examples.orderflow.orders.OrderPlaced;
import org.busline.examples.orderflow.orders.OrderService.Status;
import org.busline.examples.orderflow.payments.PaymentCaptured;
import org.busline.examples.orderflow.payments.PaymentFailed;
import org.busline.examples.orderflow.payments.PaymentService;

/** The end state of a run, the checks that nothing was lost, and the trace and summary the program prints. */
public record FlowReport(OrderFlow.Options options, List<String> placed, List<String> refused,
                         boolean settledInTime, int outcomes,
                         Map<String, OrderPlaced> orders, Map<String, Status> status,
                         Map<String, Integer> initialStock, Map<String, Integer> stock, Map<String, Integer> reserved,
                         List<Notification> notifications, Map<String, Counts> counts, Map<String, List<Step>> flows,
                         List<DeadLetter> deadLetters, boolean virtualThreads, long elapsedNanos) {

    /** Order ids ("o-17") by their number. */
    private static final Comparator<String> BY_NUMBER =
            Comparator.comparingInt((String id) -> Integer.parseInt(id.substring(2)));

    /** The ids of the orders in the given state, in order. */
    public List<String> ordersThatAre(Status wanted) {
        return status.entrySet().stream().filter(entry -> entry.getValue() == wanted).map(Map.Entry::getKey)
                .sorted(BY_NUMBER).toList();
    }

    /** How many notifications each order got. */
    public Map<String, Long> notificationsPerOrder() {
        return notifications.stream().collect(Collectors.groupingBy(Notification::orderId, Collectors.counting()));
    }

    /** The correlation ids under which each order's messages travelled: exactly one per order when all is well. */
    public Map<String, Set<String>> correlationIds() {
        Map<String, Set<String>> ids = new HashMap<>();
        flows.forEach((correlationId, steps) -> steps.stream().map(step -> orderIdOf(step.payload()))
                .filter(Objects::nonNull)
                .forEach(orderId -> ids.computeIfAbsent(orderId, id -> new TreeSet<>()).add(correlationId)));
        return ids;
    }

    /** Everything that went wrong: empty when every order was paid or dead-lettered, and notified, and nothing lost. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!settledInTime) {
            problems.add("payments did not settle every order within " + OrderFlow.SETTLE_TIMEOUT.toSeconds() + " s");
        }
        if (!refused.isEmpty()) {
            problems.add(refused.size() + " orders not placed, for example: " + refused.get(0));
        }
        if (placed.size() != options.orders() || !orders.keySet().equals(Set.copyOf(placed))) {
            problems.add(placed.size() + " orders placed of " + options.orders() + ", but " + orders.size()
                    + " taken by the orders module");
        }
        List<String> open = ordersThatAre(Status.PLACED);
        if (!open.isEmpty()) {
            problems.add(open.size() + " orders neither paid nor dead-lettered: " + sample(open));
        }
        if (outcomes != orders.size()) {
            problems.add("payments announced " + outcomes + " outcomes for " + orders.size() + " orders");
        }
        Set<String> deadLettered = deadLetters.stream()
                .filter(letter -> letter.subscriber().equals(PaymentService.NAME))
                .map(letter -> orderIdOf(letter.envelope().payload())).collect(Collectors.toCollection(TreeSet::new));
        if (!deadLettered.equals(new TreeSet<>(ordersThatAre(Status.PAYMENT_FAILED)))) {
            problems.add("the payments' dead letters " + sample(deadLettered) + " are not the failed orders "
                    + sample(ordersThatAre(Status.PAYMENT_FAILED)));
        }
        deadLetters.stream().filter(letter -> !letter.subscriber().equals(PaymentService.NAME)
                        || letter.reason() != DeadLetter.Reason.FAILED)
                .forEach(letter -> problems.add("unexpected dead letter from '" + letter.subscriber() + "' ("
                        + letter.reason() + "): " + letter.envelope().payload()));
        Map<String, Long> notified = notificationsPerOrder();
        List<String> notNotifiedOnce = orders.keySet().stream().filter(id -> notified.getOrDefault(id, 0L) != 1)
                .sorted(BY_NUMBER).toList();
        if (!notNotifiedOnce.isEmpty() || !orders.keySet().containsAll(notified.keySet())) {
            problems.add(notNotifiedOnce.size() + " orders not notified exactly once: " + sample(notNotifiedOnce));
        }
        if (!stockIsConsistent()) {
            problems.add("stock is inconsistent: started with " + initialStock + ", reserved " + reserved.size()
                    + " orders, left " + stock);
        }
        long dropped = counts.values().stream().mapToLong(Counts::dropped).sum();
        if (dropped > 0) {
            problems.add(dropped + " messages dropped");
        }
        Map<String, Set<String>> correlationIds = correlationIds();
        List<String> badCorrelation = orders.keySet().stream()
                .filter(id -> correlationIds.getOrDefault(id, Set.of()).size() != 1).sorted(BY_NUMBER).toList();
        long distinct = correlationIds.values().stream().flatMap(Set::stream).distinct().count();
        if (!badCorrelation.isEmpty() || distinct != orders.size()) {
            problems.add("correlation ids do not follow the orders (" + distinct + " ids for " + orders.size()
                    + " orders): " + sample(badCorrelation));
        }
        return problems;
    }

    /** True when nothing was lost. */
    public boolean ok() {
        return problems().isEmpty();
    }

    /** Each order reserved once, for its quantity, and each SKU's stock down by what its orders reserved. */
    public boolean stockIsConsistent() {
        Map<String, Integer> ordered = orders.values().stream()
                .collect(Collectors.groupingBy(OrderPlaced::sku, Collectors.summingInt(OrderPlaced::quantity)));
        return reserved.keySet().equals(orders.keySet())
                && orders.values().stream().allMatch(order -> reserved.get(order.orderId()) == order.quantity())
                && initialStock.keySet().stream().allMatch(
                        sku -> stock.get(sku) == initialStock.get(sku) - ordered.getOrDefault(sku, 0));
    }

    /** Prints the trace of the first order and of the first dead-lettered one, then the summary. */
    public void print(PrintStream out) {
        Map<String, String> correlationOf = correlationIds().entrySet().stream().filter(e -> e.getValue().size() == 1)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().iterator().next()));
        List<String> traced = new ArrayList<>();
        orders.keySet().stream().min(BY_NUMBER).ifPresent(traced::add);
        ordersThatAre(Status.PAYMENT_FAILED).stream().findFirst().ifPresent(traced::add);
        for (String orderId : traced) {
            String correlationId = correlationOf.get(orderId);
            List<Step> steps = flows.getOrDefault(correlationId, List.of());
            out.printf("%nTrace of order %s (correlation id %s, trace id %s):%n", orderId, correlationId,
                    steps.isEmpty() ? "-" : steps.get(0).traceId());
            long start = steps.isEmpty() ? 0 : steps.get(0).nanos();
            for (Step step : steps) {
                out.printf("  %+8.3f ms  %-18s -> %-22s %s%n", (step.nanos() - start) / 1e6, step.topic(),
                        step.subscriber(), outcome(step));
            }
        }

        out.printf("%nSummary: %d orders, gateway failure rate %.2f, seed %d, %d ms; notifications on %s%n",
                options.orders(), options.failureRate(), options.seed(), elapsedNanos / 1_000_000,
                virtualThreads ? "virtual threads" : "a platform thread pool (virtual threads need Java 21)");
        out.printf("  %-24s %9s %9s %14s %9s%n", "subscription", "delivered", "retried", "dead-lettered", "dropped");
        counts.forEach((name, c) -> out.printf("  %-24s %9d %9d %14d %9d%n", name, c.handled(), c.retried(),
                c.deadLettered(), c.dropped()));
        long units = reserved.values().stream().mapToLong(Integer::longValue).sum();
        out.printf("  orders: %d placed, %d paid, %d dead-lettered (payment gave up), %d open; %d notified once%n",
                orders.size(), ordersThatAre(Status.PAID).size(), ordersThatAre(Status.PAYMENT_FAILED).size(),
                ordersThatAre(Status.PLACED).size(),
                notificationsPerOrder().values().stream().filter(count -> count == 1).count());
        out.printf("  stock: %d units reserved, %s%n", units, stockIsConsistent() ? "consistent" : "INCONSISTENT");
        List<String> problems = problems();
        if (problems.isEmpty()) {
            out.println("  OK: every order paid or dead-lettered, and notified; one correlation id per order; "
                    + "nothing lost");
        } else {
            problems.forEach(problem -> out.println("  PROBLEM: " + problem));
        }
    }

    private static String outcome(Step step) {
        String attempt = step.attempt() == null ? "" : "attempt " + step.attempt() + " ";
        return step.failure() == null ? attempt + "ok" : attempt + "failed: " + step.failure().getMessage();
    }

    /** The order a message is about, whichever module's type it is; null for a message about no order yet. */
    static String orderIdOf(Object payload) {
        if (payload instanceof OrderPlaced placed) {
            return placed.orderId();
        } else if (payload instanceof PaymentCaptured captured) {
            return captured.orderId();
        } else if (payload instanceof PaymentFailed failed) {
            return failed.orderId();
        } else if (payload instanceof DeadLetter letter) {
            return orderIdOf(letter.envelope().payload());
        }
        return null;
    }

    private static String sample(Collection<String> ids) {
        return ids.stream().limit(5).collect(Collectors.joining(", ", "[", ids.size() > 5 ? ", ...]" : "]"));
    }
}
