package dev.meshkeeper.registry.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer <token>} for the API: the token's SHA-256 is compared, in constant time, with the
 * configured token hashes. A bearer token that matches none is refused (401), not ignored.
 */
class ApiTokenAuthenticationFilter extends OncePerRequestFilter {

    private static final String PREFIX = "Bearer ";

    private final List<ApiToken> tokens;

    private final AuthenticationEntryPoint entryPoint;

    private final AuthenticationEventPublisher events;

    ApiTokenAuthenticationFilter(List<ApiToken> tokens, AuthenticationEntryPoint entryPoint,
            AuthenticationEventPublisher events) {
        this.tokens = tokens;
        this.entryPoint = entryPoint;
        this.events = events;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            chain.doFilter(request, response);
            return;
        }
        byte[] presented = sha256(header.substring(PREFIX.length()).trim());
        ApiToken match = null;
        for (ApiToken token : this.tokens) {
            // Every configured hash is compared, so timing tells nothing about which one matched.
            if (MessageDigest.isEqual(token.hash(), presented) && match == null) {
                match = token;
            }
        }
        if (match == null) {
            SecurityContextHolder.clearContext();
            BadCredentialsException failure = new BadCredentialsException("unknown bearer token");
            // counted by the throttle and recorded in the audit log, like a wrong password
            this.events.publishAuthenticationFailure(failure, new BearerAttempt(request));
            this.entryPoint.commence(request, response, failure);
            return;
        }
        UsernamePasswordAuthenticationToken authentication = UsernamePasswordAuthenticationToken
                .authenticated("token:" + match.name(), null, match.authorities());
        authentication.setDetails(new WebAuthenticationDetails(request));
        this.events.publishAuthenticationSuccess(authentication);
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication);
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        }
        finally {
            SecurityContextHolder.clearContext();
        }
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** A configured token: its name (shown as the caller), its SHA-256 and its authorities. */
    record ApiToken(String name, byte[] hash, List<GrantedAuthority> authorities) {

        static ApiToken parse(String name, String configuredHash, List<GrantedAuthority> authorities, String setting) {
            String hex = (configuredHash != null && configuredHash.startsWith("{sha256}"))
                    ? configuredHash.substring("{sha256}".length()) : null;
            if (hex == null || !hex.matches("[0-9a-fA-F]{64}")) {
                throw new dev.meshkeeper.registry.server.RegistryServerException(setting, null, "token '" + name
                        + "' needs its hash as {sha256} and 64 hex digits (e.g. printf %s \\\"$TOKEN\\\" | sha256sum)");
            }
            return new ApiToken(name, HexFormat.of().parseHex(hex), authorities);
        }
    }
}
