package dev.meshkeeper.benchmarks.soak;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The churn soak's arguments: {@code --duration=120 --instances=120 --services=6 --clients=12 --churn=40
 * --choosers=2 --window-ms=1000} (seconds, counts, swaps per second, milliseconds).
 */
record SoakOptions(Duration duration, int instances, int services, int clients, int churn, int choosers,
        Duration window) {

    static SoakOptions parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], (pair.length > 1) ? pair[1] : "true");
        }
        return new SoakOptions(Duration.ofSeconds(intOption(options, "duration", 120)),
                intOption(options, "instances", 120), intOption(options, "services", 6),
                intOption(options, "clients", 12), intOption(options, "churn", 40),
                intOption(options, "choosers", 2), Duration.ofMillis(intOption(options, "window-ms", 1000)));
    }

    private static int intOption(Map<String, String> options, String name, int defaultValue) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException("--" + name + "=" + value + " is not a whole number; write e.g. --"
                    + name + "=" + defaultValue, ex);
        }
    }
}
