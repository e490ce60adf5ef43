package dev.meshkeeper.registry.console;

import dev.meshkeeper.registry.security.RegistrySecurityProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.util.HtmlUtils;

/**
 * The console's login page. Spring Security processes the form ({@code POST /login}, CSRF-protected); this page
 * only renders it, with the CSRF token, and tells a first-start operator where the generated password is.
 */
@Controller
class LoginPageController {

    private final ObjectProvider<RegistrySecurityProperties> security;

    LoginPageController(ObjectProvider<RegistrySecurityProperties> security) {
        this.security = security;
    }

    @GetMapping(path = "/login", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    String login(CsrfToken csrf, @RequestParam(required = false) String error,
            @RequestParam(required = false) String logout) {
        String message = "";
        if (error != null) {
            message = "<div class=\"error\" role=\"alert\">Wrong user name or password.</div>";
        }
        else if (logout != null) {
            message = "<div class=\"ok-msg\" role=\"status\">You are signed out.</div>";
        }
        RegistrySecurityProperties security = this.security.getIfAvailable();
        String firstStart = (security != null && security.getUsers().isEmpty())
                ? "<p class=\"muted hint\">No users are configured: sign in as <code>admin</code> with the password the "
                        + "server printed once in its log at first start (the line saying it generated a password "
                        + "for user 'admin'). Configure users with <code>meshkeeper.registry.security.users.*</code>.</p>"
                : "";
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <title>Sign in · Meshkeeper registry</title>
                  <link rel="stylesheet" href="/console/assets/app.css">
                </head>
                <body class="login-page">
                  <form class="login panel" method="post" action="/login">
                    <div class="login-brand">Meshkeeper <span>registry</span></div>
                    <h1>Sign in</h1>
                    %s
                    <label for="username">User</label>
                    <input type="text" id="username" name="username" autocomplete="username" autofocus required>
                    <label for="password">Password</label>
                    <input type="password" id="password" name="password" autocomplete="current-password" required>
                    <input type="hidden" name="%s" value="%s">
                    <button type="submit">Sign in</button>
                    %s
                  </form>
                </body>
                </html>
                """.formatted(message, HtmlUtils.htmlEscape(csrf.getParameterName()),
                HtmlUtils.htmlEscape(csrf.getToken()), firstStart);
    }
}
