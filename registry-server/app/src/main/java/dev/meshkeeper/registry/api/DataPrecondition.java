package dev.meshkeeper.registry.api;

import org.springframework.http.HttpStatus;

/**
 * The condition a shared data write is made under: {@code If-Match} with a version (or {@code *}: it must exist), or
 * {@code If-None-Match: *} (it must not exist yet), or none.
 */
record DataPrecondition(Long version, boolean exists, boolean absent) {

    static final DataPrecondition NONE = new DataPrecondition(null, false, false);

    /**
     * The precondition of a request's headers, parsed as the config API parses {@code If-Match}.
     * @param required whether a write without a precondition is refused (428)
     * @throws AdminApiException 400 for an unsupported {@code If-None-Match}, 412 for an {@code If-Match} that is
     * not a version, 428 when required and absent
     */
    static DataPrecondition of(String ifMatch, String ifNoneMatch, boolean required) {
        boolean absent = false;
        if (ifNoneMatch != null && !ifNoneMatch.isBlank()) {
            if (!ifNoneMatch.trim().equals("*")) {
                throw AdminApiException.badRequest("If-None-Match", "If-None-Match '" + ifNoneMatch + "' is not "
                        + "supported; send If-None-Match: * to create only when the name or key does not exist yet");
            }
            absent = true;
        }
        if (ifMatch == null || ifMatch.isBlank()) {
            if (!absent && required) {
                throw new AdminApiException(HttpStatus.PRECONDITION_REQUIRED, "If-Match required",
                        "this server requires a precondition on every shared data write "
                                + "(meshkeeper.registry.data.require-if-match=true); read it and send its ETag, "
                                + "e.g. If-Match: \"3\", or send If-None-Match: * to create",
                        "If-Match");
            }
            return absent ? new DataPrecondition(null, false, true) : NONE;
        }
        String tag = ifMatch.trim();
        if (tag.equals("*")) {
            return new DataPrecondition(null, true, absent);
        }
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        tag = tag.replace("\"", "").trim();
        try {
            return new DataPrecondition(Long.parseLong(tag), false, absent);
        }
        catch (NumberFormatException ex) {
            throw failed("If-Match '" + ifMatch + "' is not a shared data version; send the ETag of "
                    + "GET /api/v1/data/{name}, e.g. \"3\"", "If-Match");
        }
    }

    /**
     * @param what the data or entry, as a message names it
     * @param readPath where the caller reads it again
     * @param current its current version, {@code null} when it does not exist
     * @throws AdminApiException (412) when the precondition does not hold
     */
    void check(String what, String readPath, Long current) {
        if (this.absent && current != null) {
            throw failed(what + " already exists (If-None-Match: *); read it (GET " + readPath + ") and send its "
                    + "ETag as If-Match to change it", "If-None-Match");
        }
        if ((this.exists || this.version != null) && current == null) {
            throw failed(what + " does not exist, so If-Match cannot hold; create it with If-None-Match: * or "
                    + "without a precondition", "If-Match");
        }
        if (this.version != null && !this.version.equals(current)) {
            throw failed(what + " is at version " + current + ", not " + this.version + " (If-Match); read it "
                    + "again (GET " + readPath + "), re-apply your change and send the new ETag", "If-Match");
        }
    }

    private static AdminApiException failed(String detail, String field) {
        return new AdminApiException(HttpStatus.PRECONDITION_FAILED, "Version mismatch", detail, field);
    }
}
