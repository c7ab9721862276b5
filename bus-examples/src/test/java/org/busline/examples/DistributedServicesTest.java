package org.busline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.busline.examples.distributed.DistributedServices;
import org.junit.jupiter.api.Test;

class DistributedServicesTest {
    @Test
    void serviceBInAnotherProcessWelcomesEveryUserServiceARegistersAndAnswersItsRequest() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> mails;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            mails = DistributedServices.run(List.of("ada", "grace", "linus"), out);
        }
        assertThat(mails).containsExactlyInAnyOrder("Welcome, ada!", "Welcome, grace!", "Welcome, linus!");
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("received UserRegistered(ada) from Kafka").contains("ServiceB exited with 0");
    }
}
