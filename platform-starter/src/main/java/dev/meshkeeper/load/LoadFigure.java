package dev.meshkeeper.load;

import java.util.Locale;

/**
 * The load an instance publishes, 0.0 (idle) to 1.0 (saturated), and the two places it appears: the registration
 * metadata key {@value #METADATA_KEY} and the HTTP response header {@value #HEADER}. Both carry the same text: a
 * decimal with two places written with {@link Locale#ROOT}, e.g. {@code "0.42"}.
 */
public final class LoadFigure {

    /** Metadata key of the load in an instance's registration. */
    public static final String METADATA_KEY = "load";

    /** Response header that carries the load of the instance that answered. */
    public static final String HEADER = "X-Meshkeeper-Load";

    private LoadFigure() {
    }

    /** {@code load} clamped to [0, 1] and written with two places, e.g. {@code "0.42"}. */
    public static String format(double load) {
        return String.format(Locale.ROOT, "%.2f", clamp(load));
    }

    /**
     * Reads a published figure. Published figures are input from other processes: a value outside [0, 1] is
     * clamped, and a missing, unparsable, NaN or infinite one gives {@link Double#NaN} (unknown).
     */
    public static double parse(String text) {
        if (text == null) {
            return Double.NaN;
        }
        double value;
        try {
            value = Double.parseDouble(text.trim());
        }
        catch (NumberFormatException ex) {
            return Double.NaN;
        }
        return Double.isFinite(value) ? clamp(value) : Double.NaN;
    }

    static double clamp(double load) {
        return Math.max(0.0, Math.min(1.0, load));
    }
}
