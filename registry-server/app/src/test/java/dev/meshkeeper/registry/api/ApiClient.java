package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API of a registry server started on 127.0.0.1 by an integration test, called as one of the users that
 * {@code TestRegistryProperties.user} configured (password {@code <name>-pw}).
 */
final class ApiClient {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final JsonMapper json = JsonMapper.builder().build();

    private final int port;

    private final String user;

    private final String accept;

    private ApiClient(int port, String user, String accept) {
        this.port = port;
        this.user = user;
        this.accept = accept;
    }

    /** Calls as {@code user}, without an {@code Accept} header. */
    static ApiClient as(String user, int port) {
        return new ApiClient(port, user, null);
    }

    /** Calls without credentials, without an {@code Accept} header. */
    static ApiClient anonymous(int port) {
        return new ApiClient(port, null, null);
    }

    /** The same user, sending {@code Accept: application/json} with every request. */
    ApiClient acceptingJson() {
        return new ApiClient(this.port, this.user, "application/json");
    }

    /** Another user on the same server. */
    ApiClient as(String user) {
        return new ApiClient(this.port, user, this.accept);
    }

    /**
     * A request to {@code path} with a 20 s timeout, this client's user (none when anonymous) and, if set, its
     * {@code Accept}.
     */
    HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
        if (this.user != null) {
            request.header("Authorization", basic(this.user));
        }
        return (this.accept != null) ? request.header("Accept", this.accept) : request;
    }

    HttpResponse<String> get(String path) throws Exception {
        return send(request(path).GET().build());
    }

    HttpResponse<String> delete(String path, String ifMatch) throws Exception {
        return send(ifMatch(request(path).DELETE(), ifMatch).build());
    }

    /** A JSON body sent with {@code method}, with an {@code If-Match} header unless {@code ifMatch} is null. */
    HttpResponse<String> send(String method, String path, String body, String ifMatch) throws Exception {
        return send(method, path, body, "application/json", ifMatch);
    }

    HttpResponse<String> send(String method, String path, String body, String contentType, String ifMatch)
            throws Exception {
        return send(ifMatch(request(path).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)), ifMatch).build());
    }

    HttpResponse<String> put(String path, String body, String ifMatch) throws Exception {
        return send("PUT", path, body, ifMatch);
    }

    HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + this.port + path);
    }

    /** The JSON body of a response that must have {@code status}. */
    static JsonNode body(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json.readTree(response.body());
    }

    static JsonNode json(String text) {
        return json.readTree(text);
    }

    /**
     * Asserts an RFC 9457 problem: the status, the {@code application/problem+json} content type, a detail and, unless
     * {@code field} is null, the field it names.
     */
    static void assertProblem(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                (type) -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank();
        if (field != null) {
            assertThat(problem.get("field").asString()).isEqualTo(field);
        }
    }

    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user + "-pw")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest.Builder ifMatch(HttpRequest.Builder request, String ifMatch) {
        return (ifMatch != null) ? request.header("If-Match", ifMatch) : request;
    }
}
