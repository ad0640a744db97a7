package org.llmplayground.app;

import com.vaadin.flow.di.Instantiator;
import com.vaadin.flow.di.InstantiatorFactory;
import com.vaadin.flow.server.VaadinService;
import io.micronaut.context.ApplicationContext;

/**
 * The Micronaut to Vaadin bridge. Vaadin finds this class through its lookup initializer ({@code @HandlesTypes
 * InstantiatorFactory}) and asks it for the object that creates views; we hand it the ApplicationContext that
 * {@link web.JettyServer} put into the servlet context.
 */
public class MicronautInstantiatorFactory implements InstantiatorFactory {
    @Override
    public Instantiator createInstantitor(VaadinService service) {
        ApplicationContext ctx = service.getContext().getAttribute(ApplicationContext.class);
        return ctx == null ? null : new MicronautInstantiator(service, ctx);
    }
}
