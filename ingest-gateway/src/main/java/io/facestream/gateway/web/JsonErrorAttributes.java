package io.facestream.gateway.web;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.webmvc.error.DefaultErrorAttributes;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.WebRequest;

/**
 * Errors that never reach a controller (an unknown route, a request the container refuses) are
 * answered by Spring Boot's error page: this gives it the same {"error", "message"} shape as
 * {@link ErrorHandler}, without paths, exception names or traces.
 */
@Component
public class JsonErrorAttributes extends DefaultErrorAttributes {

    @Override
    public Map<String, Object> getErrorAttributes(WebRequest request, ErrorAttributeOptions options) {
        Object status = super.getErrorAttributes(request, ErrorAttributeOptions.defaults()).get("status");
        HttpStatus known = status instanceof Integer code ? HttpStatus.resolve(code) : null;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", known == null ? "error" : known.name().toLowerCase(Locale.ROOT));
        body.put("message", known == null ? "the request failed" : known.getReasonPhrase());
        return body;
    }
}
