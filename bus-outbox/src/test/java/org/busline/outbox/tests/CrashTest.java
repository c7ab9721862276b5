package org.busline.outbox.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills a process that publishes through the outbox with SIGKILL at random moments, restarts it, and proves that
 * every acknowledged commit was delivered at least once, that no event of a rolled-back transaction ever was, and that
 * duplicates carry the same id (and the same payload).
 *
 * <p>Not on H2: after a kill, H2 2.x can keep a row locked by a transaction that no longer exists (a fresh process's
 * {@code FOR UPDATE SKIP LOCKED} skips it), which stops the rows of its key; the failure message below, with its lock
 * probe and thread dump, is how that was found. bus-outbox's README says so.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"postgresql", "mariadb"})
class CrashTest {
    static final int KILLS = 4;

    @Parameter
    String database;

    @TempDir
    Path directory;

    @Test
    void everyAcknowledgedCommitIsDeliveredAtLeastOnceAcrossKillsAndNoRolledBackEventEver() throws Exception {
        if (database.equals("postgresql")) {
            TestDatabases.requirePostgres();
        } else if (database.equals("mariadb")) {
            TestDatabases.requireMariaDb();
        }
        String url = TestDatabases.url(database, directory);
        String prefix = TestDatabases.freshPrefix();
        Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        Map<String, Integer> ackIncarnation = new ConcurrentHashMap<>();
        Set<String> rolledBack = ConcurrentHashMap.newKeySet();
        Random random = new Random();
        int next = 0;
        try {
            for (int incarnation = 1; incarnation <= KILLS; incarnation++) {
                Process child = start(url, prefix, incarnation, "publish", next);
                CountDownLatch ready = new CountDownLatch(1);
                int current = incarnation;
                Thread reader = read(child, line -> {
                    String[] parts = line.split(" ");
                    if (parts[0].equals("READY")) {
                        ready.countDown();
                    } else if (parts[0].equals("ACK")) {
                        acknowledged.put(parts[2], Integer.parseInt(parts[1]));
                        ackIncarnation.put(parts[2], current);
                    } else if (parts[0].equals("ROLLBACK")) {
                        rolledBack.add(parts[2]);
                    }
                });
                assertThat(ready.await(30, TimeUnit.SECONDS)).as("child " + incarnation + " started").isTrue();
                Thread.sleep(400 + random.nextInt(1200));
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
                reader.join(5_000);
                next = acknowledged.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1_000;
            }
            Process drainer = start(url, prefix, KILLS + 1, "drain", next);
            CountDownLatch drained = new CountDownLatch(1);
            AtomicReference<String> lastStats = new AtomicReference<>("none");
            Thread reader = read(drainer, line -> {
                if (line.equals("DRAINED")) {
                    drained.countDown();
                } else if (line.startsWith("STATS ")) {
                    lastStats.set(line.substring(6));
                }
            });
            boolean done = drained.await(60, TimeUnit.SECONDS);
            String threads = done ? "" : threadDump(drainer);
            drainer.waitFor(10, TimeUnit.SECONDS);
            drainer.destroyForcibly();
            reader.join(5_000);
            String heads = done ? "" : heads(url, prefix);
            assertThat(done).as("the restarted process drained the outbox; the first unfinished rows: %s; its last "
                    + "stats: %s; the warnings of every process: %s; its log ends with: %s; its threads: %s", heads,
                    lastStats.get(), warnings(), tail(log(KILLS + 1)), threads).isTrue();

            verify(url, prefix, acknowledged, ackIncarnation, rolledBack);
        } finally {
            TestDatabases.drop(TestDatabases.of(database, directory), prefix);
        }
    }

