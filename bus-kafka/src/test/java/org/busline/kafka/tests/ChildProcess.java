package org.busline.kafka.tests;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A JVM running a main class of the test class path, its output in a file; stopped gently or with SIGKILL. */
final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final Path output;

    private ChildProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static ChildProcess start(Class<?> main, Path output, String... args) throws IOException {
        return startWhen(main, output, "READY", args);
    }

    /** Starts the child and waits until its output shows {@code ready}. */
    static ChildProcess startWhen(Class<?> main, Path output, String ready, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        ChildProcess child = new ChildProcess(process, output);
        child.awaitOutput(ready, Duration.ofSeconds(30));
        return child;
    }

    void awaitOutput(String text, Duration timeout) {
        Await.until(timeout, () -> read().contains(text) || !process.isAlive(),
                () -> "child output: " + read());
        if (!read().contains(text)) {
            throw new AssertionError("the child exited with " + process.exitValue() + " before '" + text + "': "
                    + read());
        }
    }

    String read() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Sends SIGKILL and waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Asks the child to stop and returns its exit code. */
    int stop() throws Exception {
        if (process.isAlive()) {
            try (OutputStream in = process.getOutputStream()) {
                in.write("stop\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException alreadyGone) {
                // it stopped by itself
            }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child did not stop: " + read());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static Path tempFile(String prefix) throws IOException {
        File file = File.createTempFile(prefix, ".txt");
        file.deleteOnExit();
        return file.toPath();
    }
}
