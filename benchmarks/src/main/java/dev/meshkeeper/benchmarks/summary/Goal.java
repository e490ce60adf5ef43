package dev.meshkeeper.benchmarks.summary;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * A goal on one figure of a {@link ResultRow}: its {@code ratio} to the baseline or its {@code value}, at least or at
 * most a bound.
 *
 * @param on {@code "ratio"} or {@code "value"}
 * @param atLeast {@code true} for "≥ bound", {@code false} for "≤ bound"
 * @param bound the bound
 */
public record Goal(String on, boolean atLeast, double bound) {

    public Goal {
        if (!on.equals("ratio") && !on.equals("value")) {
            throw new IllegalArgumentException("A goal is on 'ratio' or 'value', not '" + on + "'");
        }
    }

    public static Goal ratioAtLeast(double bound) {
        return new Goal("ratio", true, bound);
    }

    public static Goal ratioAtMost(double bound) {
        return new Goal("ratio", false, bound);
    }

    public static Goal valueAtLeast(double bound) {
        return new Goal("value", true, bound);
    }

    public static Goal valueAtMost(double bound) {
        return new Goal("value", false, bound);
    }

    Boolean isMetBy(ResultRow row) {
        Double figure = on.equals("ratio") ? row.ratio() : Double.valueOf(row.value());
        if (figure == null) {
            return null;
        }
        return this.atLeast ? figure >= this.bound : figure <= this.bound;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s %s", this.on, this.atLeast ? ">=" : "<=",
                BigDecimal.valueOf(this.bound).stripTrailingZeros().toPlainString());
    }
}
