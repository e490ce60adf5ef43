package dev.meshkeeper.registry.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshkeeper.registry.RegistryServerApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

@ExtendWith(OutputCaptureExtension.class)
@Timeout(120)
class GeneratedAdminPasswordTest {

    private static final Pattern GENERATED = Pattern
            .compile("generated a password for user 'admin' .* only its hash is kept \\(in (.+)\\): (\\S+)");

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    private ConfigurableApplicationContext start(String... extra) {
        String[] args = Stream.concat(Stream.of("--server.port=0", "--meshkeeper.registry.client-port=0",
                "--meshkeeper.registry.bind-address=127.0.0.1", "--meshkeeper.registry.data-dir=" + this.dataDir),
                Stream.of(extra)).toArray(String[]::new);
        return SpringApplication.run(RegistryServerApplication.class, args);
    }

    @Test
    void withoutUsersAnAdminPasswordIsGeneratedShownOnceAndKeptOnlyAsAHash(CapturedOutput output) throws Exception {
        String password;
        try (ConfigurableApplicationContext context = start()) {
            Matcher line = GENERATED.matcher(output.getAll());
            assertThat(line.find()).as("the generated password is logged once").isTrue();
            password = line.group(2);
            Path stored = this.dataDir.resolve(GeneratedAdminPassword.FILE);
            assertThat(line.group(1)).isEqualTo(stored.toAbsolutePath().toString());
            String hash = Files.readString(stored);
            assertThat(hash).startsWith("{bcrypt}$2").doesNotContain(password);
            assertThat(healthAs(context, "admin", password)).contains("\"role\"");
            assertThat(healthStatus(context, "admin", "guess")).isEqualTo(401);
        }
        assertThat(GENERATED.matcher(output.getAll()).results().count()).isEqualTo(1);
        // No clear-text password anywhere in the data dir.
        try (Stream<Path> files = Files.walk(this.dataDir)) {
            assertThat(files.filter(Files::isRegularFile)).allSatisfy(
                    file -> assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                            .doesNotContain(password));
        }

        try (ConfigurableApplicationContext again = start()) {
            assertThat(GENERATED.matcher(output.getAll()).results().count()).as("not shown again").isEqualTo(1);
            assertThat(healthAs(again, "admin", password)).contains("\"role\"");
        }
    }

    @Test
    void aClearTextPasswordFailsStartUpWithoutEchoingIt(CapturedOutput output) {
        assertThatThrownBy(() -> start("--meshkeeper.registry.security.users.alice.password=hunter2"))
                .isInstanceOf(RuntimeException.class);
        assertThat(output.getAll()).contains("meshkeeper.registry.security.users.alice.password")
                .contains("{bcrypt} hash").doesNotContain("hunter2");
    }

    @Test
    void anUnknownRoleFailsStartUpNamingIt(CapturedOutput output) {
        assertThatThrownBy(() -> start("--meshkeeper.registry.security.users.bob.password={bcrypt}$2a$04$abc",
                "--meshkeeper.registry.security.users.bob.roles=superuser")).isInstanceOf(RuntimeException.class);
        assertThat(output.getAll()).contains("meshkeeper.registry.security.users.bob.roles=superuser")
                .contains("use viewer or operator");
    }

    private String healthAs(ConfigurableApplicationContext context, String user, String password) throws Exception {
        return request(context, user, password).body();
    }

    private int healthStatus(ConfigurableApplicationContext context, String user, String password) throws Exception {
        return request(context, user, password).statusCode();
    }

    private HttpResponse<String> request(ConfigurableApplicationContext context, String user, String password)
            throws Exception {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
