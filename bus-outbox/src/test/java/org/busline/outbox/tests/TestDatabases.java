package org.busline.outbox.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases every behaviour is tested on: H2 in file mode with {@code WRITE_DELAY=0}, the PostgreSQL server at
 * 127.0.0.1:5432 (database test, user postgres) and the MariaDB server at 127.0.0.1:3306 (database test, user root).
 * Without a server its tests are skipped with a message, except when {@code CI=true}, where they fail.
 */
final class TestDatabases {
    static final String PG_URL = System.getProperty("busline.pg.url",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&connectTimeout=3");

    static final String MARIADB_URL = System.getProperty("busline.mariadb.url",
            "jdbc:mariadb://127.0.0.1:3306/test?user=root&connectTimeout=3000");

    private static Boolean postgresAnswers;
    private static Boolean mariadbAnswers;

    private TestDatabases() {
    }

    static String h2Url(Path directory) {
        return "jdbc:h2:file:" + directory.resolve("outbox").toAbsolutePath() + ";WRITE_DELAY=0";
    }

    static DataSource h2(Path directory) {
        return new UrlDataSource(h2Url(directory));
    }

    static DataSource postgres() {
        requirePostgres();
        return new UrlDataSource(PG_URL);
    }

    static DataSource mariadb() {
        requireMariaDb();
        return new UrlDataSource(MARIADB_URL);
    }

    static DataSource of(String kind, Path directory) {
        switch (kind) {
            case "h2":
                return h2(directory);
            case "postgresql":
                return postgres();
            case "mariadb":
                return mariadb();
            default:
                throw new IllegalArgumentException("unknown database " + kind);
        }
    }

    static String url(String kind, Path directory) {
        return kind.equals("h2") ? h2Url(directory) : kind.equals("mariadb") ? MARIADB_URL : PG_URL;
    }

    /** A table prefix of its own for each test, so tests on the shared PostgreSQL database never meet. */
    static String freshPrefix() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
    }

    static synchronized void requirePostgres() {
        if (postgresAnswers == null) {
            try (Connection connection = DriverManager.getConnection(PG_URL)) {
                postgresAnswers = connection.isValid(3);
            } catch (SQLException absent) {
                postgresAnswers = false;
            }
        }
        if (!postgresAnswers) {
            String message = "no PostgreSQL server answers at " + PG_URL + ": the PostgreSQL tests of bus-outbox "
                    + "need one (start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main "
                    + "start)";
            if ("true".equals(System.getenv("CI"))) {
                fail(message + "; CI=true, so this fails instead of skipping");
            }
            Assumptions.abort(message + "; skipped");
        }
    }

    static synchronized void requireMariaDb() {
        if (mariadbAnswers == null) {
            try (Connection connection = DriverManager.getConnection(MARIADB_URL)) {
                mariadbAnswers = connection.isValid(3);
            } catch (SQLException absent) {
                mariadbAnswers = false;
            }
        }
        if (!mariadbAnswers) {
            String message = "no MariaDB server answers at " + MARIADB_URL + ": the MariaDB tests of bus-outbox "
                    + "need one";
            if ("true".equals(System.getenv("CI"))) {
                fail(message + "; CI=true, so this fails instead of skipping");
            }
            Assumptions.abort(message + "; skipped");
        }
    }

    /** Drops the tables of a prefix (PostgreSQL is shared; H2's files go with the temporary directory). */
    static void drop(DataSource dataSource, String prefix) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String table : new String[] {"outbox", "inbox", "outbox_schema", "orders", "handled"}) {
                statement.execute("DROP TABLE IF EXISTS " + prefix + table);
            }
        } catch (SQLException failure) {
            throw new IllegalStateException("could not drop the tables of " + prefix, failure);
        }
    }
}
