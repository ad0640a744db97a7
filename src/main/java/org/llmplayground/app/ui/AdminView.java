package org.llmplayground.app.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.web.AdminConsole;
import org.llmplayground.core.Workspace;

/** Where the data lives and how to open the database console. */
@Route(value = "admin", layout = MainLayout.class)
@PageTitle("Admin · LLM Playground")
@Prototype
public class AdminView extends VerticalLayout {
    public AdminView(AdminConsole console, Workspace workspace) {
        setMaxWidth("960px");
        add(new H1("Admin"));
        add(new Paragraph("Everything the app writes lives in the workspace folder: " + workspace.home()
                + ". Delete it to start from scratch."));
        if (console.enabled()) {
            Anchor open = new Anchor("/admin/h2/", "Open the H2 database console");
            open.setTarget("_blank");
            open.setId("admin-console-link");
            add(new Paragraph("The H2 console is enabled for this machine only. Sign in as user 'admin' with the "
                    + "configured password, then connect with:"), new Pre("JDBC URL: " + console.jdbcUrl() + "\nUser: sa\nPassword: (empty)"), open);
        } else {
            Paragraph off = new Paragraph("The database console is disabled because no admin password is set. Start the "
                    + "app with PLAYGROUND_ADMIN_PASSWORD=<a password> (or -Dplayground.admin.password=...) to enable it at /admin/h2.");
            off.setId("admin-console-disabled");
            add(off);
        }
    }
}
