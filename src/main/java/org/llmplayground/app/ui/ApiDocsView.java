package org.llmplayground.app.ui;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.OpenApiDocument;

/** The REST API, from the OpenAPI document generated at build time: every operation with its request and response. */
@Route(value = "rest-api", layout = MainLayout.class) // not "api": /api/* belongs to the REST servlet
@PageTitle("REST API · LLM Playground")
@Prototype
public class ApiDocsView extends VerticalLayout {
    public ApiDocsView(OpenApiDocument document) {
        setWidthFull();
        add(new H1("REST API"));
        Anchor raw = new Anchor("/api/v1/openapi.yml", "OpenAPI document (YAML)");
        raw.setTarget("_blank");
        add(new Paragraph("Each lab's API calls the same service as its view. Errors are JSON: "
                + "{\"status\":400,\"error\":\"Bad Request\",\"message\":\"…\"}. Select an operation to see its bodies."), raw);

        Grid<OpenApiDocument.Operation> grid = new Grid<>();
        grid.setId("api-operations");
        grid.addColumn(OpenApiDocument.Operation::method).setHeader("Method").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(OpenApiDocument.Operation::path).setHeader("Path").setAutoWidth(true);
        grid.addColumn(OpenApiDocument.Operation::summary).setHeader("What it does").setFlexGrow(1);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.setItems(document.operations());

        Pre request = new Pre();
        Pre response = new Pre();
        request.addClassName("pg-code");
        response.addClassName("pg-code");
        grid.asSingleSelect().addValueChangeListener(e -> {
            OpenApiDocument.Operation op = e.getValue();
            request.setText(op == null ? "" : "Request body: " + (op.request().isEmpty() ? "none" : op.request()));
            response.setText(op == null ? "" : "Response: " + (op.response().isEmpty() ? "none" : op.response()));
        });
        VerticalLayout left = new VerticalLayout(request);
        VerticalLayout right = new VerticalLayout(response);
        HorizontalLayout bodies = new HorizontalLayout(left, right);
        bodies.setWidthFull();
        grid.setHeight("26em");
        add(grid, bodies);
    }
}
