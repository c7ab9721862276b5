package org.busline.examples.services;

import java.io.PrintStream;
import java.util.List;
import org.busline.MessageBus;

/** ServiceA and ServiceB, before and after: direct calls, then the same two services wired through Busline. */
public final class ServicesExample {
    private ServicesExample() {
    }

    /** Runs both versions and returns the welcome mails each sent, coupled first. */
    public static List<List<String>> run(List<String> users, PrintStream out) {
        // Before: ServiceA holds a ServiceB and calls it.
        var coupledB = new org.busline.examples.services.coupled.ServiceB();
        var coupledA = new org.busline.examples.services.coupled.ServiceA(coupledB);
        users.forEach(coupledA::register);
        out.println("coupled:   ServiceA called ServiceB directly -> " + coupledB.sent());

        // After: both know the bus and the event, not each other.
        try (MessageBus bus = MessageBus.builder().name("services").build()) {
            var decoupledB = new org.busline.examples.services.decoupled.ServiceB(bus);
            var decoupledA = new org.busline.examples.services.decoupled.ServiceA(bus);
            users.forEach(decoupledA::register);
            out.println("decoupled: ServiceA published, ServiceB subscribed   -> " + decoupledB.sent());
            return List.of(coupledB.sent(), decoupledB.sent());
        }
    }
}
