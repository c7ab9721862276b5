package org.busline.kafka.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.busline.Delivery;
import org.busline.Envelope;
import org.busline.MessageBus;
import org.busline.kafka.Inbound;
import org.busline.kafka.KafkaBridge;
import org.busline.kafka.KafkaHeaders;
import org.busline.kafka.Outbound;
import org.busline.kafka.tests.Shop.OrderPlaced;
import org.busline.kafka.tests.Shop.PaymentTaken;
import org.junit.jupiter.api.Test;

/** Service A in this JVM, service B in a child JVM, the broker between them. */
class CrossProcessTest {

    @Test
    void exchangesEventsWithABusInAnotherJvmKeepingKeyOrderAndCorrelation() throws Exception {
        String orders = TestBroker.uniqueName("x-orders");
        String payments = TestBroker.uniqueName("x-payments");
        TestBroker.createTopics(3, orders, payments);
        Path journal = ChildProcess.tempFile("journal");
        Map<String, Envelope<PaymentTaken>> paid = new ConcurrentHashMap<>();
        try (MessageBus a = MessageBus.builder().name("service-a").build();
             ChildProcess b = ChildProcess.start(ChildService.class, ChildProcess.tempFile("child"),
                     TestBroker.bootstrapServers(), orders, "service-b", journal.toString(), "0", payments)) {
            a.subscribeEnvelopes(Shop.PAYMENTS, payment -> paid.put(payment.payload().orderId(), payment),
                    Delivery.sync());
            Map<String, Envelope<OrderPlaced>> sent = new HashMap<>();
            try (KafkaBridge bridge = KafkaBridge.builder(a, TestBroker.bootstrapServers())
                    .serializer(Shop.serializer()).types(Shop.TYPES)
                    .outbound(Outbound.of(Shop.ORDERS).to(orders).key(OrderPlaced::customer))
                    .inbound(Inbound.of(Shop.PAYMENTS, "service-a").from(payments)).start()) {
                for (int seq = 0; seq < 200; seq++) {
                    for (String customer : List.of("ada", "bob", "cy")) {
                        Envelope<OrderPlaced> order = Envelope.of(Shop.ORDERS,
                                new OrderPlaced(customer + "-" + seq, customer, seq))
                                .withCorrelationId("checkout-" + customer + "-" + seq);
                        sent.put(order.payload().orderId(), order);
                        a.publish(order);
                    }
                }
                Await.until(Duration.ofSeconds(60), () -> paid.size() == sent.size(),
                        () -> paid.size() + " of " + sent.size() + " paid");
                assertThat(bridge.failedSends()).isZero();
            }
            assertThat(b.stop()).isZero();
            for (Map.Entry<String, Envelope<PaymentTaken>> payment : paid.entrySet()) {
                Envelope<OrderPlaced> order = sent.get(payment.getKey());
                assertThat(payment.getValue().correlationId()).as("correlation kept across two hops")
                        .isEqualTo(order.correlationId());
                assertThat(payment.getValue().causationId()).as("caused by the order, handled in the other JVM")
                        .isEqualTo(order.id());
            }
            Map<String, List<Integer>> seqByCustomer = new HashMap<>();
            for (String[] line : lines(journal)) {
                assertThat(sent.get(line[1]).id()).isEqualTo(line[0]);
                assertThat(line[4]).isEqualTo("checkout-" + line[1]);
                seqByCustomer.computeIfAbsent(line[2], c -> new ArrayList<>()).add(Integer.parseInt(line[3]));
            }
            for (List<Integer> seqs : seqByCustomer.values()) {
                assertThat(seqs).as("one customer's orders, in the order they were published").isSorted()
                        .hasSize(200);
            }
        }
    }

