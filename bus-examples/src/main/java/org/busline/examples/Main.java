package org.busline.examples;

import java.io.PrintStream;
import java.util.List;
import org.busline.examples.services.ServicesExample;

/** Runs the examples: {@code java -jar bus-examples/target/bus-examples.jar [--help]}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs the examples and returns the exit status: 0 if every message arrived, 1 if not, 2 for bad arguments. */
    static int run(String[] args, PrintStream out) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                out.println("Usage: java -jar bus-examples.jar [--help]");
                out.println("Runs ServiceA/ServiceB, first calling each other directly, then through Busline.");
                return 0;
            }
            out.println("unknown argument: " + arg + " (try --help)");
            return 2;
        }
        out.println("== ServiceA and ServiceB, before and after Busline ==");
        List<List<String>> sent = ServicesExample.run(List.of("ada", "grace"), out);
        return sent.get(0).equals(sent.get(1)) ? 0 : 1;
    }
}
