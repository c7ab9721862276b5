package org.busline.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.busline.MessageBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * Busline on the module path, as a modular application uses it: the project's other tests run on the class path, so
 * this one compiles a small named module against bus-core's classes (an exploded module with its module-info) and
 * runs it with {@code java --module-path} in a child JVM.
 */
class ModulePathTest {
    private static final String MODULE_INFO = String.join("\n",
            "module demo.listeners {",
            "    requires org.busline;",
            "    exports demo.exported;",
            "    opens demo.opened to org.busline;",
            "}");

    private static final String EXPORTED = String.join("\n",
            "package demo.exported;",
            "import org.busline.Subscribe;",
            "public class ExportedListener {",
            "    @Subscribe public void on(String text) { System.out.println(\"exported got \" + text); }",
            "}");

    private static final String OPENED = String.join("\n",
            "package demo.opened;",
            "import org.busline.Envelope;",
            "import org.busline.Subscribe;",
            "class OpenedListener {",
            "    @Subscribe void on(Envelope<String> text) { System.out.println(\"opened got \" + text.payload()); }",
            "}");

    private static final String MAIN = String.join("\n",
            "package demo.opened;",
            "import demo.exported.ExportedListener;",
            "import org.busline.MessageBus;",
            "public class Main {",
            "    public static void main(String[] args) {",
            "        try (MessageBus bus = MessageBus.builder().build()) {",
            "            bus.register(new ExportedListener());",
            "            bus.register(new OpenedListener());",
            "            bus.publish(\"hello\");",
            "        }",
            "        System.out.println(\"done\");",
            "    }",
            "}");

    @Test
    void subscribeWorksForListenersInAnExportedAndInAnOpenedPackageOfANamedModule(@TempDir Path dir)
            throws Exception {
        Path busline = location(MessageBus.class);
        Path slf4j = location(Logger.class);
        assertThat(busline.resolve("module-info.class")).as("bus-core's classes are an exploded module").exists();
        Path sources = dir.resolve("src");
        write(sources.resolve("module-info.java"), MODULE_INFO);
        write(sources.resolve("demo/exported/ExportedListener.java"), EXPORTED);
        write(sources.resolve("demo/opened/OpenedListener.java"), OPENED);
        write(sources.resolve("demo/opened/Main.java"), MAIN);
        Path classes = dir.resolve("classes");
        String modulePath = busline + java.io.File.pathSeparator + slf4j;

        compile(sources, classes, modulePath);
        String output = run(modulePath + java.io.File.pathSeparator + classes);

        assertThat(output).contains("exported got hello", "opened got hello", "done")
                .doesNotContain("does not read", "Exception");
    }

    private static Path location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static void compile(Path sources, Path classes, String modulePath) throws IOException {
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(
                () -> new AssertionError("the tests must run on a JDK, with javac"));
        List<String> arguments = new ArrayList<>(List.of("--release", "17", "--module-path", modulePath,
                "-d", classes.toString()));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> arguments.add(file.toString()));
        }
        StringWriter messages = new StringWriter();
        PrintWriter out = new PrintWriter(messages);
        int status = javac.run(out, out, arguments.toArray(new String[0]));
        out.flush();
        assertThat(status).as("javac: %s", messages).isZero();
    }

    private static String run(String modulePath) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "--module-path", modulePath,
                "--module", "demo.listeners/demo.opened.Main").redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("the module's output:%n%s", text).isZero();
        return text;
    }
}
