package dev.meshkeeper.registry.security;

import dev.meshkeeper.registry.security.ApiTokenAuthenticationFilter.ApiToken;
import dev.meshkeeper.registry.server.RegistryServerException;
import dev.meshkeeper.registry.zookeeper.RegistryProperties;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry server is secure by default: the API needs a user (HTTP Basic) or a bearer token, viewers read and
 * operators write; the console needs a login and carries CSRF protection; health, info and Prometheus stay open
 * (health details only for users who authenticate). There is no default password. A state-changing request a browser
 * sends for another site is refused, a cookie-authenticated one needs the CSRF token, browsers never get a Basic
 * challenge, and repeated authentication failures are throttled per user and per client address.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(RegistrySecurityProperties.class)
public class RegistrySecurityConfiguration {

    private static final String VIEWER = RegistryRole.VIEWER.name();

    private static final String OPERATOR = RegistryRole.OPERATOR.name();

    /** Scripts, styles and connections from this server only; no inline script; never framed. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService registryUsers(RegistrySecurityProperties security, RegistryProperties registry,
            PasswordEncoder encoder) {
        List<UserDetails> users = new ArrayList<>();
        for (Map.Entry<String, RegistrySecurityProperties.User> entry : security.getUsers().entrySet()) {
            String setting = "security.users." + entry.getKey();
            String password = entry.getValue().getPassword();
            if (password == null || !password.startsWith("{bcrypt}")) {
                // Never echo the value: it may be a clear-text password.
                throw new RegistryServerException(setting + ".password", null, "the password of user '"
                        + entry.getKey() + "' must be a {bcrypt} hash, not clear text; e.g. {bcrypt} followed by "
                        + "the output of: htpasswd -bnBC 12 \"\" 'the-password' | tr -d ':\\n'");
            }
            users.add(User.withUsername(entry.getKey()).password(password)
                    .authorities(RegistryRole.authorities(entry.getValue().getRoles(), setting + ".roles")).build());
        }
        if (users.isEmpty()) {
            users.add(User.withUsername(GeneratedAdminPassword.USER)
                    .password(GeneratedAdminPassword.hash(registry.getDataDir(), encoder))
                    .authorities(RegistryRole.authorities(List.of(OPERATOR), "security.users.admin.roles")).build());
        }
        return new InMemoryUserDetailsManager(users);
    }

    @Bean
    ProblemResponses registryProblemResponses(JsonMapper jsonMapper) {
        return new ProblemResponses(jsonMapper);
    }

    @Bean
    AuthenticationThrottle authenticationThrottle(RegistrySecurityProperties security) {
        return new AuthenticationThrottle(security.getThrottle(), Clock.systemUTC());
    }

    @Bean
    AuthenticationOutcomes authenticationOutcomes(AuthenticationThrottle throttle) {
        return new AuthenticationOutcomes(throttle);
    }

    /**
     * What every chain shares: cross-site writes refused before anything else, throttled credentials refused before
     * any password check, and the security headers (a CSP without inline script, no framing, no cross-origin
     * referrers).
     */
    private static HttpSecurity common(HttpSecurity http, RegistrySecurityProperties security,
            ProblemResponses problems, AuthenticationThrottle throttle) throws Exception {
        http.addFilterBefore(new CrossSiteRequestFilter(security.getAllowedOrigins(), problems), CsrfFilter.class);
        if (security.getThrottle().isEnabled()) {
            http.addFilterBefore(new AuthenticationThrottleFilter(throttle, problems),
                    UsernamePasswordAuthenticationFilter.class);
        }
        return http.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                .frameOptions(frames -> frames.deny()));
    }

    /**
     * Whether a request to the API may skip the CSRF token: only when it brings its own credentials (Basic or bearer)
     * and no session cookie, i.e. it is not authenticated by a cookie a browser adds by itself.
     */
    static boolean carriesOwnCredentials(HttpServletRequest request) {
        return request.getHeader("Authorization") != null && request.getRequestedSessionId() == null;
    }

    /**
     * The API: HTTP Basic or a bearer token (stateless: no session is created, no CSRF token needed), or the
     * console's login session — then, as for every cookie-authenticated change, with the CSRF token.
     */
    @Bean
    @Order(1)
    SecurityFilterChain apiSecurity(HttpSecurity http, RegistrySecurityProperties security,
            ProblemResponses problems, AuthenticationThrottle throttle, AuthenticationEventPublisher events)
            throws Exception {
        List<ApiToken> tokens = new ArrayList<>();
        security.getTokens().forEach((name, token) -> {
            String setting = "security.tokens." + name;
            tokens.add(ApiToken.parse(name, token.getHash(),
                    RegistryRole.authorities(token.getRoles(), setting + ".roles"), setting + ".hash"));
        });
        return common(http, security, problems, throttle).securityMatcher("/api/**")
                .authorizeHttpRequests(requests -> requests
                        // An event stream's completion is dispatched again; the request was authorized when it
                        // started, and its session may be gone by now (logout ends the stream).
                        .dispatcherTypeMatchers(DispatcherType.ASYNC).permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/**").hasRole(VIEWER)
                        .requestMatchers(HttpMethod.HEAD, "/api/**").hasRole(VIEWER)
                        .anyRequest().hasRole(OPERATOR))
                .httpBasic(basic -> basic.authenticationEntryPoint(problems.unauthorized()))
                .addFilterBefore(new ApiTokenAuthenticationFilter(tokens, problems.unauthorized(), events),
                        BasicAuthenticationFilter.class)
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(problems.unauthorized())
                        .accessDeniedHandler(problems.forbidden()))
                .securityContext(context -> context.securityContextRepository(consoleSessionOrRequest()))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .csrf(csrf -> csrf.spa().ignoringRequestMatchers(RegistrySecurityConfiguration::carriesOwnCredentials))
                .build();
    }

    /** Reads the console's session (never creates one): API calls with credentials stay stateless. */
    private static SecurityContextRepository consoleSessionOrRequest() {
        HttpSessionSecurityContextRepository session = new HttpSessionSecurityContextRepository();
        session.setAllowSessionCreation(false);
        return new DelegatingSecurityContextRepository(new RequestAttributeSecurityContextRepository(), session);
    }

    /** Actuator: health, info and Prometheus are open; every other endpoint needs an operator. */
    @Bean
    @Order(2)
    SecurityFilterChain actuatorSecurity(HttpSecurity http, RegistrySecurityProperties security,
            ProblemResponses problems, AuthenticationThrottle throttle) throws Exception {
        return common(http, security, problems, throttle).securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(EndpointRequest.to("health", "info", "prometheus")).permitAll()
                        .anyRequest().hasRole(OPERATOR))
                .httpBasic(basic -> basic.authenticationEntryPoint(problems.unauthorized()))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .build();
    }

    /** The console: form login with a session, CSRF protection on. */
    @Bean
    @Order(3)
    SecurityFilterChain consoleSecurity(HttpSecurity http, RegistrySecurityProperties security,
            ProblemResponses problems, AuthenticationThrottle throttle) throws Exception {
        return common(http, security, problems, throttle)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/login", "/error", "/favicon.ico", "/console/assets/**").permitAll()
                        .anyRequest().hasRole(VIEWER))
                // The console's own login page (LoginPageController); Spring Security still processes POST /login.
                .formLogin(form -> form.loginPage("/login"))
                .logout(Customizer.withDefaults())
                // The console's scripts send the token from the XSRF-TOKEN cookie as X-XSRF-TOKEN; forms send _csrf.
                .csrf(csrf -> csrf.spa())
                .build();
    }
}
