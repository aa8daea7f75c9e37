package io.facestream.gateway.recognition;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;

/** Every error leaves as JSON {"error", "message"}. */
@RestControllerAdvice
public class ErrorHandler {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ErrorResponse(String error, String message, Long existingPersonId) {
        public ErrorResponse(String error, String message) {
            this(error, message, null);
        }
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ErrorResponse> api(ApiException e) {
        return ResponseEntity.status(e.status()).body(new ErrorResponse(e.error(), e.getMessage(), e.existingPersonId()));
    }

    @ExceptionHandler({MissingServletRequestPartException.class, MissingServletRequestParameterException.class})
    ResponseEntity<ErrorResponse> missing(Exception e) {
        return ResponseEntity.badRequest().body(new ErrorResponse("missing_field", e.getMessage()));
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ErrorResponse> tooLarge(MaxUploadSizeExceededException e) {
        return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).body(new ErrorResponse("too_large", "the upload exceeds the size limit"));
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ErrorResponse> multipart(MultipartException e) {
        return ResponseEntity.badRequest().body(new ErrorResponse("invalid_request", "expected a multipart/form-data upload: " + e.getMessage()));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ErrorResponse> mediaType(HttpMediaTypeNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .body(new ErrorResponse("unsupported_media_type", "this route takes " + e.getSupportedMediaTypes()
                        + (e.getSupportedMediaTypes().contains(MediaType.MULTIPART_FORM_DATA) ? " with a 'file' part" : "")));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ErrorResponse> unreadable(HttpMessageNotReadableException e) {
        return ResponseEntity.badRequest().body(new ErrorResponse("invalid_json", "the request body is not the JSON this route expects"));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ErrorResponse> typeMismatch(MethodArgumentTypeMismatchException e) {
        return ResponseEntity.badRequest().body(new ErrorResponse("invalid_request", "'" + e.getName() + "' must be a "
                + (e.getRequiredType() == null ? "valid value" : e.getRequiredType().getSimpleName().toLowerCase())));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ErrorResponse> method(HttpRequestMethodNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED).body(new ErrorResponse("method_not_allowed", e.getMessage()));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ErrorResponse> notFound(NoResourceFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(new ErrorResponse("not_found", "no route " + e.getResourcePath()));
    }

    @ExceptionHandler(CompletionException.class)
    ResponseEntity<ErrorResponse> pipeline(CompletionException e) {
        if (e.getCause() instanceof TimeoutException) {
            return ResponseEntity.status(HttpStatus.GATEWAY_TIMEOUT).body(new ErrorResponse("timeout", e.getCause().getMessage()));
        }
        if (e.getCause() instanceof ApiException api) {
            return api(api);
        }
        return ResponseEntity.internalServerError().body(new ErrorResponse("internal", "the pipeline failed: " + e.getCause().getMessage()));
    }
}
