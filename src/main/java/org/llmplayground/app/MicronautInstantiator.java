package org.llmplayground.app;

import com.vaadin.flow.di.DefaultInstantiator;
import com.vaadin.flow.server.VaadinService;
import io.micronaut.context.ApplicationContext;

/**
 * Views and components that are Micronaut beans (routes are {@code @Prototype} beans with constructor injection) come
 * from Micronaut; everything else falls back to Vaadin's reflective default.
 */
class MicronautInstantiator extends DefaultInstantiator {
    private final ApplicationContext ctx;

    MicronautInstantiator(VaadinService service, ApplicationContext ctx) {
        super(service);
        this.ctx = ctx;
    }

    @Override
    public <T> T getOrCreate(Class<T> type) {
        return ctx.containsBean(type) ? ctx.getBean(type) : super.getOrCreate(type);
    }
}