    private void verify(String url, String prefix, Map<String, Integer> acknowledged,
                        Map<String, Integer> ackIncarnation, Set<String> rolledBack) throws SQLException {
        DataSource dataSource = new UrlDataSource(url);
        Map<String, List<int[]>> handled = new HashMap<>();
        Set<String> committedOrders = new HashSet<>();
        long leftOver;
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT event_id, order_no, incarnation FROM " + prefix
                    + "handled")) {
                while (rows.next()) {
                    handled.computeIfAbsent(rows.getString(1), id -> new ArrayList<>())
                            .add(new int[] {rows.getInt(2), rows.getInt(3)});
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT id FROM " + prefix + "orders")) {
                while (rows.next()) {
                    committedOrders.add(rows.getString(1));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + prefix
                    + "outbox WHERE status <> 'DONE'")) {
                rows.next();
                leftOver = rows.getLong(1);
            }
        }
        Set<String> missing = new HashSet<>(acknowledged.keySet());
        missing.removeAll(handled.keySet());
        Set<String> deliveredRolledBack = new HashSet<>(rolledBack);
        deliveredRolledBack.retainAll(handled.keySet());
        long duplicates = handled.values().stream().filter(list -> list.size() > 1).count();
        long deliveredAfterRestart = acknowledged.keySet().stream()
                .filter(id -> handled.get(id).stream().allMatch(h -> h[1] > ackIncarnation.get(id))).count();
        long handledTotal = handled.values().stream().mapToLong(List::size).sum();

        System.out.printf("CrashTest[%s]: %d kills, %d commits acknowledged, %d rolled back, %d events handled "
                        + "(%d deliveries), %d handled more than once, %d acknowledged ones delivered only after a "
                        + "restart, %d rows left%n", database, KILLS, acknowledged.size(), rolledBack.size(),
                handled.size(), handledTotal, duplicates, deliveredAfterRestart, leftOver);

        assertThat(acknowledged).as("the children acknowledged commits").hasSizeGreaterThan(KILLS * 5);
        assertThat(rolledBack).isNotEmpty();
        assertThat(missing).as("acknowledged commits never delivered").isEmpty();
        assertThat(deliveredRolledBack).as("events of rolled-back transactions delivered").isEmpty();
        handled.forEach((id, deliveries) -> {
            assertThat(deliveries).as("every delivery of " + id + " carries the same order")
                    .allMatch(delivery -> delivery[0] == deliveries.get(0)[0]);
            assertThat(committedOrders).as("the order of delivered event " + id + " was committed")
                    .contains("o-" + deliveries.get(0)[0]);
        });
        acknowledged.forEach((id, order) -> assertThat(handled.get(id).get(0)[0]).isEqualTo(order));
        assertThat(leftOver).as("rows left pending, in flight or dead").isZero();
    }

    private Process start(String url, String prefix, int incarnation, String mode, int first)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.log.org.busline.outbox=debug",
                "-Dorg.slf4j.simpleLogger.showDateTime=true", CrashChild.class.getName(), url, prefix,
                Integer.toString(incarnation), mode, Integer.toString(first));
        builder.redirectError(log(incarnation));
        return builder.start();
    }

    private static String tail(File log) throws IOException {
        List<String> lines = java.nio.file.Files.readAllLines(log.toPath(), StandardCharsets.UTF_8);
        return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** The first unfinished rows of each key, as the table holds them once the drainer is gone. */
    private static String heads(String url, String prefix) {
        StringBuilder rows = new StringBuilder();
        try (Connection connection = new UrlDataSource(url).getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT seq, aggregateid, status, attempts, available_at, "
                     + "lease_until, lease_owner, CURRENT_TIMESTAMP FROM " + prefix + "outbox o WHERE completed_at IS "
                     + "NULL AND NOT EXISTS (SELECT 1 FROM " + prefix + "outbox p WHERE p.aggregateid = o.aggregateid "
                     + "AND p.completed_at IS NULL AND p.seq < o.seq) ORDER BY seq")) {
            List<Long> seqs = new ArrayList<>();
            while (result.next()) {
                seqs.add(result.getLong(1));
                for (int column = 1; column <= 8; column++) {
                    rows.append(result.getString(column)).append(column < 8 ? " " : "; ");
                }
            }
            // A head that a fresh connection cannot lock is locked by a transaction that no longer runs.
            connection.setAutoCommit(false);
            for (long seq : seqs) {
                try (ResultSet locked = statement.executeQuery("SELECT seq FROM " + prefix + "outbox WHERE seq = "
                        + seq + " FOR UPDATE SKIP LOCKED")) {
                    rows.append("row ").append(seq).append(locked.next() ? " lockable; " : " LOCKED; ");
                }
            }
            connection.rollback();
        } catch (SQLException failure) {
            rows.append(failure);
        }
        return rows.toString();
    }

    /** The busline threads of a process that does not finish, as {@code jcmd Thread.print} shows them. */
    private static String threadDump(Process process) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process dump = new ProcessBuilder(jcmd, Long.toString(process.pid()), "Thread.print").redirectErrorStream(true)
                .start();
        String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        dump.waitFor(30, TimeUnit.SECONDS);
        StringBuilder busline = new StringBuilder();
        for (String thread : text.split("\n\n")) {
            if (thread.contains("busline") || thread.startsWith("\"main\"")) {
                busline.append(thread).append(System.lineSeparator()).append(System.lineSeparator());
            }
        }
        return busline.toString();
    }

    private String warnings() throws IOException {
        List<String> found = new ArrayList<>();
        for (int incarnation = 1; incarnation <= KILLS + 1; incarnation++) {
            for (String line : java.nio.file.Files.readAllLines(log(incarnation).toPath(), StandardCharsets.UTF_8)) {
                if (line.contains(" WARN ") || line.contains(" ERROR ")) {
                    found.add(incarnation + ": " + line);
                }
            }
        }
        return found.isEmpty() ? "none" : String.join(System.lineSeparator(), found);
    }

    private File log(int incarnation) {
        return directory.resolve("child-" + incarnation + ".log").toFile();
    }

    private static Thread read(Process child, java.util.function.Consumer<String> onLine) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    onLine.accept(line.trim());
                }
            } catch (IOException killed) {
                // The child was killed: its output ends here.
            }
        });
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}
