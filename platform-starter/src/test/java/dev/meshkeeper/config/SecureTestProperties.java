package dev.meshkeeper.config;

import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** A properties bean with a secret, whose rejected values must never be logged or published in clear. */
@Validated
@ConfigurationProperties("payments")
public class SecureTestProperties {

    /** Gateway password, at least 8 characters. */
    @Size(min = 8)
    private String password = "initial-secret";

    public String getPassword() {
        return this.password;
    }

    public void setPassword(String password) {
        this.password = password;
    }
}
