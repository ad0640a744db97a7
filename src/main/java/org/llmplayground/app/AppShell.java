package org.llmplayground.app;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.AppShellSettings;
import com.vaadin.flow.shared.communication.PushMode;
import com.vaadin.flow.shared.ui.Transport;

/**
 * Page-level settings. Push runs over a websocket for server-to-browser updates (live charts, job progress) and plain
 * XHR for browser-to-server events. The theme is a plain stylesheet from {@code frontend-theme/} (no npm build).
 */
@Push(value = PushMode.AUTOMATIC, transport = Transport.WEBSOCKET_XHR)
public class AppShell implements AppShellConfigurator {
    @Override
    public void configurePage(AppShellSettings settings) {
        settings.setPageTitle("LLM Playground");
        settings.addLink("stylesheet", "/static/theme/playground.css");
        settings.addLink("icon", "/static/theme/favicon.svg");
        // apply the saved dark/light choice before the first paint
        settings.addInlineWithContents(com.vaadin.flow.component.page.Inline.Position.APPEND,
                "<script>try{if(localStorage.getItem('pg-theme')==='dark'){document.documentElement.setAttribute('theme','dark');}}catch(e){}</script>",
                com.vaadin.flow.component.page.Inline.Wrapping.NONE);
    }
}
