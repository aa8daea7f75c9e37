package io.facestream.gateway.demo;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The browser demo at /demo (static files under {@code static/demo/}): webcam frames to /ws/recognize, answers
 * drawn over the video, enrolment of a face on screen. It holds no data, so it is served without a key; the
 * key is typed into the page. /demo redirects to /demo/ so the page's relative links (demo.js, ../api, ../ws)
 * also work behind a proxy that mounts the gateway under a path.
 */
@Configuration
public class DemoConfig implements WebMvcConfigurer {

    public static final String PATH = "/demo";

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController(PATH, PATH + "/");
        registry.addViewController(PATH + "/").setViewName("forward:" + PATH + "/index.html");
    }
}
