package dev.meshkeeper.registry.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * Serves the web console (static files under {@code /console/}) and tells its scripts who is signed in. The console
 * calls the admin API with its login session and the CSRF token of the {@code XSRF-TOKEN} cookie.
 */
@Controller
class ConsoleController {

    @GetMapping("/")
    String root() {
        return "redirect:/console/";
    }

    @GetMapping("/console")
    String console() {
        return "redirect:/console/";
    }

    @GetMapping("/console/")
    String index() {
        return "forward:/console/index.html";
    }

    /**
     * The signed-in user and roles. Reading the CSRF token here makes sure the {@code XSRF-TOKEN} cookie is set
     * before the console's first write (the token is renewed at login).
     */
    @GetMapping("/console/session")
    @ResponseBody
    Map<String, Object> session(Authentication authentication, CsrfToken csrf) {
        List<String> roles = authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(authority -> authority.startsWith("ROLE_"))
                .map(authority -> authority.substring("ROLE_".length()).toLowerCase(java.util.Locale.ROOT))
                .toList();
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("user", authentication.getName());
        session.put("roles", roles);
        session.put("csrfHeader", csrf.getHeaderName());
        // The token itself travels in the cookie; loading it here is what puts the cookie on the response.
        csrf.getToken();
        return session;
    }
}
