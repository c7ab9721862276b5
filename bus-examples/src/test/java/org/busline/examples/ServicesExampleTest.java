package org.busline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.busline.examples.services.ServicesExample;
import org.junit.jupiter.api.Test;

class ServicesExampleTest {

    @Test
    void theDecoupledServicesSendTheSameMailsAsTheCoupledOnes() {
        List<List<String>> sent = ServicesExample.run(List.of("ada", "grace"), new PrintStream(
                new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(sent.get(0)).containsExactly("Welcome, ada!", "Welcome, grace!");
        assertThat(sent.get(1)).isEqualTo(sent.get(0));
    }
}
