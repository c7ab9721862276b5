package org.busline.examples.orderflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * bus-test's README and the project's show a conversation test copied from {@link OrderConversationTest}: it must be
 * that code.
 */
class KitReadmeSnippetTest {

    @org.junit.jupiter.api.Test
    void theReadmesTenLineTestIsTheOneThatRuns() throws IOException {
        String source = Files.readString(
                Path.of("src/test/java/org/busline/examples/orderflow/OrderConversationTest.java"));
        String tagged = source.substring(source.indexOf("// tag::conversation[]\n") + 23,
                source.indexOf("    // end::conversation[]"));
        String dedented = tagged.lines().map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.joining("\n", "", "\n"));
        for (Path readme : new Path[] {Path.of("..", "bus-test", "README.md"), Path.of("..", "README.md")}) {
            assertThat(Files.readString(readme)).as(readme.toString()).contains("```java\n" + dedented + "```\n");
        }
    }
}
