package org.busline.examples.distributed;

import java.util.List;
import org.busline.Topic;
import org.busline.examples.services.decoupled.UserRegistered;
import org.busline.spi.TypeRegistry;

/**
 * What the two services share once they run apart: the message types, their Kafka topics and their logical type
 * names. In a real system this is the small "contract" jar both services depend on.
 */
public final class Contract {
    /** The event ServiceA publishes, on its type topic, exactly as inside the monolith. */
    public static final Topic<UserRegistered> USER_REGISTERED = Topic.of(UserRegistered.class);
    /** A question ServiceA asks ServiceB. */
    public static final Topic<CountWelcomes> COUNT_WELCOMES = Topic.of(CountWelcomes.class);

    /** Kafka topics. */
    public static final String USERS_TOPIC = "users.registered";
    public static final String WELCOMES_TOPIC = "welcomes.count";
    public static final String SERVICE_A_REPLIES = "service-a.replies";

    /** Logical type names on the wire, never class names. */
    public static final TypeRegistry TYPES = TypeRegistry.builder()
            .register(USER_REGISTERED, "users.user-registered", 1)
            .register(COUNT_WELCOMES, "welcomes.count-welcomes", 1)
            .register(Topic.of(WelcomesSent.class), "welcomes.welcomes-sent", 1)
            .build();

    private Contract() {
    }

    /** Asks how many welcome mails were sent. */
    public record CountWelcomes() {
    }

    /**
     * The welcome mails sent so far.
     *
     * @param mails one line per mail
     */
    public record WelcomesSent(List<String> mails) {
    }
}
