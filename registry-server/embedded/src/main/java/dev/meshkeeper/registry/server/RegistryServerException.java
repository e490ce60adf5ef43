package dev.meshkeeper.registry.server;

/**
 * The registry server could not start. Names the setting that is wrong, its value, and what to do.
 */
public class RegistryServerException extends RuntimeException {

    private final String setting;

    private final Object value;

    /**
     * @param setting the setting's name relative to the server's configuration (e.g. {@code client-port}), or
     * {@code null} when no single setting is at fault
     * @param value the offending value
     * @param message the whole message, including the remedy
     */
    public RegistryServerException(String setting, Object value, String message, Throwable cause) {
        super(message, cause);
        this.setting = setting;
        this.value = value;
    }

    public RegistryServerException(String setting, Object value, String message) {
        this(setting, value, message, null);
    }

    /** The setting at fault, relative to the server's configuration root, or {@code null}. */
    public String getSetting() {
        return this.setting;
    }

    public Object getValue() {
        return this.value;
    }
}
