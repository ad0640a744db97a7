package org.llmplayground.app.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ApiExamples;
import org.llmplayground.app.OpenApiDocument;

/**
 * The REST API, from the OpenAPI document generated at build time: every operation with its request and response
 * schemas, an example request, the same request in curl and in Python, and "try it", which sends the request from this page (same origin, so with the same
 * host checks and key as any client) and shows the status and the answer.
 */
@Route(value = "rest-api", layout = MainLayout.class) // not "api": /api/* belongs to the REST servlet
@PageTitle("REST API · LLM Playground")
@Prototype
public class ApiDocsView extends VerticalLayout {
    private final Span hint = new Span("Select an operation above to see its request and response, an example, and to try it.");
    private final VerticalLayout details = new VerticalLayout();
    private final H3 title = new H3();
    private final Pre request = new Pre();
    private final Pre response = new Pre();
    private final TextField path = new TextField("Path");
    private final TextArea body = new TextArea("Request body (JSON)");
    private final Button send = new Button("Send request");
    private final Pre answer = new Pre();
    private final Pre curl = new Pre();
    private final Pre python = new Pre();
    private final String base;
    private OpenApiDocument.Operation current;

    public ApiDocsView(OpenApiDocument document, org.llmplayground.app.web.JettyServer server) {
        this.base = server.baseUrl();
        setWidthFull();
        add(new H1("REST API"));
        Anchor raw = new Anchor("/api/v1/openapi.yml", "OpenAPI document (YAML)");
        raw.setTarget("_blank");
        add(new Paragraph("Each lab's API calls the same service as its view. Errors are JSON: "
                + "{\"status\":400,\"error\":\"Bad Request\",\"message\":\"…\"}."), raw);
        Grid<OpenApiDocument.Operation> grid = new Grid<>();
        grid.setId("api-operations");
        grid.addColumn(OpenApiDocument.Operation::method).setHeader("Method").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(OpenApiDocument.Operation::path).setHeader("Path").setAutoWidth(true);
        grid.addColumn(OpenApiDocument.Operation::summary).setHeader("What it does").setFlexGrow(1);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        var items = grid.setItems(document.operations());
        grid.setHeight("24em");
        TextField filter = new TextField();
        filter.setId("api-filter");
        filter.setPlaceholder("Filter: path or words, e.g. tokenization or chat");
        filter.setWidth("28em");
        filter.setClearButtonVisible(true);
        filter.setValueChangeMode(com.vaadin.flow.data.value.ValueChangeMode.LAZY);
        filter.addValueChangeListener(e -> {
            String q = e.getValue().strip().toLowerCase(java.util.Locale.ROOT);
            items.setFilter(op -> q.isEmpty() || (op.method() + " " + op.path() + " " + op.summary()).toLowerCase(java.util.Locale.ROOT).contains(q));
        });
        add(filter);
        grid.asSingleSelect().addValueChangeListener(e -> show(e.getValue()));
        hint.setId("api-hint");
        hint.addClassName("pg-muted");
        add(grid, hint, configureDetails());
    }

    private VerticalLayout configureDetails() {
        request.addClassName("pg-code");
        request.setId("api-request-schema");
        response.addClassName("pg-code");
        response.setId("api-response-schema");
        VerticalLayout left = new VerticalLayout(new Span("Request body"), request);
        VerticalLayout right = new VerticalLayout(new Span("Response"), response);
        left.setPadding(false);
        right.setPadding(false);
        HorizontalLayout schemas = new HorizontalLayout(left, right);
        schemas.setWidthFull();
        path.setId("api-try-path");
        path.setWidthFull();
        path.setHelperText("Put a real run, job or model id where the path says {id}.");
        body.setId("api-try-body");
        body.setWidthFull();
        body.setMaxHeight("18em");
        send.setId("api-try-send");
        send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        send.addClickListener(e -> trySend());
        answer.setId("api-try-answer");
        answer.addClassName("pg-code");
        answer.setVisible(false);
        HorizontalLayout row = new HorizontalLayout(path, send);
        row.setWidthFull();
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        curl.setId("api-example-curl");
        curl.addClassName("pg-code");
        python.setId("api-example-python");
        python.addClassName("pg-code");
        details.add(title, schemas, new H3("Examples"), new Span("curl"), curl, new Span("Python (standard library)"), python,
                new H3("Try it"), row, body, answer);
        details.setPadding(false);
        details.setVisible(false);
        return details;
    }

    private void show(OpenApiDocument.Operation op) {
        current = op;
        hint.setVisible(op == null);
        details.setVisible(op != null);
        if (op == null) {
            return;
        }
        title.setText(op.method() + " " + op.path());
        request.setText(op.request().isEmpty() ? "none" : op.request());
        response.setText(op.response().isEmpty() ? "none" : op.response());
        curl.setText(ApiExamples.curl(op, base));
        python.setText(ApiExamples.python(op, base));
        path.setValue(op.path());
        body.setValue(op.example());
        body.setVisible(!op.example().isEmpty() || !"GET".equals(op.method()) && !"DELETE".equals(op.method()));
        answer.setVisible(false);
        answer.setText("");
    }

    /** Sends the request from the browser (fetch, same origin) and shows the status line and the body. */
    private void trySend() {
        if (current == null) {
            return;
        }
        answer.setVisible(true);
        answer.setText("Sending…");
        boolean hasBody = body.isVisible() && !body.getValue().isBlank();
        getElement().executeJs("""
                const init = {method: $0, headers: {'Accept': 'application/json, text/event-stream'}};
                if ($2) { init.headers['Content-Type'] = 'application/json'; init.body = $1; }
                return fetch($3, init).then(async r => {
                  let text = await r.text();
                  try { text = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { }
                  return r.status + ' ' + r.statusText + '\\n\\n' + (text.length > 20000 ? text.substring(0, 20000) + '\\n…' : text);
                }).catch(e => 'The request did not complete: ' + e);""",
                current.method(), body.getValue(), hasBody, path.getValue().strip())
                .then(String.class, answer::setText, error -> answer.setText("The request did not complete: " + error));
    }
}