    @Test
    void handlesEveryRecordAtLeastOnceWhenTheConsumerJvmIsKilledMidBatch() throws Exception {
        String orders = TestBroker.uniqueName("k-orders");
        TestBroker.createTopics(2, orders);
        int count = 3000;
        Map<String, String> orderOfId = new HashMap<>();
        try (MessageBus a = MessageBus.builder().name("service-a").build()) {
            KafkaBridge bridge = KafkaBridge.builder(a, TestBroker.bootstrapServers())
                    .serializer(Shop.serializer()).types(Shop.TYPES)
                    .outbound(Outbound.of(Shop.ORDERS).to(orders).key(OrderPlaced::orderId)).start();
            for (int seq = 0; seq < count; seq++) {
                Envelope<OrderPlaced> order = Envelope.of(Shop.ORDERS, new OrderPlaced("o-" + seq, "c" + seq % 7,
                        seq));
                orderOfId.put(order.id(), order.payload().orderId());
                a.publish(order);
            }
            bridge.close();
            assertThat(bridge.failedSends()).isZero();
        }
        Path journal = ChildProcess.tempFile("journal");
        String[] args = {TestBroker.bootstrapServers(), orders, "service-b", journal.toString(), "1"};

        try (ChildProcess first = ChildProcess.start(ChildService.class, ChildProcess.tempFile("child"), args)) {
            Await.until(Duration.ofSeconds(60), () -> lineCount(journal) >= 400, () -> lineCount(journal) + " lines");
            first.kill();
        }
        int handledBeforeKill = lineCount(journal);
        assertThat(handledBeforeKill).as("killed in the middle").isLessThan(count);
        Map<Integer, Long> committed = TestBroker.committed("service-b", orders);
        Set<String> journaled = new HashSet<>();
        for (String[] line : lines(journal)) {
            journaled.add(line[0]);
        }
        int behindCommit = 0;
        for (ConsumerRecord<byte[], byte[]> record : TestBroker.readAll(orders, count)) {
            long committedOffset = committed.getOrDefault(record.partition(), 0L);
            if (record.offset() < committedOffset) {
                behindCommit++;
                String id = new String(record.headers().lastHeader(KafkaHeaders.ID).value(), StandardCharsets.UTF_8);
                assertThat(journaled).as("record %d@%d is committed, so it was handled", record.partition(),
                        record.offset()).contains(id);
            }
        }
        assertThat(behindCommit).as("something was committed before the kill").isPositive();

        try (ChildProcess second = ChildProcess.start(ChildService.class, ChildProcess.tempFile("child"), args)) {
            Await.until(Duration.ofSeconds(90), () -> distinctIds(journal) == count,
                    () -> distinctIds(journal) + " of " + count + " handled");
            assertThat(second.stop()).isZero();
        }
        Map<String, String> firstLineOfId = new HashMap<>();
        int duplicates = 0;
        for (String[] line : lines(journal)) {
            assertThat(orderOfId).as("only published messages arrive").containsEntry(line[0], line[1]);
            if (firstLineOfId.putIfAbsent(line[0], String.join("|", line)) != null) {
                duplicates++;
                assertThat(String.join("|", line)).as("a duplicate is the same message, with the same id")
                        .isEqualTo(firstLineOfId.get(line[0]));
            }
        }
        assertThat(firstLineOfId).hasSize(count);
        assertThat(TestBroker.committed("service-b", orders).values().stream().mapToLong(Long::longValue).sum())
                .as("everything committed after the clean stop").isEqualTo(count);
        System.out.println("killed after " + handledBeforeKill + " lines; " + duplicates + " handled twice");
    }

    private static List<String[]> lines(Path journal) throws IOException {
        List<String[]> lines = new ArrayList<>();
        for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                lines.add(line.split("\\|", -1));
            }
        }
        return lines;
    }

    private static int lineCount(Path journal) {
        try {
            return lines(journal).size();
        } catch (IOException e) {
            return 0;
        }
    }

    private static int distinctIds(Path journal) {
        try {
            Set<String> ids = new HashSet<>();
            for (String[] line : lines(journal)) {
                ids.add(line[0]);
            }
            return ids.size();
        } catch (IOException e) {
            return 0;
        }
    }
}
