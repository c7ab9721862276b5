package org.busline.examples;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.busline.Delivery;
import org.busline.MessageBus;

/** The README's first example, as it compiles and runs. */
public final class QuickStart {
    private QuickStart() {
    }

    record UserRegistered(String user) {}

    public static void main(String[] args) {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (MessageBus bus = MessageBus.builder().name("shop").build()) {
            bus.subscribe(UserRegistered.class, event -> System.out.println("Welcome, " + event.user() + "!"));
            bus.subscribe(UserRegistered.class, event -> System.out.println("CRM: added " + event.user()),
                    Delivery.async(pool));                       // its own mailbox, on the pool's thread
            bus.publish(new UserRegistered("ada"));
        }                                                        // close() drains the mailbox
        pool.shutdown();
    }
}
