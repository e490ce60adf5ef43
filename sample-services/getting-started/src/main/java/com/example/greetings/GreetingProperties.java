package com.example.greetings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Live from ZooKeeper: write {@code /config/greetings/greeting/salutation} and the next greeting uses it. */
@ConfigurationProperties("greeting")
public class GreetingProperties {

    private String salutation = "Hello";

    public String getSalutation() {
        return this.salutation;
    }

    public void setSalutation(String salutation) {
        this.salutation = salutation;
    }
}
