package dev.meshkeeper.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Supplier;
import org.springframework.core.Ordered;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;

/**
 * The caller allow-list as Spring Security configuration, used when Spring Security is on the class path: x509
 * authentication whose principal is the caller's service identity ({@link CallerIdentity}: SPIFFE id, else CN), and
 * an authorization rule that admits the callers on {@code meshkeeper.security.mtls.allowed-callers.<this service>}
 * (every caller if the entry is {@code *}, nobody without an entry). Refused requests get {@code 403} problem
 * details saying why. The entry follows ZooKeeper config live.
 * <p>
 * Meshkeeper applies it to every request through its own {@code SecurityFilterChain} (bean
 * {@code meshkeeperCallerAllowListFilterChain}, ordered {@link #ORDER}). To handle some paths differently, declare
 * your own chain with a {@code securityMatcher} and a lower {@code @Order}; call {@link #configure(HttpSecurity)} on
 * it to keep the allow-list there too, or use this bean as the {@code AuthorizationManager} of single rules
 * ({@code .requestMatchers("/orders/**").access(allowList)}). The TLS handshake (which needs a client certificate
 * the bundle trusts) is not affected by any chain.
 */
public final class CallerAllowListSecurity implements AuthorizationManager<RequestAuthorizationContext> {

    /** Order of Meshkeeper's filter chain; it matches every request, so chains meant to run first need less. */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 10;

    private static final String REFUSAL = CallerAllowListSecurity.class.getName() + ".refusal";

    private final CallerAllowList allowList;

    CallerAllowListSecurity(CallerAllowList allowList) {
        this.allowList = allowList;
    }

    /**
     * Configures {@code http} for calls between services: x509 authentication by service identity, every request
     * authorized by the allow-list, {@code 403} problem details for refused ones, no sessions and no CSRF tokens
     * (callers authenticate with their certificate on every request).
     * @return {@code http}, for further configuration
     */
    public HttpSecurity configure(HttpSecurity http) throws Exception {
        return http
                .x509((x509) -> x509.x509PrincipalExtractor(CallerIdentity::of)
                        .authenticationUserDetailsService(CallerAllowListSecurity::service))
                .authorizeHttpRequests((requests) -> requests.anyRequest().access(this))
                .exceptionHandling((exceptions) -> exceptions
                        .authenticationEntryPoint((request, response, ex) -> forbid(request, response, ex))
                        .accessDeniedHandler((request, response, ex) -> forbid(request, response, ex)))
                .sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable).csrf(AbstractHttpConfigurer::disable);
    }

    /**
     * Admits the request when its x509-authenticated caller is on the allow-list, or the list is {@code *}.
     */
    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
            RequestAuthorizationContext context) {
        Authentication current = authentication.get();
        String caller = (current instanceof PreAuthenticatedAuthenticationToken && current.isAuthenticated())
                ? current.getName() : null;
        String refusal = this.allowList.refusal(caller);
        if (refusal != null) {
            context.getRequest().setAttribute(REFUSAL, refusal);
        }
        return new AuthorizationDecision(refusal == null);
    }

    private static UserDetails service(PreAuthenticatedAuthenticationToken token) {
        return User.withUsername(String.valueOf(token.getPrincipal())).password("")
                .authorities(AuthorityUtils.NO_AUTHORITIES).build();
    }

    private static void forbid(HttpServletRequest request, HttpServletResponse response, Exception ex)
            throws IOException {
        Object refusal = request.getAttribute(REFUSAL);
        CallerAllowListFilter.forbid(request, response,
                (refusal != null) ? refusal.toString() : "Access denied: " + ex.getMessage());
    }
}
