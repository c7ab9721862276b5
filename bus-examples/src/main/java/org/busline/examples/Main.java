package org.busline.examples;

import java.io.PrintStream;
import java.util.List;
import org.busline.examples.orderflow.FlowReport;
import org.busline.examples.orderflow.OrderFlow;
import org.busline.examples.orderflow.orders.DurableOrders;
import org.busline.examples.services.ServicesExample;

/** Runs the examples: {@code java -jar bus-examples/target/bus-examples.jar [options]}; {@code --help} lists them. */
public final class Main {
    private static final String USAGE = """
            Usage: java -jar bus-examples.jar [--orders N] [--failure-rate F] [--seed S] [--verbose] [--outbox]
                                              [--crash] [--help]
            Runs ServiceA/ServiceB (direct calls, then through Busline), then the order flow of a small shop:
            orders, payments, inventory and notifications talking only through the bus.
              --orders N         orders to place, 1 to %d (default 1000)
              --failure-rate F   fraction of payment-gateway calls that fail, 0 to 1 (default 0.3)
              --seed S           seed of the gateway's failures, for a repeatable run (default 42)
              --verbose          log every step of every order, each line with its correlation and trace ids
              --outbox           instead: orders saved in H2 with OrderPlaced in the same transaction (bus-outbox)
              --crash            instead: the same on PostgreSQL at 127.0.0.1:5432, in a child process killed
                                 with SIGKILL twice, then restarted
              --help             print this and exit
            Exits 0 if every order ended paid or dead-lettered and was notified, 1 if anything was lost,
            2 for bad arguments.""".formatted(OrderFlow.MAX_ORDERS);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out));
    }

    /** Runs the examples and returns the exit status: 0 if nothing was lost, 1 if anything was, 2 for bad arguments. */
    static int run(String[] args, PrintStream out) throws InterruptedException {
        int orders = 1000;
        String durable = null;
        double failureRate = 0.3;
        long seed = 42;
        OrderFlow.Options options;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    case "--orders" -> orders = Integer.parseInt(value(args, ++i));
                    case "--failure-rate" -> failureRate = Double.parseDouble(value(args, ++i));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i));
                    // Before the first logger exists: slf4j-simple reads its levels once.
                    case "--verbose" -> System.setProperty("org.slf4j.simpleLogger.log.org.busline.examples", "debug");
                    case "--outbox", "--crash" -> durable = args[i];
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            options = new OrderFlow.Options(orders, failureRate, seed);
        } catch (IllegalArgumentException bad) {    // NumberFormatException too
            out.println(bad.getMessage() + " (try --help)");
            return 2;
        }

        if (durable != null) {
            return durableOrders(durable, options.orders(), out);
        }
        out.println("== ServiceA and ServiceB, before and after Busline ==");
        List<List<String>> sent = ServicesExample.run(List.of("ada", "grace"), out);
        boolean servicesOk = sent.get(0).equals(sent.get(1));

        out.println();
        out.println("== The order flow: orders, payments, inventory, notifications ==");
        FlowReport report = OrderFlow.run(options);
        report.print(out);
        return servicesOk && report.ok() ? 0 : 1;
    }

    private static int durableOrders(String mode, int orders, PrintStream out) throws InterruptedException {
        out.println("== The orders module on a transactional outbox ==");
        try {
            return mode.equals("--crash") ? DurableOrders.crash(out) : DurableOrders.run(orders, out);
        } catch (InterruptedException interrupted) {
            throw interrupted;
        } catch (Exception failure) {
            out.println("FAILED: " + failure);
            return 1;
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
