package org.busline.kafka.tests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.busline.Delivery;
import org.busline.MessageBus;
import org.busline.kafka.Inbound;
import org.busline.kafka.KafkaBridge;
import org.busline.kafka.Outbound;
import org.busline.kafka.tests.Shop.OrderPlaced;
import org.busline.kafka.tests.Shop.PaymentTaken;

/**
 * Service B in a JVM of its own, started by the cross-process tests with the test class path: a bus and its bridge,
 * configured by the arguments, running until "stop" on standard input (or SIGKILL).
 *
 * <p>Arguments: {@code bootstrapServers ordersTopic group journal delayMillis [paymentsTopic]}. Every order it
 * handles is appended to the journal as one line {@code id|orderId|customer|seq|correlationId} before the handler
 * returns; with a payments topic it also publishes a {@code PaymentTaken} for each order, carried out to that topic.
 */
public final class ChildService {
    private ChildService() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("respond")) {
            respond(args);
            return;
        }
        String bootstrap = args[0];
        String ordersTopic = args[1];
        String group = args[2];
        Path journal = Path.of(args[3]);
        long delay = Long.parseLong(args[4]);
        String paymentsTopic = args.length > 5 ? args[5] : null;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        MessageBus bus = MessageBus.builder().name("service-b").build();
        List<String> pendingLines = new ArrayList<>();
        bus.subscribeEnvelopes(Shop.ORDERS, envelope -> {
            OrderPlaced order = envelope.payload();
            String line = envelope.id() + "|" + order.orderId() + "|" + order.customer() + "|" + order.seq() + "|"
                    + envelope.correlationId() + "\n";
            synchronized (pendingLines) {
                Files.writeString(journal, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            if (delay > 0) {
                Thread.sleep(delay);
            }
            if (paymentsTopic != null) {
                bus.publish(Shop.PAYMENTS, new PaymentTaken(order.orderId(), 100L * order.seq()));
            }
        }, Delivery.async(pool).name("journal"));
        KafkaBridge.Builder builder = KafkaBridge.builder(bus, bootstrap).serializer(Shop.serializer())
                .types(Shop.TYPES).source("/shop/service-b")
                // a killed instance leaves the group after 6 s (the broker's minimum), not the default 45 s
                .consumerProperty("session.timeout.ms", 6000).consumerProperty("heartbeat.interval.ms", 1000)
                .inbound(Inbound.of(Shop.ORDERS, group).from(ordersTopic).lanes(2));
        if (paymentsTopic != null) {
            builder.outbound(Outbound.of(Shop.PAYMENTS).to(paymentsTopic)
                    .key(payment -> payment.orderId().substring(0, payment.orderId().indexOf('-'))));
        }
        KafkaBridge bridge = builder.closeTimeout(Duration.ofSeconds(5)).start();
        awaitStop(bridge, bus);
        pool.shutdown();
    }

    /**
     * Arguments {@code respond bootstrapServers requestTopic group}: answers quotes at 100 cents a piece; sku
     * "boom" fails, sku "slow" takes 3 s.
     */
    private static void respond(String[] args) throws Exception {
        MessageBus bus = MessageBus.builder().name("pricing").build();
        bus.respond(Shop.QUOTES, quote -> {
            if (quote.sku().equals("boom")) {
                throw new IllegalStateException("no price for sku " + quote.sku());
            }
            if (quote.sku().equals("slow")) {
                Thread.sleep(3000);
            }
            return new Shop.Price(quote.sku(), 100L * quote.quantity());
        });
        KafkaBridge bridge = KafkaBridge.builder(bus, args[1]).serializer(Shop.serializer()).types(Shop.TYPES)
                .responder(org.busline.kafka.ResponderRoute.of(Shop.QUOTES, Shop.Price.class, args[3]).from(args[2]))
                .closeTimeout(Duration.ofSeconds(5)).start();
        awaitStop(bridge, bus);
    }

    private static void awaitStop(KafkaBridge bridge, MessageBus bus) {
        System.out.println("READY");
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String command;
            while ((command = in.readLine()) != null && !command.equals("stop")) {
                // wait
            }
        } catch (IOException ignored) {
            // the parent went away: stop
        }
        bridge.close();
        bus.close();
        System.out.println("STOPPED");
    }
}
