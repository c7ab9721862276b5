package org.busline.examples.distributed;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.busline.MessageBus;
import org.busline.examples.distributed.Contract.WelcomesSent;
import org.busline.examples.services.decoupled.ServiceB;
import org.busline.examples.services.decoupled.UserRegistered;
import org.busline.kafka.Inbound;
import org.busline.kafka.KafkaBridge;
import org.busline.kafka.ResponderRoute;

/**
 * ServiceB as a process of its own: the unchanged {@link ServiceB} on its own bus, plus a few lines of bridge
 * configuration. Argument: the Kafka bootstrap servers. Stops on "stop" from standard input.
 */
public final class ServiceBProcess {
    private ServiceBProcess() {
    }

    public static void main(String[] args) throws Exception {
        DistributedServices.quietLogs();
        try (MessageBus bus = MessageBus.builder().name("service-b").types(Contract.TYPES).build()) {
            ServiceB serviceB = new ServiceB(bus);                                     // unchanged
            bus.subscribe(UserRegistered.class, event -> System.out.println("received UserRegistered("
                    + event.user() + ") from Kafka, sent a welcome mail"));
            bus.respond(Contract.COUNT_WELCOMES, question -> new WelcomesSent(serviceB.sent()));
            KafkaBridge bridge = KafkaBridge.builder(bus, args[0]).types(Contract.TYPES).source("/example/service-b")
                    .inbound(Inbound.of(Contract.USER_REGISTERED, "service-b").from(Contract.USERS_TOPIC))
                    .responder(ResponderRoute.of(Contract.COUNT_WELCOMES, WelcomesSent.class, "service-b")
                            .from(Contract.WELCOMES_TOPIC))
                    .start();
            System.out.println("READY");
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && !line.equals("stop")) {
                    // keep serving
                }
            }
            bridge.close();
        }
        System.out.println("stopped");
    }
}
