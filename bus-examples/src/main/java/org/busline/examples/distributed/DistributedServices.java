package org.busline.examples.distributed;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.busline.MessageBus;
import org.busline.RequestException;
import org.busline.examples.distributed.Contract.CountWelcomes;
import org.busline.examples.distributed.Contract.WelcomesSent;
import org.busline.examples.services.decoupled.ServiceA;
import org.busline.examples.services.decoupled.UserRegistered;
import org.busline.kafka.KafkaBridge;
import org.busline.kafka.Outbound;
import org.busline.kafka.RequestRoute;

/**
 * ServiceA and ServiceB of the README's first example, now as two processes that talk through Kafka: this process
 * starts a broker and ServiceB in a child JVM, runs ServiceA, registers users (events cross to ServiceB), asks
 * ServiceB how many welcome mails it sent (a request/reply crosses back), and exits 0 if all arrived.
 *
 * <pre>{@code
 * mvn -B -ntp -q package -DskipTests && java -cp bus-examples/target/bus-examples.jar \
 *     org.busline.examples.distributed.DistributedServices
 * }</pre>
 *
 * <p>Neither ServiceA nor ServiceB changed: the {@code decoupled} classes run as they are; each process adds a few
 * lines of {@link KafkaBridge} configuration.
 */
public final class DistributedServices {
    private DistributedServices() {
    }

    public static void main(String[] args) throws Exception {
        quietLogs();
        List<String> mails = run(List.of("ada", "grace", "linus"), System.out);
        System.exit(mails.size() == 3 ? 0 : 1);
    }

    static void quietLogs() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    /** Runs both services through a broker and returns the welcome mails ServiceB reported. */
    public static List<String> run(List<String> users, PrintStream out) throws Exception {
        out.println("starting a Kafka broker in this JVM ...");
        try (EmbeddedKafka kafka = new EmbeddedKafka()) {
            kafka.createTopics(3, Contract.USERS_TOPIC, Contract.WELCOMES_TOPIC);
            kafka.createTopics(1, Contract.SERVICE_A_REPLIES);
            Process serviceB = startServiceB(kafka.bootstrapServers(), out);
            try (MessageBus bus = MessageBus.builder().name("service-a").types(Contract.TYPES).build()) {
                ServiceA serviceA = new ServiceA(bus);                                 // unchanged
                KafkaBridge bridge = KafkaBridge.builder(bus, kafka.bootstrapServers()).types(Contract.TYPES)
                        .source("/example/service-a")
                        .outbound(Outbound.of(UserRegistered.class).to(Contract.USERS_TOPIC)
                                .key(UserRegistered::user))
                        .replyTopic(Contract.SERVICE_A_REPLIES)
                        .requests(RequestRoute.of(Contract.COUNT_WELCOMES, WelcomesSent.class)
                                .to(Contract.WELCOMES_TOPIC))
                        .start();
                try {
                    for (String user : users) {
                        serviceA.register(user);
                        out.println("[service-a] registered " + user + ": UserRegistered published on the bus");
                    }
                    List<String> mails = awaitWelcomes(bus, users.size(), out);
                    out.println("[service-a] asked ServiceB over Kafka: " + mails);
                    return mails;
                } finally {
                    bridge.close();
                }
            } finally {
                stop(serviceB, out);
            }
        }
    }

    private static List<String> awaitWelcomes(MessageBus bus, int expected, PrintStream out) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> mails = List.of();
        while (System.nanoTime() < deadline) {
            CompletableFuture<WelcomesSent> reply = bus.request(Contract.COUNT_WELCOMES, new CountWelcomes(),
                    WelcomesSent.class, Duration.ofSeconds(10));
            try {
                mails = reply.join().mails();
            } catch (CompletionException e) {
                RequestException failure = (RequestException) e.getCause();
                out.println("[service-a] request failed (" + failure.reason() + "), asking again");
            }
            if (mails.size() >= expected) {
                return mails;
            }
            Thread.sleep(200);
        }
        return mails;
    }

    private static Process startServiceB(String bootstrapServers, PrintStream out) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ServiceBProcess.class.getName(), bootstrapServers).redirectErrorStream(true).start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread echo = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.equals("READY")) {
                        ready.complete(null);
                    }
                    out.println("    [service-b, pid " + process.pid() + "] " + line);
                }
            } catch (Exception ignored) {
                // the process ended
            }
            ready.complete(null);
        }, "service-b-output");
        echo.setDaemon(true);
        echo.start();
        ready.get(60, TimeUnit.SECONDS);
        if (!process.isAlive()) {
            throw new IllegalStateException("ServiceB exited with " + process.exitValue());
        }
        return process;
    }

    private static void stop(Process serviceB, PrintStream out) throws Exception {
        try (OutputStream in = serviceB.getOutputStream()) {
            in.write("stop\n".getBytes(StandardCharsets.UTF_8));
        } catch (Exception alreadyGone) {
            // it stopped by itself
        }
        if (!serviceB.waitFor(30, TimeUnit.SECONDS)) {
            serviceB.destroyForcibly();
        }
        out.println("ServiceB exited with " + serviceB.exitValue());
    }
}
