package org.llmplayground.core.chart;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;

import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A chart: Apache ECharts in a plain custom element ({@code <pg-chart>}, static/pg-chart.js) fed with ECharts option
 * JSON from the server. ECharts (Apache-2.0, from its WebJar) and the element script are loaded as plain scripts, not
 * through Vaadin's frontend bundle, so no npm build is needed. Any ECharts series type works: line (live loss),
 * bar (histograms), heatmap (attention), radar, tree, scatter.
 * <pre>
 *   chart.setOption(Map.of("xAxis", Map.of("type", "category", "data", List.of("a", "b")),
 *                          "yAxis", Map.of("type", "value"),
 *                          "series", List.of(Map.of("type", "bar", "data", List.of(3, 5)))));
 * </pre>
 * The options last sent are kept, so tests and presenters can read what is shown ({@link #optionJson()}).
 */
@Tag("pg-chart")
public class Chart extends Component implements HasSize {
    static final String ECHARTS_SCRIPT = "/webjars/echarts/5.3.1/dist/echarts.min.js";
    static final String ELEMENT_SCRIPT = "/static/pg-chart.js";
    private static final ObjectMapper JSON = new ObjectMapper();

    private String optionJson = "{}";

    public Chart() {
        setWidthFull();
        setHeight("300px");
    }

    /** Replaces the whole chart with these options. */
    public void setOption(Map<String, ?> option) {
        send(toJson(option), true);
    }

    /** Merges these options into the current chart (ECharts merge semantics), e.g. new data for a live series. */
    public void mergeOption(Map<String, ?> option) {
        send(toJson(option), false);
    }

    public String optionJson() {
        return optionJson;
    }

    private void send(String json, boolean replace) {
        if (replace) {
            optionJson = json;
        }
        getElement().callJsFunction("setOption", json, replace);
    }

    @Override
    protected void onAttach(AttachEvent event) {
        event.getUI().getPage().addJavaScript(ECHARTS_SCRIPT);
        event.getUI().getPage().addJavaScript(ELEMENT_SCRIPT);
        if (!event.isInitialAttach()) {
            send(optionJson, true); // a re-attached element starts empty on the client
        }
    }

    private static String toJson(Map<String, ?> option) {
        try {
            return JSON.writeValueAsString(option);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
